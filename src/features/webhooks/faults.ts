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
import type { Random } from '../../engine/ids.js';
import { DEFAULT_REORDER_HOLD_MS, FAULT_KINDS, readFaultRules } from '../../domain/webhook-faults.js';
import type { AppliedFaults, FaultKind, FaultRule, FaultScope } from '../../domain/webhook-faults.js';

export { FAULT_KINDS, DEFAULT_REORDER_HOLD_MS, readFaultRules };
export type { FaultKind, FaultRule, AppliedFaults, FaultScope };

import type { Collection, Store } from '../../engine/store.js';

interface ScopeRecord {
  scope: FaultScope;
  rules: FaultRule[];
}

function scopeKey(s: FaultScope): string {
  if (s.kind === 'sandbox') return 'sandbox';
  if (s.kind === 'site') return `site\n${s.site}`;
  return `order\n${s.site}\n${s.order_id}`;
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
