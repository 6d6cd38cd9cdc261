/**
 * Long-poll: answer when an order reaches a status (and, if asked, when a notification for
 * it was acknowledged), or when the real-time timeout runs out. Driven by the engine's
 * events and the dispatcher's delivery events; no polling loop.
 */
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../domain/order.js';
import { FINANCIAL_STATUSES, ORDER_STATUSES } from '../domain/statuses.js';
import { badField } from './control-error.js';
import { findAnySite } from './views.js';

export const WAIT_STATUSES: readonly string[] = [...new Set<string>([...ORDER_STATUSES, ...FINANCIAL_STATUSES])];
export const MAX_WAIT_MS = 120_000;
export const DEFAULT_WAIT_MS = 30_000;

export function parseWaitStatus(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || !WAIT_STATUSES.includes(v)) {
    throw badField('status', `${JSON.stringify(v)?.slice(0, 30)} is not a status; use one of ${WAIT_STATUSES.join(', ')}`, 'unknown_status');
  }
  return v;
}

export interface WaitSpec {
  site: string | null;
  id: string;
  status: string | null;
  webhookAcked: boolean;
  timeoutMs: number;
}

export type WaitResult =
  | { outcome: 'reached'; order: OrderRecord; waitedMs: number }
  | { outcome: 'timeout' | 'reset' | 'closed'; order: OrderRecord | null; waitedMs: number };

/** An order status or transaction status equal to `status` counts as reached. */
export function hasReached(order: OrderRecord, status: string | null): boolean {
  return status === null || order.status === status || order.financial_status === status;
}

export function waitForOrder(ctx: SandboxContext, spec: WaitSpec, onAbort: (cancel: () => void) => void): Promise<WaitResult> {
  const { engine, control } = ctx;
  const real = engine.realTime;
  const started = real.now();
  const acks = control.webhookAcks;

  const find = (): OrderRecord | null => {
    if (spec.site !== null) return engine.findOrder(spec.site, spec.id) ?? null;
    const all = findAnySite(engine, spec.id);
    return all.length === 1 ? all[0]! : null;
  };
  const done = (o: OrderRecord): boolean =>
    hasReached(o, spec.status) && (!spec.webhookAcked || (acks !== null && acks.isAcknowledged(o.site, String(o.order_id))));

  return new Promise<WaitResult>((resolve) => {
    const cleanups: Array<() => void> = [];
    let finished = false;
    const finish = (r: WaitResult): void => {
      if (finished) return;
      finished = true;
      for (const c of cleanups) c();
      resolve(r);
    };
    const check = (): void => {
      const o = find();
      if (o && done(o)) finish({ outcome: 'reached', order: o, waitedMs: real.now() - started });
    };
    const concerns = (site: string, orderId: string | number, tx?: number): boolean =>
      (spec.site === null || site === spec.site) && (String(orderId) === spec.id || (tx !== undefined && String(tx) === spec.id));

    cleanups.push(engine.onEvent((e) => {
      if (concerns(e.site, e.order_id, e.transaction_id)) check();
    }));
    if (spec.webhookAcked && acks) {
      cleanups.push(acks.onDelivery((site, orderId) => {
        if (concerns(site, orderId)) check();
      }));
    }
    cleanups.push(control.onReset((site) => {
      if (site === null || spec.site === null || site === spec.site) finish({ outcome: 'reset', order: null, waitedMs: real.now() - started });
    }));
    const timer = real.setTimeout(() => finish({ outcome: 'timeout', order: find(), waitedMs: real.now() - started }), spec.timeoutMs);
    cleanups.push(() => real.clearTimeout(timer));
    onAbort(() => finish({ outcome: 'closed', order: null, waitedMs: real.now() - started }));
    check();
  });
}
