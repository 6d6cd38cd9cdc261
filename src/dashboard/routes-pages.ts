/**
 * The dashboard's read-only pages (they work without JavaScript) and the event stream their
 * script follows to refresh in place: orders list, one order, Second Chance outbox,
 * settings and rules.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError } from '../domain/control-error.js';
import type { OrderRecord } from '../domain/order.js';
import type { LiveHub } from './live.js';
import { detailModel, knownSites, listModel, outboxModel, settingsModel, siteCounts } from './model.js';
import { failedCallCount, problemsModel } from './model-problems.js';
import { editModel, rulesFormModel } from './model-rules.js';
import { publicBase } from '../http/respond.js';
import { paymentUrlFor } from '../domain/shopper-urls.js';
import { eventsUrl, frame, queryParam, sendPage } from './page.js';

/** The order a dashboard path names: /dashboard/sites/:site/orders/:tx. */
export function orderOfPath(ctx: SandboxContext, req: FastifyRequest): OrderRecord {
  const { site, tx } = req.params as { site: string; tx: string };
  const order = /^\d{1,16}$/.test(tx) ? ctx.engine.getOrder(site, Number(tx)) : undefined;
  if (!order) throw new ControlError(404, 'order_not_found', `No order with transaction id ${tx.slice(0, 40)} on site ${site.slice(0, 60)}. It may have been reset or dropped by retention.`);
  return order;
}

export function registerPages(app: FastifyInstance, ctx: SandboxContext, hub: LiveHub): void {
  app.get('/', async (req, reply) => {
    const q = req.url.indexOf('?');
    return reply.redirect(`/dashboard${q >= 0 ? req.url.slice(q) : ''}`, 302);
  });

  app.get('/dashboard', async (req, reply) => {
    const site = queryParam(req, 'site');
    const model = listModel(ctx, { site, status: queryParam(req, 'status'), q: queryParam(req, 'q') });
    return sendPage(reply, 200, 'orders.ejs', { ...frame(ctx, req, site, 'orders', eventsUrl(site)), ...model, refused: failedCallCount(ctx, site) });
  });

  app.get('/dashboard/sites/:site/orders/:tx', async (req, reply) => {
    const order = orderOfPath(ctx, req);
    // The payment page as the shop's create-order answer gave it, on the address the tester reached the dashboard by.
    const paymentUrl = order.status === 'initialized' ? paymentUrlFor(publicBase(req, ctx.config.publicUrl), order) : null;
    return sendPage(reply, 200, 'order.ejs', { ...frame(ctx, req, order.site, 'none', eventsUrl(order.site, order.transaction_id)), ...detailModel(ctx, order), paymentUrl });
  });

  app.get('/dashboard/outbox', async (req, reply) => {
    const site = queryParam(req, 'site');
    const entries = ctx.secondChance.list(site).reverse().map(outboxModel);
    return sendPage(reply, 200, 'outbox.ejs', { ...frame(ctx, req, site, 'outbox', eventsUrl(site)), entries, pendingCount: ctx.secondChance.pending(site).length });
  });

  app.get('/dashboard/settings', async (req, reply) => {
    const site = queryParam(req, 'site');
    return sendPage(reply, 200, 'settings.ejs', {
      ...frame(ctx, req, site, 'settings', eventsUrl(site)),
      sites: knownSites(ctx),
      siteOptions: siteCounts(ctx),
      ...settingsModel(ctx, site, hub.size),
      ...rulesFormModel(ctx, site),
      editing: editModel(ctx, queryParam(req, 'edit')),
    });
  });

  app.get('/dashboard/problems', async (req, reply) => {
    const site = queryParam(req, 'site');
    return sendPage(reply, 200, 'problems.ejs', { ...frame(ctx, req, site, 'problems', eventsUrl(site)), siteOptions: siteCounts(ctx), ...problemsModel(ctx, site) });
  });

  // Server-sent events: the page's script refreshes its live parts when something it shows changed.
  app.get('/dashboard/events', async (req, reply) => {
    const site = queryParam(req, 'site');
    const tx = queryParam(req, 'tx');
    if (tx !== null && (site === null || !/^\d{1,16}$/.test(tx))) throw new ControlError(400, 'bad_request', 'tx: a transaction id (digits) together with site=');
    reply.hijack();
    // Headers set by hooks (the session cookie) go out with the stream's head.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') headers[k] = v;
    hub.open(reply.raw, { site, transactionId: tx === null ? null : Number(tx) }, headers);
  });
}
