/**
 * Shared gatekeeping of the payment page and the bank: find the order of a session, and
 * turn a transition the engine refused because the order moved on (paid in another tab,
 * expired by the clock meanwhile) into the page for its new state instead of an error.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { OrderRecord } from '../domain/order.js';
import type { PageKit } from './page-kit.js';
import { langHint } from './page-kit.js';
import { renderResult, resultKindOf } from './outcome.js';

export function sessionParam(req: FastifyRequest): string {
  return (req.params as { session?: string }).session ?? '';
}

export function renderNotFound(kit: PageKit, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return kit.send(reply, 404, 'not-found.ejs', kit.model(null, langHint(req)));
}

/**
 * Run `change` (which calls engine.transition) and return its result; if the engine refuses
 * because the order is no longer payable, render that order's result page instead.
 */
export async function guarded(
  kit: PageKit,
  reply: FastifyReply,
  order: OrderRecord,
  change: () => Promise<FastifyReply> | FastifyReply,
): Promise<FastifyReply> {
  try {
    return await change();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const fresh = kit.ctx.engine.getOrder(order.site, order.transaction_id);
    const kind = fresh ? resultKindOf(fresh) : null;
    if (fresh && kind) return renderResult(kit, reply, fresh, kind, true);
    throw err;
  }
}
