// The terminal client against a real running sandbox (port 0): listen forwards notifications
// to a local receiver, trigger plays each outcome, logs follows a payment, and the small
// commands answer for people and with --json, with their exit codes. Commands run in-process
// through runClient (the binary's own entry point); one run goes through the binary itself.
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { verifyAuth } from '../src/index.js';
import type { RunningSandbox } from '../src/index.js';
import { runClient } from '../src/cli/commands.js';
import { start } from './helpers/build.js';
import { childEnv } from './helpers/child-env.js';

const KEY = 'cli-client-key-0001';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  out: string[];
  err: string[];
  /** Resolves with the first output line matching `re` (now or later). */
  line(re: RegExp): Promise<string>;
  /** Ctrl-C, then the exit code. */
  stop(): Promise<number>;
  done: Promise<number>;
}

function launch(s: RunningSandbox, argv: string[], opts: { key?: string | null } = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const watchers: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const abort = new AbortController();
  const key = opts.key === undefined ? KEY : opts.key;
  let n = 0;
  const done = runClient([...argv, '--url', s.url, ...(key ? ['--api-key', key] : [])], {
    out: (l) => {
      out.push(l);
      for (const w of [...watchers]) {
        if (!w.re.test(l)) continue;
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(l);
      }
    },
    err: (l) => err.push(l),
    env: {},
    signal: abort.signal,
    now: () => 1_800_000_000_000 + n++,
    random: () => 0.5,
  });
  return {
    out,
    err,
    done,
    line: (re) => {
      const seen = out.find((l) => re.test(l));
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => watchers.push({ re, resolve }));
    },
    stop: () => (abort.abort(), done),
  };
}

async function cmd(s: RunningSandbox, argv: string[], opts: { key?: string | null } = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const r = launch(s, argv, opts);
  return { code: await r.done, out: r.out, err: r.err };
}

async function createOrder(s: RunningSandbox, orderId: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${s.apiUrl}orders`, {
    method: 'POST',
    headers: { api_key: KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'redirect', gateway: 'DIRECTBANK', order_id: orderId, currency: 'EUR', amount: 1000, description: 'CLI test', customer: { country: 'DE', locale: 'de_DE' }, ...extra }),
  });
  const body = (await res.json()) as { success: boolean };
  if (!body.success) throw new Error(`create order: ${JSON.stringify(body)}`);
}

async function apiStatus(s: RunningSandbox, orderId: string): Promise<[string, string]> {
  const res = await fetch(`${s.apiUrl}orders/${orderId}`, { headers: { api_key: KEY } });
  const { data } = (await res.json()) as { data: { status: string; financial_status: string } };
  return [data.status, data.financial_status];
}

interface Received {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A port nothing listens on (taken from the OS, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A shop's webhook endpoint on 127.0.0.1:0: answers 200 "OK" and hands over each request. */
async function receiver(t: Test): Promise<{ url: string; next(): Promise<Received>; all: Received[] }> {
  const all: Received[] = [];
  const waiting: Array<(r: Received) => void> = [];
  const queue: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://receiver'), headers: req.headers, body };
      all.push(r);
      const w = waiting.shift();
      if (w) w(r);
      else queue.push(r);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    all,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

t.test('listen --forward-to forwards every notification of the site, signed, whatever its notification_url', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  const shop = await receiver(t);
  const listener = launch(s, ['listen', '--forward-to', `${shop.url}/webhooks/msp?shop=1`]);
  await listener.line(/^Ready: forwarding notifications of site cli-… at http:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+\/webhooks\/msp\?shop=1/);

  await createOrder(s, 'listen-1');
  t.equal((await cmd(s, ['pay', 'listen-1', 'completed'])).code, 0);
  const got = await shop.next();
  t.equal(got.method, 'POST');
  t.equal(got.url.pathname, '/webhooks/msp');
  t.equal(got.url.searchParams.get('shop'), '1', "the forward URL's own query is kept");
  t.equal(got.url.searchParams.get('transactionid'), 'listen-1');
  t.match(got.url.searchParams.get('timestamp'), /^\d+$/);
  t.equal(got.headers['content-type'], 'application/json');
  t.ok(verifyAuth(KEY, String(got.headers.auth), got.body).valid, 'signed with the site key, as the sandbox signs');
  t.match(JSON.parse(got.body), { order_id: 'listen-1', status: 'completed', financial_status: 'completed' }, 'the body MultiSafepay sends: the order');
  t.match(await listener.line(/listen-1 completed/), /--> notification listen-1 completed {2}POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/msp\?shop=1&transactionid=listen-1&timestamp=\d+ {2}<-- \[200\] OK \(\d+ ms\)/, 'prints the delivery and the answer');

  // An order that names another notification_url (nobody listens there) is forwarded too.
  await createOrder(s, 'listen-2', { payment_options: { notification_url: 'http://127.0.0.1:9/elsewhere', notification_method: 'POST' } });
  await cmd(s, ['pay', 'listen-2', 'declined']);
  const second = await shop.next();
  t.equal(second.url.searchParams.get('transactionid'), 'listen-2');
  t.match(JSON.parse(second.body), { status: 'declined' });

  t.equal(await listener.stop(), 0, 'Ctrl-C ends it with exit code 0');
  t.same(listener.err, []);

  const noKey = await cmd(s, ['listen', '--forward-to', shop.url], { key: null });
  t.equal(noKey.code, 2, 'without a site key: usage error');
  t.match(noKey.err.join('\n'), /signs them with its key: give the site's API key with --api-key or SOFORT_SANDBOX_API_KEY/);
  const noTarget = await cmd(s, ['listen']);
  t.equal(noTarget.code, 2);
  t.match(noTarget.err.join('\n'), /listen needs --forward-to <url>/);
});

t.test('listen --json: one JSON line per forwarded notification, and a receiver that is down', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  const down = `http://127.0.0.1:${await closedPort()}/down`;
  const listener = launch(s, ['listen', '--json', '--forward-to', down]);
  t.same(JSON.parse(await listener.line(/"ready"/)), { type: 'ready', forward_to: down, sandbox: s.url });
  await createOrder(s, 'listen-json-1');
  await cmd(s, ['pay', 'listen-json-1', 'completed']);
  const line = JSON.parse(await listener.line(/"forwarded"/)) as Record<string, unknown>;
  t.match(line, { type: 'forwarded', order_id: 'listen-json-1', status: 'completed', http_status: null, error: /ECONNREFUSED/ });
  t.equal(await listener.stop(), 0);
});

