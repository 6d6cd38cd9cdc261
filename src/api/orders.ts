/** POST /orders, GET /orders/{id}, PATCH /orders/{id}: thin handlers over the engine. */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { readCreateOrder, isObject, optionalText } from '../domain/create-order.js';
import { ADVICE_HEADER, adviceHeader, adviseCreateOrder } from '../domain/advisor.js';
import { ApiError } from '../domain/errors.js';
import type { InvoiceInfo, OrderRecord, ShippingInfo } from '../domain/order.js';
import { renderOptionsOf, renderOrder } from '../domain/render.js';
import { paymentUrlFor } from '../domain/shopper-urls.js';
import { requireSite } from '../http/api-key.js';
import { ok, publicBase } from '../http/respond.js';
import type { ApiRouter } from './router.js';

export function orderOf(ctx: SandboxContext, site: string, id: string): OrderRecord {
  const order = ctx.engine.findOrder(site, id);
  if (!order) throw new ApiError('INVALID_ORDER_ID', `no order ${id.slice(0, 60)} on this site (looked up by order_id, then transaction_id)`);
  return order;
}

/** Fastify has already percent-decoded the path parameter (PHP's client rawurlencodes ids). */
function idParam(req: FastifyRequest): string {
  return (req.params as { id: string }).id;
}

/** What create-order answers: the short redirect shape, or the full order for direct. */
export function createOrderResponse(ctx: SandboxContext, req: FastifyRequest, order: OrderRecord): Record<string, unknown> {
  const base = publicBase(req, ctx.config.publicUrl);
  const paymentUrl = paymentUrlFor(base, order);
  if (order.type === 'direct') {
    return { ...renderOrder(order, renderOptionsOf(ctx.config)), payment_url: paymentUrl, cancel_url: order.payment_options.cancel_url };
  }
  return { order_id: order.order_id, payment_url: paymentUrl, session_id: order.session_id };
}

export function registerOrderRoutes(router: ApiRouter, ctx: SandboxContext): void {
  router.route('POST', '/orders', async (req, reply) => {
    const site = requireSite(req, ctx.config);
    const input = readCreateOrder(req.body, ctx.engine.rules);
    // A token payment (recurring_id) needs a token of that customer; it is charged without the bank pages.
    ctx.recurring.checkOrder(site, input);
    const advice = adviseCreateOrder(req.body, input, {
      reusedOrderId: ctx.engine.findOrder(site, String(input.order_id)) !== undefined,
      siteNotificationUrl: ctx.siteSettings.notificationUrl(site),
      apiKey: site,
    });
    const order = ctx.engine.createOrder(site, input, advice.length ? { advice } : {});
    if (advice.length) void reply.header(ADVICE_HEADER, adviceHeader(advice));
    ctx.recurring.afterCreate(site, order);
    return ok(createOrderResponse(ctx, req, ctx.engine.getOrder(site, order.transaction_id) ?? order));
  });

  router.route('GET', '/orders/:id', async (req) => {
    const site = requireSite(req, ctx.config);
    return ok(renderOrder(orderOf(ctx, site, idParam(req)), renderOptionsOf(ctx.config)));
  });

  router.route('PATCH', '/orders/:id', async (req) => {
    const site = requireSite(req, ctx.config);
    const order = orderOf(ctx, site, idParam(req));
    const body = req.body === undefined ? {} : req.body;
    if (!isObject(body)) throw new ApiError('MISSING_DATA', 'the request body must be a JSON object, e.g. {"status":"cancelled"}');
    const text = (f: string): string | null => optionalText(body, f, f, 500);
    const invoice: InvoiceInfo = {};
    for (const f of ['invoice_id', 'invoice_url', 'po_number'] as const) {
      const v = text(f);
      if (v !== null) invoice[f] = v;
    }
    const status = body.status;
    const excludeOrder = body.exclude_order === true || body.exclude_order === 1 || body.exclude_order === '1' || body.exclude_order === 'true';
    const tx = order.transaction_id;
    if (status === 'cancelled' || status === 'void') {
      ctx.engine.transition(site, tx, { kind: 'cancel', exclude_order: excludeOrder }, 'api');
    } else if (status === 'shipped') {
      const shipping: ShippingInfo = {};
      for (const f of ['tracktrace_code', 'tracktrace_url', 'carrier', 'ship_date', 'reason'] as const) {
        const v = text(f);
        if (v !== null) shipping[f] = v;
      }
      ctx.engine.transition(site, tx, { kind: 'ship', shipping, invoice }, 'api');
    } else if (status === undefined || status === null || status === '') {
      if (Object.keys(invoice).length > 0 || excludeOrder) {
        ctx.engine.transition(site, tx, { kind: 'update', invoice, exclude_order: excludeOrder }, 'api');
      }
    } else {
      throw new ApiError('MISSING_DATA', `status ${JSON.stringify(status).slice(0, 30)} cannot be set; send "cancelled" (unpaid orders) or "shipped" (paid orders)`);
    }
    return ok({});
  });
}
