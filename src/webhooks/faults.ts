/**
 * Configurable notification failures, for testing merchant code against a misbehaving
 * MultiSafepay: drop, duplicate, reorder (swap with the next one of the same order),
 * delay, sign with a wrong key, send a malformed body.
 *
 * Rules live in a scope: the whole sandbox, one site (API key), or one order of a site.
 * The most specific scope that has rules decides (like runtime overrides in front of
 * defaults); `clear` restores the next one. Chances are drawn from the sandbox's seeded
 * generator when the notification is queued, so a seeded run repeats exactly whatever
 * the network timing. Rules are stored (JSON) so a durable sandbox keeps them.
 */
import type { Random } from '../engine/ids.js';
import type { Collection, Store } from '../engine/store.js';

export const FAULT_KINDS = ['drop', 'duplicate', 'reorder', 'delay', 'wrong_key', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  fault: FaultKind;
  /** Chance per notification from 0 to 1 (default 1), drawn from the seeded generator. */
  probability?: number;
  /** Apply to this many notifications, then the rule is spent (default: no limit). */
  times?: number;
  /** delay: extra sandbox milliseconds (required). reorder: longest hold if no later notification comes (default 5 minutes). */
  ms?: number;
  /** Only notifications whose order status (after the change) is one of these, e.g. ["completed"]. */
  statuses?: string[];
}

/** What was decided for one notification; kept on its record so a restart replays the same. */
export interface AppliedFaults {
  drop?: true;
  duplicate?: true;
  /** Held until the next notification of the order went out, at most this long. */
  reorder_hold_ms?: number;
  delay_ms?: number;
  wrong_key?: true;
  malformed?: true;
}

export type FaultScope = { kind: 'sandbox' } | { kind: 'site'; site: string } | { kind: 'order'; site: string; order_id: string };

interface ScopeRecord {
  scope: FaultScope;
  rules: FaultRule[];
}

export const DEFAULT_REORDER_HOLD_MS = 5 * 60_000;

function scopeKey(s: FaultScope): string {
  if (s.kind === 'sandbox') return 'sandbox';
  if (s.kind === 'site') return `site\n${s.site}`;
  return `order\n${s.site}\n${s.order_id}`;
}

/** Validate rules from JSON or options: the rules, or a message that names the field and the fix. */
export function readFaultRules(input: unknown): FaultRule[] | string {
  if (!Array.isArray(input)) return 'faults must be a list, e.g. [{"fault":"drop"}]';
  if (input.length > 50) return 'at most 50 fault rules per scope';
  const out: FaultRule[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `faults[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${at} must be an object such as {"fault":"drop"}`;
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (!['fault', 'probability', 'times', 'ms', 'statuses'].includes(k)) return `${at}.${k} is not a fault option; use fault, probability, times, ms, statuses`;
    }
    if (typeof r.fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(r.fault)) {
      return `${at}.fault must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(r.fault ?? null)}`;
    }
    const rule: FaultRule = { fault: r.fault as FaultKind };
    if (r.probability !== undefined) {
      if (typeof r.probability !== 'number' || !(r.probability >= 0 && r.probability <= 1)) return `${at}.probability must be a number from 0 to 1`;
      rule.probability = r.probability;
    }
    if (r.times !== undefined) {
      if (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 1) return `${at}.times must be a whole number of 1 or more`;
      rule.times = r.times;
    }
    if (r.ms !== undefined) {
      if (typeof r.ms !== 'number' || !Number.isInteger(r.ms) || r.ms < 0 || r.ms > 30 * 24 * 3600_000) return `${at}.ms must be a whole number of milliseconds from 0 to 30 days`;
      rule.ms = r.ms;
    }
    if (rule.fault === 'delay' && rule.ms === undefined) return `${at}: a delay fault needs ms, e.g. {"fault":"delay","ms":60000}`;
    if (r.statuses !== undefined) {
      if (!Array.isArray(r.statuses) || r.statuses.some((s) => typeof s !== 'string')) return `${at}.statuses must be a list of order statuses, e.g. ["completed"]`;
      rule.statuses = [...(r.statuses as string[])];
    }
    out.push(rule);
  }
  return out;
}

