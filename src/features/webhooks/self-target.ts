/**
 * Notifications carry no authority. They leave from this process, so they arrive on loopback
 * and would pass the loopback guard: a `notification_url` of http://127.0.0.1:PORT/_sandbox/reset
 * would let any API key reset every site when its order changed. Such a URL is refused when the
 * order is created and again before every attempt (a stored order from an older version may
 * have one); a host name that only resolves to loopback is caught by the control plane and
 * dashboard guards, which refuse connections the sender opened itself (SecurityState).
 */
import { isIP } from 'node:net';
import type { SandboxConfig } from '../../options/config.js';

const GUARDED = /^\/(?:_sandbox|dashboard)(?:[/?#]|$)/;

function isLocalName(name: string): boolean {
  // `localhost.` (a fully qualified name) resolves like `localhost`.
  const n = name.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  // Other forms (IPv4-mapped IPv6, DNS names that point at 127.0.0.1) reach the guards at the door.
  if (n === 'localhost' || n.endsWith('.localhost') || n === '::1' || n === '::' || n === '0.0.0.0') return true;
  return isIP(n) === 4 && (n.startsWith('127.') || n === '0.0.0.0');
}

/** The sandbox's own host names besides loopback: publicUrl's, the listen address, a request's Host. */
export function ownHostNames(config: SandboxConfig, requestHost?: string): string[] {
  const names: string[] = [];
  if (config.publicUrl !== null) names.push(new URL(config.publicUrl).hostname.toLowerCase());
  if (config.host !== '0.0.0.0' && config.host !== '::') names.push(config.host.toLowerCase());
  if (requestHost) {
    try {
      names.push(new URL(`http://${requestHost}`).hostname.toLowerCase());
    } catch {
      // An unreadable Host names nothing.
    }
  }
  return names;
}

/** Null when `url` may receive notifications; else why not, naming the fix. */
export function selfTargetRefusal(url: string, ownHosts: readonly string[]): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null; // Not a URL at all: create-order and the sender say so in their own words.
  }
  let path = u.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Undecodable escapes: check the path as written.
  }
  // The sandbox's router ignores duplicate slashes; so does this check.
  path = path.replace(/\/{2,}/g, '/').toLowerCase();
  if (!GUARDED.test(path)) return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (!isLocalName(host) && !ownHosts.includes(host)) return null;
  return `must not point at this sandbox's own control plane (/_sandbox) or dashboard (${u.host}${u.pathname.slice(0, 60)}): notifications carry no authority; point it at your shop's notification endpoint`;
}
