import type { FastifyReply, FastifyRequest } from 'fastify';

/** MultiSafepay's success envelope. */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data };
}

/** Origin of this sandbox as the caller reached it, for payment_url links. */
export function publicBase(req: FastifyRequest, configured: string | null): string {
  if (configured) return configured;
  return `${req.protocol}://${req.host}`;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => unknown;
