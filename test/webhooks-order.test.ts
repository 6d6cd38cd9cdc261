/**
 * Which changes notify, with which body, and in which order.
 */
import t from 'tap';
import { api, API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

t.test('two quick changes send two different bodies, in the order of the changes, whatever the random delays', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: [1000, 3000] } });
  const engine = app.sandbox.engine;
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const { order_id } = await createOrder(app, { amount: 1000 + i, payment_options: { notification_url: rx.url } });
    ids.push(order_id);
    pay(app, order_id);
    await engine.clock.advance(100);
    await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped' });
  }
  await engine.clock.advance(10_000);
  t.equal(rx.requests.length, 60);
  for (const id of ids) {
    const bodies = rx.requests.filter((r) => r.query.get('transactionid') === id).map((r) => JSON.parse(r.body) as { status: string; modified: string });
    t.same(bodies.map((b) => b.status), ['completed', 'shipped'], `order ${id} in order`);
  }
  const delays = app.sandbox.webhooks.deliveries(API_KEY).map((r) => (r.attempts[0]?.at ?? 0) - r.created_at);
  t.ok(delays.every((d) => d >= 0 && d <= 3000), 'each within the configured delay (or after its predecessor)');
  t.ok(new Set(delays).size > 5, 'delays are drawn, not fixed');
});

t.test('one order: a slow receiver never sees two of its notifications at once', async (t) => {
  const rx = await receiver(t, () => ({ body: 'OK', delayMs: 30 }));
  const app = await build(t, { webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const done = new Promise<void>((resolve) => {
    app.sandbox.webhooks.onDelivery((rec) => {
      if (rec.status === 'shipped' && rec.state === 'delivered') resolve();
    });
  });
  pay(app, order_id);
  await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped' });
  await done;
  t.equal(rx.maxInFlight, 1);
  t.same(rx.requests.map((r) => JSON.parse(r.body).status), ['completed', 'shipped']);
});

t.test('what notifies: status changes and shipping yes; creation only when asked; data-only updates no', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  await api(app, 'PATCH', `/orders/${order_id}`, { invoice_id: 'INV-1' });
  await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled' });
  await app.sandbox.engine.clock.advance(0);
  t.same(rx.requests.map((r) => JSON.parse(r.body).status), ['void']);
  t.equal(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.event, 'status_changed');

  const withCreate = await build(t, { manualClock: true, webhooks: { delayMs: 0, notifyOnCreate: true } });
  const created = await createOrder(withCreate, { payment_options: { notification_url: rx.url } });
  await withCreate.sandbox.engine.clock.advance(0);
  const last = rx.requests.at(-1);
  t.equal(last?.query.get('transactionid'), created.order_id);
  t.equal(JSON.parse(last?.body ?? '{}').status, 'initialized');
  t.equal(withCreate.sandbox.webhooks.deliveries(API_KEY, created.order_id)[0]?.event, 'order_created');
});

t.test('an order without notification_url sends nothing', async (t) => {
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { redirect_url: 'https://shop.example/ok' } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.same(app.sandbox.webhooks.deliveries(API_KEY), []);
});

t.test('each site signs with its own key and sees only its own log', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const other = 'second-site-key-9';
  const a = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const b = await createOrder(app, { payment_options: { notification_url: rx.url } }, other);
  pay(app, a.order_id);
  pay(app, b.order_id, other);
  await app.sandbox.engine.clock.advance(0);
  t.equal(app.sandbox.webhooks.deliveries(API_KEY).length, 1);
  t.equal(app.sandbox.webhooks.deliveries(other).length, 1);
  const { verifyAuth } = await import('../src/features/webhooks/signer.js');
  for (const r of rx.requests) {
    const key = r.query.get('transactionid') === a.order_id ? API_KEY : other;
    t.ok(verifyAuth(key, String(r.headers.auth), r.body).valid);
  }
});

