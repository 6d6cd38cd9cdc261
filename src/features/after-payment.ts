/**
 * What happens after a payment starts: refunds, recurring tokens, Second Chance reminders.
 * One set of services per sandbox (made with its context), so two sandboxes in one process
 * share nothing. Their options: src/options/after-payment-config.ts.
 */
import type { AfterPaymentConfig } from '../options/after-payment-config.js';
import type { Engine } from '../engine/engine.js';
import { RefundService } from './refunds/refund-service.js';
import { RecurringService } from './recurring/tokens.js';
import { SecondChanceService } from './second-chance/reminders.js';

export interface AfterPaymentServices {
  readonly refunds: RefundService;
  readonly recurring: RecurringService;
  readonly secondChance: SecondChanceService;
}

export function createAfterPayment(engine: Engine, config: { afterPayment: AfterPaymentConfig; publicUrl: string | null }): AfterPaymentServices {
  const c = config.afterPayment;
  return {
    refunds: new RefundService(engine, c.refundSettle),
    recurring: new RecurringService(engine, { chargeDelayMs: c.recurringChargeDelayMs }),
    secondChance: new SecondChanceService(engine, { ...c.secondChance, smtp: c.smtp }, config.publicUrl),
  };
}
