/**
 * The delivery log: one record per notification with every attempt made for it, in a
 * store collection (JSON values, replaced never mutated) so a durable store keeps it and
 * a restart can re-arm what was pending from the records alone.
 *
 * Bounded: at most `limit` notifications per site; when a site has more, its oldest
 * finished ones are forgotten. Open ones (pending, held) are never dropped: nothing is lost.
 */
import type { Collection, Store } from '../../engine/store.js';
import type { AppliedFaults } from './faults.js';

import type { NotificationState } from '../../domain/notification-states.js';
import { isOpen } from '../../domain/notification-states.js';

/** The states and which may follow which: domain/notification-states.ts. */
export type { NotificationState };
export { isOpen };
export type AttemptKind = 'first' | 'retry' | 'resend' | 'duplicate';

export interface AttemptRecord {
  /** 1, 2, ... across every kind of attempt of this notification. */
  n: number;
  kind: AttemptKind;
  /** Sandbox time (epoch ms) the request left. */
  at: number;
  request: { method: 'POST' | 'GET'; url: string; headers: Record<string, string>; body: string | null };
  /** null when no HTTP answer came (refused, reset, timeout). */
  response: { status: number; body: string; truncated: boolean } | null;
  /** Real milliseconds from sending to the end of the answer (or the error). */
  duration_ms: number;
  error: string | null;
  acknowledged: boolean;
}

export interface NotificationRecord {
  id: string;
  seq: number;
  site: string;
  order_id: string | number;
  transaction_id: number;
  /** The engine event that caused it: status_changed, refund_created, order_created, ... */
  event: string;
  /** Order status and transaction (financial) status the body reports. */
  status: string;
  financial_status: string;
  /** Sandbox time the change happened. */
  created_at: number;
  method: 'POST' | 'GET';
  /** notification_url as the merchant gave it (transactionid and timestamp are appended per attempt). */
  url: string;
  /** The exact bytes of the order at the change (null for GET notifications). */
  body: string | null;
  faults: AppliedFaults;
  state: NotificationState;
  /** When the first attempt is due without fault delays: later notifications of the order never go before it. */
  natural_due: number;
  /** Sandbox time of the next automatic attempt (null when none is planned). */
  next_attempt_at: number | null;
  /** Automatic attempts made (first + retries); resends and duplicates do not count. */
  attempts_made: number;
  /** Every attempt, oldest first (the last ATTEMPTS_KEPT). */
  attempts: AttemptRecord[];
  attempts_total: number;
}

export const ATTEMPTS_KEPT = 20;

function orderKey(site: string, orderId: string | number): string {
  return `${site}\n${String(orderId)}`;
}

export class DeliveryLog {
  private readonly records: Collection<NotificationRecord>;
  /** site -> ids in seq order (a Set keeps insertion order). Derived; rebuilt from the store. */
  private readonly bySite = new Map<string, Set<string>>();
  /** order -> ids of its open notifications. Derived; rebuilt from the store. */
  private readonly openByOrder = new Map<string, Set<string>>();
  private seq = 0;

  constructor(
    store: Store,
    private readonly limit: number,
  ) {
    this.records = store.collection<NotificationRecord>('webhook-deliveries');
    const all = [...this.records.values()].sort((a, b) => a.seq - b.seq);
    for (const r of all) {
      this.index(r);
      this.seq = Math.max(this.seq, r.seq);
    }
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get(id: string): NotificationRecord | undefined {
    return this.records.get(id);
  }

  add(rec: NotificationRecord): void {
    this.records.set(rec.id, rec);
    this.index(rec);
    this.prune(rec.site);
  }

  update(rec: NotificationRecord): void {
    this.records.set(rec.id, rec);
    const key = orderKey(rec.site, rec.order_id);
    const open = this.openByOrder.get(key);
    if (isOpen(rec.state)) {
      if (open) open.add(rec.id);
      else this.openByOrder.set(key, new Set([rec.id]));
    } else if (open) {
      open.delete(rec.id);
      if (open.size === 0) this.openByOrder.delete(key);
    }
  }

  /** A site's notifications, oldest first; of one order (by order_id) if given. */
  /** A site's notifications (every site's with `site` null), oldest first. */
  list(site: string | null, orderId?: string): NotificationRecord[] {
    const out: NotificationRecord[] = [];
    for (const ids of site === null ? this.bySite.values() : [this.bySite.get(site) ?? new Set<string>()]) {
      for (const id of ids) {
        const r = this.records.get(id);
        if (r && (orderId === undefined || String(r.order_id) === orderId)) out.push(r);
      }
    }
    if (site === null) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  /** Open notifications of one order, oldest first. */
  openForOrder(site: string, orderId: string | number): NotificationRecord[] {
    const ids = this.openByOrder.get(orderKey(site, orderId));
    if (!ids) return [];
    const out: NotificationRecord[] = [];
    for (const id of ids) {
      const r = this.records.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Every open notification (for recovery after a restart and for shutdown counts). */
  open(): NotificationRecord[] {
    const out: NotificationRecord[] = [];
    for (const ids of this.openByOrder.values()) {
      for (const id of ids) {
        const r = this.records.get(id);
        if (r) out.push(r);
      }
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  countOpen(): number {
    let n = 0;
    for (const ids of this.openByOrder.values()) n += ids.size;
    return n;
  }

  /** Forget the records of one transaction (an order the engine forgot); returns them. */
  remove(site: string, transactionId: number): NotificationRecord[] {
    const ids = this.bySite.get(site);
    const removed: NotificationRecord[] = [];
    if (!ids) return removed;
    for (const id of ids) {
      const r = this.records.get(id);
      if (!r || r.transaction_id !== transactionId) continue;
      removed.push(r);
      ids.delete(id);
      this.records.delete(id);
      const key = orderKey(site, r.order_id);
      const open = this.openByOrder.get(key);
      open?.delete(id);
      if (open?.size === 0) this.openByOrder.delete(key);
    }
    return removed;
  }

  /** Forget a site's records (or all); returns the forgotten records. */
  reset(site: string | null): NotificationRecord[] {
    const removed: NotificationRecord[] = [];
    for (const [s, ids] of [...this.bySite.entries()]) {
      if (site !== null && s !== site) continue;
      for (const id of ids) {
        const r = this.records.get(id);
        if (r) removed.push(r);
        this.records.delete(id);
      }
      this.bySite.delete(s);
    }
    for (const r of removed) this.openByOrder.delete(orderKey(r.site, r.order_id));
    return removed;
  }

  private index(rec: NotificationRecord): void {
    let ids = this.bySite.get(rec.site);
    if (!ids) {
      ids = new Set();
      this.bySite.set(rec.site, ids);
    }
    ids.add(rec.id);
    if (isOpen(rec.state)) {
      const key = orderKey(rec.site, rec.order_id);
      const open = this.openByOrder.get(key);
      if (open) open.add(rec.id);
      else this.openByOrder.set(key, new Set([rec.id]));
    }
  }

  private prune(site: string): void {
    const ids = this.bySite.get(site);
    if (!ids || ids.size <= this.limit) return;
    let excess = ids.size - this.limit;
    for (const id of ids) {
      if (excess <= 0) break;
      const r = this.records.get(id);
      if (r && isOpen(r.state)) continue;
      ids.delete(id);
      this.records.delete(id);
      excess--;
    }
  }
}
