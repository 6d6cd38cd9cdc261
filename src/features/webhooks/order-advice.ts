/**
 * An order's integration advice: what was advised when it was created (kept on the order
 * and on its `create` timeline entry) plus what its notifications taught since (a receiver
 * that did not acknowledge or could not be reached), read from the delivery log. Derived
 * at read time, so advice never adds a change to the order or to its timeline.
 */
import { adviseDelivery } from '../../domain/advisor.js';
import type { OrderRecord } from '../../domain/order.js';
import type { WebhookDispatcher } from './dispatcher.js';

export function orderAdvice(webhooks: WebhookDispatcher, order: OrderRecord): string[] {
  const out = [...(order.advice ?? [])];
  for (const rec of webhooks.deliveries(order.site, order.order_id)) {
    if (rec.transaction_id !== order.transaction_id) continue;
    for (const a of rec.attempts) {
      const advice = adviseDelivery(a);
      if (advice !== null && !out.includes(advice)) out.push(advice);
    }
  }
  return out;
}
