/**
 * The data directory under trouble: a full disk answers a clear error (not "a bug in the
 * sandbox"), is logged and shows on /health; an empty data file and unreadable records are
 * said, and everything else is still served; a data directory the process cannot write is
 * named as such.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Test } from 'tap';
import { buildApp } from '../src/index.js';
import type { SandboxOptions } from '../src/index.js';
import { api, createOrder, orderBody } from './helpers/build.js';
import { page } from './helpers/dashboard.js';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-storage-'));
  t.teardown(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function open(t: Test, dataDir: string, opts: SandboxOptions = {}) {
  const app = await buildApp({ seed: 'storage', dataDir, ...opts });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

/** Run `fn` with console.error and console.warn recorded instead of printed. */
async function capturing<R>(fn: () => Promise<R>): Promise<{ result: R; logged: string[] }> {
  const logged: string[] = [];
  const { error, warn } = console;
  console.error = (...a: unknown[]) => void logged.push(a.map(String).join(' '));
  console.warn = console.error;
  try {
    return { result: await fn(), logged };
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

t.test('a full disk: a clear 503 on create-order, logged once, reported on /health; reads go on', async (t) => {
  const app = await open(t, tempDir(t), { dataMaxMb: 1 });
  const first = await createOrder(app, { description: 'before the disk filled' });
  const { result: refused, logged } = await capturing(async () => {
    const big = 'x'.repeat(150);
    for (let i = 0; i < 5000; i++) {
      const res = await api(app, 'POST', '/orders', orderBody({ description: big, var1: big.repeat(3), var2: big.repeat(3), var3: big.repeat(3) }));
      if (res.statusCode !== 200) return [res, await api(app, 'POST', '/orders', orderBody())];
    }
    return [];
  });
  t.equal(refused.length, 2, 'the 1 MiB data file filled up');
  for (const res of refused) {
    t.equal(res!.statusCode, 503);
    t.match(res!.json(), { success: false, error_code: 9999, error_info: "Unknown error", sandbox_hint: /could not store this change.*full.*nothing was changed.*Free disk space/ });
    t.notMatch(res!.body, /bug in the sandbox/);
  }
  t.equal(logged.filter((l) => /storage failure/.test(l)).length, 1, 'logged once, not once per request');
  const health = await app.inject({ url: '/health' });
  t.equal(health.statusCode, 503, 'Docker’s health check sees it');
  t.match(health.json(), { status: 'storage_failing', storage: { kind: 'sqlite', ok: false, error: /full/ } });
  t.equal((await api(app, 'GET', `/orders/${first.order_id}`)).statusCode, 200, 'stored orders are still served');
});

t.test('an empty data file and unreadable records: said on start and on /health, the rest served', async (t) => {
  const empty = tempDir(t);
  writeFileSync(join(empty, 'sandbox.db'), '');
  const { result: fresh, logged } = await capturing(() => open(t, empty));
  t.match(logged.join('\n'), /sandbox\.db was empty \(0 bytes\).*data is gone/);
  t.match((await fresh.inject({ url: '/health' })).json(), { status: 'ok', storage: { ok: true, warnings: [/was empty \(0 bytes\)/] } });

  const dir = tempDir(t);
  const a = await open(t, dir);
  const kept = await createOrder(a, { order_id: 'kept-1' });
  await createOrder(a, { order_id: 'broken-1' });
  await a.close();
  const db = new Database(join(dir, 'sandbox.db'));
  const rows = db.prepare("SELECT key, value FROM entries WHERE collection = 'orders'").all() as Array<{ key: string; value: string }>;
  const broken = rows.find((r) => r.value.includes('broken-1'))!;
  db.prepare("UPDATE entries SET value = 'null' WHERE collection = 'orders' AND key = ?").run(broken.key);
  db.close();

  const { result: b, logged: said } = await capturing(() => open(t, dir));
  t.match(said.join('\n'), /1 unreadable record was skipped/);
  t.equal((await page(b, '/dashboard')).statusCode, 200, 'the dashboard lists what is left');
  const orders = await b.inject({ url: '/_sandbox/orders' });
  t.equal(orders.statusCode, 200, 'and so does the control plane');
  t.match(orders.body, kept.order_id);
  t.equal((await api(b, 'GET', '/orders/kept-1')).statusCode, 200);
  t.equal((await api(b, 'GET', '/orders/broken-1')).statusCode, 404, 'the unreadable one is not found rather than a 500');
  t.match((await b.inject({ url: '/health' })).json(), { storage: { warnings: [/1 unreadable record/] } });
});

t.test('a data directory this process cannot write is named, not "disk I/O error"', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o500);
  await t.rejects(buildApp({ dataDir: dir }), { name: 'DataDirError', message: /is not writable by this process.*chown\/chmod.*--data-dir/ });
});

t.test('a deeply nested body: the same 400 with and without --data-dir', async (t) => {
  const deep = '{"x":'.repeat(5000) + '{}' + '}'.repeat(5000);
  const payload = JSON.stringify(orderBody({ plugin: {} })).replace('"plugin":{}', `"plugin":${deep}`);
  for (const app of [await open(t, tempDir(t)), await buildApp({ seed: 'storage' })]) {
    t.teardown(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/v1/json/orders', headers: { api_key: 'test-api-key-0001', 'content-type': 'application/json' }, payload });
    t.equal(res.statusCode, 400);
    t.match(res.json(), { success: false, error_code: 9999, error_info: "Unknown error", sandbox_hint: /nests objects or arrays deeper than 64 levels/ });
  }
});
