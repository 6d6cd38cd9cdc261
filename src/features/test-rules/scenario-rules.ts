/**
 * Scenario rules: which outcome an order gets, chosen without a browser. The outcome lives
 * on the order (`order.scenario`, which the payment page preselects and the bank plays at
 * confirm); a rule or request marker sets it when the order is created, and with a `delay`
 * the sandbox plays it out on its own: a job on the site's clock applies `scenarioAction()`.
 *
 * Precedence at order creation: a request marker (var3 `sandbox:<scenario>[:<delay>]`, or
 * the customer email's `+<scenario>` tag) beats the rules; among rules, a site's own rules
 * come before sandbox-wide ones and the newest matching rule wins (runtime overrides in
 * front, as in msw). Rules are kept in the store so a durable sandbox keeps them.
 */
import type { OrderRecord } from '../../domain/order.js';
import type { Scenario } from '../../domain/scenarios.js';
import { SCENARIOS, isScenario, scenarioAction } from '../../domain/scenarios.js';
import { RECURRING_GATEWAY } from '../../domain/sofort-rules.js';
import type { Engine } from '../../engine/engine.js';
import { ApiError } from '../../domain/errors.js';
import type { JobRecord } from '../../engine/jobs.js';
import { simulatedPayer } from '../../engine/payer.js';
import type { Obj } from '../../domain/control-error.js';
import { ControlError, badField, fromApiError, isObj, onlyFields } from '../../domain/control-error.js';
import { formatDuration, parseDuration } from '../../options/duration.js';
import type { RuleMatch } from './match.js';
import { PatternCache, matches, parseMatch, parseUses, subjectOf } from './match.js';
import { RuleBook } from './rule-book.js';

export interface ScenarioRule {
  readonly id: string;
  /** API key the rule belongs to; null: every site. */
  readonly site: string | null;
  readonly scenario: Scenario;
  readonly match: RuleMatch;
  /** Play the outcome this long after the order is created; null: wait for the shopper at the bank. */
  readonly delay_ms: number | null;
  /** Uses left; null: persistent. */
  readonly remaining: number | null;
  readonly applied: number;
  readonly source: 'control' | 'preset';
  /** Insertion order (newest wins). */
  readonly seq: number;
}

export const SCENARIO_JOB = 'scenario_play';
const RULE_FIELDS = ['scenario', 'match', 'delay', 'once', 'times', 'persist', 'site'] as const;

export function unknownScenario(field: string, value: unknown): ControlError {
  return badField(field, `${JSON.stringify(value)?.slice(0, 40) ?? 'nothing'} is not a scenario; use one of ${SCENARIOS.join(', ')}`, 'unknown_scenario');
}

export function parseScenario(value: unknown, field = 'scenario'): Scenario {
  if (!isScenario(value)) throw unknownScenario(field, value);
  return value;
}

/** A scenario marker in a create-order request: var3 `sandbox:<scenario>[:<delay>]` or email `name+<scenario>@...`. */
export interface Marker {
  scenario: Scenario | null;
  delay_ms: number | null;
  source: string;
  problem?: string;
}

export function markerOf(order: Pick<OrderRecord, 'var3' | 'customer'>): Marker | null {
  const v3 = order.var3?.trim();
  if (v3 && /^sandbox:/i.test(v3)) {
    const [, name = '', delay] = v3.split(':');
    const scenario = name.trim().toLowerCase();
    if (!isScenario(scenario)) {
      return { scenario: null, delay_ms: null, source: 'var3', problem: `var3 marker "${v3.slice(0, 60)}" names no scenario; use sandbox:<${SCENARIOS.join('|')}>[:<delay>]` };
    }
    let delayMs: number | null = null;
    if (delay !== undefined && delay.trim() !== '') {
      try {
        delayMs = parseDuration(delay.trim(), 'var3');
      } catch {
        return { scenario, delay_ms: null, source: 'var3', problem: `var3 marker delay "${delay.slice(0, 20)}" is not a duration such as 30s or 5m; the scenario waits for the bank page instead` };
      }
    }
    return { scenario, delay_ms: delayMs, source: 'var3' };
  }
  const email = order.customer.email;
  const tag = email ? /^[^@+]*\+([a-z]+)@/i.exec(email)?.[1]?.toLowerCase() : undefined;
  if (tag && isScenario(tag)) return { scenario: tag, delay_ms: null, source: 'email' };
  return null;
}

export class ScenarioRules extends RuleBook<ScenarioRule> {
  private readonly patterns = new PatternCache();

  constructor(engine: Engine) {
    super(engine, 'control-scenario-rules', 'sr');
    engine.jobs.handle(SCENARIO_JOB, (job) => this.playJob(job));
    // A follow-up, not a listener: it changes the new order (its scenario) in the same step.
    engine.onFollowUp('scenario-rules', ({ event, order }) => {
      if (event.type === 'order_created') this.onOrderCreated(order);
    });
  }

  /** Validate a rule from a control call or a preset file. Throws ControlError naming the field. */
  parse(body: unknown, site: string | null, where = ''): Omit<ScenarioRule, 'id' | 'seq' | 'source' | 'applied'> {
    const at = (f: string): string => (where ? `${where}.${f}` : f);
    if (!isObj(body)) throw badField(where || 'body', 'a scenario rule is an object such as {"scenario":"declined","match":{"order_id":"decline-*"}}', 'invalid_rule');
    onlyFields(body, RULE_FIELDS, where);
    const scenario = parseScenario(body.scenario, at('scenario'));
    const match = parseMatch(body.match, at('match'), this.engine.rules, { sofortOnly: true });
    const delay = body.delay === undefined || body.delay === null ? null : parseDuration(body.delay, at('delay'));
    const remaining = parseUses(body as Obj, where);
    let ruleSite = site;
    if (body.site !== undefined && body.site !== null) {
      if (typeof body.site !== 'string' || body.site.trim().length < 5) throw badField(at('site'), 'must be an API key of 5 or more characters', 'invalid_rule');
      ruleSite = body.site.trim();
    }
    return { site: ruleSite, scenario, match, delay_ms: delay, remaining };
  }

