/**
 * Control routes for what happens after a payment: the test dashboard's refund "Accept"
 * (settle a reserved refund now) and void, the refund list, recurring tokens, and the
 * Second Chance outbox. Sites are named by the API key, as on the MultiSafepay API; a call
 * without a key looks at every site.
 *
 *   GET    /_sandbox/refunds[?status=reserved]
 *   POST   /_sandbox/refunds/:refund_id/accept
 *   POST   /_sandbox/refunds/:refund_id/void
 *   POST   /_sandbox/orders/:id/chargeback        (always refused: Sofort has no chargebacks)
 *   GET    /_sandbox/recurring/tokens[?reference=]
 *   GET    /_sandbox/second-chance/outbox[?order_id=&status=sent|suppressed]
 *   DELETE /_sandbox/second-chance/outbox
 *   GET    /_sandbox/second-chance/pending
 *
 * Each route is declared once in domain/wire/after-payment.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { mspTime } from '../domain/render.js';
import type { RefundView } from '../features/refunds/refund-service.js';
import { renderToken } from '../features/recurring/tokens.js';
import { ControlError } from '../domain/control-error.js';
import {
  ACCEPT_REFUND, CHARGEBACK, CLEAR_OUTBOX, LIST_OUTBOX, LIST_REFUNDS, LIST_TOKENS, PENDING_REMINDERS, VOID_REFUND, type RefundControlView,
} from '../domain/wire/after-payment.js';
import type { SchemaTypes } from '../http/schema-types.js';
import { siteOf } from '../http/control-views.js';

/** A refund id in the path, judged here in the words it always had. */
function refundIdOf(raw: string): number {
  if (!/^\d{1,16}$/.test(raw)) throw new ControlError(400, 'bad_request', `refund_id: must be the refund's id (a number, refund_id in the refund's answer); got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

export function renderRefundView(ctx: SandboxContext, v: RefundView): RefundControlView {
  const r = v.refund;
  const settles = ctx.refunds.settlesAt(v.site, r.refund_id);
  return {
    refund_id: r.refund_id,
    order_id: v.order_id,
    transaction_id: v.transaction_id,
    refund_order_id: r.refund_order_id,
    amount: r.amount,
    currency: r.currency,
    description: r.description,
    status: r.status,
    created: mspTime(r.created, ctx.config.timeZone),
    modified: mspTime(r.modified, ctx.config.timeZone),
    settles_at: settles === null ? null : new Date(settles).toISOString(),
    checkout_data: r.checkout_data ? { items: r.checkout_data.map((i) => ({ ...i })) } : null,
  };
}

// Kept here as re-exports: the functions live with the refund service, where every door finds them.
export { acceptRefund, voidRefund } from '../features/refunds/refund-actions.js';
import { acceptRefund, voidRefund } from '../features/refunds/refund-actions.js';

export async function afterPaymentRoutes(fastify: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypes>();
  // Links in reminder emails point at the address the sandbox listens on (unless publicUrl is set).
  ctx.secondChance.useOrigin(() => {
    const a = fastify.server.address();
    if (!a || typeof a === 'string') return null;
    const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  });

  /** The refund a control call names: on the caller's site, or on any site without a key. */
  const refundOf = (req: FastifyRequest, raw: string): { site: string; view: RefundView } => {
    const id = refundIdOf(raw);
    const key = siteOf(req, ctx);
    const view = key !== null ? ctx.refunds.find(key, id) : ctx.refunds.list(null).find((v) => v.refund.refund_id === id);
    if (!view) throw new ControlError(404, 'not_found', `no refund ${id}${key !== null ? ' on the site of this API key' : ''}; list them with GET /_sandbox/refunds`);
    return { site: view.site, view };
  };

  app.get('/refunds', { schema: LIST_REFUNDS }, async (req) => {
    const { status } = req.query;
    const refunds = ctx.refunds.list(siteOf(req, ctx)).filter((v) => status === undefined || v.refund.status === status);
    return { refunds: refunds.map((v) => renderRefundView(ctx, v)) };
  });

  app.post('/refunds/:refund_id/accept', { schema: ACCEPT_REFUND }, async (req) => {
    const { site, view } = refundOf(req, req.params.refund_id);
    return { refund: renderRefundView(ctx, acceptRefund(ctx, site, view)) };
  });

  app.post('/refunds/:refund_id/void', { schema: VOID_REFUND }, async (req) => {
    const { site, view } = refundOf(req, req.params.refund_id);
    return { refund: renderRefundView(ctx, voidRefund(ctx, site, view)) };
  });

  app.post('/orders/:id/chargeback', { schema: CHARGEBACK }, async () => {
    throw new ControlError(409, 'conflict', 'Sofort has no chargebacks: a Sofort payment cannot be charged back, so the sandbox offers none. Test a refund instead (POST /v1/json/orders/{id}/refunds)');
  });

  app.get('/recurring/tokens', { schema: LIST_TOKENS }, async (req) => {
    const { reference } = req.query;
    const tokens = ctx.recurring.all(siteOf(req, ctx)).filter((t) => reference === undefined || t.reference === reference);
    return { tokens: tokens.map((t) => ({ reference: t.reference, created: new Date(t.created).toISOString(), transaction_id: t.transaction_id, ...renderToken(t) })) };
  });

  // `status` is judged here, in the words it always had.
  app.get('/second-chance/outbox', { schema: LIST_OUTBOX }, async (req) => {
    const { order_id, status } = req.query;
    if (status !== undefined && status !== 'sent' && status !== 'suppressed') {
      throw new ControlError(400, 'unknown_status', `status: must be sent or suppressed; got "${status.slice(0, 30)}"`);
    }
    const filter: { order_id?: string; status?: string } = {};
    if (order_id !== undefined) filter.order_id = order_id;
    if (status !== undefined) filter.status = status;
    return { emails: ctx.secondChance.list(siteOf(req, ctx), filter) };
  });

  app.delete('/second-chance/outbox', { schema: CLEAR_OUTBOX }, async (req) => ({ removed: ctx.secondChance.clear(siteOf(req, ctx)) }));

  app.get('/second-chance/pending', { schema: PENDING_REMINDERS }, async (req) => ({
    pending: ctx.secondChance.pending(siteOf(req, ctx)).map((j) => ({
      transaction_id: Number(j.data.transaction_id),
      reminder: Number(j.data.reminder),
      due: new Date(j.due).toISOString(),
    })),
  }));
}
