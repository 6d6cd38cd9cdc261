/**
 * The integration advisor: what the sandbox accepts but live MultiSafepay would refuse, or
 * where the shop is fragile, shown in the x-sandbox-advice header, on the order's timeline,
 * in the journal and on the dashboard, never in MultiSafepay's body.
 */
import t from 'tap';
import { API_KEY, api, build, createOrder, orderBody } from './helpers/build.js';
import { page } from './helpers/dashboard.js';
import { deadUrl, receiver } from './helpers/webhooks.js';

const LIVE_LOOKING_KEY = 'a'.repeat(20) + 'B1'.repeat(10);

t.test('a request a local setup needs is taken, with advice for live: header, timeline, journal, dashboard', async (t) => {
  const app = await build(t, { manualClock: true });
  const body = orderBody({ order_id: 'adv-1', amount: '1000', customer: { country: 'DE' }, payment_options: { notification_url: 'http://127.0.0.1:8080/webhook' } });
  const res = await api(app, 'POST', '/orders', body);
  t.equal(res.statusCode, 200, 'accepted');
  const header = String(res.headers['x-sandbox-advice']);
  t.match(header, /amount was sent as a string \("1000"\)/);
  t.match(header, /customer\.locale is missing/);
  t.match(header, /notification_url uses http/);
  t.match(header, /port number \(8080\)/);
  t.same(Object.keys(res.json().data).sort(), ['order_id', 'payment_url', 'session_id'], 'the MultiSafepay body is unchanged');

  const clean = await createOrder(app, { order_id: 'clean-1', payment_options: { notification_url: 'https://shop.example/webhook' } });
  const cleanRes = await api(app, 'GET', `/orders/${clean.order_id}`);
  const advised = await api(app, 'GET', '/orders/adv-1');
  t.same(Object.keys(advised.json().data), Object.keys(cleanRes.json().data), 'GET /orders: the same keys with or without advice');
  t.notOk('advice' in advised.json().data);

  const again = await api(app, 'POST', '/orders', { ...body, amount: 1000, customer: { locale: 'de_DE', country: 'DE' } });
  t.equal(again.statusCode, 200, 'an unpaid order_id may be used again (a new attempt)');
  t.match(String(again.headers['x-sandbox-advice']), /order_id adv-1 was used before on this site/);

  const timeline = await app.inject({ method: 'GET', url: '/_sandbox/orders/adv-1/timeline', headers: { api_key: API_KEY } });
  t.match(JSON.stringify(timeline.json()), /advice: .*order_id adv-1 was used before/, "on the order's timeline");

  const journal = (await app.inject({ method: 'GET', url: '/_sandbox/journal', headers: { api_key: API_KEY } })).json().entries;
  const first = journal.filter((e: { method: string; url: string }) => e.method === 'POST' && e.url === '/v1/json/orders').at(-1);
  t.match(first.advice, [/amount was sent as a string/, /customer\.locale is missing/, /uses http/, /port number/, /local address/], 'in the journal');

  const tx = (await api(app, 'GET', '/orders/adv-1')).json().data.transaction_id;
  const dash = await page(app, `/dashboard/sites/${API_KEY}/orders/${tx}`);
  t.equal(dash.statusCode, 200);
  t.match(dash.body, /data-testid="advice"/);
  t.match(dash.body, /was used before on this site/, 'on the dashboard');
});

t.test('a key that looks like a live MultiSafepay key gets a warning; an ordinary test key does not', async (t) => {
  const app = await build(t);
  const live = await api(app, 'POST', '/orders', orderBody(), { key: LIVE_LOOKING_KEY });
  t.equal(live.statusCode, 200);
  t.match(String(live.headers['x-sandbox-advice']), /looks like a real MultiSafepay key/);
  const plain = await api(app, 'POST', '/orders', orderBody({ payment_options: { notification_url: 'https://shop.example/webhook' } }));
  t.equal(plain.headers['x-sandbox-advice'], undefined, 'a clean order gets no advice header');
});

t.test('a receiver that does not acknowledge, or cannot be reached, is advised on the order (from its delivery log)', async (t) => {
  const rx = await receiver(t, () => ({ status: 200, body: 'thanks' }));
  const dead = await deadUrl();
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const noAck = await createOrder(app, { type: 'direct', payment_options: { notification_url: rx.url } });
  const unreachable = await createOrder(app, { type: 'direct', payment_options: { notification_url: dead } });
  await app.sandbox.engine.clock.advance(0);
  await rx.received(1);
  const advice = async (id: string): Promise<string[]> => (await app.inject({ method: 'GET', url: `/_sandbox/orders/${id}`, headers: { api_key: API_KEY } })).json().advice;
  t.match((await advice(noAck.order_id)).at(-1), /answered HTTP 200 "thanks" without acknowledging: answer HTTP 200 with OK in the first 100 characters/);
  t.match((await advice(unreachable.order_id)).at(-1), /could not be reached/);
  const order = (await api(app, 'GET', `/orders/${noAck.order_id}`)).json().data;
  t.equal(order.status, 'initialized', 'advice changes no status');
  const dash = await page(app, `/dashboard/sites/${API_KEY}/orders/${order.transaction_id}`);
  t.match(dash.body, /without acknowledging/, 'on the dashboard');
});
