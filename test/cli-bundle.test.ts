/**
 * The shipped command (what `npm start`, the package's bin and the Docker image run) is a
 * bundle started through V8's code cache, with some of Fastify's dependencies left out of it
 * and loaded on demand. These tests build it into a scratch directory and use it as a user
 * would: it starts, answers the API, logs with --log (pino comes from node_modules then),
 * keeps its data with --data-dir (better-sqlite3 likewise), and still starts when its code
 * cache is missing or damaged.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import { childEnv } from './helpers/child-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'bundle-test-key-0001';

/** A scratch directory inside the project (the bundle finds views/ and fixtures/ from there). */
function scratch(t: Test, prefix: string): string {
  const parent = join(ROOT, 'test-output');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${prefix}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Running {
  url: string;
  out: () => string;
  stop: () => Promise<number | null>;
}

function run(t: Test, command: string, args: string[]): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, [command, '--port', '0', '--host', '127.0.0.1', '--api-key', KEY, ...args], {
    cwd: ROOT,
    env: childEnv({ PORT: '', HOST: '', LOG: '', DATA_DIR: '', API_KEYS: '' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, out: () => out, stop: () => (child.kill('SIGTERM'), exited) });
    });
    void exited.then((code) => reject(new Error(`the command exited (${String(code)}) before listening\nstdout: ${out}\nstderr: ${err}`)));
  });
}

async function createOrder(url: string, orderId: string): Promise<{ status: number; body: { success: boolean; data: { order_id: string; payment_url: string } } }> {
  const res = await fetch(`${url}/v1/json/orders`, {
    method: 'POST',
    headers: { api_key: KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'redirect', gateway: 'DIRECTBANK', order_id: orderId, currency: 'EUR', amount: 1000, description: 'Bundle test', customer: { country: 'DE', locale: 'de_DE' } }),
  });
  return { status: res.status, body: (await res.json()) as { success: boolean; data: { order_id: string; payment_url: string } } };
}

t.test('the bundled command', async (t) => {
  const out = scratch(t, 'bundle');
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), out], { cwd: ROOT, env: childEnv() });
  const command = join(out, 'sofort-sandbox.mjs');
  const cache = join(out, 'sofort-sandbox-cli.cache');
  t.ok(statSync(cache).size > 0, 'the build made a code cache');

  t.test('starts, answers the API and stops cleanly', async (t) => {
    const s = await run(t, command, []);
    t.equal((await fetch(`${s.url}/health`)).status, 200);
    const created = await createOrder(s.url, 'bundle-1');
    t.equal(created.status, 200);
    t.equal(created.body.data.order_id, 'bundle-1');
    t.match(created.body.data.payment_url, new RegExp(`^${s.url}/connect/`));
    const page = await fetch(created.body.data.payment_url);
    t.equal(page.status, 200, 'the payment page renders (views are found from the bundle)');
    t.match(await page.text(), /<html/i);
    t.equal(await s.stop(), 0);
  });

  t.test('--log writes request logs (pino, loaded on demand)', async (t) => {
    const s = await run(t, command, ['--log']);
    await fetch(`${s.url}/health`);
    await s.stop();
    t.match(s.out(), /"msg":"request completed"/);
  });

  t.test('--data-dir keeps orders across a restart (better-sqlite3, loaded on demand)', async (t) => {
    const data = scratch(t, 'data');
    const first = await run(t, command, ['--data-dir', data]);
    t.equal((await createOrder(first.url, 'kept-1')).status, 200);
    t.equal(await first.stop(), 0);
    const second = await run(t, command, ['--data-dir', data]);
    const res = await fetch(`${second.url}/v1/json/orders/kept-1`, { headers: { api_key: KEY } });
    t.equal(res.status, 200);
    t.equal(((await res.json()) as { data: { order_id: string } }).data.order_id, 'kept-1');
    await second.stop();
  });

  t.test('a damaged or missing code cache only costs speed', async (t) => {
    writeFileSync(cache, Buffer.from('not a code cache'));
    const damaged = await run(t, command, []);
    t.equal((await createOrder(damaged.url, 'damaged-1')).status, 200);
    await damaged.stop();
    t.ok(statSync(cache).size > 1000, 'a rejected cache is made anew on exit');
    rmSync(cache);
    const missing = await run(t, command, []);
    t.equal((await createOrder(missing.url, 'missing-1')).status, 200);
    await missing.stop();
    t.ok(statSync(cache).size > 1000, 'a missing cache (the published package has none) is made on exit where the directory is writable');
  });
});
