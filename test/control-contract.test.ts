/**
 * One contract for the same mistake on every control route (core, webhooks, after
 * payment): the same site resolution, the same `{error: {code, message}}`, the same status.
 */
import t from 'tap';
import { build } from './helpers/build.js';

const ROUTES_ON_A_SITE: Array<[string, string]> = [
  ['GET', '/_sandbox/orders'],
  ['GET', '/_sandbox/clock'],
  ['GET', '/_sandbox/journal'],
  ['GET', '/_sandbox/scenarios'],
  ['GET', '/_sandbox/webhooks/deliveries'],
  ['GET', '/_sandbox/webhooks/faults'],
  ['GET', '/_sandbox/refunds'],
  ['GET', '/_sandbox/recurring/tokens'],
  ['GET', '/_sandbox/second-chance/outbox'],
  ['POST', '/_sandbox/clock/own'],
];

t.test('a key of the wrong length: 400 invalid_api_key everywhere', async (t) => {
  const app = await build(t);
  for (const [method, url] of ROUTES_ON_A_SITE) {
    const res = await app.inject({ method: method as 'GET', url, headers: { api_key: 'x' } });
    t.equal(res.statusCode, 400, `${method} ${url}`);
    t.match(res.json(), { error: { code: 'invalid_api_key', message: /^api_key: must be 5 to 256 characters long/ } }, `${method} ${url}`);
  }
});

t.test('a key outside the configured list: 404 unknown_site everywhere', async (t) => {
  const app = await build(t, { apiKeys: ['only-this-key-1'] });
  for (const [method, url] of ROUTES_ON_A_SITE) {
    const res = await app.inject({ method: method as 'GET', url, headers: { api_key: 'some-other-key' } });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.match(res.json(), { error: { code: 'unknown_site', message: /^api_key: some… is not one of the keys/ } }, `${method} ${url}`);
  }
});

t.test('no key where one site is needed: 400 site_required; where not, sandbox-wide', async (t) => {
  const app = await build(t);
  for (const [method, url] of [['POST', '/_sandbox/clock/own'], ['DELETE', '/_sandbox/clock/own'], ['GET', '/_sandbox/webhooks/faults'], ['PUT', '/_sandbox/webhooks/faults']] as const) {
    const res = await app.inject({ method, url, ...(method === 'PUT' ? { payload: { faults: [] } } : {}) });
    t.equal(res.statusCode, 400, `${method} ${url}`);
    t.match(res.json(), { error: { code: 'site_required', message: /acts on one site: send its API key/ } }, `${method} ${url}`);
  }
  for (const [method, url] of ROUTES_ON_A_SITE.filter(([, u]) => !u.includes('/clock/own') && !u.includes('/faults'))) {
    t.equal((await app.inject({ method: method as 'GET', url })).statusCode, 200, `${method} ${url} without a key`);
  }
});

t.test('engine refusals map the same way on core and after-payment routes', async (t) => {
  const app = await build(t, { manualClock: true });
  const headers = { api_key: 'test-api-key-0001', 'content-type': 'application/json' };
  const created = await app.inject({
    method: 'POST', url: '/v1/json/orders', headers,
    payload: { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'c-1', currency: 'EUR', amount: 1000, description: 'x', customer: { country: 'DE', locale: 'de_DE' } },
  });
  t.equal(created.statusCode, 200);
  const cancelled = await app.inject({ method: 'POST', url: '/_sandbox/orders/c-1/scenario', headers, payload: { scenario: 'cancelled', delay: 0 } });
  t.equal(cancelled.statusCode, 200);
  // Playing an outcome on an order that is over: a state conflict, 409, with MultiSafepay's code.
  const again = await app.inject({ method: 'POST', url: '/_sandbox/orders/c-1/scenario', headers, payload: { scenario: 'completed', delay: 0 } });
  t.equal(again.statusCode, 409);
  t.match(again.json(), { error: { code: 'conflict', message: /is already void; a scenario can only decide an unpaid/ } });
  const refund = await app.inject({ method: 'POST', url: '/_sandbox/refunds/123456/accept', headers });
  t.equal(refund.statusCode, 404);
  t.match(refund.json(), { error: { code: 'not_found', message: /no refund 123456/ } });
});
