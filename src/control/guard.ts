/**
 * Who may use the control plane: callers on loopback (unless `controlAllowRemote`), and,
 * when a control token is configured, only callers that send it as `x-sandbox-token` or
 * `?token=`. Not `Authorization: Bearer`: that is where the Python SDK sends its API key.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../config.js';
import { ControlError } from './control-error.js';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkControlAccess(req: FastifyRequest, config: SandboxConfig): void {
  if (!config.controlAllowRemote && !isLoopback(req.socket.remoteAddress)) {
    throw new ControlError(403, 'forbidden', 'the control API answers on loopback only; start the sandbox with --control-allow-remote (env CONTROL_ALLOW_REMOTE=1) to reach it from another host, ideally with --control-token');
  }
  const token = config.controlToken;
  if (token === null) return;
  const header = req.headers['x-sandbox-token'];
  const query = (req.query as Record<string, unknown> | undefined)?.token;
  const sent = typeof header === 'string' ? header : typeof query === 'string' ? query : null;
  if (sent === null) throw new ControlError(401, 'unauthorized', 'this sandbox has a control token: send it in the x-sandbox-token header or ?token=');
  if (!sameToken(sent, token)) throw new ControlError(401, 'unauthorized', 'the control token sent (x-sandbox-token or ?token=) is not the one this sandbox was started with');
}
