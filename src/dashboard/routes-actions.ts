/**
 * The dashboard's buttons: plain POST forms (they work without JavaScript) that call the
 * same functions as the control API, then redirect back (303) to the page they came from
 * with a line saying what happened. A refusal (order already paid, refund already
 * settled) becomes an error page that says why, with a way back.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError } from '../control/control-error.js';
import { formatDuration, parseDuration } from '../control/duration.js';
import { parseScenario } from '../control/scenario-rules.js';
import { acceptRefund, voidRefund } from '../control/after-payment-routes.js';
import { formField } from '../pages/format.js';
import { checkNotificationUrl } from '../webhooks/site-settings.js';
import { safeBack } from './access.js';
import { orderOfPath } from './routes-pages.js';

function siteParam(req: FastifyRequest): string {
  return (req.params as { site: string }).site;
}

/** Back to `back` (a dashboard path) with the flash parameters. */
function done(reply: FastifyReply, req: FastifyRequest, fallback: string, code: string, ref = ''): FastifyReply {
  const u = new URL(safeBack(formField(req.body, 'back'), fallback), 'http://dashboard.local');
  u.searchParams.set('done', code);
  if (ref !== '') u.searchParams.set('ref', ref);
  else u.searchParams.delete('ref');
  return reply.header('cache-control', 'no-store').redirect(u.pathname + u.search, 303);
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
  app.post('/dashboard/clock/advance', async (req, reply) => {
    const site = formField(req.body, 'site') || null;
    const by = parseDuration(formField(req.body, 'by'), 'by');
    const clock = site === null ? engine.clock : engine.clockFor(site);
    const fired = await clock.advanceTo(clock.now() + by);
    return done(reply, req, '/dashboard', 'advanced', `forward ${formatDuration(by)}; ${fired} timed job${fired === 1 ? '' : 's'} ran`);
  });
}
