/**
 * What real MultiSafepay clients send (api-facts section 1) and the sandbox must take as
 * MultiSafepay does: odd content types, method overrides, absolute-form targets, amounts
 * as strings, alternative field spellings, extra query parameters and fields.
 */
import { connect } from 'node:net';
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { API_KEY, api, build, orderBody, start } from './helpers/build.js';
import { assertOpenApi } from './helpers/openapi.js';

/** One raw HTTP/1.1 exchange over a socket: what a proxy-style client puts on the wire. */
function rawRequest(port: number, head: string, body = ''): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => {
      sock.write(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headers = '', rest = ''] = text.split('\r\n\r\n', 2);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
      // Fastify answers JSON with a content-length, so the rest is the body as is.
      resolve({ status, headers, body: rest });
    });
  });
}

t.test("Node client: Content-Type 'application/json; charset=UTF-8;' with a trailing semicolon", async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', orderBody(), { headers: { 'content-type': 'application/json; charset=UTF-8;' } });
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'POST', '/orders', res);
});

t.test('Java client: a JSON body sent as application/x-www-form-urlencoded', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', orderBody({ order_id: 'java-1' }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().data.order_id, 'java-1');
});

t.test('Java client: PATCH sent as POST with X-HTTP-Method-Override', async (t) => {
  const app = await build(t);
  await api(app, 'POST', '/orders', orderBody({ order_id: 'java-2' }));
  const res = await api(app, 'POST', '/orders/java-2', { status: 'cancelled' }, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-http-method-override': 'patch' },
  });
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'PATCH', '/orders/java-2', res);
  t.equal((await api(app, 'GET', '/orders/java-2')).json().data.status, 'void');
});

t.test('PHP SDK: Content-Type application/json with an empty body on GET and DELETE', async (t) => {
  const app = await build(t);
  await api(app, 'POST', '/orders', orderBody({ order_id: 'php-1' }));
  const get = await app.inject({ method: 'GET', url: '/v1/json/orders/php-1?locale=en_US', headers: { api_key: API_KEY, 'content-type': 'application/json', 'content-length': '0' } });
  t.equal(get.statusCode, 200, 'GET with an empty JSON body');
  t.equal(get.json().data.order_id, 'php-1');
  const del = await app.inject({ method: 'DELETE', url: '/v1/json/orders/php-1', headers: { api_key: API_KEY, 'content-type': 'application/json', 'content-length': '0' } });
  t.not(del.statusCode, 400, 'DELETE with an empty JSON body is not refused as an empty JSON body');
  t.equal(del.json().success, false);
  t.equal(typeof del.json().error_code, 'number');
});

t.test('PHP SDK: ?locale=en_US is ignored, pretty-printed JSON with unescaped slashes and accept-encoding: application/json', async (t) => {
  const app = await build(t);
  const payload = JSON.stringify(orderBody({ order_id: 'php-2', payment_options: { redirect_url: 'https://shop.example/ok' } }), null, 4);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/json/orders?locale=en_US',
    headers: { api_key: API_KEY, 'content-type': 'application/json', 'accept-encoding': 'application/json' },
    payload,
  });
  t.equal(res.statusCode, 200);
  t.equal((await api(app, 'GET', '/orders/php-2', undefined, { query: { locale: 'de_DE' } })).statusCode, 200);
  t.equal((await api(app, 'GET', '/gateways', undefined, { query: { locale: 'en_US' } })).json().data.length, 1);
});

t.test('the API key from the api_key header, ?api_key=, Authorization: Bearer or api-key', async (t) => {
  const app = await build(t);
  await api(app, 'POST', '/orders', orderBody({ order_id: 'key-1' }));
  const ways: Array<[string, InjectOptions]> = [
    ['api_key header', { method: 'GET', url: '/v1/json/orders/key-1', headers: { api_key: API_KEY } }],
    ['query', { method: 'GET', url: `/v1/json/orders/key-1?api_key=${API_KEY}` }],
    ['Bearer (Python SDK)', { method: 'GET', url: '/v1/json/orders/key-1', headers: { authorization: `Bearer ${API_KEY}` } }],
    ['api-key header', { method: 'GET', url: '/v1/json/orders/key-1', headers: { 'api-key': API_KEY } }],
  ];
  for (const [label, req] of ways) {
    const res = await app.inject(req);
    t.equal(res.statusCode, 200, label);
    t.equal(res.json().data.order_id, 'key-1', `${label} reaches the same site`);
  }
  const basic = await app.inject({ method: 'GET', url: '/v1/json/orders/key-1', headers: { authorization: `Basic ${API_KEY}` } });
  t.equal(basic.statusCode, 401, 'Basic is not a key');
});

