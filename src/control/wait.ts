/**
 * Long-poll: answer when an order reaches a status (and, if asked, when a notification that
 * reports that status, or a later change, was acknowledged), or when the real-time timeout
 * runs out. Driven by the engine's events and the dispatcher's delivery events; no polling.
 */
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../domain/order.js';
import { FINANCIAL_STATUSES, ORDER_STATUSES } from '../domain/statuses.js';
import { badField } from '../domain/control-error.js';
import { formatDuration } from '../options/duration.js';
import type { NotificationSummary } from '../features/test-rules/service.js';
import { findAnySite, iso } from '../http/control-views.js';

export const WAIT_STATUSES: readonly string[] = [...new Set<string>([...ORDER_STATUSES, ...FINANCIAL_STATUSES])];
export const MAX_WAIT_MS = 120_000;
/**
 * Four seconds: inside the 5 s default test timeout of Vitest and Jest (tap allows 30 s),
 * so a suite sees the sandbox's explanation of what is pending instead of its runner's
 * "test timed out". On a manual clock a wait rarely needs real time at all.
 */
export const DEFAULT_WAIT_MS = 4_000;

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

function reports(n: { status: string; financial_status: string }, status: string): boolean {
  return n.status === status || n.financial_status === status;
}

/** Sandbox time the order last entered `status` (its creation when it never changed into it). */
function reachedAt(order: OrderRecord, status: string | null): number {
  if (status === null) return order.created;
  for (let i = order.timeline.length - 1; i >= 0; i--) {
    const e = order.timeline[i]!;
    if (reports(e.to, status) && !reports(e.from, status)) return e.at;
  }
  return order.created;
}

/**
 * The notifications that answer a wait for `status` + acknowledged: those reporting that
 * status, or a change after the order reached it. An earlier notification (the uncleared
 * one, when waiting for completed) does not count.
 */
export function relevantNotifications(order: OrderRecord, status: string | null, all: readonly NotificationSummary[]): NotificationSummary[] {
  if (status === null) return [...all];
  const since = reachedAt(order, status);
  return all.filter((n) => reports(n, status) || n.created_at > since);
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
  const acknowledged = (o: OrderRecord): boolean =>
    acks !== null && relevantNotifications(o, spec.status, acks.notifications(o.site, String(o.order_id))).some((n) => n.state === 'delivered');
  const done = (o: OrderRecord): boolean => hasReached(o, spec.status) && (!spec.webhookAcked || acknowledged(o));

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

/** "due at T on this site's manual clock: advance it by D" — what would move a pending thing. */
function dueText(ctx: SandboxContext, site: string, due: number): string {
  const clock = ctx.engine.clockFor(site);
  const which = ctx.engine.hasOwnClock(site) ? "this site's" : 'the sandbox';
  const now = clock.now();
  const ahead = Math.max(0, due - now);
  if (clock.frozen) {
    return `due at ${iso(due)} on ${which} manual clock (now ${iso(now)}): advance it (POST /_sandbox/clock/advance {"by":"${formatDuration(ahead)}"})`;
  }
  const realMs = Math.ceil(ahead / clock.scale);
  return `due at ${iso(due)} on ${which} clock, ${formatDuration(realMs)} of real time from now: wait longer, or advance the clock`;
}

/** Why a wait ran out: what the order is now, what is pending for it and what would move it. */
export function explainTimeout(ctx: SandboxContext, spec: WaitSpec, o: OrderRecord | null): string {
  const id = spec.id.slice(0, 60);
  const what = [spec.status ? `status ${spec.status}` : null, spec.webhookAcked ? 'an acknowledged notification' : null].filter(Boolean).join(' and ');
  const head = `order ${id} did not reach ${what} within ${formatDuration(spec.timeoutMs)}`;
  if (!o) return `${head}: it does not exist; create it first, or check the order_id and the site's API key`;
  if (!hasReached(o, spec.status)) {
    const now = `it is ${o.status} (transaction ${o.financial_status})`;
    const jobs = ctx.engine.jobs.list((j) => j.site === o.site && j.data.transaction_id === o.transaction_id);
    const next = jobs[0];
    if (next) return `${head}: ${now}; its next change (${next.kind}) is ${dueText(ctx, o.site, next.due)}`;
    return `${head}: ${now} and nothing is scheduled that would move it: pay on the payment page, or set its outcome (POST /_sandbox/orders/${id}/scenario {"scenario":"completed","delay":0})`;
  }
  const label = spec.status ?? o.status;
  const acks = ctx.control.webhookAcks;
  const mine = acks ? relevantNotifications(o, spec.status, acks.notifications(o.site, String(o.order_id))) : [];
  const pending = mine.find((n) => n.state === 'pending' && n.next_attempt_at !== null);
  if (pending) return `${head}: it is ${o.status}; the ${label} notification is ${dueText(ctx, o.site, pending.next_attempt_at!)}`;
  if (mine.some((n) => n.state === 'held')) return `${head}: it is ${o.status}; the ${label} notification is held back by a reorder fault until the order's next notification`;
  const last = mine[mine.length - 1];
  if (last) {
    return `${head}: it is ${o.status}; the ${label} notification ended ${last.state} without an acknowledgement: check the receiver (GET /_sandbox/webhooks/deliveries?order_id=${id}) and resend it`;
  }
  if (!o.payment_options.notification_url) return `${head}: it is ${o.status}, but the order has no payment_options.notification_url, so no notification is sent`;
  return `${head}: it is ${o.status} but no notification reporting it was queued`;
}
