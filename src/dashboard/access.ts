/**
 * Who may use the dashboard: the same rule as the control plane (loopback only unless
 * `controlAllowRemote`; the control token when one is set), because its buttons do what the
 * control API does. A browser cannot send a header on a link, so besides `x-sandbox-token`
 * and `?token=` the dashboard accepts a cookie it sets after the token was shown once (on
 * the login form or in `?token=`). The cookie holds an HMAC of the token, not the token,
 * and is SameSite=Strict, so another site cannot ride on it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../config.js';
import { isLoopback } from '../control/guard.js';

export const COOKIE_NAME = 'sandbox_dashboard';

export type Access =
  | { readonly ok: true; readonly via: 'open' | 'header' | 'query' | 'cookie' }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The cookie's value for a token: stable across restarts, useless as a control token. */
export function cookieValue(token: string): string {
  return createHmac('sha256', token).update('sofort-sandbox dashboard session').digest('base64url');
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

/** Is this caller on loopback, or may remote callers use the control plane? */
export function reachable(req: FastifyRequest, config: SandboxConfig): Access | null {
  if (config.controlAllowRemote || isLoopback(req.socket.remoteAddress)) return null;
  return {
    ok: false,
    status: 403,
    message: 'The dashboard answers on loopback only, like the control API. Start the sandbox with --control-allow-remote (env CONTROL_ALLOW_REMOTE=1), ideally with --control-token, to open it from another host.',
  };
}

export function checkAccess(req: FastifyRequest, config: SandboxConfig): Access {
  const far = reachable(req, config);
  if (far) return far;
  const token = config.controlToken;
  if (token === null) return { ok: true, via: 'open' };
  const header = req.headers['x-sandbox-token'];
  if (typeof header === 'string') {
    return same(header, token) ? { ok: true, via: 'header' } : { ok: false, status: 401, message: 'The x-sandbox-token header is not the control token this sandbox was started with.' };
  }
  const query = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof query === 'string') {
    return same(query, token) ? { ok: true, via: 'query' } : { ok: false, status: 401, message: 'The ?token= in the address is not the control token this sandbox was started with.' };
  }
  const cookie = readCookie(req, COOKIE_NAME);
  if (cookie !== null && same(cookie, cookieValue(token))) return { ok: true, via: 'cookie' };
  return { ok: false, status: 401, message: 'This sandbox has a control token: enter it to open the dashboard.' };
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.header('set-cookie', `${COOKIE_NAME}=${cookieValue(token)}; Path=/; HttpOnly; SameSite=Strict`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/**
 * A form post from another site (a page the tester visits could post to 127.0.0.1) is
 * refused: browsers say where a request comes from in Origin and Sec-Fetch-Site.
 */
export function isCrossSite(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return origin === 'null';
  try {
    // Through URL on both sides, so a default port written out (Host: localhost:80) still matches.
    return new URL(origin).host !== new URL(`http://${req.headers.host ?? ''}`).host;
  } catch {
    return true;
  }
}

/** Where to go back to after a POST: a dashboard path only, never another host. */
export function safeBack(value: string, fallback = '/dashboard'): string {
  if (!/^\/dashboard(?:[/?#]|$)/.test(value) || /[\r\n\\]/.test(value)) return fallback;
  // Resolved, so /dashboard/../elsewhere cannot climb out either.
  const u = new URL(value, 'http://dashboard.local');
  return u.host === 'dashboard.local' && /^\/dashboard(?:\/|$)/.test(u.pathname) ? u.pathname + u.search : fallback;
}
