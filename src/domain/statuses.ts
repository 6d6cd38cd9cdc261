/** Order status (`status`): how the order progresses towards shipment. */
export const ORDER_STATUSES = [
  'initialized', 'completed', 'uncleared', 'declined', 'cancelled', 'void', 'expired',
  'refunded', 'partial_refunded', 'reserved', 'shipped', 'chargeback',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Transaction status (`financial_status`): how the funds progress towards settlement. */
export const FINANCIAL_STATUSES = [
  'initialized', 'completed', 'uncleared', 'declined', 'cancelled', 'void', 'expired',
] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];

export type RefundStatus = 'reserved' | 'completed' | 'void';

/** Statuses in which money was received. */
export const PAID_STATUSES: readonly OrderStatus[] = ['completed', 'uncleared', 'shipped', 'refunded', 'partial_refunded'];
/** Statuses that end an order's life as a payment (no more payment is possible). */
export const FINAL_UNPAID_STATUSES: readonly OrderStatus[] = ['declined', 'void', 'cancelled', 'expired'];

export function isPaid(status: OrderStatus): boolean {
  return PAID_STATUSES.includes(status);
}
