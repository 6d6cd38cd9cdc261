/**
 * What a shop's end-to-end test meets, as at MultiSafepay: `initialized` notifications when
 * a Sofort transaction starts, straight back to redirect_url after the bank, a redirect link
 * that lives as a link until the shopper starts paying, and a site-level notification URL
 * for orders without notification_url.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { API_KEY, api, build } from './helpers/build.js';
import { newOrder, payAtBank, post, statusOf } from './helpers/pages.js';
import { receiver } from './helpers/webhooks.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function deliveries(app: FastifyInstance, orderId: string): Promise<Array<{ status: string; event: string; state: string; url: string; body: string | null }>> {
  const res = await app.inject({ method: 'GET', url: `/_sandbox/webhooks/deliveries?order_id=${orderId}`, headers: { api_key: API_KEY } });
  return res.json().deliveries;
}

t.test('a direct order notifies initialized at creation; a handler that treats any notification as paid is wrong here too', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await newOrder(app, { type: 'direct', payment_options: { notification_url: rx.url } });
  await app.sandbox.engine.clock.advance(0);
  await rx.received(1);
  const body = JSON.parse(rx.requests[0]!.body);
  t.equal(body.status, 'initialized');
  t.equal(body.financial_status, 'initialized');
  t.equal(body.order_id, order_id);
  t.equal(rx.requests[0]!.query.get('transactionid'), order_id);
  t.same((await deliveries(app, order_id)).map((d) => [d.event, d.status, d.state]), [['order_created', 'initialized', 'delivered']]);
});

t.test('a redirect order notifies initialized when the shopper starts paying by Sofort, not at creation', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id, session, path } = await newOrder(app, { payment_options: { notification_url: rx.url, redirect_url: 'https://shop.example/ok' } });
  await app.sandbox.engine.clock.advance(HOUR);
  t.same(await deliveries(app, order_id), [], 'nothing while the shopper has not started');
  t.equal((await post(app, path, { scenario: 'completed' })).statusCode, 303, 'continue to the bank');
  await app.sandbox.engine.clock.advance(0);
  t.same((await deliveries(app, order_id)).map((d) => d.status), ['initialized']);
  t.equal((await payAtBank(app, session)).statusCode, 303);
  await app.sandbox.engine.clock.advance(0);
  t.same((await deliveries(app, order_id)).map((d) => d.status), ['initialized', 'completed']);
  t.equal(rx.requests.length, 2);
});

t.test('initializedNotifications: false sends only status changes', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, initializedNotifications: false, webhooks: { delayMs: 0 } });
  const { order_id } = await newOrder(app, { type: 'direct', payment_options: { notification_url: rx.url } });
  await app.sandbox.engine.clock.advance(DAY);
  t.same((await deliveries(app, order_id)).map((d) => d.status), ['expired']);
});

t.test('after the bank confirms, the shopper lands on redirect_url?transactionid=... at once; the confirmation page is an option', async (t) => {
  const app = await build(t, { manualClock: true });
  const { order_id, session, path } = await newOrder(app, { payment_options: { redirect_url: 'https://shop.example/success?lang=de', cancel_url: 'https://shop.example/cancel' } });
  await post(app, path, { scenario: 'completed' });
  const res = await payAtBank(app, session);
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `https://shop.example/success?lang=de&transactionid=${order_id}`);
  t.equal((await statusOf(app, order_id)).status, 'completed');

  const withPage = await build(t, { manualClock: true, confirmationPage: true });
  const o = await newOrder(withPage, { payment_options: { redirect_url: 'https://shop.example/success' } });
  await post(withPage, o.path, { scenario: 'completed' });
  const stay = await payAtBank(withPage, o.session);
  t.equal(stay.headers.location, `/bank/${o.session}/?lang=en_US`, 'confirmationPage: true shows the "Payment confirmed" page first');
});

t.test('a redirect order with DIRECTBANK preselected lives as a link (30 days); Sofort\'s day starts when the shopper starts', async (t) => {
  const app = await build(t, { manualClock: true });
  const clock = app.sandbox.engine.clock;
  const { order_id, path } = await newOrder(app);
  await clock.advance(20 * DAY);
  t.equal((await statusOf(app, order_id)).status, 'initialized', 'still payable after 20 days');
  t.equal((await post(app, path, { scenario: 'completed' })).statusCode, 303, 'the shopper starts paying on day 20');
  await clock.advance(DAY - 1);
  t.equal((await statusOf(app, order_id)).status, 'initialized');
  await clock.advance(1);
  t.equal((await statusOf(app, order_id)).status, 'expired', 'one day after the Sofort transaction started');
});

t.test('a site-level notification URL notifies orders without notification_url: start-up default, then per API key', async (t) => {
  const byDefault = await receiver(t);
  const own = await receiver(t);
  const app = await build(t, { manualClock: true, siteNotificationUrl: byDefault.url, webhooks: { delayMs: 0 } });
  const control = (method: 'GET' | 'PUT', payload?: unknown) =>
    app.inject({ method, url: '/_sandbox/webhooks/site-settings', headers: { api_key: API_KEY }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  t.match((await control('GET')).json(), { site: API_KEY, notification_url: byDefault.url, source: 'default' });

  const a = await newOrder(app, { type: 'direct', payment_options: { redirect_url: 'https://shop.example/ok' } });
  await app.sandbox.engine.clock.advance(0);
  await byDefault.received(1);
  t.equal(byDefault.requests[0]!.query.get('transactionid'), a.order_id, 'the start-up default for every site');

  const set = await control('PUT', { notification_url: own.url });
  t.equal(set.statusCode, 200);
  t.match(set.json(), { notification_url: own.url, source: 'site' });
  t.match(set.json().advice, [/uses http/, /port number/, /local address/], 'the advisor warns about an http URL with a port on a local host');
  const b = await newOrder(app, { type: 'direct', payment_options: { redirect_url: 'https://shop.example/ok' } });
  await app.sandbox.engine.clock.advance(0);
  await own.received(1);
  t.equal(own.requests[0]!.query.get('transactionid'), b.order_id, "the site's own URL wins");

  const explicit = await receiver(t);
  const c = await newOrder(app, { type: 'direct', payment_options: { notification_url: explicit.url } });
  await app.sandbox.engine.clock.advance(0);
  await explicit.received(1);
  t.equal(own.requests.length, 1, "an order's own notification_url wins over the site's");
  t.equal(explicit.requests[0]!.query.get('transactionid'), c.order_id);

  const bad = await control('PUT', { notification_url: 'ftp://x' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().error.message, /notification_url must be an absolute http\(s\) URL/);
  t.match((await control('PUT', { notification_url: null })).json(), { notification_url: byDefault.url, source: 'default' }, 'null goes back to the default');
  t.equal((await api(app, 'GET', `/orders/${c.order_id}`)).statusCode, 200);
});

t.test("the dashboard's settings page sets and shows a site's notification URL", async (t) => {
  const app = await build(t);
  const form = (fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/dashboard/sites/${API_KEY}/notification-url`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const saved = await form({ notification_url: 'https://shop.example/site-hook' });
  t.equal(saved.statusCode, 303);
  t.equal(saved.headers.location, `/dashboard/settings?site=${API_KEY}&done=site_settings&ref=https%3A%2F%2Fshop.example%2Fsite-hook`);
  const settings = await app.inject({ method: 'GET', url: `/dashboard/settings?site=${API_KEY}`, headers: { accept: 'text/html' } });
  t.match(settings.body, /data-testid="site-notification-url">https:\/\/shop\.example\/site-hook</);
  t.match((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/site-settings', headers: { api_key: API_KEY } })).json(), { notification_url: 'https://shop.example/site-hook', source: 'site' });
  t.equal((await form({ notification_url: 'javascript:alert(1)' })).statusCode, 400, 'only http(s) URLs');
  t.equal((await form({ notification_url: '' })).statusCode, 303, 'empty clears it');
  t.match((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/site-settings', headers: { api_key: API_KEY } })).json(), { notification_url: null, source: 'none' });
});