t.test('trigger plays a new order to each outcome and prints it with its notifications', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  const expected: Record<string, [string, string]> = {
    completed: ['completed', 'completed'],
    uncleared: ['uncleared', 'uncleared'],
    declined: ['declined', 'declined'],
    cancelled: ['void', 'cancelled'],
    expired: ['expired', 'expired'],
  };
  for (const [scenario, status] of Object.entries(expected)) {
    const r = await cmd(s, ['trigger', scenario, '--json', '--order-id', `trigger-${scenario}`]);
    t.equal(r.code, 0, `${scenario}: exit 0`);
    const out = JSON.parse(r.out.join('\n')) as { scenario: string; played: boolean; order: { order_id: string; status: string; financial_status: string; timeline: unknown[] } };
    t.same([out.order.status, out.order.financial_status], status, `${scenario}: the printed order`);
    t.same(await apiStatus(s, `trigger-${scenario}`), status, `${scenario}: what the API answers`);
  }

  const shop = await receiver(t);
  const human = await cmd(s, ['trigger', 'completed', '--notification-url', `${shop.url}/hook`, '--amount', '2500']);
  t.equal(human.code, 0);
  const text = human.out.join('\n');
  t.match(text, /^Triggered completed: order trigger-[0-9a-z]+-i is completed\/completed/);
  t.match(text, /amount {5}25\.00 EUR/);
  t.match(text, /timeline\n[\s\S]*authorise {2}initialized -> completed {2}\(control\)/);
  t.match(text, /notifications\n {2}whk_\d+ {2}completed {2}pending {2}http:\/\/127\.0\.0\.1:\d+\/hook {2}-> not sent yet/, 'the notification waits for the (manual) clock');

  // advance: the sandbox's own delivery goes out once the clock moves.
  const adv = await cmd(s, ['advance', '1m']);
  t.equal(adv.code, 0);
  t.match(adv.out[0], /^clock .* -> .*; \d+ due jobs? ran; \d+ pending$/);
  const delivered = await shop.next();
  t.equal(delivered.url.pathname, '/hook');

  const bad = await cmd(s, ['trigger', 'paid']);
  t.equal(bad.code, 2);
  t.match(bad.err.join('\n'), /trigger needs a scenario: one of completed, uncleared, declined, cancelled, expired, abandoned; got "paid"/);
  const badAmount = await cmd(s, ['trigger', 'completed', '--amount', '1.5']);
  t.equal(badAmount.code, 2);
  t.match(badAmount.err.join('\n'), /--amount: the amount in cents/);
  const refused = await cmd(s, ['trigger', 'completed', '--order-id', 'trigger-completed']);
  t.equal(refused.code, 1, 'an order id already used: the API refuses, exit 1');
  t.match(refused.err.join('\n'), /the sandbox refused the order/);
});

