/**
 * Inspection and reset: orders of a site with their timelines, the request journal, the
 * long-poll `wait`, and a one-call reset of a site or of the whole sandbox.
 */
import { orderAdvice } from '../features/webhooks/order-advice.js';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { renderOptionsOf, renderOrder } from '../domain/render.js';
import { ControlError } from '../domain/control-error.js';
import { GET_ORDER, GET_TIMELINE, LIST_ORDERS, WAIT_FOR_ORDER } from '../domain/wire/orders.js';
import { CLEAR_JOURNAL, READ_JOURNAL } from '../domain/wire/journal.js';
import { RESET } from '../domain/wire/reset.js';
import type { SchemaTypes } from '../http/schema-types.js';
import { formatDuration, parseDuration } from '../options/duration.js';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS, explainTimeout, parseWaitStatus, waitForOrder } from './wait.js';
import { findOrder, iso, orderSummary, siteOf, timelineView } from '../http/control-views.js';

/** An empty query value counts as left out, as it always did (`?status=`). */
const given = (v: string | undefined): string | undefined => (v === '' ? undefined : v);

/** The query's `limit`, already a whole number (the declaration coerces it), in its range. */
function limitOf(limit: number | undefined, max: number): number | undefined {
  if (limit !== undefined && (limit < 1 || limit > max)) throw new ControlError(400, 'bad_request', `limit: must be a whole number from 1 to ${max}`);
  return limit;
}

export function registerInspectRoutes(fastify: FastifyInstance, ctx: SandboxContext): void {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const { engine, control } = ctx;

  app.get('/orders', { schema: LIST_ORDERS }, async (req) => {
    const site = siteOf(req, ctx);
    const status = given(req.query.status);
    const financial = given(req.query.financial_status);
    parseWaitStatus(status);
    if (financial !== undefined) parseWaitStatus(financial);
    const limit = limitOf(req.query.limit, 10_000) ?? 100;
    const q = given(req.query.q);
    const orders = engine.listOrders(site, {
      ...(status ? { status } : {}),
      ...(financial ? { financial_status: financial } : {}),
      ...(q ? { q } : {}),
      limit,
    });
    return { orders: orders.map((o) => orderSummary(engine, o)) };
  });

  app.get('/orders/:id', { schema: GET_ORDER }, async (req) => {
    const o = findOrder(engine, siteOf(req, ctx), req.params.id);
    const pending = engine.jobs.list((j) => j.site === o.site && j.data.transaction_id === o.transaction_id).map((j) => ({ kind: j.kind, due: iso(j.due) }));
    return { ...orderSummary(engine, o), timeline: timelineView(o), pending, advice: orderAdvice(ctx.webhooks, o), order: renderOrder(o, renderOptionsOf(ctx.config)) };
  });

  app.get('/orders/:id/timeline', { schema: GET_TIMELINE }, async (req) => {
    const o = findOrder(engine, siteOf(req, ctx), req.params.id);
    return { order_id: o.order_id, transaction_id: o.transaction_id, status: o.status, financial_status: o.financial_status, timeline: timelineView(o) };
  });

  app.get('/orders/:id/wait', { schema: WAIT_FOR_ORDER }, async (req, reply) => {
    const id = req.params.id;
    const site = siteOf(req, ctx);
    const status = parseWaitStatus(req.query.status);
    const webhook = given(req.query.webhook);
    if (webhook !== undefined && webhook !== 'acked') throw new ControlError(400, 'bad_request', 'webhook: the only value is "acked" (wait until a notification for the order was acknowledged)');
    if (status === null && webhook === undefined) throw new ControlError(400, 'bad_request', 'say what to wait for: ?status=completed and/or ?webhook=acked');
    if (webhook === 'acked' && control.webhookAcks === null) {
      throw new ControlError(400, 'bad_request', 'webhook=acked needs the webhook dispatcher, which this sandbox does not run');
    }
    const timeoutText = given(req.query.timeout);
    const timeoutMs = timeoutText === undefined ? DEFAULT_WAIT_MS : parseDuration(timeoutText, 'timeout');
    if (timeoutMs > MAX_WAIT_MS) throw new ControlError(400, 'invalid_duration', `timeout: at most ${formatDuration(MAX_WAIT_MS)}`);

    const spec = { site, id, status, webhookAcked: webhook === 'acked', timeoutMs };
    const result = await waitForOrder(ctx, spec, (cancel) => {
      // The response's close: the client went away (or the answer was sent).
      reply.raw.once('close', cancel);
    });
    const waited_ms = result.waitedMs;
    if (result.outcome === 'reached') return { reached: true as const, waited_ms, ...orderSummary(engine, result.order) };
    if (result.outcome === 'reset') {
      throw new ControlError(409, 'conflict', `the site was reset while waiting for order ${id.slice(0, 60)}`);
    }
    const o = result.order;
    throw new ControlError(408, 'wait_timeout', explainTimeout(ctx, spec, o), {
      status: o?.status ?? null,
      financial_status: o?.financial_status ?? null,
    });
  });

  app.get('/journal', { schema: READ_JOURNAL }, async (req) => {
    const query = req.query;
    const limit = limitOf(query.limit, 100_000);
    const method = given(query.method);
    const path = given(query.path);
    const orderId = given(query.order_id);
    const has = given(query.has);
    const statusText = given(query.status);
    if (statusText !== undefined && !/^[1-5]\d\d$/.test(statusText)) throw new ControlError(400, 'bad_request', `status: must be an HTTP status such as 200 or 404; got "${statusText.slice(0, 20)}"`);
    if (path !== undefined && !path.startsWith('/')) throw new ControlError(400, 'bad_request', `path: the path under /v1/json, starting with / (such as /orders or /orders/*); got "${path.slice(0, 60)}"`);
    const entries = control.journal.list({
      site: siteOf(req, ctx),
      ...(method ? { method } : {}),
      ...(path ? { path } : {}),
      ...(orderId ? { order_id: orderId } : {}),
      ...(has ? { has } : {}),
      ...(statusText ? { status: Number(statusText) } : {}),
      ...(limit ? { limit } : {}),
    });
    return { capacity: control.journal.capacity, count: entries.length, entries };
  });

  app.delete('/journal', { schema: CLEAR_JOURNAL }, async (req) => ({ removed: control.journal.clear(siteOf(req, ctx)) }));

  // The declaration refuses any field: a reset takes none.
  app.post('/reset', { schema: RESET }, async (req) => ({ reset: await control.reset(siteOf(req, ctx)) }));
}
