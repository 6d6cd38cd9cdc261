/**
 * Load and isolation: many orders with a slow receiver all arrive exactly once within the
 * concurrency bound; a dead receiver blocks neither other receivers nor the API.
 */
import t from 'tap';
import { api, API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

t.test('1,000 orders, a slow receiver: every notification delivered exactly once', async (t) => {
  const rx = await receiver(t, () => ({ body: 'OK', delayMs: 3 }));
  const app = await build(t, { webhooks: { delayMs: 0, logLimit: 5000 } });
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) ids.push((await createOrder(app, { order_id: `load-${i}`, payment_options: { notification_url: rx.url } })).order_id);
  let delivered = 0;
  const all = new Promise<void>((resolve) => {
    app.sandbox.webhooks.onDelivery((rec) => {
      if (rec.state === 'delivered' && ++delivered === ids.length) resolve();
    });
  });
  for (const id of ids) pay(app, id);
  await all;
  t.equal(rx.requests.length, 1000, 'one request per notification');
  t.same(new Set(rx.requests.map((r) => r.query.get('transactionid'))), new Set(ids), 'one per order');
  t.ok(rx.maxInFlight <= app.sandbox.webhooks.config.perReceiverConcurrency, `at most ${app.sandbox.webhooks.config.perReceiverConcurrency} in flight (saw ${rx.maxInFlight})`);
  t.ok(rx.maxInFlight > 1, 'and more than one: the limit is used');
  const log = app.sandbox.webhooks.deliveries(API_KEY);
  t.equal(log.length, 1000);
  t.ok(log.every((r) => r.state === 'delivered' && r.attempts.length === 1));
  t.same(app.sandbox.webhooks.stats(), { pending: 0, inFlight: 0, queued: 0 });
});

t.test('a receiver that never answers holds only its own share of connections', async (t) => {
  const dead = await receiver(t, () => 'hang');
  const live = await receiver(t);
  const app = await build(t, { webhooks: { delayMs: 0, concurrency: 4, perReceiverConcurrency: 2, timeoutMs: 600_000 } });
  const toDead: string[] = [];
  const toLive: string[] = [];
  for (let i = 0; i < 20; i++) {
    toDead.push((await createOrder(app, { payment_options: { notification_url: dead.url } })).order_id);
    toLive.push((await createOrder(app, { payment_options: { notification_url: live.url } })).order_id);
  }
  for (const id of toDead) pay(app, id);
  await dead.received(2);
  for (const id of toLive) pay(app, id);
  await live.received(20);
  await Promise.all(toLive.map((id) => app.sandbox.webhooks.waitFor(API_KEY, id)));
  t.equal(dead.requests.length, 2, 'the dead receiver holds its 2 of 4 slots');
  t.match(app.sandbox.webhooks.stats(), { inFlight: 2, queued: 18, pending: 20 });
  const res = await api(app, 'GET', `/orders/${toDead[0]}`);
  t.equal(res.statusCode, 200, 'the API answers meanwhile');
});

t.test('two receivers that never answer leave the default slots to a healthy one', async (t) => {
  // As seen on a shared sandbox: two hanging receivers took all 16 slots (8 each) and a
  // healthy receiver's notification waited for their timeouts.
  const hanging = [await receiver(t, () => 'hang'), await receiver(t, () => 'hang')];
  const live = await receiver(t);
  const app = await build(t, { webhooks: { delayMs: 0, timeoutMs: 600_000 } });
  const stuck: string[] = [];
  for (const rx of hanging) {
    for (let i = 0; i < 12; i++) stuck.push((await createOrder(app, { payment_options: { notification_url: rx.url } })).order_id);
  }
  for (const id of stuck) pay(app, id);
  const share = app.sandbox.webhooks.config.perReceiverConcurrency;
  await Promise.all(hanging.map((rx) => rx.received(share)));
  const { order_id } = await createOrder(app, { payment_options: { notification_url: live.url } });
  pay(app, order_id);
  t.equal((await app.sandbox.webhooks.waitFor(API_KEY, order_id)).state, 'delivered', 'delivered while both others still hang');
  t.equal(live.requests.length, 1);
  t.same(hanging.map((rx) => rx.requests.length), [share, share], `each hanging receiver holds only its ${share} slots`);
});

