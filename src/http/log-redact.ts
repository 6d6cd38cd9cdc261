/**
 * Request logging (--log) without secrets: the control token and API keys can travel in the
 * query string (?token=, ?api_key=), and a log file outlives the terminal it was meant for.
 */
import type { FastifyRequest } from 'fastify';

const SECRET_PARAMS = /([?&](?:token|api_key|api-key|apikey|key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** Fastify's logger options: its usual request fields, with the URL redacted. */
export function loggerOptions(enabled: boolean): boolean | { serializers: { req(req: FastifyRequest): Record<string, unknown> } } {
  if (!enabled) return false;
  return {
    serializers: {
      req: (req) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
  };
}
