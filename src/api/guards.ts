/**
 * Checks on the MultiSafepay API that protect the sandbox rather than model MultiSafepay:
 * a notification_url aimed at the sandbox's own control plane or dashboard is refused, and a
 * site holds at most `maxOrdersPerSite` orders, so one API key cannot fill the memory of a
 * sandbox a whole team shares. Both answer MultiSafepay's error envelope (hooks on the root
 * instance, before the API plugin, so the API's error handler renders them).
 *
 * The limit refuses new orders rather than forgetting old ones: a test that looks an order up
 * later must not find it silently gone; --retention-days is the way to forget old orders.
 */
import type { FastifyInstance } from 'fastify';
import { readApiKey } from '../http/api-key.js';
import type { SandboxContext } from '../context.js';
import { ApiError } from '../domain/errors.js';
import { ownHostNames, selfTargetRefusal } from '../features/webhooks/self-target.js';

const ORDERS_PATH = /^\/v1\/json\/orders\/?(?:\?|$)/;

/** Orders per site, counted once at start and kept in step with creations, forgetting and resets. */
export class SiteOrderCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly ctx: SandboxContext) {
    this.recount(null);
    ctx.engine.onEvent((event) => {
      if (event.type === 'order_created') this.counts.set(event.site, (this.counts.get(event.site) ?? 0) + 1);
    });
    ctx.engine.onForget((orders) => {
      for (const o of orders) this.counts.set(o.site, Math.max(0, (this.counts.get(o.site) ?? 1) - 1));
    });
    ctx.control.onReset((site) => this.recount(site));
  }

  of(site: string): number {
    return this.counts.get(site) ?? 0;
  }

  private recount(site: string | null): void {
    if (site === null) this.counts.clear();
    else this.counts.delete(site);
    for (const o of this.ctx.engine.listOrders(site)) this.counts.set(o.site, (this.counts.get(o.site) ?? 0) + 1);
  }
}

function notificationUrlOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const po = (body as Record<string, unknown>).payment_options;
  return typeof po === 'object' && po !== null ? (po as Record<string, unknown>).notification_url : undefined;
}

export function installApiGuards(app: FastifyInstance, ctx: SandboxContext): void {
  const counts = new SiteOrderCounts(ctx);
  // Callback style: no promise per request on the API's hottest route (create-order is benchmarked).
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.method !== 'POST' || !ORDERS_PATH.test(req.url)) return done();
    const url = notificationUrlOf(req.body);
    if (typeof url === 'string') {
      const refused = selfTargetRefusal(url, ownHostNames(ctx.config, req.headers.host));
      if (refused !== null) return done(new ApiError('MISSING_DATA', `payment_options.notification_url ${refused}`));
    }
    const site = readApiKey(req);
    const max = ctx.config.maxOrdersPerSite;
    if (site !== null && counts.of(site) >= max) {
      return done(
        new ApiError(
          'CANNOT_CREATE',
          `this API key already holds ${max} orders, the most one site may keep in this sandbox (--max-orders-per-site, env MAX_ORDERS_PER_SITE); reset the site (POST /_sandbox/reset) or forget old orders with --retention-days`,
          429,
        ),
      );
    }
    done();
  });
}
