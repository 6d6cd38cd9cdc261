/**
 * Failure rules: make the MultiSafepay API misbehave on purpose, so a shop's error paths
 * can be tested. Matched like scenario rules (order_id, amount, email, country, var1-3),
 * on create-order by default or on any /v1/json route, applied `once`, `times: n` or
 * persistently, optionally with a seeded `probability`.
 *
 *   error    answer a catalogue error (default 1024 "Transaction declined")
 *   http     answer HTTP 500/502/503/504 (JSON envelope, an HTML error page, or empty)
 *   latency  answer normally, but only after `latency`
 *   drop     close the connection without an answer (before the handler, or `after` it ran:
 *            the order exists but the client never hears so)
 *   timeout  never answer; the client gives up (or the sandbox closes the connection at stop)
 *
 * The same rules, with `target: "notification"`, make the notifications to a shop misbehave
 * (drop, duplicate, reorder, delay, wrong_key, malformed; see domain/webhook-faults.ts): one
 * language, one book, one set of routes and errors for every deliberate misbehaviour.
 * Notification rules also match the order `statuses` the notification reports. Because one
 * notification may carry several faults (delayed and duplicated), every fitting rule of the
 * most specific group applies: rules of the site naming the order, else rules of the site,
 * else sandbox-wide rules naming the order, else sandbox-wide rules. An API call can only
 * fail one way, so there the first fitting rule takes it.
 */
import { ERROR_CATALOGUE, errorNameByCode } from '../../domain/errors.js';
import type { Engine } from '../../engine/engine.js';
import type { ControlErrorCode, Obj } from '../../domain/control-error.js';
import { badField, isObj, onlyFields } from '../../domain/control-error.js';
import { parseDuration } from '../../options/duration.js';
import { ORDER_STATUSES } from '../../domain/statuses.js';
import { API_FAILURE_KINDS, RULE_TARGETS } from '../../domain/wire/rules.js';
import type { RuleTarget } from '../../domain/wire/rules.js';
import { DEFAULT_REORDER_HOLD_MS, FAULT_KINDS } from '../../domain/webhook-faults.js';
import type { AppliedFaults, FaultKind } from '../../domain/webhook-faults.js';
import type { MatchSubject, RuleMatch } from './match.js';
import { PatternCache, compilePattern, matches, parseMatch, parseUses, subjectOf } from './match.js';
import { RuleBook } from './rule-book.js';

export const FAILURE_KINDS = API_FAILURE_KINDS;
export type FailureKind = (typeof FAILURE_KINDS)[number];
export { RULE_TARGETS };
export type { RuleTarget };
/** Longest notification delay or reorder hold: the retry schedule's own horizon. */
const MAX_NOTIFICATION_DELAY_MS = 30 * 24 * 3600_000;
const HTTP_STATUSES = [500, 502, 503, 504] as const;
const BODIES = ['json', 'html', 'empty'] as const;
/** Latency is real time a client waits; more than two minutes is beyond any client's timeout. */
const MAX_LATENCY_MS = 120_000;

export interface FailureRule {
  readonly id: string;
  readonly site: string | null;
  /** What misbehaves: the API answer, or a notification. Rules stored before targets existed are API rules. */
  readonly target?: RuleTarget;
  readonly kind: FailureKind | FaultKind;
  /** notification only: the order statuses whose notifications it takes; null: every status. */
  readonly statuses?: readonly string[] | null;
  /** notification only: delay (required) or reorder's longest hold (default 5 minutes). */
  readonly delay_ms?: number | null;
  /** `create_order`, `any`, or `METHOD /path-glob` under /v1/json (e.g. `GET /orders/*`). */
  readonly on: string;
  readonly match: RuleMatch;
  readonly error_code: number | null;
  readonly status: (typeof HTTP_STATUSES)[number] | null;
  readonly body: (typeof BODIES)[number] | null;
  readonly latency_ms: number | null;
  /** drop only: after the handler ran (the change is made, the answer is lost). */
  readonly after: boolean;
  readonly probability: number;
  readonly remaining: number | null;
  readonly applied: number;
  readonly source: 'control' | 'preset';
  readonly seq: number;
}

