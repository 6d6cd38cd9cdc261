/**
 * Each error code the core API answers with: the HTTP status, MultiSafepay's envelope, and
 * an error_info that names the field and the fix.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE } from '../src/index.js';
import { simulatedPayer } from '../src/engine/payer.js';
import { API_KEY, api, build, createOrder, orderBody } from './helpers/build.js';
import { assertOpenApi } from './helpers/openapi.js';

type Res = Awaited<ReturnType<typeof api>>;

/** The response is MultiSafepay's error envelope with this code and status, and says what to fix. */
function rejects(t: Test, res: Res, http: number, code: number, info: RegExp, label: string, method = 'POST', path = '/orders'): void {
  t.equal(res.statusCode, http, `${label}: HTTP ${http}`);
  const body = res.json();
  t.equal(body.error_code, code, `${label}: error_code ${code}`, { body });
  t.equal(body.error_info, Object.values(ERROR_CATALOGUE).find((e) => e.code === code)?.title, `${label}: error_info is MultiSafepay's own text`);
  t.match(body.sandbox_hint, info, `${label}: sandbox_hint says what to fix`);
  assertOpenApi(t, method, path, res);
}

async function post(app: FastifyInstance, overrides: Record<string, unknown>): Promise<Res> {
  return api(app, 'POST', '/orders', orderBody(overrides));
}

t.test('1032: no key, a short key, or a key not in the configured list', async (t) => {
  const open = await build(t);
  rejects(t, await api(open, 'GET', '/gateways', undefined, { key: null }), 401, 1032, /no API key sent.*api_key/, 'no key', 'GET', '/gateways');
  rejects(t, await api(open, 'GET', '/gateways', undefined, { key: 'abcd' }), 401, 1032, /5 to 256 characters/, 'short key', 'GET', '/gateways');
  rejects(t, await api(open, 'GET', '/gateways', undefined, { key: 'k'.repeat(300) }), 401, 1032, /5 to 256 characters/, 'huge key', 'GET', '/gateways');
  rejects(t, await api(open, 'GET', '/gateways', undefined, { key: '   ' }), 401, 1032, /no API key/, 'blank key', 'GET', '/gateways');
  t.equal((await api(open, 'GET', '/gateways', undefined, { key: 'abcde' })).statusCode, 200, 'any 5-character key opens a site');

  const closed = await build(t, { apiKeys: ['allowed-key-1', 'allowed-key-2'] });
  rejects(t, await api(closed, 'POST', '/orders', orderBody(), { key: 'some-other-key' }), 401, 1032, /not one of the keys.*--api-key/, 'unlisted key');
  t.equal((await api(closed, 'POST', '/orders', orderBody(), { key: 'allowed-key-2' })).statusCode, 200, 'a listed key works');
  const info = (await api(closed, 'GET', '/gateways', undefined, { key: 'secret-but-wrong' })).json().sandbox_hint as string;
  t.notMatch(info, /secret-but-wrong/, 'the rejected key is not echoed back in full');
});

t.test('1006: unknown order on GET and PATCH', async (t) => {
  const app = await build(t);
  rejects(t, await api(app, 'GET', '/orders/no-such-order'), 404, 1006, /no order no-such-order/, 'GET unknown', 'GET', '/orders/x');
  rejects(t, await api(app, 'PATCH', '/orders/no-such-order', { status: 'cancelled' }), 404, 1006, /no order/, 'PATCH unknown', 'PATCH', '/orders/x');
  rejects(t, await api(app, 'GET', '/orders/1234567890'), 404, 1006, /no order/, 'unknown transaction id', 'GET', '/orders/x');
});

t.test('1006: order_id missing, too long, of the wrong type, or used by a paid order', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { order_id: undefined }), 404, 1006, /order_id is required/, 'missing');
  rejects(t, await post(app, { order_id: '' }), 404, 1006, /order_id is required/, 'empty');
  rejects(t, await post(app, { order_id: 'x'.repeat(51) }), 404, 1006, /order_id is 51 characters.*50/, 'too long');
  rejects(t, await post(app, { order_id: { a: 1 } }), 404, 1006, /order_id must be a string/, 'object');
  rejects(t, await post(app, { order_id: 1.5 }), 404, 1006, /order_id must be a string/, 'float');
  t.equal((await post(app, { order_id: 'x'.repeat(50) })).statusCode, 200, '50 characters is fine');

  const { order_id } = await createOrder(app, { order_id: 'paid-1' });
  const engine = app.sandbox.engine;
  const tx = (await api(app, 'GET', `/orders/${order_id}`)).json().data.transaction_id as number;
  engine.transition(API_KEY, tx, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'control');
  rejects(t, await post(app, { order_id: 'paid-1' }), 404, 1006, /already used for a paid order.*new order_id/, 'reuse of a paid order id');
  t.equal((await api(app, 'GET', '/orders/paid-1')).json().data.status, 'completed', 'the paid order is untouched');
  t.equal((await api(app, 'POST', '/orders', orderBody({ order_id: 'paid-1' }), { key: 'another-site' })).statusCode, 200, 'another site may use the same order_id');
});

