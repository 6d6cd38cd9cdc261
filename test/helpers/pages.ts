/**
 * Driving the payment page and the fake bank through `inject`, as a browser without
 * JavaScript would: GET a page, POST its urlencoded form, follow the 303.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { api, createOrder } from './build.js';

export function sessionFromUrl(paymentUrl: string): string {
  const m = /\/(?:connect|bank)\/([A-Za-z0-9]+)\//.exec(paymentUrl);
  if (!m?.[1]) throw new Error(`no session in ${paymentUrl}`);
  return m[1];
}

export async function newOrder(app: FastifyInstance, overrides: Record<string, unknown> = {}, key?: string) {
  const created = await createOrder(app, overrides, key);
  const paymentUrl = String(created.data.payment_url);
  return { ...created, paymentUrl, session: sessionFromUrl(paymentUrl), path: new URL(paymentUrl).pathname };
}

export function get(app: FastifyInstance, url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url });
}

export function post(app: FastifyInstance, url: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an order body as MultiSafepay sends it
export async function statusOf(app: FastifyInstance, orderId: string, key?: string): Promise<{ status: string; financial_status: string; data: Record<string, any> }> {
  const res = await api(app, 'GET', `/orders/${encodeURIComponent(orderId)}`, undefined, key ? { key } : {});
  const data = res.json().data;
  return { status: data.status, financial_status: data.financial_status, data };
}

/** Pick the first bank of a country, log in, pick the first account: the TAN step is next. */
export async function walkToTan(app: FastifyInstance, session: string, opts: { bank?: string; username?: string } = {}): Promise<void> {
  const steps: Array<[string, Record<string, string>]> = [
    ['bank', { bank: opts.bank ?? 'de-commerzbank' }],
    ['login', { username: opts.username ?? 'max', pin: '1234' }],
    ['account', { account: '0' }],
  ];
  for (const [step, fields] of steps) {
    const res = await post(app, `/bank/${session}/${step}`, fields);
    if (res.statusCode !== 303) throw new Error(`step ${step}: ${res.statusCode} ${res.body.slice(0, 500)}`);
  }
}

/** The whole bank walk including a right TAN; returns the TAN step's response (a 303 when it paid). */
export async function payAtBank(app: FastifyInstance, session: string, opts: { bank?: string } = {}): Promise<LightMyRequestResponse> {
  await walkToTan(app, session, opts);
  return post(app, `/bank/${session}/tan`, { tan: '123456' });
}

/** The text of the element with data-testid (first match), tags stripped, entities of ejs decoded. */
export function testId(html: string, id: string): string | null {
  const re = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</`, 'm');
  const m = re.exec(html);
  return m?.[1] !== undefined ? decode(m[1].replace(/<[^>]*>/g, '').trim()) : null;
}

export function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
