// Live updates: the dashboard's server-sent-events stream over a real socket. Which
// changes reach which page (site and order filters), a burst as one message, clock and
// webhook news, heartbeats, and no leaks: streams leave on disconnect and end on app close.
import http from 'node:http';
import t from 'tap';
import type { RealTime } from '../src/engine/clock.js';
import { API_KEY, orderBody, start } from './helpers/build.js';
import { receiver } from './helpers/webhooks.js';

const START = '2026-05-04T08:00:00Z';
const OTHER = 'other-site-key';

interface SseEvent {
  event: string;
  data: Record<string, unknown> | null;
  comment: boolean;
}

interface Stream {
  status: number;
  events: SseEvent[];
  /** The next event (after those already taken) that passes `pred`. */
  next(pred?: (e: SseEvent) => boolean): Promise<SseEvent>;
  ended: Promise<void>;
  close(): void;
}

function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let taken = 0;
      let waiters: Array<() => void> = [];
      let buffer = '';
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (frame.startsWith(':')) {
            events.push({ event: 'comment', data: null, comment: true });
          } else {
            const ev = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            events.push({ event: ev, data: data ? (JSON.parse(data) as Record<string, unknown>) : null, comment: false });
          }
          const w = waiters;
          waiters = [];
          for (const fn of w) fn();
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      const next = async (pred: (e: SseEvent) => boolean = () => true): Promise<SseEvent> => {
        for (;;) {
          while (taken < events.length) {
            const e = events[taken++]!;
            if (pred(e)) return e;
          }
          await new Promise<void>((r) => waiters.push(r));
        }
      };
      resolve({ status: res.statusCode ?? 0, events, next, ended, close: () => req.destroy() });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

/** A direct order without a notification_url unless given: no webhook traffic unless a test wants it. */
async function createOrder(url: string, overrides: Record<string, unknown> = {}, key = API_KEY): Promise<{ order_id: string; transaction_id: number }> {
  const res = await fetch(`${url}/v1/json/orders`, { method: 'POST', headers: { api_key: key, 'content-type': 'application/json' }, body: JSON.stringify(orderBody({ type: 'direct', payment_options: { redirect_url: 'https://shop.example/ok' }, ...overrides })) });
  const data = ((await res.json()) as { data: { order_id: string; transaction_id: number } }).data;
  return data;
}

