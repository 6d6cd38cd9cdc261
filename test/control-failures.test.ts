/**
 * API failure rules: 1024 (or any catalogue error) for a chosen order, HTTP 5xx, latency,
 * a dropped connection, a timeout; once / times / seeded probability; bad input.
 */
import t from 'tap';
import { API_KEY, OTHER_KEY, orderBody, refusal, sandbox } from './helpers/control.js';
import { api, build } from './helpers/build.js';

t.test('1024 for the order a test chooses, once', async (t) => {
  const { control, api } = await sandbox(t);
  const rule = await control.failure('error', { match: { order_id: 'fail-1024-*' }, once: true });
  t.match(rule, { kind: 'error', code: 1024, remaining: 1, on: 'create_order' });

  const failed = await api('POST', '/orders', orderBody({ order_id: 'fail-1024-a' }));
  t.equal(failed.status, 422);
  t.match(failed.json, { success: false, data: {}, error_code: 1024, error_info: 'Transaction declined', sandbox_hint: /^Transaction declined: simulated by sandbox failure rule / });
  t.equal((await api('GET', '/orders/fail-1024-a')).json.error_code, 1006, 'the refused order was not created');
  t.equal((await api('POST', '/orders', orderBody({ order_id: 'other-1' }))).status, 200, 'other orders go through');
  t.equal((await api('POST', '/orders', orderBody({ order_id: 'fail-1024-b' }))).status, 200, 'a once rule is spent');
  t.same(await control.failures(), []);
  const journal = await control.journal({ order_id: 'fail-1024-a' });
  t.match(journal, [{ method: 'GET', status: 404, error_code: 1006 }, { method: 'POST', status: 422, error_code: 1024, failure: rule.id, outcome: 'answered' }]);
});

t.test('any catalogue error, n times, matched on amount; on another route', async (t) => {
  const { control, api, createOrder } = await sandbox(t);
  await control.failure('error', { code: 1001, times: 2, match: { amount: { min: 1234, max: 1234 } } });
  const codes = [];
  for (let i = 0; i < 3; i++) codes.push((await api('POST', '/orders', orderBody({ amount: 1234 }))).json.error_code ?? 'ok');
  t.same(codes, [1001, 1001, 'ok']);
  t.equal((await api('POST', '/orders', orderBody({ amount: 1235 }))).status, 200);

  const id = await createOrder({ order_id: 'read-me' });
  await control.failure('http', { on: 'GET /orders/*', status: 500, match: { order_id: 'read-*' }, once: true });
  const r = await api('GET', `/orders/${id}`);
  t.equal(r.status, 500);
  t.match(r.json, { success: false, error_code: 9999, error_info: 'Unknown error', sandbox_hint: /HTTP 500 simulated/ });
  t.equal((await api('GET', `/orders/${id}`)).status, 200);
});

t.test('HTTP 503 with a JSON, HTML or empty body', async (t) => {
  const { control, api } = await sandbox(t);
  await control.failure('http', { status: 503, once: true });
  await control.failure('http', { status: 503, body: 'html', once: true, match: { order_id: 'html-*' } });
  await control.failure('http', { status: 502, body: 'empty', once: true, match: { order_id: 'empty-*' } });
  const html = await api('POST', '/orders', orderBody({ order_id: 'html-1' }));
  t.equal(html.status, 503);
  t.match(html.text, /<h1>503<\/h1>/);
  const empty = await api('POST', '/orders', orderBody({ order_id: 'empty-1' }));
  t.same([empty.status, empty.text], [502, '']);
  const json = await api('POST', '/orders', orderBody());
  t.same([json.status, json.json.success], [503, false]);
  t.equal((await api('POST', '/orders', orderBody())).status, 200);
});

t.test('latency delays the answer, which is otherwise normal', async (t) => {
  // Real time is injected: the answer must wait for the latency timer, and the journal's
  // duration is exactly the real time that passed. No wall-clock threshold.
  let now = 1_000_000;
  const timers: Array<{ ms: number; fn: () => void }> = [];
  let scheduled: () => void = () => {};
  const realTime = {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.push({ ms, fn });
      scheduled();
      return timers.length;
    },
    clearTimeout: () => {},
  };
  const app = await build(t, { manualClock: true, realTime });
  const created = await app.inject({ method: 'POST', url: '/_sandbox/failures', payload: { kind: 'latency', latency: '30s', once: true } });
  const rule = created.json().rule;
  const latencyTimer = new Promise<void>((resolve) => (scheduled = () => timers.some((x) => x.ms === 30_000) && resolve()));
  let answered = false;
  const pending = api(app, 'POST', '/orders', orderBody({ order_id: 'slow-1' })).then((r) => {
    answered = true;
    return r;
  });
  await latencyTimer;
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(answered, false, 'no answer while the latency runs');
  now += 30_000;
  timers.find((x) => x.ms === 30_000)!.fn();
  const r = await pending;
  t.equal(r.statusCode, 200);
  t.equal(r.json().data.order_id, 'slow-1');
  const [entry] = (await app.inject({ method: 'GET', url: '/_sandbox/journal?order_id=slow-1' })).json().entries;
  t.match(entry, { status: 200, failure: rule.id, outcome: 'answered', duration_ms: 30_000 }, 'the journal records the real time the call took');
  const plain = await api(app, 'POST', '/orders', orderBody({ order_id: 'fast-1' }));
  t.equal(plain.statusCode, 200, 'a once rule is used up: the next call answers at once');
});

