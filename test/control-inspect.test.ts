/**
 * Inspection and reset: order lists and timelines, the bounded request journal, the
 * long-poll wait (status, acknowledged webhook, timeout), reset of a site or everything.
 */
import t from 'tap';
import { API_KEY, OTHER_KEY, receiver, refusal, sandbox } from './helpers/control.js';

t.test('orders of a site, filtered, and one order with its timeline', async (t) => {
  const { control, createOrder, api } = await sandbox(t);
  const a = await createOrder({ order_id: 'list-a', description: 'Blue shoes' });
  const b = await createOrder({ order_id: 'list-b' });
  await createOrder({ order_id: 'list-c' }, OTHER_KEY);
  await control.outcome(b, 'completed', { delay: 0 });
  await api('PATCH', `/orders/${a}`, { status: 'cancelled' });

  t.same((await control.orders()).map((o) => o.order_id).sort(), ['list-a', 'list-b'], 'a site sees only its orders');
  t.same((await control.orders({ status: 'completed' })).map((o) => o.order_id), ['list-b']);
  t.same((await control.orders({ q: 'blue' })).map((o) => o.order_id), ['list-a']);
  t.same((await control.forSite(null).orders()).length, 3, 'without a key: every site');
  // A JavaScript caller (no types) can still send it: the server refuses it too.
  // @ts-expect-error -- 'paid' is not a status; the client's types refuse it
  const bad = await refusal(t, () => control.orders({ status: 'paid' }));
  t.match(bad, { status: 400, code: 'unknown_status', message: /"paid" is not a status/ });

  const detail = await control.order(b);
  t.match(detail, { order_id: 'list-b', status: 'completed', order: { order_id: 'list-b', status: 'completed', payment_details: {} } });
  t.same(detail.timeline.map((e) => [e.cause, e.action]), [['api', 'create'], ['control', 'update'], ['control', 'authorise']]);
  t.same((await control.timeline(a)).map((e) => [e.cause, e.action, e.to.status]), [['api', 'create', 'initialized'], ['api', 'cancel', 'void']]);
  t.match((await control.order(detail.transaction_id)).order_id, 'list-b', 'found by transaction_id too');
  t.match(await refusal(t, () => control.order('nope')), { status: 404, code: 'order_not_found' });
  // The same order_id on two sites: without a key the sandbox cannot tell which.
  await createOrder({ order_id: 'list-a' }, OTHER_KEY);
  t.match(await refusal(t, () => control.forSite(null).order('list-a')), { status: 409, code: 'ambiguous_order' });
});

t.test('the request journal is bounded, newest first, per site, api_key masked', async (t) => {
  const { control, api, s } = await sandbox(t, { journalSize: 3 });
  for (let i = 0; i < 4; i++) await api('GET', `/orders/j-${i}`);
  await fetch(`${s.apiUrl}orders/j-q?api_key=${OTHER_KEY}`);
  const mine = await control.journal();
  t.same(mine.map((e) => e.order_id), ['j-3', 'j-2'], 'the oldest calls fell out of the ring of 3');
  t.match(mine[0], { method: 'GET', url: '/v1/json/orders/j-3', status: 404, error_code: 1006, site: API_KEY, outcome: 'answered', at: '2026-03-02T10:00:00.000Z' });
  const all = await control.forSite(null).journal();
  t.equal(all.length, 3);
  t.equal(all[0]?.url, '/v1/json/orders/j-q?api_key=***', 'a key in the query is masked');
  t.same((await control.journal({ limit: 1 })).length, 1);
  await control.request('DELETE', '/journal');
  t.same(await control.journal(), []);
  t.equal((await control.forSite(null).journal()).length, 1, 'clearing one site keeps the others');
});

