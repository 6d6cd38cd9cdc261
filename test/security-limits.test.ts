/**
 * Safe to share, bounded under abuse: notifications carry no authority over the sandbox that
 * sends them; one API key cannot fill the memory (orders per site); the dashboard's live
 * streams are capped; /health shows memory pressure.
 */
import http from 'node:http';
import net from 'node:net';
import type { RealTime } from '../src/engine/clock.js';
import t from 'tap';
import type { Test } from 'tap';
import { startSandbox } from '../src/index.js';
import type { SandboxOptions } from '../src/index.js';
import { API_KEY, api, build, createOrder, orderBody } from './helpers/build.js';

async function started(t: Test, options: SandboxOptions = {}) {
  const s = await startSandbox({ seed: 'test', ...options });
  t.teardown(() => s.close());
  return s;
}

t.test('a notification_url aimed at the sandbox itself is refused at create time', async (t) => {
  const s = await started(t, { webhooks: { delayMs: 0 } });
  const port = new URL(s.url).port;
  const targets = [
    `http://127.0.0.1:${port}/_sandbox/clock/freeze`,
    `http://localhost:${port}/_sandbox/reset`,
    `http://127.0.0.1:${port}//_sandbox/reset`,
    `http://127.0.0.1:${port}/%5Fsandbox/reset`,
    `http://2130706433:${port}/_sandbox/reset`,
    `http://[::1]:${port}/dashboard/clock/advance`,
    `http://localhost.:${port}/_sandbox/reset`,
  ];
  for (const url of targets) {
    const res = await fetch(`${s.apiUrl}orders`, {
      method: 'POST',
      headers: { api_key: API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(orderBody({ payment_options: { notification_url: url } })),
    });
    t.equal(res.status, 400, url);
    t.match(await res.json(), { success: false, error_code: 1016, error_info: "Missing data", sandbox_hint: /payment_options\.notification_url must not point at this sandbox's own control plane/ }, url);
  }
  const shop = await fetch(`${s.apiUrl}orders`, {
    method: 'POST',
    headers: { api_key: API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(orderBody({ payment_options: { notification_url: `http://127.0.0.1:${port}/shop/notify` } })),
  });
  t.equal(shop.status, 200, 'a shop on loopback is fine');
});

t.test('a notification that reaches the sandbox anyway (another address form) is refused at the door', async (t) => {
  const s = await started(t, { webhooks: { delayMs: 0, retries: 0 }, apiKeys: [API_KEY] });
  const port = new URL(s.url).port;
  // IPv4-mapped IPv6 reaches the 127.0.0.1 listener where the host has IPv6 (as a DNS name pointing at 127.0.0.1 would).
  const mapped = `http://[::ffff:7f00:1]:${port}`;
  const reachable = await fetch(`${mapped}/health`).then((r) => r.ok, () => false);
  if (!reachable) {
    t.pass('skipped: this host cannot reach 127.0.0.1 through an IPv4-mapped IPv6 address');
    return;
  }
  const res = await fetch(`${s.apiUrl}orders`, {
    method: 'POST',
    headers: { api_key: API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(orderBody({ order_id: 'freeze-attempt', payment_options: { notification_url: `${mapped}/_sandbox/clock/freeze` } })),
  });
  t.equal(res.status, 200, 'the name check cannot know every address of this machine');
  const delivered = new Promise<{ response: { status: number } | null }>((resolve) => s.app.sandbox.webhooks.onDelivery((_rec, attempt) => attempt && resolve(attempt)));
  t.equal((await api(s.app, 'PATCH', '/orders/freeze-attempt', { status: 'cancelled' })).statusCode, 200);
  const attempt = await delivered;
  t.equal(attempt.response?.status, 403, 'the control plane refused the sandbox’s own notification');
  t.match(await s.control.clock(), { frozen: false }, 'the clock was not frozen');
});

t.test('orders per site are limited, with a clear answer; other sites and resets go on', async (t) => {
  const app = await build(t, { maxOrdersPerSite: 3 });
  for (let i = 0; i < 3; i++) await createOrder(app);
  const full = await api(app, 'POST', '/orders', orderBody());
  t.equal(full.statusCode, 429);
  t.match(full.json(), { success: false, error_code: 1021, error_info: "Cannot create transaction", sandbox_hint: /already holds 3 orders.*--max-orders-per-site.*POST \/_sandbox\/reset.*--retention-days/ });
  await createOrder(app, {}, 'another-site-key-2');
  t.equal((await app.inject({ method: 'POST', url: '/_sandbox/reset', headers: { api_key: API_KEY } })).statusCode, 200);
  await createOrder(app);
  t.pass('after a reset the site creates orders again');
  const health = (await app.inject({ url: '/health' })).json();
  t.match(health, { status: 'ok', orders: 2, memory: { pressure: false, max_orders_per_site: 3 } });
  t.ok(health.memory.rss_mb > 0 && health.memory.heap_limit_mb > health.memory.heap_used_mb, 'memory figures on /health');
});

t.test('the dashboard caps its live streams', async (t) => {
  const s = await started(t);
  const open: http.ClientRequest[] = [];
  t.teardown(() => {
    for (const r of open) r.destroy();
  });
  const connect = () =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(`${s.url}/dashboard/events`, resolve);
      req.on('error', reject);
      open.push(req);
    });
  for (let i = 0; i < 64; i++) t.equal((await connect()).statusCode, 200, `stream ${i + 1}`);
  const refused = await connect();
  t.equal(refused.statusCode, 503, 'the 65th is refused');
  t.equal(refused.headers['retry-after'], '10', 'and told when to retry (EventSource does)');
});

t.test('a live stream whose client stops reading is dropped, not buffered without end', async (t) => {
  // Heartbeats fired by hand: the only writes to an idle stream, so the test controls them all.
  let beat: (() => void) | null = null;
  const realTime: RealTime = {
    now: () => Date.parse('2026-03-02T10:00:00Z'),
    setTimeout: (fn) => {
      beat = fn;
      return 1;
    },
    clearTimeout: () => {},
  };
  const s = await started(t, { manualClock: true, realTime });
  const { port } = new URL(s.url);
  const stalled = net.connect(Number(port), '127.0.0.1');
  t.teardown(() => stalled.destroy());
  await new Promise((resolve) => stalled.once('connect', resolve));
  stalled.write('GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await new Promise((resolve) => stalled.once('data', resolve));
  stalled.pause(); // From now on it reads nothing: the kernel's buffers fill, then the sandbox's.
  const reading = await new Promise<http.IncomingMessage>((resolve) => http.get(`${s.url}/dashboard/events`, resolve));
  t.teardown(() => reading.destroy());
  let got = 0;
  let waiter: { bytes: number; resolve: () => void } | null = null;
  reading.on('data', (chunk: Buffer) => {
    got += chunk.length;
    if (waiter && got >= waiter.bytes) waiter.resolve();
  });
  const readingHas = (bytes: number) => (got >= bytes ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { bytes, resolve })));
  const start = got;
  const live = async (): Promise<string> => /<dt>Live dashboard connections<\/dt><dd>(\d+)<\/dd>/.exec(await (await fetch(`${s.url}/dashboard/settings`)).text())?.[1] ?? '?';
  t.equal(await live(), '2');
  const BEAT = ': heartbeat\n\n'.length;
  let sent = 0;
  // Bounded by bytes, not time: far beyond what loopback buffers hold (a few MB). Each round
  // writes less than the limit and waits until the reading client has it all.
  for (let round = 0; round < 2000; round++) {
    for (let i = 0; i < 1000; i++) beat!();
    sent += 1000;
    await readingHas(start + sent * BEAT);
    if (round % 20 === 19 && (await live()) !== '2') break;
  }
  t.equal(await live(), '1', `the stalled stream was dropped (after ${sent} heartbeats, ${Math.round((sent * BEAT) / 1e6)} MB)`);
  t.equal(reading.destroyed, false, 'the one that reads stays');
});