t.test('1001: amount missing, fractional, negative, below the minimum, too large or not a number', async (t) => {
  const app = await build(t);
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /amount is required/],
    [null, /amount is required/],
    [10.5, /whole number of cents/],
    ['10.00', /whole number of cents/],
    [-100, /must not be negative/],
    ['-100', /must not be negative/],
    [9, /below the Sofort minimum of 10 cents/],
    [0, /below the Sofort minimum/],
    [1e20, /whole number of cents/],
    [100_000_001, /above the largest amount/],
    ['ten', /whole number of cents/],
    [true, /whole number of cents/],
    [[1000], /whole number of cents/],
    [{ value: 1000 }, /whole number of cents/],
  ];
  for (const [amount, info] of cases) rejects(t, await post(app, { amount }), 400, 1001, info, `amount ${JSON.stringify(amount)}`);
  t.equal((await post(app, { amount: 10 })).statusCode, 200, '10 cents is the minimum');
});

t.test('1002: currency other than EUR, missing or not a string', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { currency: 'GBP' }), 400, 1002, /GBP is not supported for Sofort; use EUR/, 'GBP');
  rejects(t, await post(app, { currency: undefined }), 400, 1002, /currency is required/, 'missing');
  rejects(t, await post(app, { currency: 978 }), 400, 1002, /currency is required/, 'number');
  t.equal((await post(app, { currency: 'eur' })).statusCode, 200, 'lower case is read as EUR');
});

t.test('1008: description missing, not a string, or over 200 characters', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { description: undefined }), 400, 1008, /description is required/, 'missing');
  rejects(t, await post(app, { description: 12 }), 400, 1008, /description must be a string/, 'number');
  rejects(t, await post(app, { description: 'd'.repeat(201) }), 400, 1008, /201 characters.*200/, 'too long');
  t.equal((await post(app, { description: 'd'.repeat(200) })).statusCode, 200);
});

t.test('1010: var1-3 not text or over 500 characters', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { var1: { a: 1 } }), 400, 1010, /var1 must be a string/, 'object var1');
  rejects(t, await post(app, { var2: [] }), 400, 1010, /var2 must be a string; got an array/, 'array var2');
  rejects(t, await post(app, { var3: 'v'.repeat(501) }), 400, 1010, /var3 is 501 characters.*500/, 'long var3');
  const ok = await post(app, { var1: 42, var2: 'v'.repeat(500) });
  t.equal(ok.statusCode, 200, 'numbers and 500 characters are fine');
});

t.test('1007: customer IP address that is not an IP', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { customer: { ip_address: '999.1.1.1' } }), 400, 1007, /customer\.ip_address must be an IPv4 or IPv6/, 'ip_address');
  rejects(t, await post(app, { customer: { forwarded_ip: 'localhost' } }), 400, 1007, /customer\.forwarded_ip/, 'forwarded_ip');
  t.equal((await post(app, { customer: { ip_address: '::1', forwarded_ip: '213.127.71.75' } })).statusCode, 200);
});

t.test('1016: missing or malformed data', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { type: undefined }), 400, 1016, /type is required/, 'type missing');
  rejects(t, await post(app, { type: 'instant' }), 400, 1016, /type must be one of redirect, direct/, 'type unknown');
  rejects(t, await post(app, { payment_options: 'https://x' }), 400, 1016, /payment_options must be a JSON object/, 'payment_options string');
  rejects(t, await post(app, { payment_options: { redirect_url: 'javascript:alert(1)' } }), 400, 1016, /payment_options\.redirect_url must use http or https/, 'javascript: URL');
  rejects(t, await post(app, { payment_options: { cancel_url: 'not a url' } }), 400, 1016, /payment_options\.cancel_url must be an absolute http\(s\) URL/, 'relative URL');
  rejects(t, await post(app, { payment_options: { notification_url: 'ftp://x/y' } }), 400, 1016, /notification_url must use http or https/, 'ftp URL');
  rejects(t, await post(app, { payment_options: { notification_method: 'PUT' } }), 400, 1016, /notification_method must be POST or GET/, 'notification method');
  rejects(t, await post(app, { customer: { email: 'not-an-email' } }), 400, 1016, /customer\.email must be an email/, 'email');
  rejects(t, await post(app, { customer: { locale: 'german' } }), 400, 1016, /customer\.locale must look like de_DE/, 'locale');
  rejects(t, await post(app, { customer: { first_name: ['Max'] } }), 400, 1016, /customer\.first_name must be a string, got an array/, 'array name');
  rejects(t, await post(app, { customer: { city: 'c'.repeat(256) } }), 400, 1016, /customer\.city is 256 characters long/, 'long city');
  rejects(t, await post(app, { recurring_model: 'weekly' }), 400, 1016, /recurring_model must be one of cardOnFile/, 'recurring model');
  rejects(t, await post(app, { days_active: 0 }), 400, 1016, /days_active must be a whole number from 1 to 365/, 'days_active');
  rejects(t, await post(app, { seconds_active: 'soon' }), 400, 1016, /seconds_active/, 'seconds_active');
  rejects(t, await api(app, 'POST', '/orders', '[1,2]'), 400, 1016, /body must be a JSON object/, 'array body');
  rejects(t, await api(app, 'POST', '/orders', undefined), 400, 1016, /body must be a JSON object/, 'no body');
});