t.test('a dropped connection, before or after the order is made', async (t) => {
  const { control, api } = await sandbox(t);
  await control.failure('drop', { once: true, match: { order_id: 'drop-before' } });
  await control.failure('drop', { once: true, after: true, match: { order_id: 'drop-after' } });
  await t.rejects(api('POST', '/orders', orderBody({ order_id: 'drop-before' })), 'the client sees the connection close');
  t.equal((await api('GET', '/orders/drop-before')).status, 404, 'no order was made');
  await t.rejects(api('POST', '/orders', orderBody({ order_id: 'drop-after' })));
  const after = await api('GET', '/orders/drop-after');
  t.equal(after.json.data.status, 'initialized', 'the order exists though the client never heard so');
  t.match(await control.journal({ method: 'POST' }), [{ order_id: 'drop-after', outcome: 'dropped', status: null }, { order_id: 'drop-before', outcome: 'dropped', status: null }]);
});

t.test('a timeout never answers; the client gives up', async (t) => {
  const { control, s } = await sandbox(t);
  await control.failure('timeout', { once: true });
  const res = fetch(`${s.apiUrl}orders`, {
    method: 'POST',
    headers: { api_key: API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(orderBody({ order_id: 'never' })),
    signal: AbortSignal.timeout(200),
  });
  await t.rejects(res, { name: 'TimeoutError' });
  t.same(await control.orders(), [], 'no order was made');
});

t.test('rules are per site; probability is drawn from the seed, so a seeded run repeats', async (t) => {
  const { control, api } = await sandbox(t);
  await control.failure('error', { code: 1024 });
  t.equal((await api('POST', '/orders', orderBody(), OTHER_KEY)).status, 200, 'another site is not affected');
  t.equal((await api('POST', '/orders', orderBody())).status, 422);
  await control.request('DELETE', '/failures');

  const pattern = async (seed: string): Promise<string> => {
    const sb = await sandbox(t, { seed });
    await sb.control.failure('http', { status: 503, probability: 0.5 });
    let out = '';
    for (let i = 0; i < 16; i++) out += (await sb.api('POST', '/orders', orderBody())).status === 503 ? 'x' : '.';
    return out;
  };
  const a = await pattern('repeat-me');
  const b = await pattern('repeat-me');
  t.equal(a, b, 'same seed, same failures');
  t.match(a, /x/);
  t.match(a, /\./);
});

t.test('bad failure rules get a 4xx naming the problem and change nothing', async (t) => {
  const { control, api } = await sandbox(t);
  const cases: Array<[unknown, RegExp]> = [
    [{ kind: 'explode' }, /kind: "explode" is not a failure kind; use one of error, http, latency, drop, timeout/],
    [{ kind: 'error', code: 4242 }, /code: 4242 is not in the sandbox's error catalogue; use one of 1000, 1001/],
    [{ kind: 'http', status: 418 }, /status: must be one of 500, 502, 503, 504/],
    [{ kind: 'latency' }, /latency: a latency rule needs how long/],
    [{ kind: 'latency', latency: '5m' }, /at most 2 minutes/],
    [{ kind: 'latency', latency: '1x' }, /latency: "1x" is not a duration/],
    [{ kind: 'http', code: 1024 }, /code: applies to kind error only/],
    [{ kind: 'error', probability: 0 }, /probability: must be a number above 0/],
    [{ kind: 'error', on: 'orders' }, /on: "orders" is not a route/],
    [{ kind: 'error', match: { amount: { min: 9, max: 1 } } }, /could never match/],
  ];
  for (const [body, message] of cases) {
    const err = await refusal(t, () => control.request('POST', '/failures', body));
    t.match(err, { status: 400, message }, JSON.stringify(body));
  }
  t.same(await control.failures(), []);
  t.equal((await api('POST', '/orders', orderBody())).status, 200, 'the API works as before');
});