type RuleInput = Omit<FailureRule, 'id' | 'seq' | 'source' | 'applied'>;
const RULE_FIELDS = ['target', 'kind', 'on', 'match', 'code', 'error_code', 'status', 'body', 'latency', 'after', 'statuses', 'delay', 'probability', 'once', 'times', 'persist', 'site'] as const;
/** Fields that only one target understands. */
const API_ONLY = ['on', 'code', 'error_code', 'status', 'body', 'latency', 'after'] as const;
const NOTIFICATION_ONLY = ['statuses', 'delay'] as const;

export function targetOf(rule: FailureRule): RuleTarget {
  return rule.target ?? 'api';
}

/** `?target=` of a list or reset: one target, or both when absent. */
export function parseTarget(v: unknown, field = 'target', code: ControlErrorCode = 'invalid_rule'): RuleTarget | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string' && (RULE_TARGETS as readonly string[]).includes(v)) return v as RuleTarget;
  throw badField(field, `${JSON.stringify(v)?.slice(0, 30)} is not a rule target; use one of ${RULE_TARGETS.join(', ')}`, code);
}

function parseStatuses(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.length > ORDER_STATUSES.length) throw badField(field, 'must be a list of order statuses, e.g. ["completed"]', 'invalid_rule');
  return v.map((s, i) => {
    if (typeof s !== 'string' || !(ORDER_STATUSES as readonly string[]).includes(s)) {
      throw badField(`${field}[${i}]`, `${JSON.stringify(s)?.slice(0, 30)} is not an order status; use one of ${ORDER_STATUSES.join(', ')}`, 'invalid_rule');
    }
    return s;
  });
}

function parseOn(v: unknown, field: string): string {
  if (v === undefined || v === null || v === 'create_order') return 'create_order';
  if (v === 'any') return 'any';
  if (typeof v === 'string') {
    const m = /^(GET|POST|PATCH|PUT|DELETE|\*)\s+(\/\S*)$/i.exec(v.trim());
    if (m) {
      compilePattern(m[2] ?? '/', field);
      return `${(m[1] ?? '*').toUpperCase()} ${m[2] ?? '/'}`;
    }
  }
  throw badField(field, `${JSON.stringify(v)?.slice(0, 40)} is not a route; use "create_order" (default), "any", or "METHOD /path" under /v1/json such as "GET /orders/*"`, 'invalid_rule');
}

/** Does a rule's `on` cover this API call? `path` is relative to /v1/json, without the query. */
export function coversRoute(on: string, method: string, path: string, cache?: PatternCache): boolean {
  if (on === 'any') return true;
  if (on === 'create_order') return method === 'POST' && /^\/orders\/?$/.test(path);
  const [m = '*', glob = '/'] = on.split(' ');
  return (m === '*' || m === method) && (cache ? cache.get(glob) : compilePattern(glob, 'on')).test(path);
}

export class FailureRules extends RuleBook<FailureRule> {
  private readonly patterns = new PatternCache();

  constructor(engine: Engine) {
    super(engine, 'control-failure-rules', 'fr');
  }

