/**
 * Housekeeping (--retention-days): orders untouched for N days of sandbox time are
 * forgotten, with what features keep about them; orders with pending timed work stay.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { OrderRecord } from '../src/domain/order.js';
import { simulatedPayer } from '../src/engine/payer.js';
import { SWEEP_EVERY_MS, expiredOrders } from '../src/engine/retention.js';
import { API_KEY, api, build, createOrder as createLink } from './helpers/build.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-05-04T08:00:00Z');

/** Orders here are 1-day links: they expire after a day, as the retention cases assume. */
const createOrder = (app: FastifyInstance, overrides: Record<string, unknown> = {}, key?: string) => createLink(app, { days_active: 1, ...overrides }, key);

const statusOf = async (app: FastifyInstance, id: string): Promise<string | number> => {
  const res = await api(app, 'GET', `/orders/${id}`);
  return res.statusCode === 200 ? (res.json().data.status as string) : (res.json().error_code as number);
};

t.test('orders untouched for the retention period are forgotten; newer ones stay', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, retentionDays: 2 });
  const clock = app.sandbox.engine.clock;
  const forgotten: OrderRecord[][] = [];
  app.sandbox.engine.onForget((orders) => forgotten.push([...orders]));

  const old = await createOrder(app); // expires at START + 1 day, then untouched
  const paid = await createOrder(app);
  const tx = paid.data.transaction_id ?? (await api(app, 'GET', `/orders/${paid.order_id}`)).json().data.transaction_id;
  app.sandbox.engine.transition(API_KEY, tx, { kind: 'authorise', ...simulatedPayer(app.sandbox.engine.ids) }, 'control');
  t.equal(await statusOf(app, paid.order_id), 'completed');

  await clock.advance(2 * DAY);
  t.equal(await statusOf(app, old.order_id), 'expired', 'exactly N days untouched is not yet too old');
  const young = await createOrder(app);

  await clock.advance(DAY + HOUR);
  t.equal(await statusOf(app, old.order_id), 1006, 'gone after N days untouched (unknown order)');
  t.equal(await statusOf(app, paid.order_id), 1006, 'paid orders too: retention is about age');
  t.equal(await statusOf(app, young.order_id), 'expired', 'an order changed within N days stays');
  t.same(forgotten.flat().map((o) => o.order_id).sort(), [old.order_id, paid.order_id].sort(), 'features heard which orders went');

  const reuse = await api(app, 'POST', '/orders', { ...old.body });
  t.equal(reuse.statusCode, 200, "a forgotten order's order_id can be used again");
  t.equal((await app.inject({ method: 'GET', url: '/health' })).json().orders, 2);
});

t.test('an old order with pending timed work (a refund settling, a long link) is kept until that work is done', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, retentionDays: 1 });
  const engine = app.sandbox.engine;
  const held = await createOrder(app);
  const tx = (await api(app, 'GET', `/orders/${held.order_id}`)).json().data.transaction_id as number;
  const ran: string[] = [];
  engine.jobs.handle('test-hold', (job) => void ran.push(job.id));
  engine.jobs.schedule({ id: 'hold-1', site: API_KEY, kind: 'test-hold', due: START + 10 * DAY, data: { transaction_id: tx } });

  await engine.clock.advance(5 * DAY);
  t.equal(await statusOf(app, held.order_id), 'expired', 'kept while its job is pending');
  t.same(expiredOrders(engine, 1), [], 'not a candidate');
  await engine.clock.advance(5 * DAY);
  t.same(ran, ['hold-1']);
  await engine.clock.advance(SWEEP_EVERY_MS);
  t.equal(await statusOf(app, held.order_id), 1006, 'forgotten at the first sweep after its work is done');
});

t.test("each site's orders age on that site's own clock", async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, retentionDays: 1 });
  const engine = app.sandbox.engine;
  const own = 'site-own-clock-0001';
  engine.createSiteClock(own);
  const onOwn = await createOrder(app, {}, own);
  await engine.clock.advance(5 * DAY);
  const read = await api(app, 'GET', `/orders/${onOwn.order_id}`, undefined, { key: own });
  t.equal(read.json().data.status, 'initialized', 'the sandbox clock moved, the site clock did not: not old');
  await engine.clockFor(own).advance(3 * DAY);
  await engine.clock.advance(SWEEP_EVERY_MS);
  t.equal((await api(app, 'GET', `/orders/${onOwn.order_id}`, undefined, { key: own })).json().error_code, 1006);
});

t.test('without --retention-days nothing is forgotten', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await createOrder(app);
  await app.sandbox.engine.clock.advance(400 * DAY);
  t.equal(await statusOf(app, o.order_id), 'expired');
});

t.test('with --data-dir, forgotten orders are gone from the file too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-retention-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const a = await build(t, { manualClock: true, startTime: START, retentionDays: 1, dataDir: dir });
  const gone = await createOrder(a);
  await a.sandbox.engine.clock.advance(3 * DAY);
  const fresh = await createOrder(a);
  t.equal(await statusOf(a, gone.order_id), 1006);
  await a.close();
  const b = await build(t, { manualClock: true, dataDir: dir });
  t.equal(await statusOf(b, gone.order_id), 1006, 'still gone after a restart');
  t.equal(await statusOf(b, fresh.order_id), 'initialized');
  t.equal(b.sandbox.store.collection('orders').size, 1);
  t.equal(b.sandbox.store.collection('sessions').size, 1, 'lookups of forgotten orders went with them');
  t.equal(b.sandbox.store.collection('order-ids').size, 1);
});

t.test("what features keep about a forgotten order goes with it: refund ids, webhook deliveries", async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, retentionDays: 1 });
  const paid = await createOrder(app, { payment_options: { notification_url: 'http://127.0.0.1:9/webhook' } });
  const play = await app.inject({ method: 'POST', url: `/_sandbox/orders/${paid.order_id}/scenario`, headers: { api_key: API_KEY }, payload: { scenario: 'completed', delay: 0 } });
  t.equal(play.statusCode, 200, play.body);
  const refund = await api(app, 'POST', `/orders/${paid.order_id}/refunds`, { amount: 500, currency: 'EUR' });
  t.equal(refund.statusCode, 200, refund.body);
  const store = app.sandbox.store;
  t.equal(store.collection('refund-ids').size, 1);
  await app.sandbox.engine.clock.advance(HOUR);
  t.ok(store.collection('webhook-deliveries').size > 0, 'notifications were recorded');

  await app.sandbox.engine.clock.advance(3 * DAY);
  t.equal(await statusOf(app, paid.order_id), 1006);
  t.equal(store.collection('refund-ids').size, 0, 'the refund id index holds nothing of it');
  t.equal(store.collection('webhook-deliveries').size, 0, 'nor does the delivery log');
  const deliveries = await app.inject({ method: 'GET', url: '/_sandbox/webhooks/deliveries', headers: { api_key: API_KEY } });
  t.notMatch(deliveries.body, String(paid.order_id));
});
