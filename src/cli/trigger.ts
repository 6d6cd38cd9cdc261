/**
 * `sofort-sandbox trigger <scenario>`, as `stripe trigger`: create a test order through the
 * MultiSafepay API (as a shop would) and play it to that outcome at once through the control
 * plane, then print the order and its notifications.
 */
import { SCENARIOS } from '../domain/scenarios.js';
import type { Scenario } from '../domain/scenarios.js';
import type { Connection } from './connection.js';
import { requireApiKey, UsageError } from './connection.js';
import { orderDetailLines } from './format.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';

export interface TriggerOptions {
  amount?: string | undefined;
  currency?: string | undefined;
  orderId?: string | undefined;
  notificationUrl?: string | undefined;
  type?: string | undefined;
}

export async function trigger(conn: Connection, scenario: string | undefined, opts: TriggerOptions, json: boolean, io: CliIo): Promise<number> {
  if (!scenario || !(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new UsageError(`trigger needs a scenario: one of ${SCENARIOS.join(', ')}${scenario ? `; got ${JSON.stringify(scenario.slice(0, 40))}` : ''}`);
  }
  const key = requireApiKey(conn, 'trigger creates the order on a site');
  const amount = opts.amount === undefined ? 1000 : Number(opts.amount);
  if (!Number.isInteger(amount) || amount < 1) throw new UsageError(`--amount: the amount in cents, a whole number from 1; got ${JSON.stringify(opts.amount)}`);
  // Real time and a short random tail: two triggers in the same millisecond still differ.
  const orderId = opts.orderId ?? `trigger-${io.now().toString(36)}-${io.random().toString(36).slice(2, 6)}`;
  const body = {
    type: opts.type ?? 'redirect',
    gateway: 'DIRECTBANK',
    order_id: orderId,
    currency: opts.currency ?? 'EUR',
    amount,
    description: `sofort-sandbox trigger ${scenario}`,
    customer: { country: 'DE', locale: 'de_DE', email: 'shopper@example.com' },
    ...(opts.notificationUrl ? { payment_options: { notification_url: opts.notificationUrl, notification_method: 'POST' } } : {}),
  };
  const res = await fetch(new URL('/v1/json/orders', conn.url), {
    method: 'POST',
    headers: { api_key: key, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const created = (await res.json()) as { success: boolean; error_code?: number; error_info?: string };
  if (!created.success) {
    io.err(`sofort-sandbox trigger: the sandbox refused the order: ${created.error_code ?? res.status} ${created.error_info ?? ''}`.trim());
    return EXIT.refused;
  }
  const played = await conn.control.forSite(key).outcome(orderId, scenario as Scenario, { delay: 0 });
  const detail = await conn.control.forSite(key).order(orderId);
  const deliveries = await conn.control.forSite(key).webhooks(orderId);
  if (json) {
    io.out(JSON.stringify({ scenario, played: played.played, order: detail, notifications: deliveries }));
  } else {
    io.out(`Triggered ${scenario}: order ${orderId} is ${detail.status}/${detail.financial_status}${played.played ? '' : ' (the outcome plays when the order expires)'}`);
    for (const line of orderDetailLines(detail, deliveries)) io.out(line);
  }
  return EXIT.ok;
}
