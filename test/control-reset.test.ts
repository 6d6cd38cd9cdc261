/**
 * POST /_sandbox/reset starts a site over: every feature forgets its per-site state
 * (orders, recurring tokens, refund ids, Second Chance outbox, bank sessions, notifications,
 * rules, journal, its own clock) and the summary counts what each forgot.
 */
import t from 'tap';
import { newOrder, post } from './helpers/pages.js';
import { API_KEY, OTHER_KEY, sandbox } from './helpers/control.js';

t.test('a reset site forgets its tokens, refunds, outbox, bank sessions and notifications', async (t) => {
  const { s, control, api, createOrder } = await sandbox(t);
  const customer = { locale: 'de_DE', country: 'DE', email: 'sub@example.com', reference: 'cust-1' };
  // A paid first payment with a token, and a refund of it.
  const paid = await createOrder({ order_id: 'paid-1', recurring_model: 'subscription', customer });
  await control.outcome(paid, 'completed', { delay: 0 });
  t.equal((await api('GET', '/recurring/cust-1')).json.data.tokens.length, 1, 'a token before the reset');
  t.equal((await api('POST', `/orders/${paid}/refunds`, { currency: 'EUR', amount: 100 })).status, 200);
  // The other site has a token too.
  await createOrder({ order_id: 'other-1', recurring_model: 'subscription', customer }, OTHER_KEY);
  await control.forSite(OTHER_KEY).outcome('other-1', 'completed', { delay: 0 });
  // An unpaid order with Second Chance, reminded after an hour.
  await createOrder({ order_id: 'remind-1', second_chance: { send_email: true } });
  // A shopper in the fake bank.
  const atBank = await newOrder(s.app, {}, API_KEY);
  t.equal((await post(s.app, atBank.path, { scenario: 'completed' })).statusCode, 303);
  t.equal((await post(s.app, `/bank/${atBank.session}/bank`, { bank: 'de-commerzbank' })).statusCode, 303);
  await control.advance('1h');
  t.equal((await control.outbox()).length, 1, 'a reminder in the outbox before the reset');

  const summary = await control.reset();
  t.match(summary, {
    site: API_KEY,
    orders: 3,
    recurring_tokens: 1,
    refund_ids: 1,
    second_chance_emails: 1,
    bank_sessions: 1,
    notifications: Number,
    journal: Number,
    scenario_rules: 0,
    failure_rules: 0,
    site_clocks: 0,
  });
  t.ok(summary.notifications > 0, 'the site had notifications, and they are counted');

  const tokens = await api('GET', '/recurring/cust-1');
  t.match(tokens, { status: 404, json: { success: false, error_code: 1000 } }, 'the token is gone with its payment');
  t.same(await control.outbox(), []);
  t.same(await control.refunds(), []);
  t.same(await control.webhooks(), []);
  t.equal((await api('GET', `/orders/${paid}`)).json.error_code, 1006);
  t.equal((await api('GET', '/recurring/cust-1', undefined, OTHER_KEY)).json.data.tokens.length, 1, 'the other site keeps its token');

  // The order id can be paid again from scratch.
  await createOrder({ order_id: 'paid-1', recurring_model: 'subscription', customer });
  await control.outcome('paid-1', 'completed', { delay: 0 });
  t.equal((await api('GET', '/recurring/cust-1')).json.data.tokens.length, 1, 'one new token, not two');

  const all = await control.forSite(null).reset();
  t.match(all, { site: null, recurring_tokens: 2, orders: 2 });
});