t.test('webhook options are validated at start with a message that names the option', async (t) => {
  const { resolveConfig } = await import('../src/options/config.js');
  t.throws(() => resolveConfig({ webhooks: { delayMs: -1 } }), /webhooks\.delayMs: must be a whole number of milliseconds/);
  t.throws(() => resolveConfig({ webhooks: { delayMs: [3000, 1000] } }), /webhooks\.delayMs: \[min, max\] needs min <= max/);
  t.throws(() => resolveConfig({ webhooks: { delayMs: [1] as unknown as [number, number] } }), /webhooks\.delayMs: must be milliseconds/);
  t.throws(() => resolveConfig({ webhooks: { timeoutMs: 0 } }), /webhooks\.timeoutMs/);
  t.throws(() => resolveConfig({ webhooks: { concurrency: 4, perReceiverConcurrency: 8 } }), /webhooks\.perReceiverConcurrency/);
  t.throws(() => resolveConfig({ webhooks: { notifyOnCreate: 'yes' as unknown as boolean } }), /webhooks\.notifyOnCreate/);
  t.throws(() => resolveConfig({ webhooks: { maskIbans: 1 as unknown as boolean } }), /webhooks\.maskIbans/);
  t.throws(() => resolveConfig({ webhooks: { faults: [{ fault: 'nope' as 'drop' }] } }), /webhooks\.faults: faults\[0\]\.fault/);
  const c = resolveConfig({ webhooks: { delayMs: 5 } }).webhooks;
  t.same(c.delayMs, [5, 5]);
  t.equal(c.retries, 3);
  t.equal(c.retryIntervalMs, 15 * 60_000);
  t.equal(c.timeoutMs, 10_000);
  t.equal(c.perReceiverConcurrency, 4, 'a quarter of the 16 slots: hanging receivers cannot take them all');
  t.same(resolveConfig().webhooks.delayMs, [1000, 3000]);
});

t.test('the CLI reads webhook flags and environment variables, flags first', async (t) => {
  const { parseCli } = await import('../src/options/cli-options.js');
  t.same(parseCli(['--webhook-delay', '1s-3s', '--webhook-timeout', '500ms'], { WEBHOOK_RETRY_INTERVAL: '30s', WEBHOOK_NOTIFY_ON_CREATE: '1', WEBHOOK_DELAY: '9s' }).webhooks, {
    delayMs: [1000, 3000],
    retryIntervalMs: 30_000,
    timeoutMs: 500,
    notifyOnCreate: true,
  });
  t.same(parseCli(['--webhook-delay', '0', '--webhook-notify-on-create'], {}).webhooks, { delayMs: 0, notifyOnCreate: true });
  t.same(parseCli([], { WEBHOOK_DELAY: '2', WEBHOOK_TIMEOUT: '1.5s', WEBHOOK_RETRY_INTERVAL: '1h' }).webhooks, { delayMs: 2, timeoutMs: 1500, retryIntervalMs: 3_600_000 });
  t.equal(parseCli([], {}).webhooks, undefined);
  t.throws(() => parseCli(['--webhook-delay', 'soon'], {}), /--webhook-delay: "soon" is not a duration/);
  t.throws(() => parseCli(['--webhook-delay', '1-2-3'], {}), /--webhook-delay/);
  t.throws(() => parseCli(['--webhook-retry-interval', 'often'], {}), /--webhook-retry-interval/);
  t.throws(() => parseCli(['--webhook-timeout', '10 minutes'], {}), /--webhook-timeout/);
});

t.test('a change completed by another feature in the same tick is in the body (the recurring token of a first payment)', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, {
    recurring_model: 'cardOnFile',
    customer: { locale: 'en_US', country: 'DE', email: 'shopper@example.com', reference: 'customer-1' },
    payment_options: { notification_url: rx.url },
  });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(rx.requests.length, 1);
  const body = JSON.parse(rx.requests[0]?.body ?? '{}');
  const order = (await api(app, 'GET', `/orders/${order_id}`)).json().data;
  t.equal(body.status, 'completed');
  t.match(order.payment_details.recurring_id, /\S/);
  t.equal(body.payment_details.recurring_id, order.payment_details.recurring_id);
});
