import t from 'tap';
import { api, build, createOrder, start } from './helpers/build.js';
import { DAY, HOUR, control, openApiErrors, pay } from './helpers/after-payment.js';
import { receiver } from './helpers/control.js';

const START = '2026-03-10T15:00:00Z';
type App = Awaited<ReturnType<typeof build>>;
let subCounter = 0;

/** A first payment that asks for a token, paid at the bank; returns the token from the order. */
async function subscribe(app: App, reference = 'customer-42', model = 'subscription') {
  const first = await createOrder(app, { recurring_model: model, customer: { locale: 'de_DE', country: 'DE', email: 'sub@example.com', reference } });
  pay(app, first.order_id);
  const order = (await api(app, 'GET', `/orders/${first.order_id}`)).json().data;
  return { first, order, token: order.payment_details.recurring_id as string };
}

function laterPayment(token: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'direct',
    order_id: `sub-${++subCounter}`,
    currency: 'EUR',
    amount: 999,
    description: 'Monthly subscription',
    recurring_id: token,
    recurring_model: 'subscription',
    customer: { reference: 'customer-42', email: 'sub@example.com' },
    ...overrides,
  };
}

t.test('a Sofort first payment with recurring_model and customer.reference leaves a token on the order', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const first = await createOrder(app, { recurring_model: 'subscription', customer: { locale: 'de_DE', country: 'DE', reference: 'customer-42' } });
  const unpaid = (await api(app, 'GET', `/orders/${first.order_id}`)).json().data;
  t.equal(unpaid.payment_details.recurring_id, null, 'no token before the payment');
  pay(app, first.order_id);
  const res = await api(app, 'GET', `/orders/${first.order_id}`);
  const order = res.json().data;
  t.same(openApiErrors('GET', `/orders/${first.order_id}`, 200, res.json()), []);
  t.equal(order.status, 'completed');
  t.match(order.payment_details, { type: 'DIRECTBANK', recurring_model: 'subscription', recurring_id: /^[A-Za-z0-9]{10}$/ });

  const list = await api(app, 'GET', '/recurring/customer-42');
  t.equal(list.statusCode, 200);
  t.same(openApiErrors('GET', '/recurring/customer-42', 200, list.json()), []);
  t.same(list.json().data.tokens, [{
    token: order.payment_details.recurring_id,
    code: 'DIRDEB',
    display: `${order.payment_details.account_iban.slice(0, 4)} **** ${order.payment_details.account_iban.slice(-4)}`,
    name_holder: order.payment_details.account_holder_name,
    expiry_date: '',
    expired: 0,
    last4: order.payment_details.account_iban.slice(-4),
    model: 'subscription',
    recurring_model: 'subscription',
  }]);
  const one = await api(app, 'GET', `/recurring/customer-42/token/${order.payment_details.recurring_id}`);
  t.equal(one.statusCode, 200);
  t.same(openApiErrors('GET', `/recurring/customer-42/token/${order.payment_details.recurring_id}`, 200, one.json()), []);
  t.same(one.json().data, list.json().data.tokens[0]);
});

t.test("a subscription's later payments are charged to the token's account without the bank pages, as direct debit", async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order: firstOrder, token } = await subscribe(app);

  const body = laterPayment(token);
  const res = await api(app, 'POST', '/orders', body);
  t.equal(res.statusCode, 200);
  t.same(openApiErrors('POST', '/orders', 200, res.json()), []);
  const second = res.json().data;
  t.match(second, {
    order_id: body.order_id,
    status: 'completed',
    financial_status: 'completed',
    amount: 999,
    payment_details: {
      type: 'DIRDEB',
      recurring_id: token,
      recurring_model: 'subscription',
      account_iban: firstOrder.payment_details.account_iban,
      account_holder_name: firstOrder.payment_details.account_holder_name,
    },
    payment_methods: [{ type: 'DIRDEB', payment_description: 'Direct Debit', status: 'completed' }],
  });
  t.equal(second.customer.reference, 'customer-42');

  // A month later, the next charge on the same token (an amount from 100 EUR clears after a day, like any Sofort-born payment).
  await app.sandbox.engine.clock.advance(30 * DAY);
  const third = (await api(app, 'POST', '/orders', laterPayment(token, { amount: 15000, gateway: 'DIRDEB' }))).json().data;
  t.equal(third.status, 'uncleared');
  await app.sandbox.engine.clock.advance(DAY);
  t.equal((await api(app, 'GET', `/orders/${third.order_id}`)).json().data.status, 'completed');
  t.equal((await api(app, 'GET', '/recurring/customer-42')).json().data.tokens.length, 1, 'later payments make no new tokens');
});

