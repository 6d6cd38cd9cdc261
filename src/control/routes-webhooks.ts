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
 * Errors use the control plane's shape `{error: {code, message}}` with a 4xx status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError, toControlError } from '../domain/control-error.js';
import { requireSite, siteOf } from '../http/control-views.js';
import type { NotificationState } from '../features/webhooks/delivery-log.js';
import type { FaultScope } from '../features/webhooks/faults.js';
import { readFaultRules } from '../features/webhooks/faults.js';
import { checkNotificationUrl } from '../features/webhooks/site-settings.js';

type Obj = Record<string, unknown>;
const STATES: readonly NotificationState[] = ['pending', 'held', 'delivered', 'failed', 'dropped'];

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

/** Answer a control error in the control plane's shape (the one mapping of src/domain/control-error.ts). */
function wrap(ctx: SandboxContext, fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    try {
      return await fn(req, reply);
    } catch (err) {
      const ce = toControlError(err);
      if (ce.status >= 500) throw err;
      return reply.code(ce.status).send(ce.toBody());
    }
  };
}

export async function webhookControl(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const hooks = ctx.webhooks;

  app.get(
    '/webhooks/deliveries',
    wrap(ctx, async (req) => {
      const site = siteOf(req, ctx);
      const q = req.query as Obj;
      const state = q.state;
      if (state !== undefined && !STATES.includes(state as NotificationState)) {
        throw new ControlError(400, 'bad_request', `state: must be one of ${STATES.join(', ')}`);
      }
      let limit: number | undefined;
      if (q.limit !== undefined) {
        limit = Number(q.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new ControlError(400, 'bad_request', 'limit: must be a whole number of 1 or more');
      }
      let list = hooks.deliveries(site, text(q.order_id));
      if (state !== undefined) list = list.filter((r) => r.state === state);
      if (limit !== undefined) list = list.slice(-limit);
      return { deliveries: list, stats: hooks.stats() };
    }),
  );

  app.get(
    '/webhooks/deliveries/:id',
    wrap(ctx, async (req) => {
      const site = siteOf(req, ctx);
      const id = (req.params as { id: string }).id;
      const rec = hooks.delivery(site, id);
      if (!rec) throw new ControlError(404, 'not_found', `no notification ${id.slice(0, 40)} for this site; list them with GET /_sandbox/webhooks/deliveries`);
      return rec;
    }),
  );

  app.post(
    '/webhooks/deliveries/:id/resend',
    wrap(ctx, async (req) => {
      const site = siteOf(req, ctx);
      const id = (req.params as { id: string }).id;
      const rec = await hooks.resend(site, id);
      if (!rec) throw new ControlError(404, 'not_found', `no notification ${id.slice(0, 40)} for this site; list them with GET /_sandbox/webhooks/deliveries`);
      return rec;
    }),
  );

  app.get(
    '/webhooks/faults',
    wrap(ctx, async (req) => hooks.faults.list(requireSite(req, ctx))),
  );

  app.put(
    '/webhooks/faults',
    wrap(ctx, async (req) => {
      const body = req.body ?? {};
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
    }),
  );

  app.delete(
    '/webhooks/faults',
    wrap(ctx, async (req) => {
      const scope = scopeOf(req, ctx, req.query as Obj);
      return { scope: scope.kind, cleared: hooks.faults.clear(scope) };
    }),
  );

  app.get(
    '/webhooks/site-settings',
    wrap(ctx, async (req) => ctx.siteSettings.view(requireSite(req, ctx))),
  );

  app.put(
    '/webhooks/site-settings',
    wrap(ctx, async (req) => {
      const site = requireSite(req, ctx);
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !('notification_url' in body)) {
        throw new ControlError(400, 'bad_request', 'send {"notification_url":"https://shop.example/webhook"} (or null to clear it)');
      }
      const raw = (body as Obj).notification_url;
      let url: string | null = null;
      if (raw !== null && raw !== '') {
        const checked = checkNotificationUrl(raw);
        if (typeof checked !== 'string') throw new ControlError(400, 'bad_request', checked.error);
        url = checked;
      }
      ctx.siteSettings.setNotificationUrl(site, url);
      return ctx.siteSettings.view(site);
    }),
  );

  app.get(
    '/webhooks/stats',
    wrap(ctx, async () => hooks.stats()),
  );
}
