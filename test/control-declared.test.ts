/**
 * The control routes answer as they are declared (src/domain/wire/): every answer of the
 * time, scenario, failure and meta routes, good and refused, is checked against the served
 * OpenAPI document, which is generated from the declarations Fastify validates with.
 */
import t from 'tap';
import { API_KEY, build, orderBody, start } from './helpers/build.js';
import { declaredRoutes } from './helpers/control-declared.js';

const SITE = { api_key: API_KEY };

t.test('time routes answer as declared, refusals included', async (t) => {
  const app = await build(t, { manualClock: true });
  const d = await declaredRoutes(t, app, ['time']);
  await d.call('GET', '/_sandbox/clock', undefined, SITE);
  await d.call('GET', '/_sandbox/clocks');
  t.equal((await d.call('POST', '/_sandbox/clock/advance', { by: '1h' }, SITE)).statusCode, 200);
  t.equal((await d.call('POST', '/_sandbox/clock/advance', { by: '1h', orderId: 1 }, SITE)).statusCode, 400);
  t.equal((await d.call('POST', '/_sandbox/clock/freeze', undefined, SITE)).statusCode, 200);
  t.equal((await d.call('POST', '/_sandbox/clock/unfreeze', undefined, SITE)).statusCode, 200);
  t.equal((await d.call('POST', '/_sandbox/clock/scale', { scale: 2 }, SITE)).statusCode, 200);
  t.equal((await d.call('POST', '/_sandbox/clock/own', {}, SITE)).statusCode, 201);
  t.equal((await d.call('POST', '/_sandbox/clock/own', {}, SITE)).statusCode, 200);
  t.equal((await d.call('DELETE', '/_sandbox/clock/own', undefined, SITE)).statusCode, 200);
  t.equal((await d.call('DELETE', '/_sandbox/clock/own')).statusCode, 400);
  d.assertAllCalled();
});

t.test('scenario and failure routes answer as declared', async (t) => {
  const app = await build(t, { manualClock: true });
  const d = await declaredRoutes(t, app, ['scenarios', 'failures', 'meta']);
  await d.call('GET', '/_sandbox');
  await d.call('GET', '/_sandbox/openapi.json');
  const added = await d.call('POST', '/_sandbox/scenarios', { scenario: 'declined', match: { order_id: 'decline-*', amount: { min: 100 } }, once: true }, SITE);
  t.equal(added.statusCode, 201);
  await d.call('GET', '/_sandbox/scenarios', undefined, SITE);
  await d.call('DELETE', `/_sandbox/scenarios/${(added.json() as { rule: { id: string } }).rule.id}`, undefined, SITE);
  await d.call('DELETE', '/_sandbox/scenarios/nope', undefined, SITE);
  await d.call('DELETE', '/_sandbox/scenarios', undefined, SITE);

  const created = await app.inject({ method: 'POST', url: '/v1/json/orders', headers: { ...SITE, 'content-type': 'application/json' }, payload: orderBody({ order_id: 'o-1' }) });
  t.equal(created.statusCode, 200);
  t.equal((await d.call('POST', '/_sandbox/orders/o-1/scenario', { scenario: 'completed', delay: 0 }, SITE)).statusCode, 200);
  const bad = await d.call('POST', '/_sandbox/orders/o-1/scenario', { scenario: 'paid' }, SITE);
  t.match(bad.json(), { error: { code: 'unknown_scenario', message: /^scenario:/ } });

  for (const rule of [{ kind: 'error', code: 1024, match: { order_id: 'fail-*' } }, { kind: 'http', status: 503, body: 'html' }, { kind: 'latency', latency: '2s' }, { kind: 'drop', after: true }, { target: 'notification', kind: 'delay', delay: '90s', statuses: ['completed'] }]) {
    t.equal((await d.call('POST', '/_sandbox/failures', rule, SITE)).statusCode, 201, JSON.stringify(rule));
  }
  const listed = await d.call('GET', '/_sandbox/failures?target=notification', undefined, SITE);
  t.equal((listed.json() as { rules: unknown[] }).rules.length, 1);
  t.equal((await d.call('GET', '/_sandbox/failures?target=both', undefined, SITE)).statusCode, 400);
  const id = (listed.json() as { rules: Array<{ id: string }> }).rules[0]!.id;
  await d.call('DELETE', `/_sandbox/failures/${id}`, undefined, SITE);
  await d.call('DELETE', '/_sandbox/failures?target=api', undefined, SITE);
  d.assertAllCalled();
});