t.test('a later payment follows a test scenario like any order (request marker: declined)', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { token } = await subscribe(app);
  const res = await api(app, 'POST', '/orders', laterPayment(token, { var3: 'sandbox:declined' }));
  t.equal(res.statusCode, 200);
  const id = res.json().data.order_id;
  // The control plane plays a token payment's scenario right after create-order answered.
  await new Promise((r) => setImmediate(r));
  const order = (await api(app, 'GET', `/orders/${id}`)).json().data;
  t.equal(order.status, 'declined');
  t.equal(order.payment_details.type, 'DIRDEB');
});

t.test('with recurring.chargeDelayMs the token payment is charged that much later on the sandbox clock', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, recurring: { chargeDelayMs: 2 * HOUR } });
  const { token } = await subscribe(app);
  const created = (await api(app, 'POST', '/orders', laterPayment(token))).json().data;
  t.equal(created.status, 'initialized');
  await app.sandbox.engine.clock.advance(2 * HOUR - 1);
  t.equal((await api(app, 'GET', `/orders/${created.order_id}`)).json().data.status, 'initialized');
  await app.sandbox.engine.clock.advance(1);
  t.equal((await api(app, 'GET', `/orders/${created.order_id}`)).json().data.status, 'completed');
});

t.test('unknown tokens, tokens of another customer or site, and a missing reference are refused; no order is made', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { token } = await subscribe(app);
  const cases: Array<[string, Record<string, unknown>, string, number, number, RegExp]> = [
    ['unknown token', laterPayment('NoSuchTok1'), 'test-api-key-0001', 404, 1000, /^Not found: no token NoSuchTok1 for customer reference customer-42/],
    ['another customer', laterPayment(token, { customer: { reference: 'someone-else' } }), 'test-api-key-0001', 404, 1000, /^Not found: no token .* for customer reference someone-else/],
    ['another site', laterPayment(token), 'other-site-key-9', 404, 1000, /^Not found/],
    ['no reference', laterPayment(token, { customer: { email: 'sub@example.com' } }), 'test-api-key-0001', 400, 1016, /customer.reference is required with recurring_id/],
  ];
  for (const [what, body, key, http, code, info] of cases) {
    const res = await api(app, 'POST', '/orders', body, { key });
    t.equal(res.statusCode, http, what);
    t.equal(res.json().error_code, code, what);
    t.match(res.json().sandbox_hint, info, what);
    t.equal((await api(app, 'GET', `/orders/${String(body.order_id)}`, undefined, { key })).statusCode, 404, `${what}: no order`);
  }
});

t.test('no token without customer.reference, without recurring_model, or when the payment fails', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const noRef = await createOrder(app, { recurring_model: 'cardOnFile' });
  pay(app, noRef.order_id);
  t.equal((await api(app, 'GET', `/orders/${noRef.order_id}`)).json().data.payment_details.recurring_id, null);
  const noModel = await createOrder(app, { customer: { country: 'DE', reference: 'c-1' } });
  pay(app, noModel.order_id);
  t.equal((await api(app, 'GET', `/orders/${noModel.order_id}`)).json().data.payment_details.recurring_id, null);
  const cancelled = await createOrder(app, { recurring_model: 'unscheduled', customer: { country: 'DE', reference: 'c-1' } });
  await api(app, 'PATCH', `/orders/${cancelled.order_id}`, { status: 'cancelled' });
  const none = await api(app, 'GET', '/recurring/c-1');
  t.equal(none.statusCode, 404);
  t.same(none.json(), { success: false, data: {}, error_code: 1000, error_info: 'Not found', sandbox_hint: 'Not found: no tokens for customer reference c-1 on this site' });
  t.same(openApiErrors('GET', '/recurring/c-1', 404, none.json()), []);
});

