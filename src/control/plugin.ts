/**
 * The sandbox control plane under /_sandbox: scenarios, failures, time travel, inspection.
 * Outside /v1/json so a merchant's client never meets it. JSON in and out; errors are
 * `{error: {code, message}}` with a 4xx that names what is wrong.
 *
 * Other features add their control routes as extensions (webhook log and resend, refund
 * "Accept", Second Chance outbox) so that this plugin's guard and error handling cover
 * them all. Every route registered here declares its schema in domain/wire/ (a test checks):
 * Fastify validates with it (validator.ts), the served OpenAPI is generated from it
 * (openapi.ts), and handlers and the typed client get their types from it.
 *
 * Answers are written with JSON.stringify, not with a serializer compiled from the response
 * schemas: those describe the answers (and a test holds every answer to them) but must never
 * drop a field an answer carries.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError, toControlError } from '../domain/control-error.js';
import { checkControlAccess } from './guard.js';
import type { ControlRouteSchema } from '../domain/schema-type.js';
import { ENTRY, OPENAPI_DOCUMENT } from '../domain/wire/meta.js';
import { buildOpenApi } from './openapi.js';
import { controlValidatorCompiler, schemaError } from './validator.js';
import { registerClockRoutes } from './routes-clock.js';
import { registerInspectRoutes } from './routes-inspect.js';
import { registerRuleRoutes } from './routes-rules.js';

export type ControlExtension = (app: FastifyInstance, ctx: SandboxContext) => void | Promise<void>;


export async function controlPlugin(app: FastifyInstance, opts: { ctx: SandboxContext; extensions?: ControlExtension[]; prefix?: string }): Promise<void> {
  const { ctx } = opts;
  const prefix = opts.prefix ?? '/_sandbox';

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== 'HEAD') ctx.control.routes.push({ method: m, url: route.url, ...(route.schema ? { schema: route.schema } : {}) });
  });
  app.setValidatorCompiler(controlValidatorCompiler());
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // No body (or a JSON null) is an empty object, as it always was: `POST /_sandbox/clock/own` needs none.
  app.addHook('preValidation', async (req) => {
    if ((req.body === undefined || req.body === null) && req.routeOptions.schema?.body) req.body = {};
  });
  app.addHook('onRequest', async (req) => checkControlAccess(req, ctx.config, ctx.security));

  app.setErrorHandler(async (err, req, reply) => {
    const ce = toControlError(err);
    if (ce.status >= 500) req.log.error({ err }, 'unexpected error in control route');
    const wait = ce.extra.retry_after_seconds;
    if (typeof wait === 'number') reply.header('retry-after', String(wait));
    return reply.code(ce.status).type('application/json; charset=utf-8').send(ce.toBody());
  });
  // A route schema's refusal in the control plane's shape, naming the field and what it takes.
  app.setSchemaErrorFormatter((errors, dataVar) => schemaError(errors, dataVar));
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const ce = new ControlError(404, 'not_found', `no control endpoint ${req.method} ${path.slice(0, 200)}; GET ${prefix}/openapi.json lists them`);
    return reply.code(404).send(ce.toBody());
  });

  app.get('/', { schema: ENTRY }, async () => ({ name: 'sofort-sandbox control API', openapi: `${prefix}/openapi.json` }));
  app.get('/openapi.json', { schema: OPENAPI_DOCUMENT }, async () => buildOpenApi(ctx.control.routes as Array<{ method: string; url: string; schema?: ControlRouteSchema }>));
  registerClockRoutes(app, ctx);
  registerRuleRoutes(app, ctx);
  registerInspectRoutes(app, ctx);
  for (const ext of opts.extensions ?? []) await ext(app, ctx);
}
