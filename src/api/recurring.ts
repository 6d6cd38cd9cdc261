/**
 * MultiSafepay's token endpoints: GET /recurring/{reference}, GET .../token/{token},
 * PATCH .../update/{token}, DELETE .../remove/{token}. Unknown references and tokens get
 * MultiSafepay's 1000 "Not found".
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { isObject } from '../domain/create-order.js';
import { ApiError } from '../domain/errors.js';
import { renderToken } from '../features/recurring/tokens.js';
import { requireSite } from '../http/api-key.js';
import { ok } from '../http/respond.js';
import type { ApiRouter } from './router.js';

interface TokenParams {
  reference: string;
  token: string;
}

function params(req: FastifyRequest): TokenParams {
  const p = req.params as Partial<TokenParams>;
  return { reference: p.reference ?? '', token: p.token ?? '' };
}

function paging(req: FastifyRequest): { limit: number; offset: number } {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const int = (name: string, def: number): number => {
    const v = q[name];
    if (v === undefined || v === '') return def;
    if (typeof v !== 'string' || !/^\d{1,6}$/.test(v)) throw new ApiError('MISSING_DATA', `${name} must be a whole number of zero or more; got ${JSON.stringify(v).slice(0, 30)}`);
    return Number(v);
  };
  return { limit: int('limit', 100), offset: int('offset', 0) };
}

export function registerRecurringRoutes(router: ApiRouter, ctx: SandboxContext): void {
  router.route('GET', '/recurring/:reference', async (req) => {
    const site = requireSite(req, ctx.config);
    const { reference } = params(req);
    const { limit, offset } = paging(req);
    const tokens = ctx.recurring.list(site, reference);
    if (tokens.length === 0) throw new ApiError('NOT_FOUND', `no tokens for customer reference ${reference.slice(0, 60)} on this site`);
    return ok({ tokens: tokens.slice(offset, offset + (limit === 0 ? tokens.length : limit)).map(renderToken) });
  });

  router.route('GET', '/recurring/:reference/token/:token', async (req) => {
    const site = requireSite(req, ctx.config);
    const { reference, token } = params(req);
    return ok(renderToken(ctx.recurring.require(site, reference, token)));
  });

  router.route('PATCH', '/recurring/:reference/update/:token', async (req) => {
    const site = requireSite(req, ctx.config);
    const { reference, token } = params(req);
    const body = req.body;
    if (!isObject(body)) throw new ApiError('MISSING_DATA', 'the request body must be a JSON object such as {"expiry_date":"2512"}');
    const e = body.expiry_date;
    const expiry = typeof e === 'number' && Number.isInteger(e) ? String(e).padStart(4, '0') : e;
    if (typeof expiry !== 'string' || !/^\d{2}(0[1-9]|1[0-2])$/.test(expiry)) {
      throw new ApiError('MISSING_DATA', `expiry_date must be YYMM, e.g. "2512" for December 2025; got ${JSON.stringify(e ?? null).slice(0, 30)}`);
    }
    ctx.recurring.updateExpiry(site, reference, token, expiry);
    return ok({ updated: true });
  });

  router.route('DELETE', '/recurring/:reference/remove/:token', async (req) => {
    const site = requireSite(req, ctx.config);
    const { reference, token } = params(req);
    ctx.recurring.remove(site, reference, token);
    return ok({ removed: true });
  });
}
