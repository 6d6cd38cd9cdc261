/**
 * MultiSafepay's official Node client (@multisafepay/api-wrapper 1.0.1, axios 0.19) drives
 * the sandbox unchanged but for the base URL, the three ways the README describes:
 * patch BaseUrl.TEST before constructing, set each resource's axios baseURL, or HTTPS_PROXY.
 * Covered: orders.create/get/update, gateways.get, issuers.get, refunds.create.
 */
import { createRequire } from 'node:module';
import t from 'tap';
import type { Test } from 'tap';
import { simulatedPayer } from '../src/engine/payer.js';
import { start } from './helpers/build.js';
import { validateResponse } from './helpers/openapi.js';

const require = createRequire(import.meta.url);

interface Resource {
  get(id?: string): Promise<Record<string, unknown>>;
  create(data: unknown): Promise<Record<string, unknown>>;
  update(id: string, data: unknown): Promise<Record<string, unknown>>;
  client: { defaults: { baseURL: string } };
}
interface RefundResource {
  create(orderId: string, data: unknown): Promise<Record<string, unknown>>;
  client: { defaults: { baseURL: string } };
}
interface MspClient {
  orders: Resource;
  gateways: Resource;
  issuers: Resource;
  refunds: RefundResource;
}
type MspClientClass = new (apiKey: string, options?: { environment: 'test' | 'live' }) => MspClient;

const MSPClient = (require('@multisafepay/api-wrapper') as { default: MspClientClass }).default;
const endpoints = require('@multisafepay/api-wrapper/dist/src/typings/endpoints') as { BaseUrl: { TEST: string; LIVE: string } };

const KEY = 'node-client-key-0001';
const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

