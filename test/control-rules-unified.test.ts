/**
 * One rule language for deliberate misbehaviour: a notification fault is a failure rule with
 * target "notification", written, matched, counted, listed and removed like an API failure
 * rule on /_sandbox/failures; the old /_sandbox/webhooks/faults routes write the same book.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { api, API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';
import type { Receiver } from './helpers/webhooks.js';
import { SandboxControl } from '../src/index.js';

const statuses = (rx: Receiver): string[] => rx.requests.map((r) => (JSON.parse(r.body) as { status: string }).status);

function addRule(app: FastifyInstance, body: unknown, key: string | null = API_KEY) {
  return app.inject({ method: 'POST', url: '/_sandbox/failures', headers: key ? { api_key: key } : {}, payload: body as object });
}

t.test('a notification fault on /_sandbox/failures: matched by order_id and status, used once, then gone', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const add = await addRule(app, { target: 'notification', kind: 'drop', match: { order_id: 'nf-*' }, statuses: ['completed'], once: true });
  t.equal(add.statusCode, 201, add.body);
  t.match(add.json().rule, { target: 'notification', kind: 'drop', site: API_KEY, match: { order_id: 'nf-*' }, statuses: ['completed'], remaining: 1, applied: 0 });

  const other = await createOrder(app, { order_id: 'keep-1', payment_options: { notification_url: rx.url } });
  pay(app, other.order_id);
  const hit = await createOrder(app, { order_id: 'nf-1', payment_options: { notification_url: rx.url } });
  pay(app, hit.order_id);
  await api(app, 'PATCH', `/orders/${hit.order_id}`, { status: 'shipped' });
  await app.sandbox.engine.clock.advance(0);
  t.same(app.sandbox.webhooks.deliveries(API_KEY, 'keep-1')[0]?.faults, {}, 'an order the match leaves out is not touched');
  t.same(app.sandbox.webhooks.deliveries(API_KEY, 'nf-1').map((r) => r.state), ['dropped', 'delivered'], 'completed dropped, shipped (another status) sent');
  t.same(statuses(rx), ['completed', 'shipped']);
  const list = (await app.inject({ method: 'GET', url: '/_sandbox/failures', headers: { api_key: API_KEY } })).json();
  t.same(list.rules, [], 'a once rule is spent after one notification');
});

t.test('API and notification rules share one list, one filter, one removal and one reset', async (t) => {
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const apiRule = (await addRule(app, { kind: 'error', code: 1024 })).json().rule;
  const hookRule = (await addRule(app, { target: 'notification', kind: 'delay', delay: '90s', times: 2 })).json().rule;
  t.equal(apiRule.target, 'api');
  t.match(hookRule, { target: 'notification', kind: 'delay', delay_ms: 90_000, remaining: 2 });
  const all = (await app.inject({ method: 'GET', url: '/_sandbox/failures', headers: { api_key: API_KEY } })).json().rules;
  t.same(all.map((r: { id: string }) => r.id), [hookRule.id, apiRule.id], 'newest first, both targets');
  const only = (await app.inject({ method: 'GET', url: '/_sandbox/failures?target=notification', headers: { api_key: API_KEY } })).json().rules;
  t.same(only.map((r: { id: string }) => r.id), [hookRule.id]);
  const badTarget = await app.inject({ method: 'GET', url: '/_sandbox/failures?target=email', headers: { api_key: API_KEY } });
  t.equal(badTarget.statusCode, 400);
  t.match(badTarget.json().error, { code: 'bad_request', message: /target.*api, notification/ });

  // The old route writes and reads the same book.
  const put = await app.inject({ method: 'PUT', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY }, payload: { order_id: 'o-7', faults: [{ fault: 'duplicate' }] } });
  t.equal(put.statusCode, 200);
  const withOld = (await app.inject({ method: 'GET', url: '/_sandbox/failures?target=notification', headers: { api_key: API_KEY } })).json().rules;
  t.match(withOld[0], { target: 'notification', kind: 'duplicate', match: { order_id: 'o-7' } });
  t.match((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY } })).json(), { site: [{ fault: 'delay', ms: 90_000, times: 2 }], orders: { 'o-7': [{ fault: 'duplicate' }] } });

  t.equal((await app.inject({ method: 'DELETE', url: `/_sandbox/failures/${hookRule.id}`, headers: { api_key: API_KEY } })).statusCode, 200);
  const reset = await app.inject({ method: 'DELETE', url: '/_sandbox/failures?target=notification', headers: { api_key: API_KEY } });
  t.same(reset.json(), { removed: 1 });
  const left = (await app.inject({ method: 'GET', url: '/_sandbox/failures', headers: { api_key: API_KEY } })).json().rules;
  t.same(left.map((r: { id: string }) => r.id), [apiRule.id], 'the API rule stays');
});

t.test('a notification rule is refused with the same error shape, naming the field', async (t) => {
  const app = await build(t, { manualClock: true });
  const bad: Array<[unknown, RegExp]> = [
    [{ target: 'notification', kind: 'timeout' }, /kind: .*use one of drop, duplicate, reorder, delay, wrong_key, malformed/],
    [{ target: 'notification', kind: 'delay' }, /delay: a delay fault needs how long/],
    [{ target: 'notification', kind: 'drop', on: 'any' }, /on: applies to target api only/],
    [{ target: 'notification', kind: 'drop', statuses: 'completed' }, /statuses: must be a list of order statuses/],
    [{ target: 'notification', kind: 'drop', statuses: ['complete'] }, /statuses\[0\]: .*completed/],
    [{ target: 'api', kind: 'error', statuses: ['completed'] }, /statuses: applies to target notification only/],
    [{ target: 'webhook' }, /target: .*api, notification/],
    [{ target: 'notification', kind: 'drop', once: true, times: 2 }, /only one of once, times and persist/],
  ];
  for (const [body, msg] of bad) {
    const res = await addRule(app, body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.equal(res.json().error.code, 'invalid_rule', JSON.stringify(body));
    t.match(res.json().error.message, msg);
  }
});

t.test('the typed client writes notification faults in the same language', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const control = new SandboxControl({ url: `http://127.0.0.1:${port}`, apiKey: API_KEY });
  const rule = await control.notificationFault('wrong_key', { match: { order_id: 'wk-*' }, once: true });
  t.match(rule, { target: 'notification', kind: 'wrong_key', remaining: 1 });
  t.same((await control.failures({ target: 'notification' })).map((r) => r.id), [rule.id]);
  const { order_id } = await createOrder(app, { order_id: 'wk-1', payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.same(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.faults, { wrong_key: true });
});

t.test('the served OpenAPI describes the one language and marks the old routes as aliases', async (t) => {
  const app = await build(t, { manualClock: true });
  const doc = (await app.inject({ method: 'GET', url: '/_sandbox/openapi.json' })).json();
  const input = doc.components.schemas.FailureRuleInput;
  t.same(input.properties.target.enum, ['api', 'notification']);
  t.ok(input.properties.kind.enum.includes('duplicate') && input.properties.kind.enum.includes('timeout'), 'kinds of both targets');
  t.ok(input.properties.statuses && input.properties.delay, 'statuses and delay of notification rules');
  t.ok(doc.paths['/_sandbox/failures'].get.parameters.some((p: { name: string }) => p.name === 'target'));
  for (const method of ['get', 'put', 'delete']) {
    t.equal(doc.paths['/_sandbox/webhooks/faults'][method].deprecated, true, `${method} /webhooks/faults is a deprecated alias`);
    t.match(doc.paths['/_sandbox/webhooks/faults'][method].description, /target "notification" on \/_sandbox\/failures/);
  }
});

t.test('a reset of the site forgets its rules of both targets, counted once', async (t) => {
  const app = await build(t, { manualClock: true });
  await addRule(app, { kind: 'error' });
  await addRule(app, { target: 'notification', kind: 'drop' });
  const reset = await app.inject({ method: 'POST', url: '/_sandbox/reset', headers: { api_key: API_KEY } });
  t.equal(reset.statusCode, 200);
  t.equal(reset.json().reset.failure_rules, 2);
  t.same((await app.inject({ method: 'GET', url: '/_sandbox/failures', headers: { api_key: API_KEY } })).json().rules, []);
});
