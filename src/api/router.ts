/**
 * Registers MultiSafepay routes under /v1/json and, for every PATCH/DELETE route, the
 * POST form with `X-HTTP-Method-Override` that the Java client sends instead.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';

export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
export type ApiHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export class ApiRouter {
  private readonly byPath = new Map<string, Map<ApiMethod, ApiHandler>>();

  constructor(private readonly app: FastifyInstance) {}

  route(method: ApiMethod, path: string, handler: ApiHandler): void {
    let methods = this.byPath.get(path);
    if (!methods) {
      methods = new Map();
      this.byPath.set(path, methods);
    }
    methods.set(method, handler);
    this.app.route({ method, url: path, handler });
  }

  /** Call once all routes are in: adds the POST + X-HTTP-Method-Override forms. */
  finish(): void {
    for (const [path, methods] of this.byPath) {
      if (methods.has('POST')) continue;
      const overridable = [...methods.keys()].filter((m) => m !== 'GET');
      if (overridable.length === 0) continue;
      this.app.route({
        method: 'POST',
        url: path,
        handler: async (req, reply) => {
          const o = String(req.headers['x-http-method-override'] ?? '').toUpperCase() as ApiMethod;
          const h = methods.get(o);
          if (!h || o === 'POST') {
            throw new ApiError('UNKNOWN', `POST is not supported on ${path}; use ${overridable.join(' or ')} (or POST with X-HTTP-Method-Override)`, 405);
          }
          return h(req, reply);
        },
      });
    }
  }
}

/** POST routes that also honour an override header (POST exists there, so finish() skips them). */
export function methodOverride(req: FastifyRequest): ApiMethod | null {
  const o = req.headers['x-http-method-override'];
  return typeof o === 'string' && o.trim() !== '' ? (o.trim().toUpperCase() as ApiMethod) : null;
}
