/**
 * The MultiSafepay-compatible API under /v1/json. Every answer is MultiSafepay's envelope;
 * every rejection its error envelope, whatever went wrong.
 */
import { StorageError } from '../engine/store.js';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ApiError } from '../domain/errors.js';
import { registerGatewayRoutes } from './gateways.js';
import { registerOrderRoutes } from './orders.js';
import { ApiRouter } from './router.js';

export type ApiRouteRegistrar = (router: ApiRouter, ctx: SandboxContext) => void;

/** Convert anything thrown in the API into MultiSafepay's error envelope. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The disk failed, not the sandbox: say so (503), as the store phrased it.
  if (err instanceof StorageError) return new ApiError('UNKNOWN', err.message, 503);
  const e = err as Partial<FastifyError> & { message?: string };
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError('UNKNOWN', 'the request body is larger than this sandbox accepts (bodyLimit); send a smaller body', 413);
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError('UNKNOWN', 'the Content-Type header cannot be read; send Content-Type: application/json', 415);
  }
  if (status >= 400 && status < 500) {
    return new ApiError('UNKNOWN', e.message ?? 'the request could not be read', status);
  }
  return new ApiError('UNKNOWN', 'the sandbox failed to handle this request; this is a bug in the sandbox, please report it', 500);
}

export async function apiPlugin(app: FastifyInstance, opts: { ctx: SandboxContext; extraRoutes?: ApiRouteRegistrar[] }): Promise<void> {
  const { ctx } = opts;
  const router = new ApiRouter(app);
  registerOrderRoutes(router, ctx);
  registerGatewayRoutes(router, ctx);
  for (const extra of opts.extraRoutes ?? []) extra(router, ctx);
  router.finish();

  app.setErrorHandler(async (err, req, reply) => {
    const apiErr = toApiError(err);
    if (apiErr.http >= 500) req.log.error({ err }, 'unexpected error in API handler');
    return reply.code(apiErr.http).type('application/json; charset=utf-8').send(apiErr.toEnvelope());
  });

  app.setNotFoundHandler(async (req, reply) => {
    const err = new ApiError('NOT_FOUND', `no endpoint ${req.method} ${req.url.split('?')[0]}; see the README for what the sandbox serves`);
    return reply.code(404).send(err.toEnvelope());
  });
}