t.test('waitFor resolves for an acknowledged order and rejects when aborted', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const hooks = app.sandbox.webhooks;
  const waiting = hooks.waitFor(API_KEY, order_id);
  t.equal(hooks.isAcknowledged(API_KEY, order_id), false);
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal((await waiting).state, 'delivered');
  t.equal((await hooks.waitFor(API_KEY, order_id)).state, 'delivered', 'already delivered resolves at once');
  t.equal(hooks.isAcknowledged(API_KEY, order_id), true);

  const ac = new AbortController();
  const never = hooks.waitFor(API_KEY, 'no-such-order', { signal: ac.signal });
  ac.abort(new Error('gave up'));
  await t.rejects(never, /gave up/);

  let pinged = 0;
  const off = hooks.ackSource().onDelivery((site, id) => {
    if (site === API_KEY && id === order_id) pinged++;
  });
  t.equal(hooks.ackSource().notifications(API_KEY, order_id).some((n) => n.state === 'delivered'), true);
  await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped' });
  await app.sandbox.engine.clock.advance(0);
  off();
  t.equal(pinged, 1);
});

t.test('the limiter: a saturated receiver does not hold up another, and a long backlog drains in order', async (t) => {
  const { Limiter } = await import('../src/features/webhooks/limiter.js');
  const lim = new Limiter(3, 2);
  const order: string[] = [];
  const releases: Array<() => void> = [];
  const take = (key: string, tag: string): Promise<void> =>
    lim.acquire(key).then((release) => {
      order.push(tag);
      releases.push(release);
    });
  const waits = [take('slow', 's1'), take('slow', 's2'), take('slow', 's3'), take('fast', 'f1')];
  await Promise.all([waits[0], waits[1], waits[3]]);
  t.same(order, ['s1', 's2', 'f1'], 's3 waits for its receiver, f1 does not');
  t.equal(lim.inFlight, 3);
  t.equal(lim.queued, 1);
  releases[0]!();
  releases[0]!(); // releasing twice frees one slot only
  await waits[2];
  t.same(order, ['s1', 's2', 'f1', 's3']);
  t.equal(lim.inFlight, 3);

  const big = new Limiter(1, 1);
  const seen: number[] = [];
  await Promise.all(
    Array.from({ length: 3000 }, (_, i) =>
      big.acquire('one').then((release) => {
        seen.push(i);
        release();
      }),
    ),
  );
  t.equal(seen.length, 3000);
  t.ok(seen.every((v, i) => v === i), 'first come, first served');
  t.equal(big.queued, 0);
});

t.test('the clock cancels by id without scanning (what keeps many pending orders cheap): earliest entry first', async (t) => {
  const { SandboxClock } = await import('../src/engine/clock.js');
  const clock = new SandboxClock('t', undefined, { virtual: 0, frozen: true });
  t.teardown(() => clock.close());
  const fired: string[] = [];
  const job = (name: string) => () => void fired.push(name);
  for (let i = 0; i < 1000; i++) clock.schedule(`expire:${i}`, 86_400_000 + i, job(`e${i}`));
  clock.schedule('x', 200, job('x@200'));
  clock.schedule('x', 100, job('x@100'));
  clock.schedule('y', 100, job('y@100'));
  t.equal(clock.cancel('x'), true);
  t.same(clock.pending().filter((j) => j.id === 'x').map((j) => j.due), [200], 'the earliest x went');
  let cancelled = 0;
  for (let i = 0; i < 1000; i += 2) if (clock.cancel(`expire:${i}`)) cancelled++;
  t.equal(cancelled, 500);
  t.equal(clock.cancel('expire:0'), false);
  t.equal(clock.cancel('nothing'), false);
  await clock.advance(86_400_000 + 10);
  t.same(fired, ['y@100', 'x@200', 'e1', 'e3', 'e5', 'e7', 'e9']);
  t.equal(clock.cancel('x'), false, 'a fired job is no longer cancellable');
  t.equal(clock.pending().length, 495);
});