  parse(body: unknown, site: string | null, where = ''): RuleInput {
    const at = (f: string): string => (where ? `${where}.${f}` : f);
    if (!isObj(body)) throw badField(where || 'body', 'a failure rule is an object such as {"kind":"error","code":1024,"match":{"order_id":"fail-*"}}', 'invalid_rule');
    onlyFields(body, RULE_FIELDS, where);
    const target = parseTarget(body.target, at('target')) ?? 'api';
    if (target === 'notification') return this.parseNotification(body, site, at, where);
    for (const f of NOTIFICATION_ONLY) if (body[f] !== undefined) throw badField(at(f), 'applies to target notification only', 'invalid_rule');
    const kind = body.kind ?? 'error';
    if (typeof kind !== 'string' || !(FAILURE_KINDS as readonly string[]).includes(kind)) {
      throw badField(at('kind'), `${JSON.stringify(kind)?.slice(0, 30)} is not a failure kind; use one of ${FAILURE_KINDS.join(', ')}`, 'invalid_rule');
    }
    const k = kind as FailureKind;
    const only = (field: string, kinds: readonly FailureKind[]): void => {
      if (body[field] !== undefined && !kinds.includes(k)) throw badField(at(field), `applies to kind ${kinds.join('/')} only, not ${k}`, 'invalid_rule');
    };
    only('code', ['error']);
    only('error_code', ['error']);
    only('status', ['http']);
    only('body', ['http']);
    only('latency', ['latency']);
    only('after', ['drop']);

    let errorCode: number | null = null;
    if (k === 'error') {
      const raw = body.code ?? body.error_code ?? ERROR_CATALOGUE.DECLINED.code;
      const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof code !== 'number' || errorNameByCode(code) === undefined) {
        const known = Object.values(ERROR_CATALOGUE).map((e) => e.code).join(', ');
        throw badField(at('code'), `${JSON.stringify(raw)?.slice(0, 20)} is not in the sandbox's error catalogue; use one of ${known}`, 'invalid_rule');
      }
      errorCode = code;
    }
    let status: FailureRule['status'] = null;
    let errBody: FailureRule['body'] = null;
    if (k === 'http') {
      const s = body.status ?? 503;
      if (typeof s !== 'number' || !(HTTP_STATUSES as readonly number[]).includes(s)) throw badField(at('status'), `must be one of ${HTTP_STATUSES.join(', ')}`, 'invalid_rule');
      status = s as FailureRule['status'];
      const b = body.body ?? 'json';
      if (typeof b !== 'string' || !(BODIES as readonly string[]).includes(b)) throw badField(at('body'), `must be one of ${BODIES.join(', ')}`, 'invalid_rule');
      errBody = b as FailureRule['body'];
    }
    let latency: number | null = null;
    if (k === 'latency') {
      if (body.latency === undefined) throw badField(at('latency'), 'a latency rule needs how long to wait, e.g. "2s"', 'invalid_rule');
      latency = parseDuration(body.latency, at('latency'));
      if (latency > MAX_LATENCY_MS) throw badField(at('latency'), 'must be at most 2 minutes; use kind "timeout" for an answer that never comes', 'invalid_rule');
    }
    if (body.after !== undefined && typeof body.after !== 'boolean') throw badField(at('after'), 'must be true or false', 'invalid_rule');
    const p = body.probability ?? 1;
    if (typeof p !== 'number' || !(p > 0) || p > 1) throw badField(at('probability'), 'must be a number above 0 and at most 1 (the share of matching calls that fail)', 'invalid_rule');
    let ruleSite = site;
    if (body.site !== undefined && body.site !== null) {
      if (typeof body.site !== 'string' || body.site.trim().length < 5) throw badField(at('site'), 'must be an API key of 5 or more characters', 'invalid_rule');
      ruleSite = body.site.trim();
    }
    return {
      site: ruleSite,
      target: 'api',
      kind: k,
      on: parseOn(body.on, at('on')),
      match: parseMatch(body.match, at('match'), this.engine.rules, { sofortOnly: false }),
      error_code: errorCode,
      status,
      body: errBody,
      latency_ms: latency,
      after: body.after === true,
      probability: p,
      remaining: parseUses(body as Obj, where),
    };
  }

  private parseNotification(body: Obj, site: string | null, at: (f: string) => string, where: string): RuleInput {
    for (const f of API_ONLY) if (body[f] !== undefined) throw badField(at(f), 'applies to target api only', 'invalid_rule');
    const kind = body.kind;
    if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw badField(at('kind'), `${JSON.stringify(kind ?? null).slice(0, 30)} is not a notification fault; use one of ${FAULT_KINDS.join(', ')}`, 'invalid_rule');
    }
    const k = kind as FaultKind;
    let delay: number | null = null;
    if (body.delay !== undefined && body.delay !== null) {
      if (k !== 'delay' && k !== 'reorder') throw badField(at('delay'), `applies to kind delay/reorder only, not ${k}`, 'invalid_rule');
      delay = parseDuration(body.delay, at('delay'));
      if (delay > MAX_NOTIFICATION_DELAY_MS) throw badField(at('delay'), 'must be at most 30 days', 'invalid_rule');
    }
    if (k === 'delay' && delay === null) throw badField(at('delay'), 'a delay fault needs how long, e.g. "90s"', 'invalid_rule');
    return {
      site: this.parseSite(body, site, at),
      target: 'notification',
      kind: k,
      on: 'notification',
      match: parseMatch(body.match, at('match'), this.engine.rules, { sofortOnly: false }),
      statuses: parseStatuses(body.statuses, at('statuses')),
      delay_ms: delay,
      error_code: null,
      status: null,
      body: null,
      latency_ms: null,
      after: false,
      probability: this.parseProbability(body, at),
      remaining: parseUses(body, where),
    };
  }

  private parseProbability(body: Obj, at: (f: string) => string): number {
    const p = body.probability ?? 1;
    if (typeof p !== 'number' || !(p > 0) || p > 1) throw badField(at('probability'), 'must be a number above 0 and at most 1 (the share of matching calls that fail)', 'invalid_rule');
    return p;
  }

  private parseSite(body: Obj, site: string | null, at: (f: string) => string): string | null {
    if (body.site === undefined || body.site === null) return site;
    if (typeof body.site !== 'string' || body.site.trim().length < 5) throw badField(at('site'), 'must be an API key of 5 or more characters', 'invalid_rule');
    return body.site.trim();
  }

  /** Rules of one target (both with null), in the order they are tried. */
  listOf(site: string | null, target: RuleTarget | null): FailureRule[] {
    const all = this.list(site);
    return target === null ? all : all.filter((r) => targetOf(r) === target);
  }

  /**
   * The faults of one notification, spending a use of every rule that fired. The most
   * specific group of rules that concerns the order decides (see the top of this file);
   * within it rules apply oldest first, so a later reorder hold wins and delays add up.
   */
  decideNotification(site: string, order: Obj, status: string): AppliedFaults {
    if (this.rules.size === 0) return {};
    const subject = subjectOf(order);
    const orderId = subject.order_id;
    const concerns = (r: FailureRule): boolean =>
      targetOf(r) === 'notification' && (r.site === null || r.site === site) && (r.match.order_id === undefined || (orderId !== null && this.patterns.get(r.match.order_id).test(orderId)));
    const rank = (r: FailureRule): number => (r.site !== null ? 2 : 0) + (r.match.order_id !== undefined ? 1 : 0);
    const concerned = this.list(site).filter(concerns);
    if (concerned.length === 0) return {};
    const top = Math.max(...concerned.map(rank));
    const group = concerned.filter((r) => rank(r) === top).sort((a, b) => a.seq - b.seq);
    const applied: AppliedFaults = {};
    this.engine.store.transaction(() => {
      for (const rule of group) {
        if (rule.statuses && !rule.statuses.includes(status)) continue;
        if (!matches(rule.match, subject, this.patterns)) continue;
        // Draw only for rules that may fire and are not certain: a certain rule uses no randomness.
        if (rule.probability < 1 && this.engine.ids.random() >= rule.probability) continue;
        applyFault(applied, rule);
        const left = rule.remaining === null ? null : rule.remaining - 1;
        if (left === 0) this.rules.delete(rule.id);
        else this.rules.set(rule.id, { ...rule, remaining: left, applied: rule.applied + 1 });
      }
    });
    return applied;
  }

  /** Cheap test used on every API call: is there any rule at all? */
  get size(): number {
    return this.rules.size;
  }

  /**
   * The failure for one API call, if a rule takes it: the first rule (site's own first,
   * newest first) whose route and match fit and whose seeded draw says yes. Consumes a use.
   */
  pick(site: string | null, method: string, path: string, subject: () => MatchSubject): FailureRule | null {
    let s: MatchSubject | null = null;
    for (const rule of this.list(site)) {
      if (rule.site !== null && rule.site !== site) continue;
      if (targetOf(rule) !== 'api') continue;
      if (!coversRoute(rule.on, method, path, this.patterns)) continue;
      s ??= subject();
      if (!matches(rule.match, s, this.patterns)) continue;
      if (rule.probability < 1 && this.engine.ids.random() >= rule.probability) continue;
      this.engine.store.transaction(() => {
        const left = rule.remaining === null ? null : rule.remaining - 1;
        if (left === 0) this.rules.delete(rule.id);
        else this.rules.set(rule.id, { ...rule, remaining: left, applied: rule.applied + 1 });
      });
      return rule;
    }
    return null;
  }
}

function applyFault(a: AppliedFaults, rule: FailureRule): void {
  switch (rule.kind) {
    case 'drop':
      a.drop = true;
      break;
    case 'duplicate':
      a.duplicate = true;
      break;
    case 'reorder':
      a.reorder_hold_ms = rule.delay_ms ?? DEFAULT_REORDER_HOLD_MS;
      break;
    case 'delay':
      a.delay_ms = (a.delay_ms ?? 0) + (rule.delay_ms ?? 0);
      break;
    case 'wrong_key':
      a.wrong_key = true;
      break;
    case 'malformed':
      a.malformed = true;
      break;
  }
}
