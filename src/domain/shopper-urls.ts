/**
 * Where the shopper goes. The redirect flow starts on the payment page (like MultiSafepay's
 * `/connect/{session_id}/?lang=`); the direct flow goes straight to the bank.
 */
import type { OrderRecord } from './order.js';

export function paymentPageUrl(base: string, order: OrderRecord): string {
  return `${base}/connect/${order.session_id}/?lang=${encodeURIComponent(order.customer.locale)}`;
}

export function bankUrl(base: string, order: OrderRecord): string {
  return `${base}/bank/${order.session_id}/?lang=${encodeURIComponent(order.customer.locale)}`;
}

export function paymentUrlFor(base: string, order: OrderRecord): string {
  return order.type === 'direct' ? bankUrl(base, order) : paymentPageUrl(base, order);
}

/** Append transactionid={order_id} to a merchant URL, keeping its own query (MultiSafepay does so). */
export function withTransactionId(url: string, orderId: string | number): string {
  const u = new URL(url);
  u.searchParams.append('transactionid', String(orderId));
  return u.toString();
}
