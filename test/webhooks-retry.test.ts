/**
 * Retries as MultiSafepay makes them: 3 more attempts 15 minutes apart (sandbox time),
 * each with a fresh timestamp and signature, after a 500, a timeout, a refused or reset
 * connection; a receiver that fails then recovers loses nothing; spent retries stay in
 * the log as failed and can be re-sent.
 */
import t from 'tap';
import { verifyAuth } from '../src/features/webhooks/signer.js';
import { API_KEY, build, createOrder } from './helpers/build.js';
import { deadUrl, pay, receiver } from './helpers/webhooks.js';

const MIN = 60_000;

t.test('a receiver answering 500 gets 4 attempts 15 minutes apart, then the notification is failed', async (t) => {
  const rx = await receiver(t, () => ({ status: 500, body: 'oops' }));
  const app = await build(t, { manualClock: true, startTime: '2026-03-01T10:00:00Z', webhooks: { delayMs: 2000 } });
  const clock = app.sandbox.engine.clock;
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  const start = clock.now();

  await clock.advance(2000);
  t.equal(rx.requests.length, 1);
  await clock.advance(15 * MIN - 1);
  t.equal(rx.requests.length, 1, 'no retry before 15 minutes');
  await clock.advance(1);
  t.equal(rx.requests.length, 2);
  await clock.advance(30 * MIN);
  t.equal(rx.requests.length, 4);
  await clock.advance(24 * 60 * MIN);
  t.equal(rx.requests.length, 4, 'no fifth attempt');

  const stamps = rx.requests.map((r) => Number(r.query.get('timestamp')));
  t.same(stamps, [0, 15, 30, 45].map((m) => (start + 2000 + m * MIN) / 1000), 'each attempt has its own timestamp');
  t.equal(new Set(rx.requests.map((r) => r.headers.auth)).size, 4, 'and its own signature');
  for (const r of rx.requests) {
    const v = verifyAuth(API_KEY, String(r.headers.auth), r.body);
    t.ok(v.valid);
    t.equal(String(v.timestamp), r.query.get('timestamp'));
  }
  t.equal(new Set(rx.requests.map((r) => r.body)).size, 1, 'the same body every time');

  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'failed');
  t.equal(rec?.attempts.length, 4);
  t.same(rec?.attempts.map((a) => a.kind), ['first', 'retry', 'retry', 'retry']);
  t.same(rec?.attempts.map((a) => a.response?.status), [500, 500, 500, 500]);
  t.equal(rec?.attempts[0]?.response?.body, 'oops');
  t.equal(rec?.next_attempt_at, null);
});

t.test('retries and interval are configurable', async (t) => {
  const rx = await receiver(t, () => ({ status: 503 }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, retries: 1, retryIntervalMs: 1000 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(10_000);
  t.equal(rx.requests.length, 2);
  t.equal(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.state, 'failed');
});

t.test('a receiver that does not answer in time: the attempt times out and is retried', async (t) => {
  const rx = await receiver(t, (_r, i) => (i === 0 ? 'hang' : { body: 'OK' }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, timeoutMs: 200 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  let [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'pending');
  t.match(rec?.attempts[0]?.error, /no answer within 200 ms \(timeout\)/);
  t.equal(rec?.attempts[0]?.response, null);
  await app.sandbox.engine.clock.advance(15 * MIN);
  [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'delivered');
  t.equal(rx.requests.length, 2);
});

t.test('a refused connection is a failed attempt, retried later', async (t) => {
  const url = await deadUrl();
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'pending');
  t.match(rec?.attempts[0]?.error, /connection refused/);
  t.match(rec?.attempts[0]?.request, { method: 'POST', url: new RegExp(`^${url}\\?transactionid=`) });
  t.type(rec?.attempts[0]?.duration_ms, 'number');
});

t.test('a connection reset by the receiver is a failed attempt', async (t) => {
  const rx = await receiver(t, () => 'reset');
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'pending');
  t.match(rec?.attempts[0]?.error, /reset|socket hang up/);
});

t.test('a receiver that is down, then comes back: every notification arrives', async (t) => {
  let up = false;
  const rx = await receiver(t, () => (up ? { body: 'OK' } : { status: 502 }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 1000 } });
  const clock = app.sandbox.engine.clock;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
    ids.push(order_id);
    pay(app, order_id);
  }
  await clock.advance(20 * MIN);
  up = true;
  await clock.advance(60 * MIN);
  const acked = rx.requests.filter((r, i) => i >= 10).map((r) => r.query.get('transactionid'));
  t.same([...acked].sort(), [...ids].sort(), 'each order acknowledged once after recovery');
  for (const id of ids) t.equal(app.sandbox.webhooks.deliveries(API_KEY, id)[0]?.state, 'delivered');
});

t.test('a failed notification is re-sent from the log (the dashboard "resend")', async (t) => {
  const rx = await receiver(t, () => ({ status: 500 }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, retries: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(rec?.state, 'failed');

  rx.respond(() => ({ body: 'OK' }));
  await app.sandbox.engine.clock.advance(90_000);
  const res = await app.inject({ method: 'POST', url: `/_sandbox/webhooks/deliveries/${rec?.id}/resend`, headers: { api_key: API_KEY } });
  t.equal(res.statusCode, 200);
  const after = res.json();
  t.equal(after.state, 'delivered');
  t.same(after.attempts.map((a: { kind: string }) => a.kind), ['first', 'resend']);
  t.equal(rx.requests.length, 2);
  t.equal(rx.requests[1]?.body, rx.requests[0]?.body);
  t.equal(Number(rx.requests[1]?.query.get('timestamp')) - Number(rx.requests[0]?.query.get('timestamp')), 90, 'a fresh timestamp');
});