t.test('a token can be updated (expiry_date) and removed; a removed token charges nothing', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { token } = await subscribe(app, 'customer-42', 'cardOnFile');
  const upd = await api(app, 'PATCH', `/recurring/customer-42/update/${token}`, { expiry_date: '2512' });
  t.equal(upd.statusCode, 200);
  t.same(upd.json(), { success: true, data: { updated: true } });
  t.same(openApiErrors('PATCH', `/recurring/customer-42/update/${token}`, 200, upd.json()), []);
  t.equal((await api(app, 'GET', `/recurring/customer-42/token/${token}`)).json().data.expiry_date, '2512');
  const bad = await api(app, 'PATCH', `/recurring/customer-42/update/${token}`, { expiry_date: '25-12' });
  t.equal(bad.json().error_code, 1016);
  t.match(bad.json().sandbox_hint, /expiry_date must be YYMM/);
  t.equal((await api(app, 'PATCH', '/recurring/customer-42/update/nope', { expiry_date: '2512' })).json().error_code, 1000);

  const del = await api(app, 'DELETE', `/recurring/customer-42/remove/${token}`);
  t.same(del.json(), { success: true, data: { removed: true } });
  t.same(openApiErrors('DELETE', `/recurring/customer-42/remove/${token}`, 200, del.json()), []);
  const again = await api(app, 'DELETE', `/recurring/customer-42/remove/${token}`);
  t.equal(again.statusCode, 404);
  t.equal(again.json().error_code, 1000);
  t.equal((await api(app, 'GET', `/recurring/customer-42/token/${token}`)).json().error_code, 1000);
  t.equal((await api(app, 'POST', '/orders', laterPayment(token))).json().error_code, 1000);
});

t.test('tokens list paging (limit/offset) and the control plane view of tokens', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const a = await subscribe(app);
  await app.sandbox.engine.clock.advance(HOUR);
  const b = await subscribe(app);
  t.not(a.token, b.token);
  t.same((await api(app, 'GET', '/recurring/customer-42')).json().data.tokens.map((x: { token: string }) => x.token), [a.token, b.token]);
  t.same((await api(app, 'GET', '/recurring/customer-42', undefined, { query: { limit: '1', offset: '1' } })).json().data.tokens.map((x: { token: string }) => x.token), [b.token]);
  t.equal((await api(app, 'GET', '/recurring/customer-42', undefined, { query: { limit: 'x' } })).json().error_code, 1016);
  const view = await control(app, 'GET', '/recurring/tokens?reference=customer-42');
  t.match(view.body.tokens, [{ reference: 'customer-42', token: a.token, transaction_id: a.order.transaction_id }, { token: b.token }]);
});

t.test("the first payment's notification carries the new token (payment_details.recurring_id)", async (t) => {
  const hook = await receiver(t);
  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } });
  const app = s.app;
  const first = await createOrder(app, { recurring_model: 'subscription', payment_options: { notification_url: hook.url }, customer: { country: 'DE', reference: 'customer-42' } });
  pay(app, first.order_id);
  await app.sandbox.engine.clock.advance(0);
  const token = (await api(app, 'GET', `/orders/${first.order_id}`)).json().data.payment_details.recurring_id;
  t.match(token, /^[A-Za-z0-9]{10}$/);
  t.equal(hook.hits.length, 1);
  const body = JSON.parse(hook.hits[0]!.body);
  t.equal(body.status, 'completed');
  t.equal(body.payment_details.recurring_id, token);
});
