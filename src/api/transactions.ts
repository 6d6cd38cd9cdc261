/**
 * GET /transactions (MultiSafepay's reconciliation list: payments and refunds, newest
 * first, filters, cursor paging) and GET /transactions/{id} (one payment or refund).
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ApiError } from '../domain/errors.js';
import { renderOptionsOf } from '../domain/render.js';
import { pageOf, readTransactionQuery, renderPayment, renderRefund, renderItem, siteIdFor, transactionsOf } from '../features/transactions/query.js';
import { requireSite } from '../http/api-key.js';
import { publicBase } from '../http/respond.js';
import type { ApiRouter } from './router.js';

/** The link to another page: the same filters, a new cursor. */
function pageUrl(req: FastifyRequest, base: string, cursor: { after?: string; before?: string }, limit: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    if (k === 'after' || k === 'before' || k === 'api_key' || k === 'limit') continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  if (cursor.after) params.set('after', cursor.after);
  if (cursor.before) params.set('before', cursor.before);
  params.set('limit', String(limit));
  return `${base}/v1/json/transactions?${params.toString()}`;
}

export function registerTransactionRoutes(router: ApiRouter, ctx: SandboxContext): void {
  router.route('GET', '/transactions', async (req) => {
    const site = requireSite(req, ctx.config);
    const query = readTransactionQuery((req.query ?? {}) as Record<string, unknown>);
    const siteId = siteIdFor(site);
    const page = pageOf(transactionsOf(ctx.engine.listOrders(site)), query);
    const base = publicBase(req, ctx.config.publicUrl);
    const pager: Record<string, unknown> = {};
    if (page.after) pager.after = pageUrl(req, base, { after: page.after }, query.limit);
    if (page.before) pager.before = pageUrl(req, base, { before: page.before }, query.limit);
    pager.cursor = { ...(page.after ? { after: page.after } : {}), ...(page.before ? { before: page.before } : {}) };
    pager.limit = query.limit;
    return { success: true, data: page.items.map((i) => renderItem(i, siteId, renderOptionsOf(ctx.config))), pager };
  });

  router.route('GET', '/transactions/:id', async (req) => {
    const site = requireSite(req, ctx.config);
    const raw = (req.params as { id: string }).id;
    const id = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    const siteId = siteIdFor(site);
    const order = Number.isNaN(id) ? undefined : ctx.engine.getOrder(site, id);
    if (order) return { success: true, data: renderPayment(order, siteId, renderOptionsOf(ctx.config)) };
    const refunded = Number.isNaN(id) ? undefined : ctx.refunds.orderOf(site, id);
    const refund = refunded?.refunds.find((r) => r.refund_id === id);
    if (refunded && refund) return { success: true, data: renderRefund(refunded, refund, siteId, renderOptionsOf(ctx.config)) };
    throw new ApiError('NOT_FOUND', `no payment or refund with transaction id ${raw.slice(0, 40)} on this site`);
  });
}
