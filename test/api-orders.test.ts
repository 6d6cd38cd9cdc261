/**
 * POST /orders, GET /orders/{id}, PATCH /orders/{id}: what a merchant's code sees, each
 * body checked against MultiSafepay's OpenAPI response schema.
 */
import t from 'tap';
import { simulatedPayer } from '../src/engine/payer.js';
import { API_KEY, api, build, createOrder, orderBody } from './helpers/build.js';
import { assertOpenApi } from './helpers/openapi.js';

t.test('POST /orders type redirect answers order_id, payment_url and session_id', async (t) => {
  const app = await build(t);
  const body = orderBody({ order_id: 'redirect-1', customer: { locale: 'de_DE', country: 'DE' } });
  const res = await api(app, 'POST', '/orders', body);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  assertOpenApi(t, 'POST', '/orders', res, { variant: 'Redirect order' });
  const { success, data } = res.json();
  t.equal(success, true);
  t.same(Object.keys(data).sort(), ['order_id', 'payment_url', 'session_id'], 'only the short redirect shape');
  t.equal(data.order_id, 'redirect-1');
  t.match(data.session_id, /^[A-Za-z0-9]{35}$/);
  t.equal(data.payment_url, `http://localhost:80/connect/${data.session_id}/?lang=de_DE`, 'payment page on this sandbox, in the customer locale');
});

t.test('a redirect order without a gateway is accepted (the payment page lets the shopper choose)', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', orderBody({ gateway: undefined }));
  t.equal(res.statusCode, 200);
  const get = await api(app, 'GET', `/orders/${res.json().data.order_id}`);
  assertOpenApi(t, 'GET', '/orders/x', get);
  t.equal(get.json().data.payment_details.type, null, 'no payment method chosen yet');
  t.same(get.json().data.payment_methods, []);
});

t.test('POST /orders type paymentlink answers like redirect', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', orderBody({ type: 'paymentlink', gateway: '' }));
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'POST', '/orders', res, { variant: 'Redirect order' });
  t.match(res.json().data.payment_url, /\/connect\/[A-Za-z0-9]{35}\/\?lang=en_US$/);
});

t.test('POST /orders type direct answers the full order plus payment_url to the bank', async (t) => {
  const app = await build(t);
  const body = orderBody({ type: 'direct', order_id: 'direct-1', amount: 9743 });
  const res = await api(app, 'POST', '/orders', body);
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'POST', '/orders', res, { variant: 'Direct order' });
  const { data } = res.json();
  t.equal(data.order_id, 'direct-1');
  t.equal(data.amount, 9743);
  t.equal(data.currency, 'EUR');
  t.equal(data.status, 'initialized');
  t.equal(data.financial_status, 'initialized');
  t.equal(data.payment_details.type, 'DIRECTBANK');
  t.equal(data.payment_methods[0].payment_description, 'SOFORT Banking');
  t.equal(data.payment_methods[0].type, 'DIRECTBANK');
  t.equal(data.cancel_url, 'https://shop.example/cancel');
  t.match(data.payment_url, /^http:\/\/localhost:80\/bank\/[A-Za-z0-9]{35}\/\?lang=en_US$/, 'direct goes straight to the bank');
  t.ok(Number.isSafeInteger(data.transaction_id) && data.transaction_id > 0, 'transaction_id is an integer below 2^53');
  t.same(data.costs, []);
  t.equal(data.related_transactions, null);
  t.match(data.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, "MultiSafepay's timestamp format");
});

t.test('GET /orders/{id} finds the order by order_id and by transaction_id', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app, { var1: 'a', var2: 'b', var3: 'c', custom_info: { custom_1: 'x' } });
  const byId = await api(app, 'GET', `/orders/${order_id}`);
  t.equal(byId.statusCode, 200);
  assertOpenApi(t, 'GET', `/orders/${order_id}`, byId);
  const order = byId.json().data;
  t.equal(order.order_id, order_id);
  t.equal(order.description, 'Test order');
  t.same([order.var1, order.var2, order.var3], ['a', 'b', 'c']);
  t.same(order.custom_info, { custom_1: 'x', custom_2: null, custom_3: null });
  t.equal(order.customer.country, 'DE');
  t.equal(order.customer.country_name, 'Germany');
  t.equal(order.customer.email, 'shopper@example.com');
  t.equal(order.amount_refunded, 0);
  t.equal(order.fastcheckout, 'NO');

  const byTx = await api(app, 'GET', `/orders/${order.transaction_id}`);
  t.equal(byTx.statusCode, 200);
  t.same(byTx.json(), byId.json(), 'same order either way');
});

t.test('order ids with reserved characters round-trip through the URL', async (t) => {
  const app = await build(t);
  for (const id of ['shop/2024/0001', 'a b%c', 'ümlaut-1', '#42?x=1']) {
    await createOrder(app, { order_id: id });
    const res = await api(app, 'GET', `/orders/${encodeURIComponent(id)}`);
    t.equal(res.statusCode, 200, `GET ${id}`);
    t.equal(res.json().data.order_id, id);
  }
});

