/**
 * Whether a receiver acknowledged a notification, as MultiSafepay documents it
 * (docs `payment-management/webhook.md`, api-facts §7): HTTP 200 and `OK` within the first
 * 100 characters of the body, or `MULTISAFEPAY_OK` there. So `{"status":"OK"}` and
 * `Status: OK received` acknowledge, and an `OK` after the first 100 characters does not.
 * `OK` is matched case-sensitively (a failure body such as Magento's `ng: invalid token` or
 * `okay` must not pass); a body that is just `ok` in any case (Magento answers lowercase
 * `ok`) also acknowledges, since MultiSafepay evidently accepts Magento's plugin.
 * Anything else (204, 3xx, 500, an empty body) is a failure and is retried.
 */
export interface ReceivedBody {
  /** The first part of the body (at least 100 characters when the body is that long). */
  head: string;
  /** The last part of the body (the whole body when it is short). */
  tail: string;
}

/** How much of the body MultiSafepay reads for the acknowledgement. */
export const ACK_WINDOW = 100;
const TRIM = /^[\s"']+|[\s"']+$/g;

export function isAcknowledged(status: number | null, body: ReceivedBody): boolean {
  if (status !== 200) return false;
  const first = body.head.slice(0, ACK_WINDOW);
  if (first.includes('OK')) return true; // also covers MULTISAFEPAY_OK
  return first.replace(TRIM, '').toLowerCase() === 'ok' && body.head.length <= ACK_WINDOW;
}
