/**
 * The engine's Sofort lifecycle on a manual clock: expiry after one day, amounts of 100 EUR
 * and more go uncleared and complete 24 hours later, every change in the timeline with its
 * cause, events to listeners, reset per site, seeded ids.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import type { EngineEvent } from '../src/engine/engine.js';
import { simulatedPayer } from '../src/engine/payer.js';
import { API_KEY, api, build, createOrder } from './helpers/build.js';

const START = '2026-03-01T10:00:00Z';
const T0 = Date.parse(START);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function order(app: FastifyInstance, id: string) {
  return (await api(app, 'GET', `/orders/${encodeURIComponent(id)}`)).json().data;
}

function pay(app: FastifyInstance, tx: number): void {
  const engine = app.sandbox.engine;
  engine.transition(API_KEY, tx, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'bank');
}

t.test('an unpaid Sofort order expires exactly one day after it was created', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await createOrder(app, { type: 'direct' });
  const created = await order(app, order_id);
  t.equal(created.created, '2026-03-01T11:00:00', 'created at the sandbox start time, in Amsterdam local time (UTC+1 in March)');

  await app.sandbox.engine.clock.advance(DAY - 1);
  t.equal((await order(app, order_id)).status, 'initialized', 'still open a millisecond before');
  await app.sandbox.engine.clock.advance(1);
  const expired = await order(app, order_id);
  t.same([expired.status, expired.financial_status], ['expired', 'expired']);
  t.equal(expired.modified, '2026-03-02T11:00:00');

  const record = app.sandbox.engine.findOrder(API_KEY, order_id)!;
  t.same(record.timeline.map((e) => [e.cause, e.action, e.to.status]), [['api', 'create', 'initialized'], ['clock', 'expire', 'expired']]);
  t.equal(record.timeline[1]!.at, T0 + DAY);
});

t.test('a redirect order without a gateway lives as long as its link (days_active), not one day', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await createOrder(app, { gateway: undefined, days_active: 3 });
  await app.sandbox.engine.clock.advance(2 * DAY);
  t.equal((await order(app, order_id)).status, 'initialized', 'a gateway-less link outlives the 1-day Sofort limit');
  await app.sandbox.engine.clock.advance(DAY);
  t.equal((await order(app, order_id)).status, 'expired');

  const { order_id: short } = await createOrder(app, { seconds_active: 60, days_active: 30 });
  await app.sandbox.engine.clock.advance(60_000);
  t.equal((await order(app, short)).status, 'expired', 'seconds_active wins over days_active');
});

t.test('below 100 EUR the payment completes at once and never expires afterwards', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await createOrder(app, { amount: 9999 });
  const tx = (await order(app, order_id)).transaction_id;
  await app.sandbox.engine.clock.advance(HOUR);
  pay(app, tx);
  const paid = await order(app, order_id);
  t.same([paid.status, paid.financial_status], ['completed', 'completed']);
  t.equal(paid.completed, '2026-03-01T12:00:00');
  t.equal(paid.reason, 'SUCCESS');
  t.equal(paid.payment_details.type, 'DIRECTBANK');
  t.match(paid.payment_details.account_iban, /^[A-Z]{2}\d{2}/);
  await app.sandbox.engine.clock.advance(10 * DAY);
  t.equal((await order(app, order_id)).status, 'completed', 'the expiry timer was cancelled by the payment');
});

t.test('from 100 EUR the payment goes uncleared and completes 24 hours after authorisation', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await createOrder(app, { amount: 10_000 });
  const tx = (await order(app, order_id)).transaction_id;
  await app.sandbox.engine.clock.advance(2 * HOUR);
  pay(app, tx);
  const uncleared = await order(app, order_id);
  t.same([uncleared.status, uncleared.financial_status], ['uncleared', 'uncleared']);
  t.equal(uncleared.completed, null);

  await app.sandbox.engine.clock.advance(DAY - 1);
  t.equal((await order(app, order_id)).status, 'uncleared', 'not before 24 hours');
  await app.sandbox.engine.clock.advance(1);
  const done = await order(app, order_id);
  t.same([done.status, done.financial_status], ['completed', 'completed']);
  t.equal(done.completed, '2026-03-02T13:00:00', 'stamped exactly 24 h after authorisation');

  const timeline = app.sandbox.engine.findOrder(API_KEY, order_id)!.timeline;
  t.same(timeline.map((e) => [e.cause, e.action, e.to.status, e.at - T0]), [
    ['api', 'create', 'initialized', 0],
    ['bank', 'authorise', 'uncleared', 2 * HOUR],
    ['clock', 'clear', 'completed', 2 * HOUR + DAY],
  ]);
});

t.test('one big jump of the clock fires expiry and clearing of many orders in time order', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const a = await createOrder(app, { amount: 50_000 });
  const b = await createOrder(app, { amount: 1000, type: 'direct' });
  pay(app, (await order(app, a.order_id)).transaction_id);
  const events: EngineEvent[] = [];
  app.sandbox.engine.onEvent((e) => void events.push(e));
  await app.sandbox.engine.clock.advance(30 * DAY);
  // Both fall due at T0 + 1 day (b is a direct order: its Sofort transaction started at creation); b's expiry timer was set (at creation) before a's clearing timer (at payment).
  t.same(events.map((e) => [e.order_id, 'action' in e ? e.action : e.type, e.at - T0]), [
    [b.order_id, 'expire', DAY],
    [a.order_id, 'clear', DAY],
  ], 'same instant: in the order the timers were set');
  t.equal((await order(app, a.order_id)).status, 'completed');
  t.equal((await order(app, b.order_id)).status, 'expired');
});

t.test('events carry cause and whether MultiSafepay would notify', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const events: EngineEvent[] = [];
  const off = app.sandbox.engine.onEvent((e) => void events.push(e));
  const { order_id } = await createOrder(app);
  await api(app, 'PATCH', `/orders/${order_id}`, { invoice_id: 'INV-1' });
  await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled' });
  off();
  await createOrder(app);
  t.same(events.map((e) => [e.type, e.cause, e.notify]), [
    ['order_created', 'api', false],
    ['order_updated', 'api', false],
    ['status_changed', 'api', true],
  ], 'a data-only update does not notify; a listener removed hears nothing more');
  const cancel = events[2]!;
  t.match(cancel, { from: { status: 'initialized' }, to: { status: 'void', financial_status: 'cancelled' } });
});

t.test('a listener that throws does not break the transition', async (t) => {
  const app = await build(t, { manualClock: true });
  const errors: unknown[] = [];
  const origError = console.error;
  console.error = (...a: unknown[]) => void errors.push(a);
  t.teardown(() => {
    console.error = origError;
  });
  app.sandbox.engine.onEvent(() => {
    throw new Error('listener bug');
  });
  const { order_id } = await createOrder(app);
  const res = await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled' });
  t.equal(res.statusCode, 200);
  t.equal((await order(app, order_id)).status, 'void');
  t.ok(errors.length >= 1, 'the failure is reported');
});

t.test('reset forgets the orders and timers of one site only', async (t) => {
  const app = await build(t, { manualClock: true });
  await createOrder(app, { order_id: 'mine' });
  await createOrder(app, { order_id: 'theirs' }, 'other-site-key');
  const removed = app.sandbox.engine.reset(API_KEY);
  t.equal(removed, 1);
  t.equal((await api(app, 'GET', '/orders/mine')).statusCode, 404);
  t.equal((await api(app, 'GET', '/orders/theirs', undefined, { key: 'other-site-key' })).statusCode, 200);
  t.same(app.sandbox.engine.jobs.list((j) => j.site === API_KEY), [], 'no timers left for the reset site');
  t.equal((await api(app, 'POST', '/orders', { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'mine', currency: 'EUR', amount: 1000, description: 'again' })).statusCode, 200, 'the order_id is free again');
  t.equal(app.sandbox.engine.reset(null), 2, 'reset(null) clears every site');
});

t.test('the same seed gives the same ids; different seeds differ; session ids are never seeded', async (t) => {
  const ids = async (seed: string) => {
    // The id begins with the sandbox clock's Unix seconds: a fixed start time makes it repeatable.
    const app = await build(t, { seed, manualClock: true, startTime: START });
    const { data } = await createOrder(app, { type: 'direct' });
    return { tx: data.transaction_id, session: data.payment_url.split('/')[4] };
  };
  const a = await ids('alpha');
  const again = await ids('alpha');
  t.equal(again.tx, a.tx);
  t.not(again.session, a.session, 'the session id (the key to the bank page) comes from crypto randomness');
  t.not((await ids('beta')).tx, a.tx);
  t.ok(Number.isSafeInteger(a.tx));
  t.match(String(a.tx), new RegExp(`^${T0 / 1000}\\d{6}$`), '16 digits: the Unix seconds of creation, then 6 seeded digits');
});

t.test('a paid order refuses to expire, cancel or be paid twice (1021)', async (t) => {
  const app = await build(t, { manualClock: true });
  const { order_id } = await createOrder(app);
  const tx = (await order(app, order_id)).transaction_id;
  pay(app, tx);
  const engine = app.sandbox.engine;
  for (const action of [{ kind: 'expire' }, { kind: 'cancel' }, { kind: 'authorise', ...simulatedPayer(engine.ids) }] as const) {
    t.throws(() => engine.transition(API_KEY, tx, action, 'control'), { code: 1021 }, action.kind);
  }
  t.throws(() => engine.transition(API_KEY, 42, { kind: 'expire' }, 'control'), { code: 1006 }, 'unknown transaction');
  t.equal((await order(app, order_id)).status, 'completed');
});
