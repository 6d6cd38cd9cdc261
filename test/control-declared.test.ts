/**
 * The control routes answer as they are declared (src/domain/wire/): every answer of the
 * time, scenario, failure and meta routes, good and refused, is checked against the served
 * OpenAPI document, which is generated from the declarations Fastify validates with.
 */
import t from 'tap';
import { API_KEY, build, orderBody } from './helpers/build.js';
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
