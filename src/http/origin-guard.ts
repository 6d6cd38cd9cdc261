/**
 * What a web page in the tester's browser could make the browser do to a sandbox on
 * 127.0.0.1 (CSRF), or to one its own host name points at (DNS rebinding), checked on the
 * doors that carry authority: the control plane and the dashboard.
 *
 * - Host: while the sandbox listens on loopback, only loopback names are served (localhost,
 *   *.localhost, 127.x, [::1]), plus publicUrl's host and --allowed-host names, as Vite and
 *   webpack-dev-server do. A rebound name (evil.example -> 127.0.0.1) carries its own Host.
 * - Origin / Sec-Fetch-Site: a browser request from another origin is refused. Programs
 *   (curl, the typed client, CI scripts) send neither header and are not affected.
 * - Content type: a control write with a body must say application/json; a browser can send
 *   text/plain or a form cross-site without a preflight, but never application/json.
 */
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import type { SandboxConfig } from '../options/config.js';

/** Does the sandbox listen on loopback only (so that no other name can be legitimate)? */
export function listensOnLoopback(config: SandboxConfig): boolean {
  const h = config.host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** The host name of a Host header, lower case, without port; brackets kept for IPv6. */
export function hostName(header: string | undefined): string | null {
  if (typeof header !== 'string' || header === '') return null;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost') || name === '[::1]') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

function matchesAllowed(name: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.startsWith('.') ? name === a.slice(1) || name.endsWith(a) : name === a));
}

/** Null when the Host is served; else why not, naming the fix. */
export function hostRefusal(req: FastifyRequest, config: SandboxConfig): string | null {
  if (!listensOnLoopback(config)) return null;
  const name = hostName(req.headers.host);
  if (name !== null && isLoopbackName(name)) return null;
  const allowed = config.publicUrl !== null ? [...config.allowedHosts, new URL(config.publicUrl).hostname.toLowerCase()] : config.allowedHosts;
  if (name !== null && matchesAllowed(name, allowed)) return null;
  const shown = (req.headers.host ?? '').slice(0, 100);
  return `this sandbox listens on loopback and answers its control plane and dashboard only to localhost, loopback addresses and allowed names, not to Host "${shown}" (a defence against DNS rebinding); start it with --allowed-host ${name ?? 'NAME'} (env ALLOWED_HOSTS) to use that name`;
}

/** Null when the request is not a browser request from another origin; else why it is refused. */
export function crossOriginRefusal(req: FastifyRequest): string | null {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `a browser request from another site (Sec-Fetch-Site: ${site}) may not use the sandbox's control plane or dashboard`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  if (typeof origin !== 'string' || origin === 'null') return 'a browser request from an opaque origin (Origin: null) may not use the sandbox\'s control plane or dashboard';
  try {
    // Through URL on both sides, so a default port written out (Host: localhost:80) still matches.
    if (new URL(origin).host === new URL(`http://${req.headers.host ?? ''}`).host) return null;
  } catch {
    // An unreadable Origin or Host is not the same origin.
  }
  return `a browser request from ${origin.slice(0, 100)} may not use the sandbox's control plane or dashboard; only pages of this sandbox may`;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Null when a control call's content type is fine; else why not. */
export function contentTypeRefusal(req: FastifyRequest): string | null {
  if (!WRITES.has(req.method)) return null;
  const ct = req.headers['content-type'];
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (ct === undefined) return hasBody ? 'a control call with a body must send Content-Type: application/json' : null;
  const type = String(ct).split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return null;
  return `a control call must send its body as Content-Type: application/json, not ${type.slice(0, 60) || 'an empty type'}`;
}
