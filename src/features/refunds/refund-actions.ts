/**
 * Settling and voiding a reserved refund on a tester's word: the control API's
 * accept/void and the dashboard's buttons call these, so both doors refuse the same way
 * (409 naming the refund's status) and change the order only through the refund service.
 */
import type { Engine } from '../../engine/engine.js';
import type { RefundService } from './refund-service.js';

/** What these need of a sandbox: its refunds and its engine. */
type Services = { readonly refunds: RefundService; readonly engine: Engine };
import { ControlError } from '../../domain/control-error.js';
import type { RefundView } from './refund-service.js';

/** Settle a reserved refund now. */
export function acceptRefund(ctx: Services, site: string, view: RefundView): RefundView {
  if (view.refund.status !== 'reserved') {
    throw new ControlError(409, 'conflict', `refund ${view.refund.refund_id} is ${view.refund.status}; only a reserved refund can be accepted`);
  }
  return ctx.refunds.accept(site, view.refund.refund_id, 'control');
}

/** Void a reserved refund. */
export function voidRefund(ctx: Services, site: string, view: RefundView): RefundView {
  if (view.refund.status !== 'reserved') {
    throw new ControlError(409, 'conflict', `refund ${view.refund.refund_id} is ${view.refund.status}; only a reserved refund can be voided`);
  }
  const order = ctx.engine.getOrder(site, view.transaction_id);
  if (!order) throw new ControlError(404, 'not_found', `the order of refund ${view.refund.refund_id} is gone`);
  ctx.refunds.void(site, order, view.refund.refund_id, 'control');
  return ctx.refunds.find(site, view.refund.refund_id) ?? view;
}