t.test('a numeric order_id is echoed back as a number, as MultiSafepay does', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', orderBody({ order_id: 123456 }));
  t.equal(res.statusCode, 200);
  t.equal(res.json().data.order_id, 123456);
  const get = await api(app, 'GET', '/orders/123456');
  t.equal(get.json().data.order_id, 123456);
});

t.test('an unpaid order_id may be used again: the new attempt replaces the old one', async (t) => {
  const app = await build(t);
  const first = await api(app, 'POST', '/orders', orderBody({ order_id: 'retry-1', amount: 1000 }));
  const second = await api(app, 'POST', '/orders', orderBody({ order_id: 'retry-1', amount: 1500 }));
  t.equal(second.statusCode, 200);
  t.not(second.json().data.session_id, first.json().data.session_id, 'a new payment session');
  const get = await api(app, 'GET', '/orders/retry-1');
  t.equal(get.json().data.amount, 1500, 'GET by order_id shows the latest attempt');
});

t.test('PATCH status cancelled voids an unpaid order', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app);
  const res = await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled', exclude_order: true });
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'PATCH', `/orders/${order_id}`, res, { variant: 'Cancel order' });
  t.same(res.json(), { success: true, data: {} });
  const order = (await api(app, 'GET', `/orders/${order_id}`)).json().data;
  t.equal(order.status, 'void');
  t.equal(order.financial_status, 'cancelled');

  const again = await api(app, 'PATCH', `/orders/${order_id}`, { status: 'cancelled' });
  t.equal(again.statusCode, 422, 'a void order cannot be cancelled again');
  t.equal(again.json().error_code, 1021);
  assertOpenApi(t, 'PATCH', `/orders/${order_id}`, again);
});

t.test('PATCH status shipped records track-and-trace on a paid order', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app);
  const unpaid = await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped', tracktrace_code: '3SABCD' });
  t.equal(unpaid.statusCode, 422, 'an unpaid order cannot ship');
  t.equal(unpaid.json().error_code, 1021);
  t.match(unpaid.json().sandbox_hint, /paid/);

  const engine = app.sandbox.engine;
  const tx = (await api(app, 'GET', `/orders/${order_id}`)).json().data.transaction_id;
  engine.transition(API_KEY, tx, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'control');
  const res = await api(app, 'PATCH', `/orders/${order_id}`, {
    status: 'shipped',
    tracktrace_code: '3SABCD',
    tracktrace_url: 'https://track.example/3SABCD',
    carrier: 'DHL',
    ship_date: '2026-01-02',
    invoice_id: 'INV-1',
  });
  t.equal(res.statusCode, 200);
  assertOpenApi(t, 'PATCH', `/orders/${order_id}`, res, { variant: 'Ship order' });
  const order = (await api(app, 'GET', `/orders/${order_id}`)).json().data;
  t.equal(order.status, 'shipped');
  t.equal(order.financial_status, 'completed');
});

t.test('PATCH with invoice fields only changes no status', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app);
  const res = await api(app, 'PATCH', `/orders/${order_id}`, { invoice_id: 'INV-9', invoice_url: 'https://shop.example/inv/9' });
  t.equal(res.statusCode, 200);
  t.equal((await api(app, 'GET', `/orders/${order_id}`)).json().data.status, 'initialized');
});

t.test('PATCH with a status the API cannot set is refused with 1016', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app);
  for (const status of ['completed', 'refunded', 42, ['cancelled']]) {
    const res = await api(app, 'PATCH', `/orders/${order_id}`, { status });
    t.equal(res.statusCode, 400, `status ${JSON.stringify(status)}`);
    t.equal(res.json().error_code, 1016);
    t.match(res.json().sandbox_hint, /cancelled|shipped/);
  }
  const notObject = await api(app, 'PATCH', `/orders/${order_id}`, '["cancelled"]');
  t.equal(notObject.statusCode, 400);
  t.equal(notObject.json().error_code, 1016);
  t.equal((await api(app, 'GET', `/orders/${order_id}`)).json().data.status, 'initialized', 'nothing changed');
});

t.test('the customer and delivery blocks are stored and echoed in MultiSafepay shape', async (t) => {
  const app = await build(t);
  const { order_id } = await createOrder(app, {
    customer: {
      locale: 'de_DE', first_name: 'Max', last_name: 'Mustermann', address1: 'Hauptstr.', house_number: '1',
      zip_code: '10115', city: 'Berlin', country: 'de', phone: '+49301234', email: 'max@example.com',
      ip_address: '2001:db8::1', forwarded_ip: '10.0.0.1', reference: 'cust-1',
    },
    delivery: { first_name: 'Erika', country: 'DE' },
  });
  const res = await api(app, 'GET', `/orders/${order_id}`);
  assertOpenApi(t, 'GET', `/orders/${order_id}`, res);
  const c = res.json().data.customer;
  t.match(c, { locale: 'de_DE', first_name: 'Max', last_name: 'Mustermann', zip_code: '10115', city: 'Berlin', country: 'DE', country_name: 'Germany', phone1: '+49301234', reference: 'cust-1' });
});
