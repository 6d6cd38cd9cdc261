/**
 * Notification faults by scope, the shape of the older `/_sandbox/webhooks/faults` routes
 * and of `webhooks.faults` in code: a view over the one rule book of deliberate
 * misbehaviour (features/test-rules/failure-rules.ts), where a notification fault is a
 * failure rule with `target: "notification"`. Kept so tests written against the scope API
 * keep working for one more minor version; new code writes rules on `/_sandbox/failures`.
 *
 * A scope maps onto a rule's site and match: sandbox = every site, no match; site = the
 * site, no match; order = the site and `match.order_id`. The most specific scope that has
 * rules decides, as the rule book decides notification rules; `clear` restores the next.
 * Rules with other match fields are not in any scope: this view neither lists nor clears them.
 */
import type { Obj } from '../../domain/control-error.js';
import { DEFAULT_REORDER_HOLD_MS, FAULT_KINDS, readFaultRules } from '../../domain/webhook-faults.js';
import type { AppliedFaults, FaultKind, FaultRule, FaultScope } from '../../domain/webhook-faults.js';
import type { Store } from '../../engine/store.js';
import type { FailureRule, FailureRules } from '../test-rules/failure-rules.js';
import { targetOf } from '../test-rules/failure-rules.js';
import type { RuleFields } from '../test-rules/rule-book.js';

export { FAULT_KINDS, DEFAULT_REORDER_HOLD_MS, readFaultRules };
export type { FaultKind, FaultRule, AppliedFaults, FaultScope };

/** The scope a rule belongs to, if it has one (a notification rule with other match fields has none). */
export function scopeOfRule(r: FailureRule): FaultScope | null {
  if (targetOf(r) !== 'notification') return null;
  const keys = Object.keys(r.match);
  if (keys.length === 0) return r.site === null ? { kind: 'sandbox' } : { kind: 'site', site: r.site };
  if (keys.length === 1 && r.match.order_id !== undefined && r.site !== null) return { kind: 'order', site: r.site, order_id: r.match.order_id };
  return null;
}

function sameScope(a: FaultScope, b: FaultScope): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'sandbox' || b.kind === 'sandbox') return true;
  if (a.site !== b.site) return false;
  return a.kind !== 'order' || b.kind !== 'order' || a.order_id === b.order_id;
}

function toRule(f: FaultRule, scope: FaultScope): RuleFields<FailureRule> {
  return {
    site: scope.kind === 'sandbox' ? null : scope.site,
    target: 'notification',
    kind: f.fault,
    on: 'notification',
    match: scope.kind === 'order' ? { order_id: scope.order_id } : {},
    statuses: f.statuses ? [...f.statuses] : null,
    delay_ms: f.ms ?? null,
    error_code: null,
    status: null,
    body: null,
    latency_ms: null,
    after: false,
    probability: f.probability ?? 1,
    remaining: f.times ?? null,
  };
}

function toFault(r: FailureRule): FaultRule {
  return {
    fault: r.kind as FaultKind,
    ...(r.probability !== 1 ? { probability: r.probability } : {}),
    ...(r.remaining !== null ? { times: r.remaining } : {}),
    ...(r.delay_ms !== null && r.delay_ms !== undefined ? { ms: r.delay_ms } : {}),
    ...(r.statuses ? { statuses: [...r.statuses] } : {}),
  };
}

interface LegacyScopeRecord {
  scope: FaultScope;
  rules: FaultRule[];
}

export class FaultBook {
  constructor(
    private readonly book: FailureRules,
    store: Store,
    defaults: readonly FaultRule[],
  ) {
    // A data directory written before the one rule book kept faults by scope: move them over once.
    const legacy = store.collection<LegacyScopeRecord>('webhook-faults');
    if (legacy.size > 0) {
      store.transaction(() => {
        for (const [key, rec] of [...legacy.entries()]) {
          this.set(rec.scope, rec.rules);
          legacy.delete(key);
        }
      });
    }
    // Start-up faults are sandbox-wide presets: a reset brings them back, a durable store's copy wins.
    defaults.forEach((f, i) => book.addPreset(toRule(f, { kind: 'sandbox' }), `nf-start-${i}`));
  }

  private inScope(scope: FaultScope): FailureRule[] {
    return this.book
      .list(null)
      .filter((r) => {
        const s = scopeOfRule(r);
        return s !== null && sameScope(s, scope);
      })
      .sort((a, b) => a.seq - b.seq);
  }

  /** Replace the rules of a scope (none: clear it). */
  set(scope: FaultScope, rules: readonly FaultRule[]): void {
    for (const r of this.inScope(scope)) this.book.remove(r.id);
    for (const f of rules) this.book.add(toRule(f, scope));
  }

  clear(scope: FaultScope): boolean {
    const rules = this.inScope(scope);
    for (const r of rules) this.book.remove(r.id);
    return rules.length > 0;
  }

  get(scope: FaultScope): FaultRule[] {
    return this.inScope(scope).map(toFault);
  }

  /** Every scope that concerns a site (its orders, itself, the sandbox). */
  list(site: string): { sandbox: FaultRule[]; site: FaultRule[]; orders: Record<string, FaultRule[]> } {
    const orders: Record<string, FaultRule[]> = {};
    for (const r of this.book.list(site).sort((a, b) => a.seq - b.seq)) {
      const s = scopeOfRule(r);
      if (s?.kind === 'order' && s.site === site) (orders[s.order_id] ??= []).push(toFault(r));
    }
    return { sandbox: this.get({ kind: 'sandbox' }), site: this.get({ kind: 'site', site }), orders };
  }

  /** Forget the notification rules of one site (or all; sandbox-wide start-up rules come back). */
  reset(site: string | null): void {
    this.book.reset(site, (r) => targetOf(r) === 'notification');
  }

  /** Decide the faults of one notification (the rule book spends the uses of the rules that fired). */
  decide(site: string, order: Obj, status: string): AppliedFaults {
    return this.book.decideNotification(site, order, status);
  }
}
