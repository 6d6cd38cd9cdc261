/**
 * The order state machine. `applyTransition` is pure: given an order, an action and the
 * time, it returns the next order and the events it raised, or throws an ApiError that
 * says why the change is not allowed. The engine's `transition()` is the only caller.
 */
import { ApiError } from './errors.js';
import type { BankDetails, Cause, InvoiceInfo, OrderRecord, RefundRecord, ShippingInfo } from './order.js';
import { remainingRefundable } from './order.js';
import type { SofortRules } from './sofort-rules.js';
import { GATEWAY } from './sofort-rules.js';
import type { FinancialStatus, OrderStatus } from './statuses.js';

export type Action =
  /** The shopper picked Sofort on the payment page of a gateway-less redirect order: the 1-day transaction starts. */
  | { kind: 'select_gateway'; gateway: string }
  /** The bank authorised the payment. `forceUncleared` plays "Uncleared then completed" whatever the amount. */
  | { kind: 'authorise'; bank: BankDetails; external_transaction_id: string; forceUncleared?: boolean }
  /** Funds of an uncleared payment arrived. */
  | { kind: 'clear' }
  | { kind: 'decline'; reason?: string }
  /** Shopper cancelled at the bank/payment page, or merchant cancelled an unpaid order. */
  | { kind: 'cancel'; exclude_order?: boolean }
  | { kind: 'expire' }
  | { kind: 'ship'; shipping: ShippingInfo; invoice?: InvoiceInfo }
  /** Data-only update (invoice fields, extend expiry): no status change. */
  | { kind: 'update'; invoice?: InvoiceInfo; exclude_order?: boolean; expires_at?: number; scenario?: string | null; recurring_id?: string | null }
  | { kind: 'refund'; refund: RefundRecord }
  | { kind: 'settle_refund'; refund_id: number }
  | { kind: 'void_refund'; refund_id: number };

export type ActionKind = Action['kind'];

export interface TransitionEvent {
  type:
    | 'status_changed'
    | 'refund_created'
    | 'refund_settled'
    | 'refund_voided'
    | 'order_updated';
  site: string;
  order_id: string | number;
  transaction_id: number;
  action: ActionKind;
  cause: Cause;
  at: number;
  from: { status: OrderStatus; financial_status: FinancialStatus };
  to: { status: OrderStatus; financial_status: FinancialStatus };
  /** Whether MultiSafepay would notify the merchant of this change (the lifecycle table). */
  notify: boolean;
  refund_id?: number;
}

export interface TransitionContext {
  now: number;
  rules: SofortRules;
  cause: Cause;
  note?: string;
}

export interface TransitionResult {
  order: OrderRecord;
  events: TransitionEvent[];
}

function refuse(name: 'CANNOT_CREATE' | 'CANNOT_REFUND' | 'INVALID_ORDER_ID' | 'NOT_FOUND', msg: string): never {
  throw new ApiError(name, msg);
}

function need(order: OrderRecord, allowed: readonly OrderStatus[], what: string, fix: string): void {
  if (!allowed.includes(order.status)) {
    refuse('CANNOT_CREATE', `cannot ${what}: order ${String(order.order_id)} is ${order.status}. ${fix}`);
  }
}

const REFUNDABLE: readonly OrderStatus[] = ['completed', 'shipped', 'partial_refunded'];