  private onOrderCreated(order: OrderRecord): void {
    const marker = markerOf(order);
    if (marker) {
      if (marker.scenario) this.choose(order, marker.scenario, marker.delay_ms, `request marker (${marker.source})${marker.problem ? `; ${marker.problem}` : ''}`);
      else this.note(order, marker.problem ?? 'request marker ignored');
      return;
    }
    const subject = subjectOf(order as unknown as Obj);
    const rule = this.list(order.site).find((r) => matches(r.match, subject, this.patterns));
    if (!rule) return;
    this.engine.store.transaction(() => {
      const left = rule.remaining === null ? null : rule.remaining - 1;
      if (left === 0) this.rules.delete(rule.id);
      else this.rules.set(rule.id, { ...rule, remaining: left, applied: rule.applied + 1 });
    });
    this.choose(order, rule.scenario, rule.delay_ms, `scenario rule ${rule.id}`);
  }

  private note(order: OrderRecord, note: string): void {
    this.engine.transition(order.site, order.transaction_id, { kind: 'update' }, 'control', note);
  }

  private choose(order: OrderRecord, scenario: Scenario, delayMs: number | null, why: string): void {
    this.engine.transition(order.site, order.transaction_id, { kind: 'update', scenario }, 'control', `scenario ${scenario} set by ${why}`);
    // A token payment (direct debit) has no bank page where a shopper would confirm: play it at once.
    const tokenPayment = order.gateway === RECURRING_GATEWAY || (order.type === 'direct' && order.recurring_id !== null);
    const delay = delayMs ?? (tokenPayment ? 0 : null);
    if (delay === null) return;
    if (delay > 0) {
      this.schedulePlay(order.site, order.transaction_id, delay);
      return;
    }
    // Delay 0: play right after the creation has finished (its response and its event first),
    // without waiting for a tick of the clock, which a manual clock would never give.
    const { site, transaction_id: tx } = order;
    queueMicrotask(() => {
      try {
        this.play(site, tx, 'the control plane at once');
      } catch (err) {
        if (!(err instanceof ApiError)) console.error('sofort-sandbox: playing a scenario failed', err);
      }
    });
  }

  /**
   * Decide one unpaid order's outcome (control API and dashboard alike): store the scenario
   * on the order, then play it now (delay 0), after `delayMs` on the site's clock, or leave
   * it to the shopper at the bank (null). `by` names the door in the timeline notes.
   */
  setOutcome(order: OrderRecord, scenario: Scenario, delayMs: number | null, by: string): { played: boolean; order: OrderRecord } {
    if (order.status !== 'initialized') {
      throw new ControlError(409, 'conflict', `order ${String(order.order_id).slice(0, 60)} is already ${order.status}; a scenario can only decide an unpaid (initialized) order. Create a new order.`);
    }
    const { site, transaction_id: tx } = order;
    this.engine.transition(site, tx, { kind: 'update', scenario }, 'control', `scenario ${scenario} set by ${by}`);
    let played = false;
    if (delayMs === null) {
      this.cancelPlay(site, tx);
    } else if (delayMs === 0) {
      try {
        this.play(site, tx, `${by} at once`);
        played = true;
      } catch (err) {
        if (err instanceof ApiError) throw fromApiError(err);
        throw err;
      }
    } else {
      this.schedulePlay(site, tx, delayMs);
    }
    return { played, order: this.engine.getOrder(site, tx) ?? order };
  }

  /** Play the order's scenario `delayMs` from now, as a job on the site's clock. */
  schedulePlay(site: string, transactionId: number, delayMs: number): void {
    const due = this.engine.now(site) + delayMs;
    this.engine.jobs.schedule({ id: `${SCENARIO_JOB}:${site}:${transactionId}`, site, kind: SCENARIO_JOB, due, data: { transaction_id: transactionId, delay_ms: delayMs } });
  }

  cancelPlay(site: string, transactionId: number): void {
    this.engine.jobs.cancel(`${SCENARIO_JOB}:${site}:${transactionId}`);
  }

  pendingPlay(site: string, transactionId: number): JobRecord | undefined {
    return this.engine.jobs.get(`${SCENARIO_JOB}:${site}:${transactionId}`);
  }

  /**
   * Play the scenario an order carries now. Returns the order afterwards. Throws the engine's
   * ApiError when the order can no longer take that outcome (already paid, expired...).
   */
  play(site: string, transactionId: number, why: string): OrderRecord | undefined {
    const order = this.engine.getOrder(site, transactionId);
    if (!order || !isScenario(order.scenario)) return order;
    this.cancelPlay(site, transactionId);
    const action = scenarioAction(order.scenario, simulatedPayer(this.engine.ids));
    if (action === null) return order; // abandoned: the shopper never returns, the expiry job ends it.
    return this.engine.transition(site, transactionId, action, 'control', `scenario ${order.scenario} played by ${why}`).order;
  }

  private playJob(job: JobRecord): void {
    const tx = job.data.transaction_id as number;
    try {
      const delay = typeof job.data.delay_ms === 'number' ? job.data.delay_ms : 0;
      this.play(job.site, tx, `the control plane after ${formatDuration(delay)}`);
    } catch (err) {
      // The order moved on first (paid at the bank, cancelled, expired): its outcome stands.
      if (!(err instanceof ApiError)) throw err;
    }
  }
}