t.test('amounts as numeric strings, firstname/lastname, send_mail, nested recurring, unknown fields', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', {
    ...orderBody({ order_id: 'quirks-1', type: 'direct' }),
    amount: '1000',
    customer: { firstname: 'Max', lastname: 'Mustermann', company_name: 'ACME', country: 'DE', locale: 'de-DE' },
    second_chance: { send_mail: true },
    recurring: { model: 'cardOnFile' },
    plugin: { shop: 'multisafepay-node-wrapper', plugin_version: '1.0.1', partner: 'MultiSafepay' },
    payment_options: { close_window: '', notification_url: 'https://shop.example/hook' },
    gateway_info: { account_holder_iban: 'DE89370400440532013000' },
    google_analytics: { account: 'UA-1' },
    manual: false,
    totally_unknown_field: { nested: [1, 2, 3] },
  });
  t.equal(res.statusCode, 200, res.body);
  assertOpenApi(t, 'POST', '/orders', res, { variant: 'Direct order' });
  const order = res.json().data;
  t.equal(order.amount, 1000, 'amount "1000" read as 1000 cents');
  t.equal(order.customer.first_name, 'Max');
  t.equal(order.customer.last_name, 'Mustermann');
  t.equal(order.customer.company_name, 'ACME');
  t.equal(order.customer.locale, 'de_DE', 'de-DE normalised');
  t.equal(order.payment_details.recurring_model, 'cardOnFile', 'nested recurring.model');
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'quirks-1')?.second_chance, true, 'second_chance.send_mail (OpenAPI spelling)');

  await api(app, 'POST', '/orders', orderBody({ order_id: 'quirks-2', second_chance: { send_email: true } }));
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'quirks-2')?.second_chance, true, 'second_chance.send_email (SDK spelling)');
  await api(app, 'POST', '/orders', orderBody({ order_id: 'quirks-3', recurring_model: 'subscription' }));
  t.equal((await api(app, 'GET', '/orders/quirks-3')).json().data.payment_details.recurring_model, 'subscription', 'top-level recurring_model');
  await api(app, 'POST', '/orders', orderBody({ order_id: 'quirks-4', customer: { first_name: 'Erika', country: 'AT' } }));
  t.equal((await api(app, 'GET', '/orders/quirks-4')).json().data.customer.first_name, 'Erika', 'first_name');
});

t.test('trailing slashes and doubled slashes in paths are tolerated', async (t) => {
  const app = await build(t);
  await api(app, 'POST', '/orders/', orderBody({ order_id: 'slash-1' }));
  t.equal((await api(app, 'GET', '/orders/slash-1/')).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/json//gateways', headers: { api_key: API_KEY } })).statusCode, 200);
});

t.test('proxy-style absolute-form request target over a real socket (Node client with HTTPS_PROXY)', async (t) => {
  const s = await start(t);
  const port = Number(new URL(s.url).port);
  const body = JSON.stringify(orderBody({ order_id: 'proxy-1' }));
  const res = await rawRequest(
    port,
    `POST http://testapi.multisafepay.com/v1/json/orders HTTP/1.1\r\nHost: testapi.multisafepay.com\r\napi_key: ${API_KEY}\r\nContent-Type: application/json; charset=UTF-8;\r\nUser-Agent: axios/0.19.2`,
    body,
  );
  t.equal(res.status, 200, res.body);
  const data = JSON.parse(res.body).data;
  t.equal(data.order_id, 'proxy-1');
  const get = await rawRequest(port, `GET https://testapi.multisafepay.com/v1/json/orders/proxy-1?locale=en_US HTTP/1.1\r\nHost: testapi.multisafepay.com\r\napi_key: ${API_KEY}`);
  t.equal(get.status, 200);
  t.equal(JSON.parse(get.body).data.order_id, 'proxy-1');
});

t.test('with publicUrl set, payment_url points there whatever Host the client used', async (t) => {
  const s = await start(t, { publicUrl: 'http://sandbox.test:9000/' });
  const port = Number(new URL(s.url).port);
  const res = await rawRequest(
    port,
    `POST http://testapi.multisafepay.com/v1/json/orders HTTP/1.1\r\nHost: testapi.multisafepay.com\r\napi_key: ${API_KEY}\r\nContent-Type: application/json`,
    JSON.stringify(orderBody()),
  );
  t.equal(res.status, 200);
  t.match(JSON.parse(res.body).data.payment_url, /^http:\/\/sandbox\.test:9000\/connect\/[A-Za-z0-9]{35}\/\?lang=en_US$/);
});

t.test('sites are isolated by API key', async (t) => {
  const app = await build(t);
  await api(app, 'POST', '/orders', orderBody({ order_id: 'shared-id', amount: 1111 }), { key: 'site-one-key' });
  await api(app, 'POST', '/orders', orderBody({ order_id: 'shared-id', amount: 2222 }), { key: 'site-two-key' });
  const one = await api(app, 'GET', '/orders/shared-id', undefined, { key: 'site-one-key' });
  const two = await api(app, 'GET', '/orders/shared-id', undefined, { key: 'site-two-key' });
  t.equal(one.json().data.amount, 1111);
  t.equal(two.json().data.amount, 2222);
  const tx = one.json().data.transaction_id;
  const cross = await api(app, 'GET', `/orders/${tx}`, undefined, { key: 'site-two-key' });
  t.equal(cross.statusCode, 404, "another site cannot read an order by its transaction_id");
  t.equal(cross.json().error_code, 1006);
  const crossPatch = await api(app, 'PATCH', '/orders/shared-id', { status: 'cancelled' }, { key: 'site-three-key' });
  t.equal(crossPatch.statusCode, 404, 'nor cancel it');
  t.equal((await api(app, 'GET', '/orders/shared-id', undefined, { key: 'site-one-key' })).json().data.status, 'initialized');
});
