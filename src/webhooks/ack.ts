/**
 * Whether a receiver acknowledged a notification, as MultiSafepay reads it (api-facts §7):
 * HTTP 200 and either `OK` at the start or the end of the body (case-insensitive; the
 * WooCommerce plugin answers `"OK"` with quotes, Magento answers `ok`), or
 * `MULTISAFEPAY_OK` in the first 100 characters. Anything else (204, 3xx, 500, a body of
 * `ng: invalid token`) is a failure: a substring search for "ok" would wrongly accept it.
 */
export interface ReceivedBody {
  /** The first part of the body (at least 100 characters when the body is that long). */
  head: string;
  /** The last part of the body (the whole body when it is short). */
  tail: string;
}

const START_OK = /^ok\b/i;
const END_OK = /\bok$/i;
const TRIM = /^[\s"']+|[\s"']+$/g;

export function isAcknowledged(status: number | null, body: ReceivedBody): boolean {
  if (status !== 200) return false;
  if (body.head.slice(0, 100).includes('MULTISAFEPAY_OK')) return true;
  return START_OK.test(body.head.replace(TRIM, '')) || END_OK.test(body.tail.replace(TRIM, ''));
}
