/**
 * The create-order body every benchmark sends: a typical redirect Sofort order, a fresh
 * order_id per request. One place, so that the figures of every benchmark measure the same order.
 */
export function orderBody(orderId: string, opts: { description?: string; notificationUrl?: string } = {}): string {
  return JSON.stringify({
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: orderId,
    currency: 'EUR',
    amount: 1000,
    description: opts.description ?? 'Benchmark order',
    payment_options: {
      notification_url: opts.notificationUrl ?? 'https://shop.example/webhook',
      redirect_url: 'https://shop.example/success',
      cancel_url: 'https://shop.example/cancel',
    },
    customer: { locale: 'de_DE', country: 'DE', email: 'shopper@example.com' },
  });
}