export class FaultBook {
  private readonly scopes: Collection<ScopeRecord>;

  constructor(store: Store, defaults: readonly FaultRule[]) {
    this.scopes = store.collection<ScopeRecord>('webhook-faults');
    // A durable store's rules win over the start-up defaults: they are what a tester set last.
    if (defaults.length > 0 && !this.scopes.has('sandbox')) this.set({ kind: 'sandbox' }, defaults);
  }

  set(scope: FaultScope, rules: readonly FaultRule[]): void {
    if (rules.length === 0) this.scopes.delete(scopeKey(scope));
    else this.scopes.set(scopeKey(scope), { scope, rules: rules.map((r) => ({ ...r })) });
  }

  clear(scope: FaultScope): boolean {
    return this.scopes.delete(scopeKey(scope));
  }

  get(scope: FaultScope): FaultRule[] {
    return this.scopes.get(scopeKey(scope))?.rules.map((r) => ({ ...r })) ?? [];
  }

  /** Every scope that concerns a site (its orders, itself, the sandbox). */
  list(site: string): { sandbox: FaultRule[]; site: FaultRule[]; orders: Record<string, FaultRule[]> } {
    const orders: Record<string, FaultRule[]> = {};
    for (const rec of this.scopes.values()) {
      if (rec.scope.kind === 'order' && rec.scope.site === site) orders[rec.scope.order_id] = rec.rules.map((r) => ({ ...r }));
    }
    return { sandbox: this.get({ kind: 'sandbox' }), site: this.get({ kind: 'site', site }), orders };
  }

  /** Forget the rules of one site (its orders included), or every rule. */
  reset(site: string | null): void {
    for (const [key, rec] of [...this.scopes.entries()]) {
      if (site === null || (rec.scope.kind !== 'sandbox' && rec.scope.site === site)) this.scopes.delete(key);
    }
  }

  /** Decide the faults of one notification, spending `times` of the rules that fired. */
  decide(site: string, orderId: string, status: string, random: Random): AppliedFaults {
    const scopes: FaultScope[] = [{ kind: 'order', site, order_id: orderId }, { kind: 'site', site }, { kind: 'sandbox' }];
    const key = scopes.map(scopeKey).find((k) => this.scopes.has(k));
    const rec = key === undefined ? undefined : this.scopes.get(key);
    if (!key || !rec) return {};
    const applied: AppliedFaults = {};
    let spent = false;
    const kept: FaultRule[] = [];
    for (const rule of rec.rules) {
      let fires = !rule.statuses || rule.statuses.includes(status);
      // Draw only for rules that may fire and are not certain: a rule set to 1 uses no randomness.
      if (fires && rule.probability !== undefined && rule.probability < 1) fires = random() < rule.probability;
      if (fires) {
        apply(applied, rule);
        if (rule.times !== undefined) {
          spent = true;
          if (rule.times > 1) kept.push({ ...rule, times: rule.times - 1 });
          continue;
        }
      }
      kept.push(rule);
    }
    if (spent) {
      if (kept.length === 0) this.scopes.delete(key);
      else this.scopes.set(key, { scope: rec.scope, rules: kept });
    }
    return applied;
  }
}

function apply(a: AppliedFaults, rule: FaultRule): void {
  switch (rule.fault) {
    case 'drop':
      a.drop = true;
      break;
    case 'duplicate':
      a.duplicate = true;
      break;
    case 'reorder':
      a.reorder_hold_ms = rule.ms ?? DEFAULT_REORDER_HOLD_MS;
      break;
    case 'delay':
      a.delay_ms = (a.delay_ms ?? 0) + (rule.ms ?? 0);
      break;
    case 'wrong_key':
      a.wrong_key = true;
      break;
    case 'malformed':
      a.malformed = true;
      break;
  }
}
