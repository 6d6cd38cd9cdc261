/**
 * Who a request comes from, as the control plane and the dashboard both ask it: a loopback
 * peer, or the sandbox's own notification sender (a notification_url aimed at itself).
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { SecurityState } from '../features/security/state.js';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

/** Does this request come from the sandbox's own notification sender (a notification_url aimed at itself)? */
export function isOwnNotification(req: FastifyRequest, security: SecurityState): boolean {
  const port = req.socket.remotePort;
  return port !== undefined && isLoopback(req.socket.remoteAddress) && security.ownOutgoingPorts.has(port);
}
