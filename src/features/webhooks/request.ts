/**
 * One attempt's request as it goes on the wire (URL with transactionid/timestamp, headers,
 * signed body, faults applied), and the log entry made from it and its result.
 */
import { isAcknowledged } from './ack.js';
import type { AttemptKind, AttemptRecord, NotificationRecord } from './delivery-log.js';
import type { OutgoingRequest, SendResult } from './sender.js';
import { authHeader, notificationTarget } from './signer.js';
import { USER_AGENT } from './user-agent.js';

/** The signing key of the wrong_key fault: derived from the real one, so it is stable. */
function wrongKey(site: string): string {
  return `wrong-${site}`;
}

/** The body of the malformed fault: the JSON cut in half (what a broken proxy produces). */
function malform(body: string): string {
  return body.length > 2 ? body.slice(0, Math.ceil(body.length / 2)) : '{';
}

/** Requests to one origin share a limiter slot budget. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

export function buildRequest(rec: NotificationRecord, timestamp: number, timeoutMs: number): OutgoingRequest {
  const key = rec.faults.wrong_key ? wrongKey(rec.site) : rec.site;
  const url = notificationTarget(rec.url, rec.order_id, timestamp);
  if (rec.method === 'GET') {
    // MultiSafepay does not say whether GET is signed; the sandbox signs the empty body, so one verifier fits both.
    return { method: 'GET', url, headers: { Auth: authHeader(key, timestamp, ''), 'User-Agent': USER_AGENT }, body: null, timeoutMs };
  }
  const body = rec.faults.malformed ? malform(rec.body ?? '') : (rec.body ?? '');
  return {
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json', Auth: authHeader(key, timestamp, body), 'User-Agent': USER_AGENT },
    body,
    timeoutMs,
  };
}

export function toAttempt(n: number, kind: AttemptKind, at: number, req: OutgoingRequest, res: SendResult): AttemptRecord {
  return {
    n,
    kind,
    at,
    request: { method: req.method, url: req.url, headers: { ...req.headers }, body: req.body },
    response: res.status === null ? null : { status: res.status, body: res.body, truncated: res.truncated },
    duration_ms: res.durationMs,
    error: res.error,
    acknowledged: res.error === null && isAcknowledged(res.status, res.received),
  };
}
