/**
 * Who may use the dashboard: the same rule as the control plane (loopback only unless
 * `controlAllowRemote`; the control token when one is set), because its buttons do what the
 * control API does. A browser cannot send a header on a link, so besides `x-sandbox-token`
 * and `?token=` the dashboard accepts a cookie it sets after the token was shown once (on
 * the login form or in `?token=`). The cookie holds a random session id (security/
 * dashboard-sessions.ts), revoked by "Log out" and by a restart, and is SameSite=Strict, so
 * another site cannot ride on it. Wrong tokens are throttled per address.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../options/config.js';
import { isLoopback, isOwnNotification } from '../http/loopback.js';
import { crossOriginRefusal, hostRefusal } from '../http/origin-guard.js';
import type { SecurityState } from '../features/security/state.js';

export const COOKIE_NAME = 'sandbox_dashboard';

export type Access =
  | { readonly ok: true; readonly via: 'open' | 'header' | 'query' | 'cookie' }
  | { readonly ok: false; readonly status: 401 | 403 | 429; readonly message: string };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

export function isTokenRight(config: SandboxConfig, sent: string): boolean {
  return config.controlToken !== null && same(sent, config.controlToken);
}

export { isLoopback };

/** Is this caller on loopback, or may remote callers use the control plane? */
export function reachable(req: FastifyRequest, config: SandboxConfig): Access | null {
  if (config.controlAllowRemote || isLoopback(req.socket.remoteAddress)) return null;
  return {
    ok: false,
    status: 403,
    message: 'The dashboard answers on loopback only, like the control API. Start the sandbox with --control-allow-remote (env CONTROL_ALLOW_REMOTE=1), ideally with --control-token, to open it from another host.',
  };
}

export function checkAccess(req: FastifyRequest, config: SandboxConfig, security: SecurityState): Access {
  if (isOwnNotification(req, security)) return { ok: false, status: 403, message: 'A notification sent by this sandbox carries no authority over its dashboard.' };
  const far = reachable(req, config);
  if (far) return far;
  const host = hostRefusal(req, config);
  if (host !== null) return { ok: false, status: 403, message: `The dashboard refused this address: ${host}.` };
  const token = config.controlToken;
  if (token === null) return { ok: true, via: 'open' };
  const header = req.headers['x-sandbox-token'];
  const query = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof header === 'string' || typeof query === 'string') {
    const wait = security.guesses.retryAfter(req.socket.remoteAddress);
    if (wait > 0) return { ok: false, status: 429, message: `Too many wrong tokens from this address: try again in ${wait} s.` };
    if (typeof header === 'string') {
      if (same(header, token)) return { ok: true, via: 'header' };
      security.guesses.fail(req.socket.remoteAddress);
      return { ok: false, status: 401, message: 'The x-sandbox-token header is not the control token this sandbox was started with.' };
    }
    if (same(query as string, token)) return { ok: true, via: 'query' };
    security.guesses.fail(req.socket.remoteAddress);
    return { ok: false, status: 401, message: 'The ?token= in the address is not the control token this sandbox was started with.' };
  }
  if (security.sessions.isValid(readCookie(req, COOKIE_NAME))) return { ok: true, via: 'cookie' };
  return { ok: false, status: 401, message: loginPrompt(config) };
}

/** What the login form says: where a token the sandbox made can be found. */
export function loginPrompt(config: SandboxConfig): string {
  const base = 'This sandbox has a control token: enter it to open the dashboard.';
  if (config.controlTokenSource !== 'generated' && config.controlTokenSource !== 'stored') return base;
  const kept = config.dataDir !== null ? ` and kept in ${config.dataDir}/control-token` : '';
  return `${base} The sandbox made it at its first start: it is printed in its log (docker logs)${kept}.`;
}

/** A new session for this browser: a random id, valid until "Log out" or the sandbox stops. */
export function setSessionCookie(reply: FastifyReply, security: SecurityState): void {
  reply.header('set-cookie', `${COOKIE_NAME}=${security.sessions.create()}; Path=/; HttpOnly; SameSite=Strict`);
}

/** Log out: the session is revoked on the server, not only forgotten by this browser. */
export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, security: SecurityState): void {
  security.sessions.revoke(readCookie(req, COOKIE_NAME));
  reply.header('set-cookie', `${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/**
 * A form post from another site, or from another port of this machine (same-site, so it would
 * carry the SameSite=Strict cookie), is refused: browsers say where a request comes from in
 * Origin and Sec-Fetch-Site.
 */
export function isCrossSite(req: FastifyRequest): boolean {
  return crossOriginRefusal(req) !== null;
}

/** Where to go back to after a POST: a dashboard path only, never another host. */
export function safeBack(value: string, fallback = '/dashboard'): string {
  if (!/^\/dashboard(?:[/?#]|$)/.test(value) || /[\r\n\\]/.test(value)) return fallback;
  // Resolved, so /dashboard/../elsewhere cannot climb out either.
  const u = new URL(value, 'http://dashboard.local');
  return u.host === 'dashboard.local' && /^\/dashboard(?:\/|$)/.test(u.pathname) ? u.pathname + u.search : fallback;
}
