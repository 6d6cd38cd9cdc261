/**
 * The dashboard's buttons: plain POST forms (they work without JavaScript) that call the
 * same functions as the control API, then redirect back (303) to the page they came from
 * with a line saying what happened. A refusal (order already paid, refund already
 * settled) becomes an error page that says why, with a way back.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError } from '../domain/control-error.js';
import { formatDuration, parseDuration } from '../options/duration.js';
import { parseScenario } from '../features/test-rules/scenario-rules.js';
import { acceptRefund, voidRefund } from '../features/refunds/refund-actions.js';
import { readRefundRequest } from '../features/refunds/read-refund.js';
import { formField } from '../http/format.js';
import { done } from './redirect.js';
import { checkNotificationUrl } from '../features/webhooks/site-settings.js';
import { orderOfPath } from './routes-pages.js';
import type { OrderRecord } from '../domain/order.js';
import { euroCents, siteField } from './routes-create.js';
import { clockSharers, resetModel } from './model.js';
import { frame, sendPage } from './page.js';

function siteParam(req: FastifyRequest): string {
  return (req.params as { site: string }).site;
}

function orderHref(o: OrderRecord): string {
  return `/dashboard/sites/${encodeURIComponent(o.site)}/orders/${o.transaction_id}`;
}

function refundOfPath(ctx: SandboxContext, req: FastifyRequest) {
  const site = siteParam(req);
  const raw = (req.params as { refund: string }).refund;
  const view = /^\d{1,16}$/.test(raw) ? ctx.refunds.find(site, Number(raw)) : undefined;
  if (!view) throw new ControlError(404, 'not_found', `No refund ${raw.slice(0, 30)} on site ${site.slice(0, 60)}.`);
  return { site, view };
}

export function registerActions(app: FastifyInstance, ctx: SandboxContext): void {
  const { engine } = ctx;

  app.post('/dashboard/sites/:site/orders/:tx/scenario', async (req, reply) => {
    const order = orderOfPath(ctx, req);
    const scenario = parseScenario(formField(req.body, 'scenario'));
    const when = formField(req.body, 'when') || 'now';
    if (when !== 'now' && when !== 'later' && when !== 'bank') throw new ControlError(400, 'bad_request', 'when: choose now, later or bank');
    const delay = when === 'now' ? 0 : when === 'bank' ? null : parseDuration(formField(req.body, 'delay'), 'delay');
    const { played } = ctx.control.scenarios.setOutcome(order, scenario, delay, 'the dashboard');
    const back = `/dashboard/sites/${encodeURIComponent(order.site)}/orders/${order.transaction_id}`;
    if (played) return done(reply, req, back, 'scenario_played', scenario);
    if (delay === null) return done(reply, req, back, 'scenario_set', scenario);
    return done(reply, req, back, 'scenario_scheduled', `in ${formatDuration(delay)} of sandbox time`);
  });

  // The site-level notification URL (MultiSafepay's dashboard setting); empty clears it.
  app.post('/dashboard/sites/:site/notification-url', async (req, reply) => {
    const site = siteParam(req);
    const raw = formField(req.body, 'notification_url').trim();
    let url: string | null = null;
    if (raw !== '') {
      const checked = checkNotificationUrl(raw);
      if (typeof checked !== 'string') throw new ControlError(400, 'bad_request', checked.error);
      url = checked;
    }
    ctx.siteSettings.setNotificationUrl(site, url);
    return done(reply, req, `/dashboard/settings?site=${encodeURIComponent(site)}`, 'site_settings', url ?? 'cleared');
  });

  // Expire: the "expired" scenario played at once, exactly what the control API does for it.
  app.post('/dashboard/sites/:site/orders/:tx/expire', async (req, reply) => {
    const order = orderOfPath(ctx, req);
    ctx.control.scenarios.setOutcome(order, 'expired', 0, 'the dashboard');
    return done(reply, req, `/dashboard/sites/${encodeURIComponent(order.site)}/orders/${order.transaction_id}`, 'expired');
  });

  // Cancel: what PATCH {"status":"cancelled"} does, through the same engine transition.
  app.post('/dashboard/sites/:site/orders/:tx/cancel', async (req, reply) => {
    const order = orderOfPath(ctx, req);
    engine.transition(order.site, order.transaction_id, { kind: 'cancel', exclude_order: false }, 'control', 'cancelled from the dashboard');
    return done(reply, req, orderHref(order), 'cancelled');
  });

  // Refund: an empty amount refunds everything left, as MultiSafepay's amount 0 does.
  app.post('/dashboard/sites/:site/orders/:tx/refund', async (req, reply) => {
    const order = orderOfPath(ctx, req);
    const amountText = formField(req.body, 'amount');
    const description = formField(req.body, 'description');
    const request = readRefundRequest({
      currency: order.currency,
      amount: amountText === '' ? 0 : euroCents(amountText),
      ...(description !== '' ? { description } : {}),
    });
    const { refund_id } = ctx.refunds.create(order.site, order, request, 'control');
    return done(reply, req, orderHref(order), 'refunded', String(refund_id));
  });

  app.post('/dashboard/sites/:site/webhooks/:id/resend', async (req, reply) => {
    const site = siteParam(req);
    const id = (req.params as { id: string }).id;
    const rec = await ctx.webhooks.resend(site, id);
    if (!rec) throw new ControlError(404, 'not_found', `No notification ${id.slice(0, 40)} on site ${site.slice(0, 60)}.`);
    return done(reply, req, `/dashboard/sites/${encodeURIComponent(site)}/orders/${rec.transaction_id}`, 'resent', rec.id);
  });

  app.post('/dashboard/sites/:site/refunds/:refund/accept', async (req, reply) => {
    const { site, view } = refundOfPath(ctx, req);
    acceptRefund(ctx, site, view);
    return done(reply, req, `/dashboard/sites/${encodeURIComponent(site)}/orders/${view.transaction_id}`, 'refund_accepted', String(view.refund.refund_id));
  });

  app.post('/dashboard/sites/:site/refunds/:refund/void', async (req, reply) => {
    const { site, view } = refundOfPath(ctx, req);
    voidRefund(ctx, site, view);
    return done(reply, req, `/dashboard/sites/${encodeURIComponent(site)}/orders/${view.transaction_id}`, 'refund_voided', String(view.refund.refund_id));
  });

  // Advance the clock of a site (its own, else the sandbox clock) or the sandbox clock: every job due on the way runs first.
  // The sandbox clock is shared: when moving it would move other sites' tests too, the tester confirms first.
  app.post('/dashboard/clock/advance', async (req, reply) => {
    const site = siteField(ctx, req.body) || null;
    const byText = formField(req.body, 'by');
    const by = parseDuration(byText, 'by');
    const own = site !== null && engine.hasOwnClock(site);
    if (!own && formField(req.body, 'confirm') !== 'yes') {
      const others = clockSharers(ctx).filter((s) => s.site !== site);
      // On one site's page any other site is someone else's tests; on the all-sites page, asking makes sense once two share it.
      if (others.length > (site === null ? 1 : 0)) {
        return sendPage(reply, 200, 'clock-confirm.ejs', { ...frame(ctx, req, site, 'none', null), by: byText, others, backTo: formField(req.body, 'back') });
      }
    }
    const clock = site === null || !own ? engine.clock : engine.clockFor(site);
    const fired = await clock.advanceTo(clock.now() + by);
    return done(reply, req, '/dashboard', 'advanced', `forward ${formatDuration(by)}; ${fired} timed job${fired === 1 ? '' : 's'} ran`);
  });

  // A clock of the site's own (starting where the sandbox clock is), optionally moved at once: the tester's time, nobody else's.
  app.post('/dashboard/clock/own', async (req, reply) => {
    const site = siteField(ctx, req.body);
    if (site === '') throw new ControlError(400, 'bad_request', 'site: pick the site that gets its own clock');
    const byText = formField(req.body, 'by');
    const by = byText === '' ? 0 : parseDuration(byText, 'by');
    if (!engine.hasOwnClock(site)) engine.createSiteClock(site);
    const clock = engine.clockFor(site);
    const fired = by > 0 ? await clock.advanceTo(clock.now() + by) : 0;
    return done(reply, req, `/dashboard?site=${encodeURIComponent(site)}`, 'own_clock', by > 0 ? `and moved it forward ${formatDuration(by)}; ${fired} timed job${fired === 1 ? '' : 's'} ran` : '');
  });

  // Reset: a page saying what goes, then the confirmed form does it (the same reset as POST /_sandbox/reset).
  app.get('/dashboard/reset', async (req, reply) => {
    const site = (req.query as Record<string, unknown>).site;
    const s = typeof site === 'string' && site !== '' ? site : null;
    return sendPage(reply, 200, 'reset-confirm.ejs', { ...frame(ctx, req, s, 'none', null), ...resetModel(ctx, s) });
  });

  app.post('/dashboard/reset', async (req, reply) => {
    const site = siteField(ctx, req.body) || null;
    if (formField(req.body, 'confirm') !== 'yes') throw new ControlError(400, 'bad_request', 'confirm: tick “yes, reset” to reset; nothing was changed');
    const r = await ctx.control.reset(site);
    const to = site === null ? '/dashboard' : `/dashboard?site=${encodeURIComponent(site)}`;
    return done(reply, req, to, 'reset', `${r.orders} order${r.orders === 1 ? '' : 's'}, ${r.scenario_rules + r.failure_rules} rule${r.scenario_rules + r.failure_rules === 1 ? '' : 's'}, ${r.journal} journal entr${r.journal === 1 ? 'y' : 'ies'}`, to);
  });
}