export function applyTransition(order: OrderRecord, action: Action, ctx: TransitionContext): TransitionResult {
  const { now, rules } = ctx;
  let next: OrderRecord;
  let type: TransitionEvent['type'] = 'status_changed';
  let refundId: number | undefined;

  switch (action.kind) {
    case 'select_gateway': {
      need(order, ['initialized'], 'choose a payment method', 'Only an unpaid order can start a payment.');
      if (action.gateway !== GATEWAY) {
        throw new ApiError('GATEWAY_UNAVAILABLE', `gateway ${action.gateway} is not offered by this sandbox; use DIRECTBANK`);
      }
      // Already a running Sofort transaction (`started_at` absent: a record from before it was kept).
      if (order.gateway === action.gateway && order.started_at !== null) return { order, events: [] };
      // From here the order is a Sofort transaction: it lives one day, unless the link ends sooner.
      const txEnd = now + rules.transactionLifetimeMs;
      next = { ...order, gateway: action.gateway, started_at: now, expires_at: order.expires_at === null ? txEnd : Math.min(order.expires_at, txEnd), modified: now };
      type = 'order_updated';
      break;
    }
    case 'authorise': {
      if (order.status !== 'initialized') {
        refuse('CANNOT_CREATE', `cannot pay order ${String(order.order_id)}: it is ${order.status}. An order is paid at most once; create a new order to pay again.`);
      }
      const uncleared = action.forceUncleared === true || order.amount >= rules.unclearedFromAmount;
      next = {
        ...order,
        gateway: order.gateway ?? GATEWAY,
        status: uncleared ? 'uncleared' : 'completed',
        financial_status: uncleared ? 'uncleared' : 'completed',
        bank: action.bank,
        external_transaction_id: action.external_transaction_id,
        reason: uncleared ? '' : 'SUCCESS',
        completed: uncleared ? null : now,
        expires_at: null,
        clears_at: uncleared ? now + rules.unclearedCompletesAfterMs : null,
        modified: now,
      };
      break;
    }
    case 'clear': {
      if (order.financial_status !== 'uncleared') {
        refuse('CANNOT_CREATE', `cannot clear order ${String(order.order_id)}: its transaction is ${order.financial_status}, not uncleared.`);
      }
      next = {
        ...order,
        status: order.status === 'uncleared' ? 'completed' : order.status,
        financial_status: 'completed',
        reason: 'SUCCESS',
        completed: now,
        clears_at: null,
        modified: now,
      };
      break;
    }
    case 'decline': {
      need(order, ['initialized', 'uncleared'], 'decline the payment', 'Only an unpaid or uncleared order can be declined.');
      next = {
        ...order,
        status: 'declined',
        financial_status: 'declined',
        reason: action.reason ?? 'Transaction declined',
        reason_code: '1024',
        expires_at: null,
        clears_at: null,
        modified: now,
      };
      break;
    }
    case 'cancel': {
      need(order, ['initialized'], 'cancel the order', 'Only an unpaid order can be cancelled; refund a paid one instead.');
      next = {
        ...order,
        status: 'void',
        financial_status: 'cancelled',
        expires_at: null,
        exclude_order: order.exclude_order || action.exclude_order === true,
        modified: now,
      };
      break;
    }
    case 'expire': {
      need(order, ['initialized'], 'expire the order', 'Only an unpaid order can expire.');
      next = { ...order, status: 'expired', financial_status: 'expired', expires_at: null, modified: now };
      break;
    }
    case 'ship': {
      need(order, ['completed', 'uncleared', 'shipped'], 'ship the order', 'Mark an order shipped once it is paid (completed or uncleared).');
      next = {
        ...order,
        status: 'shipped',
        shipping: { ...order.shipping, ...action.shipping },
        invoice: action.invoice ? { ...order.invoice, ...action.invoice } : order.invoice,
        modified: now,
      };
      break;
    }
    case 'update': {
      next = {
        ...order,
        invoice: action.invoice ? { ...order.invoice, ...action.invoice } : order.invoice,
        exclude_order: order.exclude_order || action.exclude_order === true,
        expires_at: action.expires_at !== undefined && order.status === 'initialized' ? action.expires_at : order.expires_at,
        scenario: action.scenario !== undefined ? action.scenario : order.scenario,
        recurring_id: action.recurring_id !== undefined ? action.recurring_id : order.recurring_id,
        modified: now,
      };
      type = 'order_updated';
      break;
    }
    case 'refund': {
      if (!REFUNDABLE.includes(order.status) || order.financial_status !== 'completed') {
        refuse('CANNOT_REFUND', `order ${String(order.order_id)} is ${order.status} (transaction ${order.financial_status}); only a completed payment can be refunded.`);
      }
      const left = remainingRefundable(order);
      if (action.refund.amount > left) {
        refuse('CANNOT_REFUND', `amount ${action.refund.amount} is more than the ${left} cents left to refund on order ${String(order.order_id)}.`);
      }
      const refunds = [...order.refunds, action.refund];
      const refunded = order.amount_refunded + action.refund.amount;
      next = {
        ...order,
        refunds,
        amount_refunded: refunded,
        status: refunded >= order.amount ? 'refunded' : 'partial_refunded',
        modified: now,
      };
      type = 'refund_created';
      refundId = action.refund.refund_id;
      break;
    }
    case 'settle_refund':
    case 'void_refund': {
      const idx = order.refunds.findIndex((r) => r.refund_id === action.refund_id);
      const refund = order.refunds[idx];
      if (!refund) refuse('NOT_FOUND', `refund ${action.refund_id} does not belong to order ${String(order.order_id)}.`);
      if (refund.status !== 'reserved') {
        refuse('CANNOT_REFUND', `refund ${action.refund_id} is ${refund.status}; only a reserved refund can be ${action.kind === 'settle_refund' ? 'settled' : 'cancelled'}.`);
      }
      const settled = action.kind === 'settle_refund';
      const refunds = order.refunds.map((r, i) => (i === idx ? { ...r, status: settled ? ('completed' as const) : ('void' as const), modified: now } : r));
      let { status } = order;
      let amountRefunded = order.amount_refunded;
      if (!settled) {
        amountRefunded -= refund.amount;
        const base: OrderStatus = order.shipping ? 'shipped' : 'completed';
        status = amountRefunded <= 0 ? base : amountRefunded >= order.amount ? 'refunded' : 'partial_refunded';
      }
      next = { ...order, refunds, amount_refunded: amountRefunded, status, modified: now };
      type = settled ? 'refund_settled' : 'refund_voided';
      refundId = action.refund_id;
      break;
    }
  }

  const from = { status: order.status, financial_status: order.financial_status };
  const to = { status: next.status, financial_status: next.financial_status };
  const statusChanged = from.status !== to.status || from.financial_status !== to.financial_status;
  const entry = { at: now, cause: ctx.cause, action: action.kind, from, to, ...(ctx.note ? { note: ctx.note } : {}) };
  next = { ...next, timeline: [...next.timeline, entry] };
  const event: TransitionEvent = {
    type,
    site: order.site,
    order_id: order.order_id,
    transaction_id: order.transaction_id,
    action: action.kind,
    cause: ctx.cause,
    at: now,
    from,
    to,
    // MultiSafepay notifies on every status change and on refund processing; not on data-only updates.
    notify: statusChanged || type === 'refund_created' || type === 'refund_settled' || type === 'refund_voided' || action.kind === 'ship',
    ...(refundId !== undefined ? { refund_id: refundId } : {}),
  };
  return { order: next, events: [event] };
}