t.test('wait: answers when the order gets there, at once if it is there, 408 on timeout', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const id = await createOrder();
  await control.outcome(id, 'uncleared', { delay: '1h' });
  const waiting = control.waitFor(id, 'completed', { timeout: '1m' });
  await control.advance('1h');
  t.equal((await control.order(id)).status, 'uncleared');
  await control.advance('24h');
  const reached = await waiting;
  t.match(reached, { reached: true, order_id: id, status: 'completed' });
  t.match(await control.waitFor(id, 'completed'), { reached: true }, 'already there: answers at once');
  t.match(await control.waitFor(id, 'uncleared').catch((e: Error) => e), { status: 408 }, 'a status it passed is not where it is now');

  const stuck = await createOrder();
  const err = await refusal(t, () => control.waitFor(stuck, 'completed', { timeout: '50ms' }));
  t.match(err, { status: 408, code: 'wait_timeout', message: /did not reach status completed within 50ms: it is initialized .*advance it/ });
  // @ts-expect-error -- 'paid' is not a status; the client's types refuse it
  t.match(await refusal(t, () => control.waitFor(stuck, 'paid')), { status: 400, code: 'unknown_status' });
  t.match(await refusal(t, () => control.waitFor(stuck, 'completed', { timeout: '5m' })), { status: 400, message: /at most 2m/ });
  t.match(await refusal(t, () => control.waitFor(stuck, null)), { status: 400, message: /say what to wait for/ });

  // An order that does not exist yet is waited for too.
  const future = control.waitFor('made-later', 'declined', { timeout: '1m' });
  await control.scenario('declined', { match: { order_id: 'made-later' }, delay: 0 });
  await createOrder({ order_id: 'made-later' });
  t.match(await future, { reached: true, status: 'declined' });
});

t.test('wait for an acknowledged webhook', async (t) => {
  let answer = { status: 503, body: 'busy' };
  const hook = await receiver(t, () => answer);
  const { control, createOrder } = await sandbox(t);
  const id = await createOrder({ payment_options: { notification_url: hook.url, redirect_url: 'https://shop.example/ok' } });
  await control.outcome(id, 'completed', { delay: 0 });
  const acked = control.waitFor(id, 'completed', { webhookAcked: true, timeout: '1m' });
  await control.advance('5s');
  t.equal(hook.hits.length, 1, 'first attempt refused by the receiver');
  answer = { status: 200, body: 'OK' };
  await control.advance('15m');
  const r = await acked;
  t.match(r, { reached: true, status: 'completed' });
  t.equal(hook.hits.length, 2, 'the retry was acknowledged');
  t.match(await control.waitFor(id, null, { webhookAcked: true }), { reached: true }, 'webhook alone');
});

t.test('reset one site, or everything, in one call', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const other = control.forSite(OTHER_KEY);
  await createOrder({ order_id: 'r-1' });
  await createOrder({ order_id: 'r-2' }, OTHER_KEY);
  await control.scenario('declined');
  await control.failure('error');
  await other.scenario('completed');
  await control.ownClock();
  await control.advance('3h');
  const waiting = control.waitFor('r-1', 'completed', { timeout: '1m' }).catch((e: Error) => e);

  const r = await control.reset();
  t.match(r, { site: API_KEY, orders: 1, scenario_rules: 1, failure_rules: 1, journal: 1, site_clocks: 1, recurring_tokens: 0, refund_ids: 0, second_chance_emails: 0 });
  t.match(await waiting, { status: 409, message: /reset while waiting/ }, 'a pending wait learns of the reset');
  t.same(await control.orders(), []);
  t.same(await control.scenarios(), []);
  t.same(await control.failures(), []);
  t.equal((await control.clock()).clock, 'sandbox');
  t.equal((await other.orders()).length, 1, 'the other site keeps its orders');
  t.equal((await other.scenarios()).length, 1, 'and its rules');

  const all = await control.forSite(null).reset();
  t.match(all, { site: null, orders: 1, scenario_rules: 1 });
  t.same(await control.forSite(null).orders(), []);
  t.match(await refusal(t, () => control.request('POST', '/reset', { everything: true })), { status: 400, message: /everything: this call takes no fields/ });
});
