/**
 * MultiSafepay's notification signature (DOCS webhook.md, PHP SDK Notification.php):
 *
 *   signature = lowercase hex HMAC-SHA512(key = API key trimmed, message = `${ts}:${body}`)
 *   Auth      = base64(`${ts}:${signature}`)
 *
 * The body is signed as the exact bytes sent, so raw-body verifiers (PHP plugins) and
 * verifiers that re-serialise compact JSON (the Python SDK) both pass.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureHex(apiKey: string, timestamp: number | string, body: string): string {
  return createHmac('sha512', apiKey.trim()).update(`${timestamp}:${body}`, 'utf8').digest('hex');
}

/** The value of the `Auth` header for a body sent at `timestamp` (unix seconds). */
export function authHeader(apiKey: string, timestamp: number | string, body: string): string {
  return Buffer.from(`${timestamp}:${signatureHex(apiKey, timestamp, body)}`, 'utf8').toString('base64');
}

export interface VerifyResult {
  valid: boolean;
  timestamp: number | null;
  reason?: string;
}

/**
 * Verify an `Auth` header as a merchant does (the PHP SDK's recipe, including its
 * freshness window). Shipped for the README and the tests; the sandbox never needs it.
 */
export function verifyAuth(apiKey: string, auth: string, body: string, opts: { nowSeconds?: number; maxAgeSeconds?: number } = {}): VerifyResult {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep <= 0) return { valid: false, timestamp: null, reason: 'Auth is not base64 of "timestamp:signature"' };
  const ts = decoded.slice(0, sep);
  const sig = decoded.slice(sep + 1);
  const timestamp = /^\d+$/.test(ts) ? Number(ts) : null;
  if (timestamp === null) return { valid: false, timestamp: null, reason: 'the timestamp is not a number' };
  if (opts.nowSeconds !== undefined && timestamp + (opts.maxAgeSeconds ?? 600) < opts.nowSeconds) {
    return { valid: false, timestamp, reason: 'the timestamp is too old' };
  }
  const expected = Buffer.from(signatureHex(apiKey, ts, body), 'utf8');
  const got = Buffer.from(sig, 'utf8');
  const valid = expected.length === got.length && timingSafeEqual(expected, got);
  return valid ? { valid, timestamp } : { valid, timestamp, reason: 'the signature does not match' };
}

/**
 * The URL a notification goes to: the merchant's own URL with `transactionid` and
 * `timestamp` appended to its query. The merchant's query is kept byte for byte (a
 * URLSearchParams round trip would re-encode it); a fragment is never sent.
 */
export function notificationTarget(notificationUrl: string, orderId: string | number, timestamp: number): string {
  const hash = notificationUrl.indexOf('#');
  const base = hash >= 0 ? notificationUrl.slice(0, hash) : notificationUrl;
  const sep = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}transactionid=${encodeURIComponent(String(orderId))}&timestamp=${timestamp}`;
}
