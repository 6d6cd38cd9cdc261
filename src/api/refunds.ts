/**
 * POST /orders/{id}/refunds and PATCH /orders/{id}/refunds/{refund_id}: thin handlers over
 * the refund service (which goes through engine.transition like every other change).
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { isObject } from '../domain/create-order.js';
import { ApiError } from '../domain/errors.js';
import { readRefundRequest } from '../features/refunds/read-refund.js';
import { requireSite } from '../http/api-key.js';
import { orderOf } from './orders.js';
import { ok } from '../http/respond.js';
import type { ApiRouter } from './router.js';

function refundIdParam(req: FastifyRequest): number {
  const raw = (req.params as { refund_id: string }).refund_id;
  if (!/^\d{1,16}$/.test(raw)) throw new ApiError('NOT_FOUND', `refund_id must be the number from the refund's answer (refund_id); got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

export function registerRefundRoutes(router: ApiRouter, ctx: SandboxContext): void {
  router.route('POST', '/orders/:id/refunds', async (req) => {
    const site = requireSite(req, ctx.config);
    const order = orderOf(ctx, site, (req.params as { id: string }).id);
    const request = readRefundRequest(req.body);
    return ok(ctx.refunds.create(site, order, request));
  });

  router.route('PATCH', '/orders/:id/refunds/:refund_id', async (req) => {
    const site = requireSite(req, ctx.config);
    const order = orderOf(ctx, site, (req.params as { id: string }).id);
    const refundId = refundIdParam(req);
    const body = req.body === undefined ? {} : req.body;
    if (!isObject(body)) throw new ApiError('MISSING_DATA', 'the request body must be a JSON object: {"status":"void"}');
    if (body.status !== 'void' && body.status !== 'cancelled') {
      throw new ApiError('MISSING_DATA', `status ${body.status === undefined ? 'is missing' : JSON.stringify(body.status).slice(0, 30) + ' cannot be set'}; send {"status":"void"} to cancel a reserved refund`);
    }
    ctx.refunds.void(site, order, refundId, 'api');
    return ok({});
  });
}