async function control(url: string, path: string, body: unknown, key: string | null = API_KEY): Promise<void> {
  const res = await fetch(`${url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { api_key: key } : {}) }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

const change = (e: SseEvent): boolean => e.event === 'change';
const txs = (e: SseEvent): number[] => ((e.data?.orders as Array<{ transaction_id: number }> | null) ?? []).map((o) => o.transaction_id).sort();

/** Until the settings page reports `n` live connections (the server notices a closed socket on its own schedule). */
async function connections(url: string, n: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const html = await (await fetch(`${url}/dashboard/settings`)).text();
    if (html.includes(`<dt>Live dashboard connections</dt><dd>${n}</dd>`)) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

t.test('each page hears of its own site or order only; a burst is one message', async (t) => {
  const s = await start(t, { manualClock: true, startTime: START });
  const all = await openStream(`${s.url}/dashboard/events`);
  const site = await openStream(`${s.url}/dashboard/events?site=${API_KEY}`);
  t.equal(all.status, 200);
  t.same((await all.next()).event, 'ready');
  t.same((await site.next()).data, { site: API_KEY, transaction_id: null });

  const other = await createOrder(s.url, {}, OTHER);
  const mine = await createOrder(s.url);
  const first = await site.next(change);
  t.same(txs(first), [mine.transaction_id], "another site's order is not sent to this site's page");
  const seen = new Set<number>();
  while (seen.size < 2) for (const tx of txs(await all.next(change))) seen.add(tx);
  t.same([...seen].sort(), [other.transaction_id, mine.transaction_id].sort(), 'the all-sites page hears of both');

  const one = await openStream(`${s.url}/dashboard/events?site=${API_KEY}&tx=${mine.transaction_id}`);
  await one.next();
  const unrelated = await createOrder(s.url);
  await control(s.url, `/orders/${mine.order_id}/scenario`, { scenario: 'completed', delay: 0 });
  const paid = await one.next(change);
  t.same(txs(paid), [mine.transaction_id], 'the order page hears of its order only');
  t.notOk(txs(paid).includes(unrelated.transaction_id));

  // Thirty orders expire in one advance: one message lists them all, with the clock's move.
  const burst: number[] = [];
  for (let i = 0; i < 29; i++) burst.push((await createOrder(s.url)).transaction_id);
  burst.push(unrelated.transaction_id);
  await site.next((e) => change(e) && txs(e).includes(burst[28]!));
  await control(s.url, '/clock/advance', { by: '1d' });
  const expired = await site.next(change);
  t.same(txs(expired), burst.sort(), 'every expired order in one message');
  t.equal(expired.data?.clock, true, 'and the clock moved');
  const clockOnly = await one.next(change);
  t.same(clockOnly.data, { orders: [], many: false, clock: true, webhooks: false }, 'the order page hears the clock, not the other orders');

  const bad = await fetch(`${s.url}/dashboard/events?tx=12`);
  t.equal(bad.status, 400, 'tx needs its site');
  for (const x of [all, site, one]) x.close();
});

t.test('webhook attempts reach the order page', async (t) => {
  const hook = await receiver(t);
  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 1000 } });
  const o = await createOrder(s.url, { payment_options: { notification_url: hook.url } });
  const stream = await openStream(`${s.url}/dashboard/events?site=${API_KEY}&tx=${o.transaction_id}`);
  await stream.next();
  await control(s.url, `/orders/${o.order_id}/scenario`, { scenario: 'completed', delay: 0 });
  await stream.next(change);
  await control(s.url, '/clock/advance', { by: '1s' });
  t.equal(hook.requests.length, 2, 'initialized (a direct order starts its Sofort transaction at creation), then completed');
  const sent = await stream.next((e) => change(e) && e.data?.webhooks === true);
  t.same(txs(sent), [o.transaction_id]);
  stream.close();
});

t.test('open streams are counted, leave on disconnect, and end when the app closes', async (t) => {
  const s = await start(t, { manualClock: true, startTime: START });
  const a = await openStream(`${s.url}/dashboard/events`);
  const b = await openStream(`${s.url}/dashboard/events?site=${API_KEY}`);
  await a.next();
  await b.next();
  t.ok(await connections(s.url, 2), 'the settings page counts two');
  a.close();
  await a.ended;
  t.ok(await connections(s.url, 1), 'a closed page leaves the hub');
  let closed = false;
  const closing = s.close().then(() => (closed = true));
  await b.ended;
  await closing;
  t.ok(closed, 'the app closes with a stream open, and ends it');
  t.equal(b.events.filter(change).length, 0);
});

t.test('heartbeats keep an idle stream alive, only while one is open', async (t) => {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let id = 0;
  const realTime: RealTime = {
    now: () => Date.parse(START),
    setTimeout: (fn, ms) => {
      timers.set(++id, { fn, ms });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const s = await start(t, { manualClock: true, startTime: START, realTime });
  t.equal(timers.size, 0, 'no timer without a stream');
  const stream = await openStream(`${s.url}/dashboard/events`);
  await stream.next();
  t.same([...timers.values()].map((x) => x.ms), [15_000], 'one heartbeat timer, 15 s');
  for (let i = 0; i < 2; i++) {
    const [key, timer] = [...timers.entries()][0]!;
    timers.delete(key);
    timer.fn();
    t.equal((await stream.next()).comment, true, `heartbeat ${i + 1} is a comment line`);
  }
  t.equal(timers.size, 1, 'and the next one is armed');
  stream.close();
  await stream.ended;
  t.ok(await connections(s.url, 0));
  t.equal(timers.size, 0, 'the heartbeat timer stops with the last stream');
});
