/**
 * Who may use the control plane: callers on loopback (unless `controlAllowRemote`), and,
 * when a control token is configured, only callers that send it as `x-sandbox-token` or
 * `?token=`. Not `Authorization: Bearer`: that is where the Python SDK sends its API key.
 * Browsers on other origins, foreign Host names (DNS rebinding), non-JSON writes (CSRF with
 * text/plain or forms), wrong-token guessers beyond a few a minute and the sandbox's own
 * notifications are refused too (see http/origin-guard.ts, security/).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../options/config.js';
import { ControlError } from '../domain/control-error.js';
import { contentTypeRefusal, crossOriginRefusal, hostRefusal } from '../http/origin-guard.js';
import type { SecurityState } from '../features/security/state.js';
import { isLoopback, isOwnNotification } from '../http/loopback.js';

export { isLoopback, isOwnNotification };

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkControlAccess(req: FastifyRequest, config: SandboxConfig, security: SecurityState): void {
  if (isOwnNotification(req, security)) {
    throw new ControlError(403, 'forbidden', 'a notification sent by this sandbox carries no authority over its control plane; point notification_url at your shop');
  }
  if (!config.controlAllowRemote && !isLoopback(req.socket.remoteAddress)) {
    throw new ControlError(403, 'forbidden', 'the control API answers on loopback only; start the sandbox with --control-allow-remote (env CONTROL_ALLOW_REMOTE=1) to reach it from another host, ideally with --control-token');
  }
  const host = hostRefusal(req, config);
  if (host !== null) throw new ControlError(403, 'forbidden', host);
  const cross = crossOriginRefusal(req);
  if (cross !== null) throw new ControlError(403, 'forbidden', cross);
  const token = config.controlToken;
  if (token !== null) {
    const header = req.headers['x-sandbox-token'];
    const query = (req.query as Record<string, unknown> | undefined)?.token;
    const sent = typeof header === 'string' ? header : typeof query === 'string' ? query : null;
    if (sent === null) throw new ControlError(401, 'unauthorized', 'this sandbox has a control token: send it in the x-sandbox-token header or ?token=');
    const wait = security.guesses.retryAfter(req.socket.remoteAddress);
    if (wait > 0) throw new ControlError(429, 'too_many_guesses', `too many wrong control tokens from this address; try again in ${wait} s`, { retry_after_seconds: wait });
    if (!sameToken(sent, token)) {
      security.guesses.fail(req.socket.remoteAddress);
      throw new ControlError(401, 'unauthorized', 'the control token sent (x-sandbox-token or ?token=) is not the one this sandbox was started with');
    }
  }
  // After the token: a caller without it learns nothing more from a 415 than from a 401.
  const type = contentTypeRefusal(req);
  if (type !== null) throw new ControlError(415, 'invalid_body', type);
}
