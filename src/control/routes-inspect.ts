/**
 * Inspection and reset: orders of a site with their timelines, the request journal, the
 * long-poll `wait`, and a one-call reset of a site or of the whole sandbox.
 */
import { orderAdvice } from '../features/webhooks/order-advice.js';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { renderOptionsOf, renderOrder } from '../domain/render.js';
import { ControlError, bodyObject, onlyFields } from '../domain/control-error.js';
import type { JournalEntry } from '../domain/control-wire.js';
import { formatDuration, parseDuration } from '../options/duration.js';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS, explainTimeout, parseWaitStatus, waitForOrder } from './wait.js';
import { findOrder, iso, orderSummary, queryLimit, queryText, siteOf, timelineView } from '../http/control-views.js';

export function registerInspectRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { engine, control } = ctx;

  app.get('/orders', async (req) => {
    const site = siteOf(req, ctx);
    const status = queryText(req, 'status');
    const financial = queryText(req, 'financial_status');
    parseWaitStatus(status);
    if (financial !== undefined) parseWaitStatus(financial);
    const limit = queryLimit(req, 10_000) ?? 100;
    const q = queryText(req, 'q');
    const orders = engine.listOrders(site, {
      ...(status ? { status } : {}),
      ...(financial ? { financial_status: financial } : {}),
      ...(q ? { q } : {}),
      limit,
    });
    return { orders: orders.map((o) => orderSummary(engine, o)) };
  });

  app.get('/orders/:id', async (req) => {
    const o = findOrder(engine, siteOf(req, ctx), (req.params as { id: string }).id);
    const pending = engine.jobs.list((j) => j.site === o.site && j.data.transaction_id === o.transaction_id).map((j) => ({ kind: j.kind, due: iso(j.due) }));
    return { ...orderSummary(engine, o), timeline: timelineView(o), pending, advice: orderAdvice(ctx.webhooks, o), order: renderOrder(o, renderOptionsOf(ctx.config)) };
  });

  app.get('/orders/:id/timeline', async (req) => {
    const o = findOrder(engine, siteOf(req, ctx), (req.params as { id: string }).id);
    return { order_id: o.order_id, transaction_id: o.transaction_id, status: o.status, financial_status: o.financial_status, timeline: timelineView(o) };
  });

  app.get('/orders/:id/wait', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const site = siteOf(req, ctx);
    const status = parseWaitStatus(queryText(req, 'status'));
    const webhook = queryText(req, 'webhook');
    if (webhook !== undefined && webhook !== 'acked') throw new ControlError(400, 'bad_request', 'webhook: the only value is "acked" (wait until a notification for the order was acknowledged)');
    if (status === null && webhook === undefined) throw new ControlError(400, 'bad_request', 'say what to wait for: ?status=completed and/or ?webhook=acked');
    if (webhook === 'acked' && control.webhookAcks === null) {
      throw new ControlError(400, 'bad_request', 'webhook=acked needs the webhook dispatcher, which this sandbox does not run');
    }
    const timeoutText = queryText(req, 'timeout');
    const timeoutMs = timeoutText === undefined ? DEFAULT_WAIT_MS : parseDuration(timeoutText, 'timeout');
    if (timeoutMs > MAX_WAIT_MS) throw new ControlError(400, 'invalid_duration', `timeout: at most ${formatDuration(MAX_WAIT_MS)}`);

    const spec = { site, id, status, webhookAcked: webhook === 'acked', timeoutMs };
    const result = await waitForOrder(ctx, spec, (cancel) => {
      // The response's close: the client went away (or the answer was sent).
      reply.raw.once('close', cancel);
    });
    const waited_ms = result.waitedMs;
    if (result.outcome === 'reached') return { reached: true, waited_ms, ...orderSummary(engine, result.order) };
    if (result.outcome === 'reset') {
      throw new ControlError(409, 'conflict', `the site was reset while waiting for order ${id.slice(0, 60)}`);
    }
    const o = result.order;
    throw new ControlError(408, 'wait_timeout', explainTimeout(ctx, spec, o), {
      status: o?.status ?? null,
      financial_status: o?.financial_status ?? null,
    });
  });

  app.get('/journal', async (req) => {
    const limit = queryLimit(req, 100_000);
    const method = queryText(req, 'method');
    const path = queryText(req, 'path');
    const orderId = queryText(req, 'order_id');
    const has = queryText(req, 'has');
    const statusText = queryText(req, 'status');
    if (statusText !== undefined && !/^[1-5]\d\d$/.test(statusText)) throw new ControlError(400, 'bad_request', `status: must be an HTTP status such as 200 or 404; got "${statusText.slice(0, 20)}"`);
    if (path !== undefined && !path.startsWith('/')) throw new ControlError(400, 'bad_request', `path: the path under /v1/json, starting with / (such as /orders or /orders/*); got "${path.slice(0, 60)}"`);
    const entries: JournalEntry[] = control.journal.list({
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

  app.delete('/journal', async (req) => ({ removed: control.journal.clear(siteOf(req, ctx)) }));

  app.post('/reset', async (req) => {
    onlyFields(bodyObject(req.body), [], '');
    return { reset: await control.reset(siteOf(req, ctx)) };
  });
}
