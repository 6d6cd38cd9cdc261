/**
 * GET /gateways, /gateways/{id}, /payment-methods[/{id}], /issuers/{gateway}: Sofort is the
 * one method on offer; lookups are case-insensitive; filters hide it where it cannot pay.
 */
import t from 'tap';
import { api, build } from './helpers/build.js';
import { assertOpenApi } from './helpers/openapi.js';

t.test('GET /gateways lists DIRECTBANK', async (t) => {
  const app = await build(t);
  const res = await api(app, 'GET', '/gateways');
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'GET', '/gateways', res);
  t.same(res.json(), { success: true, data: [{ id: 'DIRECTBANK', description: 'SOFORT Banking' }] });
});

t.test('GET /gateways filters by country, currency and amount like MultiSafepay', async (t) => {
  const app = await build(t);
  const cases: Array<[Record<string, string>, number]> = [
    [{ country: 'DE' }, 1],
    [{ country: 'NL' }, 0],
    [{ currency: 'eur' }, 1],
    [{ currency: 'GBP' }, 0],
    [{ amount: '10' }, 1],
    [{ amount: '9' }, 0],
    [{ country: 'AT', currency: 'EUR', amount: '100000' }, 1],
    [{ country: '', currency: '' }, 1],
  ];
  for (const [query, count] of cases) {
    const res = await api(app, 'GET', '/gateways', undefined, { query });
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.length, count, JSON.stringify(query));
  }
});

t.test('GET /gateways/{id} is case-insensitive and 1023 for other gateways', async (t) => {
  const app = await build(t);
  for (const id of ['DIRECTBANK', 'directbank', 'DirectBank']) {
    const res = await api(app, 'GET', `/gateways/${id}`);
    t.equal(res.statusCode, 200, id);
    assertOpenApi(t, 'GET', `/gateways/${id}`, res);
    t.same(res.json().data, { id: 'DIRECTBANK', description: 'SOFORT Banking' });
  }
  const ideal = await api(app, 'GET', '/gateways/IDEAL');
  t.equal(ideal.statusCode, 404);
  assertOpenApi(t, 'GET', '/gateways/IDEAL', ideal);
  t.equal(ideal.json().error_code, 1023);
  t.match(ideal.json().sandbox_hint, /DIRECTBANK/);
});

t.test('GET /payment-methods lists Sofort with its limits and countries', async (t) => {
  const app = await build(t, { countries: ['DE', 'AT'] });
  const res = await api(app, 'GET', '/payment-methods');
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'GET', '/payment-methods', res);
  const [pm, ...rest] = res.json().data;
  t.equal(rest.length, 0);
  t.equal(pm.id, 'DIRECTBANK');
  t.equal(pm.name, 'Sofort');
  t.same(pm.allowed_countries, ['DE', 'AT'], 'configured countries');
  t.same(pm.allowed_currencies, ['EUR']);
  t.equal(pm.allowed_amount.min, 10);
  t.match(pm.icon_urls.large, /^http:\/\/localhost:80\//, 'icons served by this sandbox');
  const filtered = await api(app, 'GET', '/payment-methods', undefined, { query: { country: 'BE' } });
  t.same(filtered.json().data, [], 'BE not among the configured countries');
});

t.test('GET /payment-methods/{id} is case-insensitive and 1023 otherwise', async (t) => {
  const app = await build(t);
  for (const id of ['DIRECTBANK', 'directbank']) {
    const res = await api(app, 'GET', `/payment-methods/${id}`);
    t.equal(res.statusCode, 200);
    assertOpenApi(t, 'GET', `/payment-methods/${id}`, res);
    t.equal(res.json().data.id, 'DIRECTBANK');
  }
  const other = await api(app, 'GET', '/payment-methods/VISA');
  t.equal(other.statusCode, 404);
  assertOpenApi(t, 'GET', '/payment-methods/VISA', other);
  t.equal(other.json().error_code, 1023);
});

t.test('GET /issuers/{gateway}: iDEAL issuers for the Node client, none for Sofort, 1023 otherwise', async (t) => {
  const app = await build(t);
  const ideal = await api(app, 'GET', '/issuers/ideal');
  t.equal(ideal.statusCode, 200);
  assertOpenApi(t, 'GET', '/issuers/ideal', ideal);
  t.ok(ideal.json().data.length > 0);
  const upper = await api(app, 'GET', '/issuers/IDEAL');
  t.same(upper.json(), ideal.json(), 'case-insensitive');
  const sofort = await api(app, 'GET', '/issuers/DIRECTBANK');
  t.same(sofort.json(), { success: true, data: [] });
  const other = await api(app, 'GET', '/issuers/mybank');
  t.equal(other.statusCode, 404);
  t.equal(other.json().error_code, 1023);
});

t.test('every gateway endpoint needs an API key', async (t) => {
  const app = await build(t);
  for (const path of ['/gateways', '/gateways/DIRECTBANK', '/payment-methods', '/payment-methods/DIRECTBANK', '/issuers/ideal']) {
    const res = await api(app, 'GET', path, undefined, { key: null });
    t.equal(res.statusCode, 401, path);
    t.equal(res.json().error_code, 1032);
  }
});