t.test('inspection, reset and event-stream routes answer as declared', async (t) => {
  const s = await start(t, { manualClock: true });
  const { app } = s;
  const d = await declaredRoutes(t, app, ['inspection', 'reset', 'events']);
  const created = await app.inject({ method: 'POST', url: '/v1/json/orders', headers: { ...SITE, 'content-type': 'application/json' }, payload: orderBody({ order_id: 'i-1' }) });
  t.equal(created.statusCode, 200);

  const listed = await d.call('GET', '/_sandbox/orders?status=initialized&limit=5&q=i-', undefined, SITE);
  t.match(listed.json(), { orders: [{ order_id: 'i-1' }] });
  t.match((await d.call('GET', '/_sandbox/orders?status=paid', undefined, SITE)).json(), { error: { code: 'unknown_status' } });
  t.equal((await d.call('GET', '/_sandbox/orders?limit=many', undefined, SITE)).statusCode, 400);
  t.match((await d.call('GET', '/_sandbox/orders/i-1', undefined, SITE)).json(), { order_id: 'i-1', timeline: [], order: { order_id: 'i-1' } });
  t.equal((await d.call('GET', '/_sandbox/orders/nope', undefined, SITE)).statusCode, 404);

  t.equal((await d.call('POST', '/_sandbox/orders/i-1/scenario', { scenario: 'completed', delay: 0 }, SITE)).statusCode, 200);
  t.match((await d.call('GET', '/_sandbox/orders/i-1/timeline', undefined, SITE)).json(), { order_id: 'i-1', status: 'completed', timeline: [{ cause: 'api', action: 'create' }] });
  t.match((await d.call('GET', '/_sandbox/orders/i-1/wait?status=completed', undefined, SITE)).json(), { reached: true, status: 'completed' });
  const timedOut = await d.call('GET', '/_sandbox/orders/i-1/wait?status=expired&timeout=10ms', undefined, SITE);
  t.match({ status: timedOut.statusCode, body: timedOut.json() }, { status: 408, body: { error: { code: 'wait_timeout', status: 'completed' } } });
  t.match((await d.call('GET', '/_sandbox/orders/i-1/wait?status=completed&timeout=soon', undefined, SITE)).json(), { error: { code: 'invalid_duration' } });

  const journal = await d.call('GET', '/_sandbox/journal?method=POST&path=/orders&limit=10', undefined, SITE);
  t.match(journal.json(), { count: 1, entries: [{ method: 'POST', path: '/orders', status: 200 }] });
  t.match((await d.call('GET', '/_sandbox/journal?status=ok', undefined, SITE)).json(), { error: { code: 'bad_request', message: /^status: must be an HTTP status/ } });
  t.match((await d.call('DELETE', '/_sandbox/journal', undefined, SITE)).json(), { removed: 1 });

  t.match((await d.call('POST', '/_sandbox/reset', undefined, SITE)).json(), { reset: { site: API_KEY, orders: 1 } });
  t.match((await d.call('POST', '/_sandbox/reset', { everything: true })).json(), { error: { code: 'bad_request', message: /^everything:/ } });

  t.match((await d.call('GET', '/_sandbox/events?types=api,nope', undefined, SITE)).json(), { error: { code: 'bad_request', message: /"nope" is not an event type/ } });
  // A stream never ends on its own: read its head over a socket, then hang up.
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const stream = await fetch(`${s.url}/_sandbox/events?types=status`, { headers: SITE, signal: abort.signal });
  t.match(stream.headers.get('content-type'), /^text\/event-stream/);
  d.check('GET', '/_sandbox/events', { statusCode: stream.status, body: '', headers: Object.fromEntries(stream.headers) });
  abort.abort();
  d.assertAllCalled();
});

t.test('a request its declaration refuses gets the control error naming the field and what it takes', async (t) => {
  const app = await build(t, { manualClock: true });
  const d = await declaredRoutes(t, app, []);
  const cases: Array<[string, string, unknown, number, string, RegExp]> = [
    ['POST', '/_sandbox/clock/scale', { scale: '5' }, 400, 'bad_request', /^scale: must be a number$/],
    ['POST', '/_sandbox/clock/scale', {}, 400, 'bad_request', /^scale: is required$/],
    ['POST', '/_sandbox/clock/own', { frozen: 'yes' }, 400, 'bad_request', /^frozen: must be true or false$/],
    ['POST', '/_sandbox/clock/advance', { by: { hours: 1 } }, 400, 'invalid_duration', /^by: must be a string or a number; write a duration such as/],
    ['POST', '/_sandbox/clock/advance', { to: true }, 400, 'invalid_time', /^to: true is not a time; write an ISO 8601 time/],
    ['POST', '/_sandbox/clock/advance', [{ by: '1h' }], 400, 'invalid_body', /^the request body must be a JSON object$/],
    ['POST', '/_sandbox/reset', { everything: true }, 400, 'bad_request', /^everything: this call takes no fields$/],
    ['GET', '/_sandbox/failures?target=email', undefined, 400, 'bad_request', /^target: "email" is not one of api, notification$/],
  ];
  for (const [method, url, body, status, code, message] of cases) {
    const res = await d.call(method, url, body, SITE);
    t.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)}`);
    t.match(res.json(), { error: { code, message } }, `${method} ${url} ${JSON.stringify(body)}`);
  }
  t.equal((await d.call('GET', '/_sandbox/clock', undefined, SITE)).json().frozen, true, 'nothing was changed by the refused calls');
  // No body, or a JSON null, is an empty object, as it always was.
  t.equal((await d.call('POST', '/_sandbox/clock/own', null, SITE)).statusCode, 201);
  t.equal((await d.call('POST', '/_sandbox/reset', undefined, SITE)).statusCode, 200);
});