t.test('logs --follow shows API calls, status changes and notifications as they happen', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  const logs = launch(s, ['logs', '--follow']);
  await logs.line(/^Following site cli-… at http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C to stop\)$/);
  await createOrder(s, 'logs-1');
  t.match(await logs.line(/ api /), /api {11}POST \/v1\/json\/orders -> 200/);
  await cmd(s, ['pay', 'logs-1', 'completed']);
  t.match(await logs.line(/ status /), /status {8}logs-1 {2}initialized -> completed {2}\(authorise, control\)/);
  t.match(await logs.line(/ notification /), /notification {2}logs-1 {2}completed {2}-> no notification_url/);
  t.equal(await logs.stop(), 0);

  const json = launch(s, ['logs', '-f', '--json']);
  await json.line(/"ready"/);
  await createOrder(s, 'logs-2');
  t.match(JSON.parse(await json.line(/"type":"api"/)), { type: 'api', method: 'POST', url: '/v1/json/orders', http_status: 200 });
  t.equal(await json.stop(), 0);

  const past = await cmd(s, ['logs']);
  t.equal(past.code, 0);
  t.match(past.out.join('\n'), /POST \/v1\/json\/orders -> 200[\s\S]*POST \/v1\/json\/orders -> 200/, 'without --follow: the journal, oldest first');
});

t.test('orders, order, pay, wait, rules, reset', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  t.same((await cmd(s, ['orders'])).out, ['no orders']);
  await createOrder(s, 'small-1');
  await createOrder(s, 'small-2');

  const list = await cmd(s, ['orders']);
  t.match(list.out[0], /^ORDER +STATUS +AMOUNT +CREATED +DESCRIPTION$/);
  t.match(list.out.join('\n'), /small-1 +initialized +10\.00 EUR/);
  const listJson = JSON.parse((await cmd(s, ['orders', '--json', '--limit', '1'])).out[0]!) as { orders: Array<{ order_id: string }> };
  t.equal(listJson.orders.length, 1);

  const paid = await cmd(s, ['pay', 'small-1', 'completed']);
  t.same(paid.out, ['order small-1 is completed/completed']);
  t.equal((await cmd(s, ['orders', '--status', 'completed', '--json'])).out.length, 1);

  const one = await cmd(s, ['order', 'small-1']);
  t.equal(one.code, 0);
  t.match(one.out.join('\n'), /^order small-1 \(transaction \d+\) on site cli-…\n {2}status {5}completed[\s\S]*timeline\n[\s\S]*authorise {2}initialized -> completed/);
  const oneJson = JSON.parse((await cmd(s, ['order', 'small-1', '--json'], { key: null })).out[0]!) as { order_id: string; notifications: unknown[] };
  t.equal(oneJson.order_id, 'small-1', 'found without --api-key too');
  t.same(oneJson.notifications, []);

  const waited = await cmd(s, ['wait', 'small-1', 'completed']);
  t.equal(waited.code, 0);
  t.match(waited.out[0], /^order small-1 is completed\/completed \(waited \d+ ms\)$/);
  const timedOut = await cmd(s, ['wait', 'small-2', 'completed', '--timeout', '1s']);
  t.equal(timedOut.code, 4, 'wait that runs out of time: exit 4');

  const missing = await cmd(s, ['order', 'no-such-order']);
  t.equal(missing.code, 1, 'the sandbox refuses: exit 1');
  t.match(missing.err.join('\n'), /sofort-sandbox order: GET \/_sandbox\/orders\/no-such-order: 404/);

  await s.control.forSite(KEY).scenario('declined', { match: { order_id: 'decline-*' }, once: true });
  const rules = await cmd(s, ['rules']);
  t.match(rules.out.join('\n'), /scenario rules\n {2}\S+ {2}declined {2}match \{"order_id":"decline-\*"\} {2}1 left, applied 0 {2}\(control\)\nAPI failure rules: none\nnotification rules: none/);
  await s.control.forSite(KEY).notificationFault('delay', { delay: '90s', statuses: ['completed'], times: 2 });
  const withFault = await cmd(s, ['rules']);
  t.match(withFault.out.join('\n'), /notification rules\n {2}\S+ {2}delay 1m30s on completed {2}match \{\} {2}2 left, applied 0 {2}\(control\)/, 'one language: a notification rule lists like any rule');

  const reset = await cmd(s, ['reset']);
  t.equal(reset.code, 0);
  t.match(reset.out[0], /^reset site cli-…: /);
  t.same((await cmd(s, ['orders'])).out, ['no orders']);

  const usage = await cmd(s, ['pay', 'small-1', 'paid']);
  t.equal(usage.code, 2);
  t.match(usage.err.join('\n'), /pay: the outcome is one of completed, uncleared/);
  t.equal((await cmd(s, ['advance'])).code, 2, 'a missing argument: exit 2');
  const flag = await cmd(s, ['orders', '--colour']);
  t.equal(flag.code, 2, 'an unknown flag: exit 2');
  t.match(flag.err.join('\n'), /Unknown option '--colour'[\s\S]*Terminal client/);
  t.match((await cmd(s, ['orders', '--help'])).out.join('\n'), /sofort-sandbox listen --forward-to <url>/);
});

