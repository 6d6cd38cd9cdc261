/**
 * The integration advisor: what the sandbox accepts for a local setup but live MultiSafepay
 * would refuse, or where the shop is fragile. Advice never changes a MultiSafepay answer; it
 * goes on the order's timeline, into the request journal, the dashboard and the
 * `x-sandbox-advice` response header. Each line names the field and the fix.
 */
import type { CreateOrderInput } from './create-order.js';

type Obj = Record<string, unknown>;

export const ADVICE_HEADER = 'x-sandbox-advice';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** api-facts §2: live notification_url must be https, without a port number. */
export function adviseNotificationUrl(url: string | null, field = 'payment_options.notification_url'): string[] {
  if (!url) return [];
  const out: string[] = [];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  if (u.protocol === 'http:') out.push(`${field} uses http: live MultiSafepay only notifies https URLs; serve the webhook over https in production`);
  if (u.port !== '') out.push(`${field} has a port number (${u.port}): live MultiSafepay does not notify URLs with a port; use the default https port in production`);
  if (/^(localhost|127\.|\[?::1\]?|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(u.hostname)) {
    out.push(`${field} points to a local address (${u.hostname}): live MultiSafepay cannot reach it; use a public host in production`);
  }
  return out;
}

/** MultiSafepay's API keys are 40 letters and digits; test keys look the same, so a real one here is worth a warning. */
export function adviseApiKey(key: string | null): string[] {
  if (key && /^[A-Za-z0-9]{40}$/.test(key)) {
    return ['the API key looks like a real MultiSafepay key (40 letters and digits): keep live keys out of test setups; any key of 5 or more characters works here'];
  }
  return [];
}

export interface CreateAdviceContext {
  /** The order_id was used before on this site (an earlier, unpaid attempt). */
  reusedOrderId: boolean;
  /** Whether the site has a notification URL of its own (site-level setting). */
  siteNotificationUrl: string | null;
  apiKey: string | null;
}

/** Advice on a create-order request, from the raw body (what was sent) and the validated input. */
export function adviseCreateOrder(raw: unknown, input: CreateOrderInput, ctx: CreateAdviceContext): string[] {
  const body: Obj = isObj(raw) ? raw : {};
  const out: string[] = [];
  if (typeof body.amount === 'string') {
    out.push(`amount was sent as a string ("${body.amount.slice(0, 20)}"): send a JSON number of cents (${input.amount}); strict clients and live validation may refuse strings`);
  }
  const customer = isObj(body.customer) ? body.customer : {};
  if (customer.locale === undefined || customer.locale === null || customer.locale === '') {
    out.push('customer.locale is missing: MultiSafepay then shows its pages and emails in English (en_US); send the shopper\'s locale such as de_DE');
  }
  if (ctx.reusedOrderId) {
    out.push(`order_id ${String(input.order_id)} was used before on this site: MultiSafepay makes a new attempt while it is unpaid and refuses it (1006) once paid; use a fresh order_id per payment`);
  }
  const url = input.payment_options.notification_url ?? ctx.siteNotificationUrl;
  if (!url) out.push('no notification_url (and no site-level notification URL): the shop hears of payments only if it polls GET /orders/{id}');
  out.push(...adviseNotificationUrl(input.payment_options.notification_url));
  out.push(...adviseApiKey(ctx.apiKey));
  return out;
}

/** Advice on a notification attempt that was not acknowledged (null when it was). */
export function adviseDelivery(attempt: { acknowledged: boolean; error: string | null; response: { status: number; body: string } | null }): string | null {
  if (attempt.acknowledged) return null;
  if (attempt.response === null) {
    return `the notification receiver could not be reached (${(attempt.error ?? 'no answer').slice(0, 120)}): MultiSafepay retries 3 times 15 minutes apart, then gives up; make the notification_url reachable`;
  }
  const head = attempt.response.body.slice(0, 40).replace(/\s+/g, ' ');
  return `the notification receiver answered HTTP ${attempt.response.status} "${head}" without acknowledging: answer HTTP 200 with OK in the first 100 characters of the body, or MultiSafepay keeps retrying and marks the notification failed`;
}

/** A header value: ASCII only, lines joined, bounded. */
export function adviceHeader(advice: readonly string[]): string {
  return advice.join(' | ').replace(/[^\x20-\x7e]/g, '?').slice(0, 4000);
}