t.test('1018: customer.country that is not a two-letter code', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { customer: { country: 'Germany' } }), 400, 1018, /customer\.country must be a two-letter ISO 3166 code/, 'name');
  rejects(t, await post(app, { customer: { country: 'D1' } }), 400, 1018, /two-letter/, 'digit');
});

t.test('1023: a gateway other than DIRECTBANK, or direct without a gateway', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { gateway: 'IDEAL' }), 404, 1023, /gateway IDEAL is not available.*DIRECTBANK/, 'IDEAL');
  rejects(t, await post(app, { gateway: 7 }), 404, 1023, /gateway must be a string/, 'number');
  rejects(t, await post(app, { type: 'direct', gateway: undefined }), 404, 1023, /direct order needs gateway DIRECTBANK/, 'direct without gateway');
  t.equal((await post(app, { gateway: 'directbank' })).statusCode, 200, 'gateway is case-insensitive');
});

t.test('1024: a customer country outside the Sofort countries', async (t) => {
  const app = await build(t);
  rejects(t, await post(app, { customer: { country: 'NL' } }), 422, 1024, /not available in customer\.country NL; supported: AT, BE, DE, IT, ES, CH, PL/, 'NL');
  rejects(t, await post(app, { customer: { country: 'FR' } }), 422, 1024, /FR/, 'FR is not in the seed list');
  t.equal((await post(app, { customer: { country: 'ch' } })).statusCode, 200, 'CH, any case');

  const wider = await build(t, { countries: ['DE', 'FR', 'GB'] });
  t.equal((await post(wider, { customer: { country: 'FR' } })).statusCode, 200, 'FR when configured');
  t.equal((await post(wider, { customer: { country: 'UK' } })).statusCode, 200, "UK counts as GB (MultiSafepay's page writes UK)");
  rejects(t, await post(wider, { customer: { country: 'AT' } }), 422, 1024, /supported: DE, FR, GB/, 'AT not configured');
});

t.test('1021: a change the order cannot make', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app);
  const engine = app.sandbox.engine;
  const tx = (await api(app, 'GET', `/orders/${order_id}`)).json().data.transaction_id as number;
  engine.transition(API_KEY, tx, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'control');
  rejects(t, await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled' }), 422, 1021, /cannot cancel the order.*completed.*refund/, 'cancel a paid order', 'PATCH', '/orders/x');
});

t.test('9999 and 1000: requests that cannot be read, unknown endpoints, unsupported methods', async (t) => {
  const app = await build(t);
  rejects(t, await api(app, 'POST', '/orders', '{"type": "redirect",'), 400, 9999, /not valid JSON/, 'truncated JSON');
  const big = await build(t, { bodyLimit: 2048 });
  rejects(t, await api(big, 'POST', '/orders', orderBody({ description: 'x'.repeat(4000) })), 413, 9999, /larger than this sandbox accepts/, 'body over the limit');

  rejects(t, await api(app, 'GET', '/orders/%E0%A4%A'), 400, 9999, /not valid percent-encoding.*encodeURIComponent/, 'undecodable path', 'GET', '/orders/x');
  rejects(t, await api(app, 'GET', `/orders/${'a'.repeat(600)}`), 414, 9999, /too long/, 'overlong id', 'GET', '/orders/x');

  rejects(t, await api(app, 'POST', '/orders', orderBody(), { headers: { 'content-type': ';;;' } }), 415, 9999, /Content-Type header cannot be read.*application\/json/, 'unreadable Content-Type');

  const page = await app.inject({ method: 'GET', url: '/connect/%E0%A4%A/' });
  t.equal(page.statusCode, 400, 'outside the API an undecodable path is a plain 400');
  t.match(page.json(), { statusCode: 400, code: 'FST_ERR_BAD_URL', message: /percent-encoding/ });

  const unknown = await api(app, 'GET', '/nothing-here');
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error_code, 1000);
  t.match(unknown.json().sandbox_hint, /no endpoint GET \/v1\/json\/nothing-here/);

  const del = await api(app, 'DELETE', '/orders/x');
  t.equal(del.statusCode, 404, 'no DELETE on orders');
  t.equal(del.json().success, false);
  t.equal(typeof del.json().error_code, 'number');

  const postGet = await api(app, 'POST', '/orders/abc', { status: 'cancelled' });
  t.equal(postGet.statusCode, 405, 'POST on an order without X-HTTP-Method-Override');
  t.equal(postGet.json().error_code, 9999);
  t.match(postGet.json().sandbox_hint, /X-HTTP-Method-Override/);
});
