/**
 * Control routes of the webhooks, under /_sandbox/webhooks (a ControlExtension, so the
 * control plane's guard covers them). The site is named by the same API key as the
 * MultiSafepay API (`api_key` header, `?api_key=`, or `Authorization: Bearer`), resolved
 * as on every control route; without a key the log and resend act on every site.
 *
 *   GET    /webhooks/deliveries[?order_id=&state=&limit=]  the delivery log, newest last
 *   GET    /webhooks/deliveries/:id                         one notification with its attempts
 *   POST   /webhooks/deliveries/:id/resend                  send it again now (dashboard "resend")
 *   GET    /webhooks/faults                                 fault rules that concern the site   } aliases kept for one
 *   PUT    /webhooks/faults      {faults, order_id?, scope?} set the rules of a scope           } minor version: notification
 *   DELETE /webhooks/faults[?order_id=&scope=]              clear the rules of a scope         } rules live on /_sandbox/failures
 *   GET    /webhooks/stats                                  pending, in flight, queued
 *   GET    /webhooks/site-settings                          the site's notification URL (MultiSafepay dashboard setting)
 *   PUT    /webhooks/site-settings  {notification_url}      set it (null clears it back to the start-up default)
 *
 * Each route is declared once in domain/wire/webhooks.ts. Errors use the control plane's shape
 * `{error: {code, message}}` with a 4xx status.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError } from '../domain/control-error.js';
import { NOTIFICATION_STATES } from '../domain/notification-states.js';
import {
  CLEAR_FAULT_SCOPE, LIST_DELIVERIES, LIST_FAULT_SCOPES, READ_DELIVERY, READ_SITE_SETTINGS, RESEND_DELIVERY, SET_FAULT_SCOPE, SET_SITE_SETTINGS, WEBHOOK_STATS,
} from '../domain/wire/webhooks.js';
import type { SchemaTypes } from '../http/schema-types.js';
import { requireSite, siteOf } from '../http/control-views.js';
import type { NotificationState } from '../features/webhooks/delivery-log.js';
import type { FaultScope } from '../features/webhooks/faults.js';
import { readFaultRules } from '../features/webhooks/faults.js';
import { checkNotificationUrl } from '../features/webhooks/site-settings.js';

type Obj = Record<string, unknown>;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
}

/** The scope a faults call names: `scope` explicitly, else the order if `order_id` is given, else the site. */
function scopeOf(req: FastifyRequest, ctx: SandboxContext, input: Obj): FaultScope {
  const scope = input.scope;
  if (scope !== undefined && scope !== 'sandbox' && scope !== 'site' && scope !== 'order') {
    throw new ControlError(400, 'bad_request', `scope: must be sandbox, site or order; got ${JSON.stringify(scope)?.slice(0, 40)}`);
  }
  if (scope === 'sandbox') return { kind: 'sandbox' };
  const site = requireSite(req, ctx);
  const orderId = text(input.order_id);
  if (scope === 'order' && orderId === undefined) throw new ControlError(400, 'bad_request', 'order_id: scope order needs order_id (the merchant order_id)');
  if (orderId !== undefined && scope !== 'site') return { kind: 'order', site, order_id: orderId };
  return { kind: 'site', site };
}

const notFound = (id: string): ControlError =>
  new ControlError(404, 'not_found', `no notification ${id.slice(0, 40)} for this site; list them with GET /_sandbox/webhooks/deliveries`);

export async function webhookControl(fastify: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const hooks = ctx.webhooks;

  // `state` and a limit below 1 are judged here, in the words they always had.
  app.get('/webhooks/deliveries', { schema: LIST_DELIVERIES }, async (req) => {
    const site = siteOf(req, ctx);
    const { state, limit, order_id } = req.query;
    if (state !== undefined && !NOTIFICATION_STATES.includes(state as NotificationState)) {
      throw new ControlError(400, 'bad_request', `state: must be one of ${NOTIFICATION_STATES.join(', ')}`);
    }
    if (limit !== undefined && limit < 1) throw new ControlError(400, 'bad_request', 'limit: must be a whole number of 1 or more');
    let list = hooks.deliveries(site, text(order_id));
    if (state !== undefined) list = list.filter((r) => r.state === state);
    if (limit !== undefined) list = list.slice(-limit);
    return { deliveries: list, stats: hooks.stats() };
  });

  app.get('/webhooks/deliveries/:id', { schema: READ_DELIVERY }, async (req) => {
    const id = req.params.id;
    const rec = hooks.delivery(siteOf(req, ctx), id);
    if (!rec) throw notFound(id);
    return rec;
  });

  app.post('/webhooks/deliveries/:id/resend', { schema: RESEND_DELIVERY }, async (req) => {
    const id = req.params.id;
    const rec = await hooks.resend(siteOf(req, ctx), id);
    if (!rec) throw notFound(id);
    return rec;
  });

  app.get('/webhooks/faults', { schema: LIST_FAULT_SCOPES }, async (req) => hooks.faults.list(requireSite(req, ctx)));

  // The body is judged by readFaultRules, as the start-up option is (see domain/wire/webhooks.ts).
  app.put('/webhooks/faults', { schema: SET_FAULT_SCOPE }, async (req) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ControlError(400, 'invalid_body', 'the request body must be a JSON object such as {"faults":[{"fault":"drop"}],"order_id":"my-order-1"}');
    }
    const input = body as Obj;
    for (const k of Object.keys(input)) {
      if (k !== 'faults' && k !== 'order_id' && k !== 'scope') throw new ControlError(400, 'bad_request', `${k}: unknown field; known fields: faults, order_id, scope`);
    }
    const scope = scopeOf(req, ctx, input);
    const rules = readFaultRules(input.faults);
    if (typeof rules === 'string') throw new ControlError(400, 'invalid_rule', rules);
    hooks.faults.set(scope, rules);
    return { scope: scope.kind, ...(scope.kind === 'order' ? { order_id: scope.order_id } : {}), faults: hooks.faults.get(scope) };
  });

  app.delete('/webhooks/faults', { schema: CLEAR_FAULT_SCOPE }, async (req) => {
    const scope = scopeOf(req, ctx, req.query);
    return { scope: scope.kind, cleared: hooks.faults.clear(scope) };
  });

  app.get('/webhooks/site-settings', { schema: READ_SITE_SETTINGS }, async (req) => ctx.siteSettings.view(requireSite(req, ctx)));

  // The schema asks for notification_url; what makes a URL acceptable is domain/notification-url.ts's to say.
  app.put('/webhooks/site-settings', { schema: SET_SITE_SETTINGS }, async (req) => {
    const site = requireSite(req, ctx);
    const raw = req.body.notification_url;
    let url: string | null = null;
    if (raw !== null && raw !== '') {
      const checked = checkNotificationUrl(raw);
      if (typeof checked !== 'string') throw new ControlError(400, 'bad_request', checked.error);
      url = checked;
    }
    ctx.siteSettings.setNotificationUrl(site, url);
    return ctx.siteSettings.view(site);
  });

  app.get('/webhooks/stats', { schema: WEBHOOK_STATS }, async () => hooks.stats());
}
