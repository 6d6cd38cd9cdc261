/**
 * Crash test: the real CLI with --data-dir is killed with SIGKILL (no chance to flush or
 * close), then started again on the same directory. Every order and every state it had
 * acknowledged with a 200 is there, the clock stands where it stood, and the notifications
 * it could not deliver before the kill (receiver down) go out once the receiver is up.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './helpers/child-env.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'crash-test-api-key';

interface Sandbox {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Start `src/cli.ts` and wait for its "listening on" line. */
function startCli(dataDir: string): Promise<Sandbox> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), '--port', '0', '--data-dir', dataDir, '--manual-clock', '--start-time', '2026-06-01T10:00:00Z', '--seed', 'crash', '--api-key', KEY],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv({ PORT: '', DATA_DIR: '' }) },
    );
    let out = '';
    const collect = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, child, output: () => out });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => reject(new Error(`the CLI exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

function kill9(s: Sandbox): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

/** The JSON answers this test reads: the API's envelope and the control plane's objects. */
interface Answer {
  data: Record<string, unknown>;
  fired?: number;
  now?: string;
  [field: string]: unknown;
}

async function call(s: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { api_key: KEY, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

/** A call whose 200 the test relies on: anything else stops the test with the answer. */
async function ok200(s: Sandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  const r = await call(s, method, path, body);
  if (r.status !== 200) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

interface Received {
  method: string;
  url: string;
  body: string;
}

/**
 * The merchant's webhook receiver, listening from the start on a port the OS picks (a port
 * found free and bound later could be taken meanwhile by any other process). While "down" it
 * drops every connection unanswered; once up it acknowledges with "OK" as MultiSafepay expects.
 */
async function receiver(): Promise<{ server: Server; url: string; got: Received[]; up: () => void }> {
  const got: Received[] = [];
  let up = false;
  const server = createServer((req: IncomingMessage, res) => {
    if (!up) {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.end('OK');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/webhook`, got, up: () => void (up = true) };
}

t.test('kill -9 loses nothing acknowledged; pending notifications go out after the restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const hook = await receiver();
  t.teardown(() => new Promise<void>((r) => hook.server.close(() => r())));
  const notificationUrl = hook.url;

  const first = await startCli(dir);
  t.teardown(() => kill9(first));

  const order = (id: string, extra: Record<string, unknown> = {}) => ({
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: id,
    currency: 'EUR',
    amount: 2500,
    description: `Crash test ${id}`,
    payment_options: { notification_url: notificationUrl, redirect_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cancel' },
    customer: { locale: 'de_DE', country: 'DE', email: 'crash@example.com' },
    ...extra,
  });

  // One order in each state the sandbox can acknowledge.
  await ok200(first, 'POST', '/v1/json/orders', order('open'));
  await ok200(first, 'POST', '/v1/json/orders', order('cancelled'));
  await ok200(first, 'PATCH', '/v1/json/orders/cancelled', { status: 'cancelled' });
  for (const [id, scenario] of [
    ['paid', 'completed'],
    ['uncleared', 'uncleared'],
    ['declined', 'declined'],
    ['refunded', 'completed'],
  ] as const) {
    await ok200(first, 'POST', '/v1/json/orders', order(id));
    await ok200(first, 'POST', `/_sandbox/orders/${id}/scenario`, { scenario, delay: 0 });
  }
  const refund = await ok200(first, 'POST', '/v1/json/orders/refunded/refunds', { amount: 1000, currency: 'EUR', description: 'partial refund' });
  t.ok(refund.data.refund_id, 'refund acknowledged');
  await ok200(first, 'PATCH', '/v1/json/orders/paid', { status: 'shipped', tracktrace_code: 'TT-1' });

  // The notifications leave a few seconds after each change and find the receiver down: retries are queued.
  const advanced = await ok200(first, 'POST', '/_sandbox/clock/advance', { by: '10s' });
  t.ok((advanced.fired ?? 0) > 0, 'the first attempts ran (and failed: the receiver is down)');

  const ids = ['open', 'cancelled', 'paid', 'uncleared', 'declined', 'refunded'];
  const acknowledged = new Map<string, unknown>();
  for (const id of ids) acknowledged.set(id, (await ok200(first, 'GET', `/v1/json/orders/${id}`)).data);
  const clockBefore = await ok200(first, 'GET', '/_sandbox/clock');
  const deliveriesBefore = await ok200(first, 'GET', '/_sandbox/webhooks/deliveries');
  t.ok(JSON.stringify(deliveriesBefore).includes('paid'), 'the delivery log holds the failed notifications');

  await kill9(first);

  const second = await startCli(dir);
  t.teardown(() => kill9(second));
  for (const id of ids) {
    const r = await call(second, 'GET', `/v1/json/orders/${id}`);
    t.equal(r.status, 200, `order ${id} is there after kill -9`);
    t.same(r.json.data, acknowledged.get(id), `order ${id} is exactly as acknowledged`);
  }
  const clockAfter = await ok200(second, 'GET', '/_sandbox/clock');
  t.equal(clockAfter.now, clockBefore.now, 'the manual clock stands where it stood');
  const deliveriesAfter = await ok200(second, 'GET', '/_sandbox/webhooks/deliveries');
  t.same(deliveriesAfter, deliveriesBefore, 'the delivery log is as it was');

  // The receiver comes up; the queued retries (15 minutes apart) then reach it.
  hook.up();
  await ok200(second, 'POST', '/_sandbox/clock/advance', { by: '1h' });
  const notified = new Set(hook.got.map((g) => new URL(g.url, 'http://x').searchParams.get('transactionid')));
  for (const id of ['paid', 'uncleared', 'declined', 'refunded', 'cancelled']) {
    t.ok(notified.has(id), `the pending notification for ${id} went out after the restart`);
  }
  t.notOk(notified.has('open'), 'no notification for an order that never changed');

  // And the restarted sandbox keeps working: the uncleared payment completes on time.
  await ok200(second, 'POST', '/_sandbox/clock/advance', { by: '7d' });
  t.equal((await ok200(second, 'GET', '/v1/json/orders/uncleared')).data.status, 'completed');
});
