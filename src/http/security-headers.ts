/**
 * Security headers for the server-rendered HTML (payment pages, dashboard): a strict
 * Content-Security-Policy (nothing but the sandbox's own files), no MIME sniffing, no
 * referrer leaking to other sites. JSON answers are left as they are.
 */
import type { FastifyInstance } from 'fastify';

export function addHtmlSecurityHeaders(app: FastifyInstance, csp: string, extra: Record<string, string> = {}): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      for (const [k, v] of Object.entries(extra)) reply.header(k, v);
    }
    done(null, payload);
  });
}
