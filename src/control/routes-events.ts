/**
 * GET /_sandbox/events: what happens in a site as it happens, as server-sent events, for the
 * terminal client (`sofort-sandbox logs --follow`, `sofort-sandbox listen`). A control
 * extension, so the control plane's guard (loopback, token) covers it.
 *
 * Events (each `event: <type>` with one JSON `data:` line):
 *   api           a MultiSafepay API call was answered (the request journal's entry)
 *   status        an order changed status (from, to, action, cause)
 *   notification  MultiSafepay would notify the shop now: the order's notification body as it
 *                 would be sent, whatever notification_url the order has, or none. `listen`
 *                 signs and forwards it; the sandbox's own delivery goes on as before.
 *   delivery      a delivery attempt to the order's notification_url ended (status, error)
 *   token         a recurring token changed: token_created, token_updated (expiry), token_removed
 *   notification_state  a notification changed state (queued as pending, held or dropped;
 *                 delivered, failed, released), with the action that moved it
 *
 * The last two are sent only when asked for by name (`types=`), so a stream that names no
 * types carries what it always did.
 *
 * Why the client forwards instead of the sandbox: the URL to forward to is on the developer's
 * machine, which a sandbox in a container or on a CI host cannot reach; the terminal can.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { renderOrder } from '../domain/render.js';
import { siteOf } from '../http/control-views.js';
import { DEFAULT_EVENT_TYPES, EVENT_STREAM, EVENT_TYPES, type SandboxEventType } from '../domain/wire/events.js';
import type { SchemaTypes } from '../http/schema-types.js';

/** A comment line this often keeps an idle stream open through proxies. */
const HEARTBEAT_MS = 15_000;

interface Subscriber {
  readonly res: ServerResponse;
  readonly site: string | null;
  readonly types: ReadonlySet<SandboxEventType>;
}

function readTypes(raw: unknown): Set<SandboxEventType> | string {
  if (raw === undefined || raw === '') return new Set(DEFAULT_EVENT_TYPES);
  if (typeof raw !== 'string') return 'types: a comma-separated list, given once';
  const out = new Set<SandboxEventType>();
  for (const t of raw.split(',').map((s) => s.trim())) {
    if (!(EVENT_TYPES as readonly string[]).includes(t)) return `types: ${JSON.stringify(t.slice(0, 40))} is not an event type; use ${EVENT_TYPES.join(', ')}`;
    out.add(t as SandboxEventType);
  }
  return out;
}

export async function eventStreamRoutes(fastify: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const subscribers = new Set<Subscriber>();
  const iso = (ms: number): string => new Date(ms).toISOString();

  const publish = (site: string | null, type: SandboxEventType, data: Record<string, unknown>): void => {
    if (subscribers.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify({ type, site, ...data })}\n\n`;
    for (const s of subscribers) {
      if (s.types.has(type) && (s.site === null || s.site === site)) s.res.write(frame);
    }
  };

  const off = [
    ctx.control.journal.onAdd((e) => publish(e.site, 'api', { at: e.at, method: e.method, url: e.url, http_status: e.status, outcome: e.outcome, order_id: e.order_id, error_code: e.error_code, duration_ms: e.duration_ms })),
    ctx.engine.onEvent((event, order) => {
      if (event.type === 'status_changed') {
        publish(event.site, 'status', { at: iso(event.at), order_id: event.order_id, transaction_id: event.transaction_id, action: event.action, cause: event.cause, from: event.from, to: event.to });
      }
      // The dispatcher's own rule for when MultiSafepay notifies, without its need for a URL.
      const notifies = event.type === 'order_created' ? ctx.webhooks.config.notifyOnCreate : event.notify;
      if (!notifies || subscribers.size === 0) return;
      const current = ctx.engine.getOrder(order.site, order.transaction_id) ?? order;
      publish(event.site, 'notification', {
        at: iso(event.at),
        event: event.type,
        order_id: current.order_id,
        transaction_id: current.transaction_id,
        status: current.status,
        financial_status: current.financial_status,
        notification_url: current.payment_options.notification_url ?? null,
        body: JSON.stringify(renderOrder(current, { maskIbans: ctx.webhooks.config.maskIbans })),
      });
    }),
    ctx.recurring.onChange((event) => {
      publish(event.site, 'token', { at: iso(event.at), event: event.type, reference: event.reference, token: event.token, transaction_id: event.transaction_id, expiry_date: event.expiry_date, cause: event.cause, from: event.from, to: event.to });
    }),
    ctx.webhooks.onChange((event) => {
      publish(event.site, 'notification_state', {
        at: iso(event.at),
        id: event.id,
        order_id: event.order_id,
        transaction_id: event.transaction_id,
        status: event.status,
        action: event.action,
        from: event.from,
        to: event.to,
        attempts_made: event.attempts_made,
        next_attempt_at: event.next_attempt_at === null ? null : iso(event.next_attempt_at),
      });
    }),
    ctx.webhooks.onDelivery((rec, attempt) => {
      if (!attempt) return;
      publish(rec.site, 'delivery', {
        at: iso(attempt.at),
        id: rec.id,
        order_id: rec.order_id,
        status: rec.status,
        url: attempt.request.url,
        http_status: attempt.response?.status ?? null,
        acknowledged: attempt.acknowledged,
        error: attempt.error,
        state: rec.state,
      });
    }),
  ];

  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const closeAll = (): void => {
    for (const o of off.splice(0)) o();
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    for (const s of subscribers) s.res.end();
    subscribers.clear();
  };
  // preClose: an open stream would otherwise keep app.close() waiting for its connection.
  app.addHook('preClose', async () => closeAll());
  app.addHook('onClose', async () => closeAll());

  app.get('/events', { schema: EVENT_STREAM }, async (req, reply) => {
    const site = siteOf(req, ctx);
    const types = readTypes(req.query.types);
    if (typeof types === 'string') return reply.code(400).send({ error: { code: 'bad_request', message: types } });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const sub: Subscriber = { res, site, types };
    subscribers.add(sub);
    res.write(`event: ready\ndata: ${JSON.stringify({ type: 'ready', site, types: [...types] })}\n\n`);
    res.once('close', () => {
      subscribers.delete(sub);
      if (subscribers.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = null;
      }
    });
    if (!heartbeat) {
      heartbeat = setInterval(() => {
        for (const s of subscribers) s.res.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
    }
  });
}