// A proxy set in the environment would carry these loopback calls elsewhere: clear it for this file.
const savedEnv = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
for (const k of PROXY_VARS) delete process.env[k];
t.teardown(() => {
  for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

const orderData = (orderId: string, extra: Record<string, unknown> = {}) => ({
  type: 'redirect',
  gateway: 'DIRECTBANK',
  order_id: orderId,
  currency: 'EUR',
  amount: '1000', // the client's README sends amounts as strings
  description: 'Order from the Node client',
  payment_options: {
    notification_url: 'https://shop.example/webhook',
    redirect_url: 'https://shop.example/success',
    cancel_url: 'https://shop.example/cancel',
    close_window: '',
  },
  customer: { locale: 'de_DE', country: 'DE', email: 'max@example.com', ip_address: '127.0.0.1' },
  ...extra,
});

/** A body the client returns is MultiSafepay's (the client hands errors back as {error_code, error_info}). */
function checkSchema(t: Test, method: string, path: string, body: Record<string, unknown>): void {
  const status = body.success === true ? 200 : 0;
  if (status === 0) {
    t.fail(`${method} ${path} failed`, { body });
    return;
  }
  const r = validateResponse(method, path, status, body);
  t.ok(r.valid, `${method} ${path} matches the OpenAPI`, { errors: r.errors });
}

t.test('patched BaseUrl.TEST: create, get, cancel, gateways, issuers', async (t) => {
  const s = await start(t);
  const original = endpoints.BaseUrl.TEST;
  endpoints.BaseUrl.TEST = s.apiUrl;
  t.teardown(() => {
    endpoints.BaseUrl.TEST = original;
  });
  const client = new MSPClient(KEY, { environment: 'test' });

  const created = await client.orders.create(orderData('node-1'));
  checkSchema(t, 'POST', '/orders', created);
  const data = created.data as { order_id: string; payment_url: string; session_id: string };
  t.equal(data.order_id, 'node-1');
  t.equal(data.payment_url, `${s.url}/connect/${data.session_id}/?lang=de_DE`, 'payment_url on the sandbox');

  const got = await client.orders.get('node-1');
  checkSchema(t, 'GET', '/orders/node-1', got);
  const order = got.data as Record<string, unknown>;
  t.equal(order.amount, 1000);
  t.equal(order.status, 'initialized');
  // The client adds its plugin block to every create; the sandbox keeps it for inspection.
  t.same(s.app.sandbox.engine.findOrder(KEY, 'node-1')?.plugin, { shop: 'multisafepay-node-wrapper', plugin_version: '1.0.1', partner: 'MultiSafepay' });

  const cancelled = await client.orders.update('node-1', { status: 'cancelled', exclude_order: true });
  checkSchema(t, 'PATCH', '/orders/node-1', cancelled);
  t.same(cancelled, { success: true, data: {} });
  t.equal(((await client.orders.get('node-1')).data as { status: string }).status, 'void');

  const gateways = await client.gateways.get();
  checkSchema(t, 'GET', '/gateways', gateways);
  t.same(gateways.data, [{ id: 'DIRECTBANK', description: 'SOFORT Banking' }]);
  const gateway = await client.gateways.get('directbank');
  checkSchema(t, 'GET', '/gateways/directbank', gateway);
  t.equal((gateway.data as { id: string }).id, 'DIRECTBANK');

  const issuers = await client.issuers.get();
  checkSchema(t, 'GET', '/issuers/ideal', issuers);
  t.ok(Array.isArray(issuers.data) && issuers.data.length > 0, 'issuers.get() asks for iDEAL issuers');
});

t.test('errors come back as {error_code, error_info} the way the client reports them', async (t) => {
  const s = await start(t);
  const client = new MSPClient(KEY, { environment: 'test' });
  for (const r of [client.orders, client.gateways, client.issuers]) r.client.defaults.baseURL = s.apiUrl;

  t.same(await client.orders.get('no-such-order'), { error_code: 1006, error_info: 'Invalid transaction ID' }, "MultiSafepay's own text, as a shop comparing error_info sees in production");
  t.same(await client.orders.create(orderData('node-err', { currency: 'USD' })), { error_code: 1002, error_info: 'Invalid currency' });
  t.match(await client.orders.create(orderData('node-err', { customer: { country: 'NL' } })), { error_code: 1024 });
  t.match(await client.gateways.get('IDEAL'), { error_code: 1023 });

  const noKey = new MSPClient('abcd', { environment: 'test' });
  noKey.orders.client.defaults.baseURL = s.apiUrl;
  t.match(await noKey.orders.get('x'), { error_code: 1032 });
});

t.test('a direct order, paid, then shipped through the client', async (t) => {
  const s = await start(t);
  const client = new MSPClient(KEY, { environment: 'live' });
  for (const r of [client.orders, client.gateways]) r.client.defaults.baseURL = s.apiUrl;

  const created = await client.orders.create(orderData('node-direct', { type: 'direct', amount: 9743 }));
  checkSchema(t, 'POST', '/orders', created);
  const data = created.data as { transaction_id: number; payment_url: string; payment_details: { type: string } };
  t.equal(data.payment_details.type, 'DIRECTBANK');
  t.match(data.payment_url, new RegExp(`^${s.url}/bank/`));

  const engine = s.app.sandbox.engine;
  engine.transition(KEY, data.transaction_id, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'control');
  const shipped = await client.orders.update('node-direct', { status: 'shipped', tracktrace_code: '3SXYZ', carrier: 'DHL' });
  t.same(shipped, { success: true, data: {} });
  const after = (await client.orders.get(String(data.transaction_id))).data as { status: string; financial_status: string };
  t.same([after.status, after.financial_status], ['shipped', 'completed'], 'looked up by transaction_id');
});

t.test('refunds.create, whose path the client writes with a leading slash', async (t) => {
  const s = await start(t);
  const client = new MSPClient(KEY, { environment: 'test' });
  for (const r of [client.orders, client.refunds]) r.client.defaults.baseURL = s.apiUrl;
  const created = await client.orders.create(orderData('node-refund', { type: 'direct' }));
  const tx = (created.data as { transaction_id: number }).transaction_id;
  const engine = s.app.sandbox.engine;
  engine.transition(KEY, tx, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'control');

  const refund = await client.refunds.create('node-refund', { amount: 400, currency: 'EUR', description: 'partial refund' });
  checkSchema(t, 'POST', '/orders/node-refund/refunds', refund);
  t.match(refund, { success: true, data: { transaction_id: tx, refund_id: Number } });
  const order = (await client.orders.get('node-refund')).data as { status: string; amount_refunded: number };
  t.same([order.status, order.amount_refunded], ['partial_refunded', 400]);
  t.match(await client.refunds.create('node-refund', { amount: 5000, currency: 'EUR' }), { error_code: 1034 }, 'more than is left');
});

t.test('HTTPS_PROXY pointing at the sandbox: absolute-form requests for testapi.multisafepay.com', async (t) => {
  const s = await start(t, { publicUrl: 'http://127.0.0.1:1' });
  process.env.HTTPS_PROXY = s.url;
  t.teardown(() => {
    delete process.env.HTTPS_PROXY;
  });
  const client = new MSPClient(KEY, { environment: 'test' });
  t.equal(client.orders.client.defaults.baseURL, 'https://testapi.multisafepay.com/v1/json/', 'client left untouched');
  const created = await client.orders.create(orderData('node-proxy'));
  checkSchema(t, 'POST', '/orders', created);
  t.match((created.data as { payment_url: string }).payment_url, /^http:\/\/127\.0\.0\.1:1\/connect\//, 'payment_url from --public-url');
  const got = await client.orders.get('node-proxy');
  t.equal((got.data as { order_id: string }).order_id, 'node-proxy');
});
