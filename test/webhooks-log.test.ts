/**
 * The delivery log and its control routes, its bounds, shutdown, and pending notifications
 * surviving a restart on a data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../src/index.js';
import { API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

t.test('the log lists every attempt with request, response, duration; filtered by order and state', async (t) => {
  const rx = await receiver(t, (_r, i) => (i === 0 ? { status: 500, body: 'down' } : { body: 'OK' }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const a = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const b = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, a.order_id);
  await app.sandbox.engine.clock.advance(0);
  pay(app, b.order_id);
  await app.sandbox.engine.clock.advance(0);
  const get = (url: string, key: string | null = API_KEY) => app.inject({ method: 'GET', url, headers: key ? { api_key: key } : {} });

  const all = await get('/_sandbox/webhooks/deliveries');
  t.equal(all.statusCode, 200);
  const list = all.json();
  t.same(list.deliveries.map((d: { order_id: string }) => d.order_id), [a.order_id, b.order_id], 'oldest first');
  t.same(list.stats, { pending: 1, inFlight: 0, queued: 0 });
  const first = list.deliveries[0];
  t.match(first, {
    id: /^whk_\d+$/,
    site: API_KEY,
    order_id: a.order_id,
    event: 'status_changed',
    status: 'completed',
    financial_status: 'completed',
    method: 'POST',
    url: rx.url,
    state: 'pending',
    attempts_made: 1,
  });
  t.match(first.attempts[0], {
    n: 1,
    kind: 'first',
    request: { method: 'POST', headers: { 'Content-Type': 'application/json', Auth: String, 'User-Agent': /^sofort-sandbox\// } },
    response: { status: 500, body: 'down', truncated: false },
    error: null,
    acknowledged: false,
  });
  t.equal(first.attempts[0].request.body, rx.requests[0]?.body, 'the exact bytes sent');
  t.equal(first.attempts[0].at, app.sandbox.engine.clock.now());
  t.type(first.attempts[0].duration_ms, 'number');

  const byOrder = (await get(`/_sandbox/webhooks/deliveries?order_id=${b.order_id}`)).json();
  t.same(byOrder.deliveries.map((d: { state: string }) => d.state), ['delivered']);
  t.equal((await get('/_sandbox/webhooks/deliveries?state=pending')).json().deliveries.length, 1);
  t.equal((await get('/_sandbox/webhooks/deliveries?limit=1')).json().deliveries[0].order_id, b.order_id, 'limit keeps the newest');
  const one = await get(`/_sandbox/webhooks/deliveries/${first.id}`);
  t.equal(one.json().id, first.id);
  t.equal((await get(`/_sandbox/webhooks/deliveries/${first.id}`, 'another-site-77')).statusCode, 404, 'another site does not see it');
  t.same((await get('/_sandbox/webhooks/deliveries', 'another-site-77')).json().deliveries, []);
  t.equal((await get('/_sandbox/webhooks/stats')).json().pending, 1);

  for (const [url, code, msg] of [
    ['/_sandbox/webhooks/deliveries?state=lost', 400, /state: must be one of/],
    ['/_sandbox/webhooks/deliveries?limit=0', 400, /limit: must be a whole number/],
    ['/_sandbox/webhooks/deliveries/whk_999999', 404, /no notification whk_999999/],
  ] as const) {
    const res = await get(url);
    t.equal(res.statusCode, code, url);
    t.match(res.json().error.message, msg);
  }
  const everySite = await get('/_sandbox/webhooks/deliveries', null);
  t.equal(everySite.statusCode, 200, 'without a key, the log of every site (sandbox-wide, as other control routes)');
  t.equal(everySite.json().deliveries.length, 2);
  const resend404 = await app.inject({ method: 'POST', url: '/_sandbox/webhooks/deliveries/whk_999999/resend', headers: { api_key: API_KEY } });
  t.equal(resend404.statusCode, 404);
});

t.test('only configured API keys name a site', async (t) => {
  const app = await build(t, { apiKeys: ['only-this-key-1'] });
  const res = await app.inject({ method: 'GET', url: '/_sandbox/webhooks/deliveries', headers: { api_key: 'some-other-key' } });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'unknown_site');
});

t.test('the log is bounded per site: the oldest finished notifications go, open ones stay', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, logLimit: 3 } });
  const dead = 'http://127.0.0.1:9/never';
  const stuck = await createOrder(app, { payment_options: { notification_url: dead } });
  app.sandbox.webhooks.faults.set({ kind: 'order', site: API_KEY, order_id: stuck.order_id }, [{ fault: 'delay', ms: 3_600_000 }]);
  pay(app, stuck.order_id);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
    ids.push(order_id);
    pay(app, order_id);
    await app.sandbox.engine.clock.advance(0);
  }
  const kept = app.sandbox.webhooks.deliveries(API_KEY).map((r) => String(r.order_id));
  t.same(kept, [stuck.order_id, ids[3], ids[4]]);
});

t.test('reset forgets a site\'s log, jobs and faults', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 1000 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  app.sandbox.webhooks.faults.set({ kind: 'site', site: API_KEY }, [{ fault: 'duplicate' }]);
  pay(app, order_id);
  t.equal(app.sandbox.webhooks.reset(API_KEY), 1);
  await app.sandbox.engine.clock.advance(5000);
  t.equal(rx.requests.length, 0);
  t.same(app.sandbox.webhooks.deliveries(API_KEY), []);
  t.same(app.sandbox.webhooks.faults.list(API_KEY).site, []);
});

t.test('closing the sandbox says how many notifications were pending', async (t) => {
  const rx = await receiver(t, () => 'hang');
  const app = await buildApp({ seed: 'close', webhooks: { delayMs: 0, timeoutMs: 600_000 } });
  await app.ready();
  const a = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const b = await createOrder(app, { payment_options: { notification_url: rx.url } });
  app.sandbox.webhooks.faults.set({ kind: 'order', site: API_KEY, order_id: b.order_id }, [{ fault: 'delay', ms: 60_000 }]);
  pay(app, a.order_id);
  pay(app, b.order_id);
  await rx.received(1);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => void warnings.push(msg);
  try {
    await app.close();
  } finally {
    console.warn = warn;
  }
  t.same(warnings, ['sofort-sandbox: webhooks stopped with 2 notifications pending (the in-memory store forgets them)']);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, a.order_id);
  t.equal(rec?.state, 'pending', 'the aborted attempt is not counted as a failure');
  t.equal(rec?.attempts.length, 0);
  t.same(await app.sandbox.webhooks.close(), { pending: 2 }, 'closing twice is harmless');
});

t.test('with a data directory, pending and in-flight notifications are sent after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-webhooks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let up = false;
  const rx = await receiver(t, () => (up ? { body: 'OK' } : 'hang'));
  // A manual clock: the delayed notification stays pending until the test moves time, however
  // slow the machine, so it is never in flight when the first sandbox closes.
  const opts = { seed: 'durable-hooks', dataDir: dir, manualClock: true, webhooks: { delayMs: 0, timeoutMs: 600_000 } };

  const first = await buildApp(opts);
  await first.ready();
  const inFlight = await createOrder(first, { payment_options: { notification_url: rx.url } });
  const later = await createOrder(first, { payment_options: { notification_url: rx.url } });
  first.sandbox.webhooks.faults.set({ kind: 'order', site: API_KEY, order_id: later.order_id }, [{ fault: 'delay', ms: 200 }]);
  pay(first, inFlight.order_id);
  pay(first, later.order_id);
  await rx.received(1);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await first.close();
  } finally {
    console.warn = warn;
  }

  up = true;
  const second = await buildApp(opts);
  t.teardown(() => second.close());
  const hooks = second.sandbox.webhooks;
  const both = Promise.all([hooks.waitFor(API_KEY, inFlight.order_id), hooks.waitFor(API_KEY, later.order_id)]);
  await second.ready();
  const moved = await second.inject({ method: 'POST', url: '/_sandbox/clock/advance', headers: { 'content-type': 'application/json' }, payload: { by: '1s' } });
  t.equal(moved.statusCode, 200, 'the delayed notification becomes due');
  const [a, b] = await both;
  t.equal(a.state, 'delivered');
  t.equal(b.state, 'delivered');
  t.same(a.attempts.map((x) => x.kind), ['first'], 'the aborted attempt was not counted');
  const acked = rx.requests.slice(1).map((r) => r.query.get('transactionid')).sort();
  t.same(acked, [inFlight.order_id, later.order_id].sort(), 'each sent once more after the restart');
});

t.test('after a crash mid-request (record open, job gone), a new sandbox on the same store sends it again', async (t) => {
  const { resolveConfig } = await import('../src/options/config.js');
  const { createContext } = await import('../src/context.js');
  const { MemoryStore } = await import('../src/engine/store.js');
  const rx = await receiver(t);
  const store = new MemoryStore();
  const config = resolveConfig({ seed: 'crash', manualClock: true, startTime: '2026-03-01T10:00:00Z', webhooks: { delayMs: 1000 } });
  const first = createContext(config, store);
  const order = first.engine.createOrder(API_KEY, (await import('../src/domain/create-order.js')).readCreateOrder({ type: 'redirect', gateway: 'DIRECTBANK', order_id: 'crash-1', currency: 'EUR', amount: 1000, description: 'x', payment_options: { notification_url: rx.url } }, first.engine.rules));
  first.engine.transition(API_KEY, order.transaction_id, { kind: 'cancel' }, 'api');
  const [rec] = first.webhooks.deliveries(API_KEY, 'crash-1');
  // What a kill -9 during the request leaves: the job was taken off the store when it fired.
  store.collection('jobs').delete(`webhook:${rec?.id}`);
  first.engine.close();

  const second = createContext(config, store);
  t.teardown(async () => {
    for (const c of [...second.closers].reverse()) await c();
    second.engine.close();
  });
  await second.engine.clock.advance(1000);
  t.equal(rx.requests.length, 1);
  t.equal(second.webhooks.deliveries(API_KEY, 'crash-1')[0]?.state, 'delivered');
});

t.test('a clock entry that fires before its job is due (armed twice) does not send early', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 1000 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  const jobs = app.sandbox.store.collection<{ id: string; due: number }>('jobs');
  const job = jobs.get(`webhook:${rec?.id}`)!;
  // The stored job moved an hour later, but the clock still holds the old entry.
  jobs.set(job.id, { ...job, due: job.due + 3_600_000 });
  await app.sandbox.engine.clock.advance(1000);
  t.equal(rx.requests.length, 0, 'not at the stale time');
  await app.sandbox.engine.clock.advance(3_600_000);
  t.equal(rx.requests.length, 1, 'at the stored time');
});

t.test('orders the engine forgets (retention) take their notifications and pending jobs with them', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 1000 } });
  const gone = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const kept = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, gone.order_id);
  pay(app, kept.order_id);
  const engine = app.sandbox.engine;
  engine.forgetOrders([engine.findOrder(API_KEY, gone.order_id)!]);
  t.same(app.sandbox.webhooks.deliveries(API_KEY, gone.order_id), []);
  await engine.clock.advance(1000);
  t.same(rx.requests.map((r) => r.query.get('transactionid')), [kept.order_id], 'its pending notification was not sent');
  t.equal(app.sandbox.webhooks.stats().pending, 0);
});
