/**
 * Refunds over the engine: creates refund transactions (`refund` transition), settles them
 * when the bank would (next midnight UTC on the site's clock, as a stored job), on the
 * control plane's "Accept", or at once, and cancels reserved ones (`void_refund`).
 *
 * Refund ids come from the same generator as PSP ids and live in the same number space,
 * so `GET /transactions/{id}` finds either kind; an index maps a refund id to its order.
 */
import type { RefundSettleMode } from '../../options/after-payment-config.js';
import { ApiError } from '../../domain/errors.js';
import type { Cause, OrderRecord, RefundRecord } from '../../domain/order.js';
import { remainingRefundable } from '../../domain/order.js';
import { DAY_MS } from '../../domain/sofort-rules.js';
import type { Engine } from '../../engine/engine.js';
import type { JobRecord } from '../../engine/jobs.js';
import type { Collection } from '../../engine/store.js';
import { deleteSiteEntries } from '../../engine/store.js';
import type { RefundRequest } from './read-refund.js';


/** MultiSafepay refuses an identical refund (same amount) requested again within 5 minutes. */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;

const JOB_KIND = 'refund_settle';

export interface RefundView {
  site: string;
  order_id: string | number;
  transaction_id: number;
  refund: RefundRecord;
}

export function nextMidnightUtc(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

function refundKey(site: string, refundId: number): string {
  return `${site}\n${refundId}`;
}

export class RefundService {
  /** `${site}\n${refund_id}` -> transaction_id of the refunded order. */
  private readonly index: Collection<number>;

  constructor(
    private readonly engine: Engine,
    readonly settleMode: RefundSettleMode,
  ) {
    this.index = engine.store.collection<number>('refund-ids');
    engine.jobs.handle(JOB_KIND, (job) => this.settleFromJob(job));
    // A reset site starts over: its refund ids (keyed `${site}\n${id}`) go with its orders.
    engine.onReset('refund_ids', (site) => deleteSiteEntries(this.index, site));
    // Retention forgets old orders: their refund ids go with them.
    engine.onForget((orders) => {
      for (const o of orders) for (const r of o.refunds) this.index.delete(refundKey(o.site, r.refund_id));
    });
  }

  /** Create a refund of `order` (already looked up on `site`). Throws ApiError 1002/1034. `cause`: the door that asked (the dashboard's refund button is `control`). */
  create(site: string, order: OrderRecord, req: RefundRequest, cause: Cause = 'api'): { transaction_id: number; refund_id: number } {
    if (req.currency !== order.currency) {
      throw new ApiError('INVALID_CURRENCY', `currency ${req.currency.slice(0, 10)} does not match the order's currency ${order.currency}; a refund is paid in the currency of the payment`);
    }
    const now = this.engine.now(site);
    const amount = req.amount ?? remainingRefundable(order);
    const paid = order.financial_status === 'completed' && ['completed', 'shipped', 'partial_refunded'].includes(order.status);
    if (paid) {
      if (amount === 0) {
        throw new ApiError('CANNOT_REFUND', `order ${String(order.order_id)} has nothing left to refund`);
      }
      const twin = order.refunds.find((r) => r.status !== 'void' && r.amount === amount && now - r.created < DUPLICATE_WINDOW_MS);
      if (twin) {
        const wait = Math.ceil((twin.created + DUPLICATE_WINDOW_MS - now) / 1000);
        throw new ApiError(
          'CANNOT_REFUND',
          `a refund of the same amount (${amount}) was requested for order ${String(order.order_id)} less than 5 minutes ago (refund ${twin.refund_id}); MultiSafepay refuses identical refunds within 5 minutes. Wait ${wait} s or refund a different amount`,
        );
      }
    }
    let refundId = this.engine.ids.transactionId(now);
    while (this.index.has(refundKey(site, refundId)) || this.engine.getOrder(site, refundId)) refundId = this.engine.ids.transactionId(now);
    const refund: RefundRecord = {
      refund_id: refundId,
      refund_order_id: req.refund_order_id ?? String(order.order_id),
      amount,
      currency: order.currency,
      description: req.description ?? `Refund for order ${String(order.order_id)}`,
      status: 'reserved',
      created: now,
      modified: now,
      var1: req.var1,
      var2: req.var2,
      var3: req.var3,
      ...(req.checkout_data ? { checkout_data: req.checkout_data } : {}),
    };
    // The state machine refuses unpaid, cancelled and fully refunded orders, and amounts above what is left (1034).
    this.engine.transition(site, order.transaction_id, { kind: 'refund', refund }, cause);
    this.engine.store.transaction(() => this.index.set(refundKey(site, refundId), order.transaction_id));
    if (this.settleMode === 'immediate') {
      this.engine.transition(site, order.transaction_id, { kind: 'settle_refund', refund_id: refundId }, 'clock');
    } else if (this.settleMode === 'midnight') {
      this.engine.jobs.schedule({ id: jobId(site, refundId), site, kind: JOB_KIND, due: nextMidnightUtc(now), data: { refund_id: refundId, transaction_id: order.transaction_id } });
    }
    return { transaction_id: order.transaction_id, refund_id: refundId };
  }

  /** Retention forgot these orders: their refund ids go too (the refunds lived on the orders). */
  forget(orders: readonly OrderRecord[]): void {
    this.engine.store.transaction(() => {
      for (const o of orders) for (const r of o.refunds) this.index.delete(refundKey(o.site, r.refund_id));
    });
  }

  /** The order a refund belongs to, or undefined. */
  orderOf(site: string, refundId: number): OrderRecord | undefined {
    const tx = this.index.get(refundKey(site, refundId));
    return tx === undefined ? undefined : this.engine.getOrder(site, tx);
  }

  find(site: string, refundId: number): RefundView | undefined {
    const order = this.orderOf(site, refundId);
    const refund = order?.refunds.find((r) => r.refund_id === refundId);
    return order && refund ? { site, order_id: order.order_id, transaction_id: order.transaction_id, refund } : undefined;
  }

  /** Cancel a reserved refund (merchant PATCH, or control). */
  void(site: string, order: OrderRecord, refundId: number, cause: Cause): void {
    this.requireOwn(order, refundId);
    this.engine.transition(site, order.transaction_id, { kind: 'void_refund', refund_id: refundId }, cause);
    this.engine.jobs.cancel(jobId(site, refundId));
  }

  /** Complete a reserved refund now: the test dashboard's "Accept". */
  accept(site: string, refundId: number, cause: Cause): RefundView {
    const order = this.orderOf(site, refundId);
    if (!order) throw new ApiError('NOT_FOUND', `no refund ${refundId} on this site`);
    this.engine.transition(site, order.transaction_id, { kind: 'settle_refund', refund_id: refundId }, cause);
    this.engine.jobs.cancel(jobId(site, refundId));
    return this.find(site, refundId)!;
  }

  /** Every refund of one site (or all sites), newest first. */
  list(site: string | null): RefundView[] {
    const out: RefundView[] = [];
    for (const order of this.engine.listOrders(site)) {
      for (const refund of order.refunds) out.push({ site: order.site, order_id: order.order_id, transaction_id: order.transaction_id, refund });
    }
    return out.sort((a, b) => b.refund.created - a.refund.created || b.refund.refund_id - a.refund.refund_id);
  }

  /** When a reserved refund settles on its own, or null (manual, or already settled/void). */
  settlesAt(site: string, refundId: number): number | null {
    return this.engine.jobs.get(jobId(site, refundId))?.due ?? null;
  }

  private requireOwn(order: OrderRecord, refundId: number): void {
    if (!order.refunds.some((r) => r.refund_id === refundId)) {
      throw new ApiError('NOT_FOUND', `refund ${refundId} does not belong to order ${String(order.order_id)}; take refund_id from the refund's answer or from related_transactions`);
    }
  }

  private settleFromJob(job: JobRecord): void {
    const tx = job.data.transaction_id as number;
    const refundId = job.data.refund_id as number;
    if (!this.engine.getOrder(job.site, tx)) return;
    try {
      this.engine.transition(job.site, tx, { kind: 'settle_refund', refund_id: refundId }, 'clock');
    } catch (err) {
      // Voided or accepted meanwhile: nothing left to settle.
      if (!(err instanceof ApiError)) throw err;
    }
  }
}

function jobId(site: string, refundId: number): string {
  return `${JOB_KIND}:${site}:${refundId}`;
}
