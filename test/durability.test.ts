/**
 * --data-dir: what a sandbox acknowledged is there after a restart on the same directory
 * (orders, their states, the clocks, pending timers), and seeded ids do not repeat. The
 * restart here is in-process (close + build); test/crash.test.ts kills a real process.
 */
import t from 'tap';
import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/index.js';
import type { SandboxOptions } from '../src/index.js';
import type { RealTime } from '../src/engine/clock.js';
import { parseCli } from '../src/options/cli-options.js';
import { resolveConfig } from '../src/options/config.js';
import { api, createOrder } from './helpers/build.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T09:00:00Z');

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-durable-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Open a sandbox on `dataDir`; the caller closes it (a restart is close + open). */
async function open(dataDir: string, opts: SandboxOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ seed: 'durable', manualClock: true, startTime: START, dataDir, ...opts });
  await app.ready();
  return app;
}

/** Real time that tests move by hand; its timers never fire on their own. */
function fakeRealTime(start: number): RealTime & { set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => void (now = ms),
    setTimeout: () => null,
    clearTimeout: () => {},
  };
}

const getOrder = async (app: FastifyInstance, id: string) => {
  const res = await api(app, 'GET', `/orders/${encodeURIComponent(id)}`);
  return { code: res.statusCode, body: res.json() };
};

t.test('orders and their states survive a restart on the same data dir', async (t) => {
  const dir = tempDir(t);
  const a = await open(dir);
  const kept = await createOrder(a, { amount: 1234, description: 'kept across restarts', customer: { locale: 'de_DE', country: 'DE', email: 'ä@example.com' } });
  const cancelled = await createOrder(a);
  const patch = await api(a, 'PATCH', `/orders/${cancelled.order_id}`, { status: 'cancelled' });
  t.equal(patch.statusCode, 200);
  const before = (await getOrder(a, kept.order_id)).body.data;
  const beforeCancelled = (await getOrder(a, cancelled.order_id)).body.data;
  t.equal(beforeCancelled.status, 'void');
  await a.close();

  const b = await open(dir);
  t.teardown(() => b.close());
  const after = await getOrder(b, kept.order_id);
  t.equal(after.code, 200);
  t.same(after.body.data, before, 'the order reads back exactly as before the restart');
  t.same((await getOrder(b, String(before.transaction_id))).body.data, before, 'also by transaction_id');
  t.same((await getOrder(b, cancelled.order_id)).body.data, beforeCancelled, 'the acknowledged cancel is there');

  const page = await b.inject({ method: 'GET', url: new URL(kept.data.payment_url).pathname });
  t.not(page.statusCode, 404, 'the payment page still finds the order by its session');

  const again = await api(b, 'POST', '/orders', { ...kept.body, order_id: 'after-restart' });
  t.equal(again.statusCode, 200, 'new orders can be created after the restart');
  t.not(again.json().data.session_id, kept.data.session_id);
});

t.test('a frozen clock resumes where it stood, and a timer pending at the stop fires after the restart', async (t) => {
  const dir = tempDir(t);
  const a = await open(dir);
  const order = await createOrder(a, { days_active: 1 });
  await a.sandbox.engine.clock.advance(6 * HOUR);
  t.equal((await getOrder(a, order.order_id)).body.data.status, 'initialized');
  await a.close();

  // Real time passes while the sandbox is down; a manual clock does not move.
  const b = await open(dir, { startTime: START + 100 * DAY, manualClock: false, timeScale: 50 });
  t.teardown(() => b.close());
  const clock = b.sandbox.engine.clock;
  t.equal(clock.now(), START + 6 * HOUR, 'the stored clock wins over the start options');
  t.equal(clock.frozen, true);
  const health = (await b.inject({ method: 'GET', url: '/health' })).json();
  t.equal(health.clock, new Date(START + 6 * HOUR).toISOString());

  await clock.advance(18 * HOUR - 1);
  t.equal((await getOrder(b, order.order_id)).body.data.status, 'initialized', 'not expired a millisecond early');
  await clock.advance(1);
  const expired = (await getOrder(b, order.order_id)).body.data;
  t.equal(expired.status, 'expired', 'the 1-day expiry scheduled before the restart fired after it');
  // MultiSafepay's times are Amsterdam local time without a zone: UTC+1 in March.
  t.equal(Date.parse(`${expired.modified}+01:00`), START + DAY, 'at its own due time');
});

t.test('a running clock goes on through the downtime at its scale; due work then runs', async (t) => {
  const dir = tempDir(t);
  const real = fakeRealTime(START);
  const a = await open(dir, { manualClock: false, timeScale: 2, realTime: real });
  const order = await createOrder(a, { days_active: 1 });
  real.set(START + HOUR);
  t.equal(a.sandbox.engine.clock.now(), START + 2 * HOUR);
  await a.close();

  real.set(START + 13 * HOUR); // down for 12 real hours = 24 sandbox hours
  const b = await open(dir, { manualClock: true, timeScale: 1, realTime: real });
  t.teardown(() => b.close());
  const clock = b.sandbox.engine.clock;
  t.equal(clock.now(), START + 26 * HOUR);
  t.equal(clock.frozen, false);
  t.equal(clock.scale, 2);
  // The expiry fell due during the downtime; it runs at the first chance (here: an advance by 0).
  t.equal((await getOrder(b, order.order_id)).body.data.status, 'initialized');
  await clock.advance(0);
  const o = (await getOrder(b, order.order_id)).body.data;
  t.equal(o.status, 'expired');
  t.equal(Date.parse(`${o.modified}+01:00`), START + 26 * HOUR, 'overdue work runs when the sandbox is back, stamped with that time');
});

