/**
 * buildApp(options): the Fastify instance with every door mounted. It never listens:
 * tests use `inject`, startSandbox() and the CLI call `listen`.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { SandboxOptions } from './options/config.js';
import { resolveConfig } from './options/config.js';
import type { SandboxContext } from './context.js';
import { createContext, resumeContext } from './context.js';
import { apiPlugin } from './api/plugin.js';
import { installBodyParser } from './http/body-parser.js';
import { frameworkErrors } from './http/framework-errors.js';
import { pagesPlugin } from './pages/plugin.js';
import { dashboardPlugin } from './dashboard/plugin.js';
import { controlPlugin } from './control/plugin.js';
import type { ControlExtension } from './control/plugin.js';
import { eventStreamRoutes } from './control/routes-events.js';
import { installApiHooks } from './api/test-rule-hooks.js';
import type { ApiRouteRegistrar } from './api/plugin.js';
import { registerRefundRoutes } from './api/refunds.js';
import { registerRecurringRoutes } from './api/recurring.js';
import { registerTransactionRoutes } from './api/transactions.js';
import { afterPaymentRoutes } from './control/after-payment-routes.js';
import { webhookControl } from './control/routes-webhooks.js';
import { lazyCompilers } from './http/lazy-compilers.js';
import { loggerOptions } from './http/log-redact.js';
import { withControlToken } from './features/security/token-file.js';
import { installApiGuards } from './api/guards.js';
import { healthReport } from './http/health.js';

declare module 'fastify' {
  interface FastifyInstance {
    sandbox: SandboxContext;
  }
}

/** Absolute-form request targets (a client using the sandbox as an HTTP proxy) become paths. */
function rewriteUrl(req: { url?: string }): string {
  const url = req.url ?? '/';
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
}

export async function buildApp(options: SandboxOptions = {}): Promise<FastifyInstance> {
  // A sandbox reachable beyond loopback gets a control token unless one was given (or openness was chosen).
  const config = withControlToken(resolveConfig(options), (m) => console.warn(m));
  const ctx = createContext(config);
  const app = Fastify({
    logger: loggerOptions(config.logger),
    bodyLimit: config.bodyLimit,
    rewriteUrl,
    // Header names like api_key contain an underscore; Node accepts them, so does Fastify.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    return503OnClosing: true,
    forceCloseConnections: true,
    // Undecodable paths and overlong ids: MultiSafepay's envelope under /v1/json, not Fastify's.
    frameworkErrors,
    // Ajv and fast-json-stringify only when a route with a schema needs them (faster start-up).
    schemaController: { compilersFactory: lazyCompilers() },
  });
  app.decorate('sandbox', ctx);
  installBodyParser(app);

  app.get('/health', async (_req, reply) => {
    const body = healthReport(ctx);
    // Still 200 under memory pressure (the sandbox answers); 503 when orders cannot be stored.
    return reply.code(body.status === 'storage_failing' ? 503 : 200).send(body);
  });

  // Feature modules plug in here: MultiSafepay API routes and control-plane routes.
  const apiRoutes: ApiRouteRegistrar[] = [registerRefundRoutes, registerRecurringRoutes, registerTransactionRoutes];
  const controlExtensions: ControlExtension[] = [afterPaymentRoutes, webhookControl, eventStreamRoutes];

  // Failure rules and the request journal wrap every /v1/json call (hooks before the API plugin).
  installApiHooks(app, ctx);
  installApiGuards(app, ctx);
  await app.register(apiPlugin, { prefix: '/v1/json', ctx, extraRoutes: apiRoutes });
  await app.register(controlPlugin, { prefix: '/_sandbox', ctx, extensions: controlExtensions });
  await app.register(pagesPlugin, { ctx });
  await app.register(dashboardPlugin, { ctx });

  // Stored timers (after a restart) go back on their clocks once every feature's handlers exist.
  app.addHook('onReady', async () => resumeContext(ctx));
  app.addHook('onClose', async () => {
    for (const close of [...ctx.closers].reverse()) await close();
    ctx.engine.close();
    ctx.store.close();
  });
  return app;
}