t.test('no sandbox at --url: exit 3 with what to do; a bad --url: exit 2', async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const url = `http://127.0.0.1:${await closedPort()}`;
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: { SOFORT_SANDBOX_URL: url }, signal: new AbortController().signal, now: () => 0, random: () => 0 };
  t.equal(await runClient(['orders'], io), 3);
  t.match(err.join('\n'), /no sandbox answers at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); start one with `sofort-sandbox` or pass --url/);
  t.equal(await runClient(['orders', '--url', 'ftp://x'], io), 2);
  t.match(err.join('\n'), /--url: "ftp:\/\/x" is not an http\(s\) URL/);
});

t.test('a sandbox with a control token: --token is sent; a wrong one is refused, streams included', async (t) => {
  const s = await start(t, { apiKeys: [KEY], controlToken: 'cli-token-0001' });
  await createOrder(s, 'token-1');
  const ok = await cmd(s, ['orders', '--json', '--token', 'cli-token-0001']);
  t.equal(ok.code, 0);
  t.match(ok.out[0], /"order_id":"token-1"/);
  const wrong = await cmd(s, ['orders', '--token', 'nope']);
  t.equal(wrong.code, 1);
  t.match(wrong.err.join('\n'), /sofort-sandbox orders: GET \/_sandbox\/orders: 401/);
  const stream = await cmd(s, ['logs', '--follow', '--token', 'nope']);
  t.equal(stream.code, 1, 'the event stream refuses too, and the command ends');
  t.match(stream.err.join('\n'), /sofort-sandbox logs: GET \/_sandbox\/events: 401 /);
  const badTypes = await fetch(`${s.url}/_sandbox/events?types=api,bogus`, { headers: { 'x-sandbox-token': 'cli-token-0001' } });
  t.equal(badTypes.status, 400);
  t.match(await badTypes.json(), { error: { code: 'bad_request', message: /types: "bogus" is not an event type; use api, status, notification, delivery/ } });
  const badForward = await cmd(s, ['listen', '--forward-to', 'localhost:3000']);
  t.equal(badForward.code, 2);
  t.match(badForward.err.join('\n'), /--forward-to: "localhost:3000" is not an http\(s\) URL/);
});

t.test('the binary runs client commands (sofort-sandbox orders --json)', async (t) => {
  const s = await start(t, { apiKeys: [KEY], manualClock: true });
  await createOrder(s, 'bin-1');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'orders', '--json'], {
    cwd: ROOT,
    env: childEnv({ SOFORT_SANDBOX_URL: s.url, SOFORT_SANDBOX_API_KEY: KEY }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0);
  t.same((JSON.parse(out) as { orders: Array<{ order_id: string }> }).orders.map((o) => o.order_id), ['bin-1'], 'environment variables name the sandbox and the site');
});