t.test('clock changes made while running are kept: scale, freeze, site clocks', async (t) => {
  const dir = tempDir(t);
  const real = fakeRealTime(START);
  const a = await open(dir, { realTime: real });
  const engine = a.sandbox.engine;
  await engine.clock.advance(HOUR);
  engine.clock.setScale(10);
  const site = engine.createSiteClock('site-with-own-clock', { virtual: START + 5 * DAY, frozen: true });
  await site.advance(HOUR);
  const gone = engine.createSiteClock('site-removed-again');
  engine.removeSiteClock('site-removed-again');
  t.ok(gone);
  await a.close();

  real.set(START + 1000);
  const b = await open(dir, { realTime: real });
  t.teardown(() => b.close());
  const e2 = b.sandbox.engine;
  t.equal(e2.clock.scale, 10);
  t.equal(e2.clock.frozen, true);
  t.equal(e2.clock.now(), START + HOUR);
  t.same(e2.siteClockNames(), ['site-with-own-clock']);
  t.equal(e2.now('site-with-own-clock'), START + 5 * DAY + HOUR);
  t.equal(e2.clockFor('site-with-own-clock').frozen, true);
});

t.test("a site clock's pending timers come back on that clock", async (t) => {
  const dir = tempDir(t);
  const a = await open(dir);
  const own = 'site-own-clock-key';
  a.sandbox.engine.createSiteClock(own);
  const order = await createOrder(a, { days_active: 1 }, own);
  await a.close();

  const b = await open(dir);
  t.teardown(() => b.close());
  await b.sandbox.engine.clock.advance(2 * DAY);
  const read = await api(b, 'GET', `/orders/${order.order_id}`, undefined, { key: own });
  t.equal(read.json().data.status, 'initialized', 'the sandbox clock does not move a site that has its own');
  await b.sandbox.engine.clockFor(own).advance(DAY);
  t.equal((await api(b, 'GET', `/orders/${order.order_id}`, undefined, { key: own })).json().data.status, 'expired');
});

t.test('seeded ids: the first run matches a run without --data-dir; a restart does not repeat ids', async (t) => {
  const dir = tempDir(t);
  const mem = await buildApp({ seed: 'same-seed', manualClock: true, startTime: START });
  t.teardown(() => mem.close());
  const a = await open(dir, { seed: 'same-seed' });
  // Session ids are secrets, never seeded: the transaction id is the seeded business id.
  const txOf = async (app: FastifyInstance, id: string): Promise<number> => (await api(app, 'GET', `/orders/${id}`)).json().data.transaction_id;
  await createOrder(mem, { order_id: 'seeded-1' });
  await createOrder(a, { order_id: 'seeded-1' });
  const fromDisk = await txOf(a, 'seeded-1');
  t.equal(fromDisk, await txOf(mem, 'seeded-1'), 'same seed, same ids, with or without a data dir');
  await a.close();
  const b = await open(dir, { seed: 'same-seed' });
  t.teardown(() => b.close());
  await createOrder(b, { order_id: 'seeded-2' });
  const next = await txOf(b, 'seeded-2');
  t.not(next, fromDisk);
  await createOrder(mem, { order_id: 'seeded-2' });
  t.not(next, await txOf(mem, 'seeded-2'), 'a restarted sandbox draws from a new sequence');
});

t.test('a data dir in use by a running sandbox is refused at start, naming the fix', async (t) => {
  const dir = tempDir(t);
  const a = await open(dir);
  t.teardown(() => a.close());
  await t.rejects(open(dir), { message: /in use by another sofort-sandbox process; stop it or use another --data-dir/ });
  t.equal((await a.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'the first one keeps running');
});

t.test('options: --data-dir / DATA_DIR and --retention-days / RETENTION_DAYS, validated once', async (t) => {
  t.equal(parseCli(['--data-dir', '/x'], {}).dataDir, '/x');
  t.equal(parseCli([], { DATA_DIR: '/data' }).dataDir, '/data');
  t.equal(parseCli(['--data-dir', '/flag'], { DATA_DIR: '/env' }).dataDir, '/flag', 'the flag wins over the environment');
  t.equal(parseCli([], {}).dataDir, undefined, 'in memory by default');
  t.equal(parseCli(['--retention-days', '30'], {}).retentionDays, 30);
  t.equal(parseCli([], { RETENTION_DAYS: '7.5' }).retentionDays, 7.5);
  t.throws(() => parseCli(['--retention-days', 'soon'], {}), { message: /--retention-days: "soon" is not a number/ });
  t.equal(resolveConfig({}).dataDir, null);
  t.equal(resolveConfig({ dataDir: '' }).dataDir, null);
  t.equal(resolveConfig({}).retentionDays, null);
  for (const bad of [0, -1, Number.NaN, Infinity]) {
    t.throws(() => resolveConfig({ retentionDays: bad }), { name: 'ConfigError', message: /retentionDays: must be a number of days above 0/ });
  }
  t.throws(() => resolveConfig({ dataDir: 42 as unknown as string }), { message: /dataDir: must be a directory path/ });
});

t.test('the in-memory default keeps nothing between two sandboxes', async (t) => {
  const a = await buildApp({ seed: 'x', manualClock: true });
  const o = await createOrder(a);
  await a.close();
  const b = await buildApp({ seed: 'x', manualClock: true });
  t.teardown(() => b.close());
  const res = await api(b, 'GET', `/orders/${o.order_id}`);
  t.equal(res.json().success, false);
  t.equal(res.json().error_code, 1006, 'unknown order');
});
