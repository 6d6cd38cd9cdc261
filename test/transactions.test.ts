import t from 'tap';
import { api, build, createOrder } from './helpers/build.js';
import { HOUR, MINUTE, openApiErrors, pay } from './helpers/after-payment.js';

const START = '2026-03-10T15:00:00Z';
type App = Awaited<ReturnType<typeof build>>;

async function list(app: App, query: Record<string, string> = {}, key?: string) {
  const res = await api(app, 'GET', '/transactions', undefined, { query, ...(key ? { key } : {}) });
  return res;
}

/** Five payments a minute apart (t0..t4), the second paid and partly refunded, the fourth paid. */
async function history(app: App) {
  const clock = app.sandbox.engine.clock;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const o = await createOrder(app, { order_id: `tx-${i}`, amount: 1000 + i, var1: i === 0 ? 'first' : undefined, customer: { country: 'DE', email: `p${i}@example.com`, first_name: 'Jo', last_name: 'Doe' } });
    ids.push(o.order_id);
    await clock.advance(MINUTE);
  }
  pay(app, 'tx-1');
  pay(app, 'tx-3');
  const refund = (await api(app, 'POST', '/orders/tx-1/refunds', { currency: 'EUR', amount: 400, description: 'Partial refund' })).json().data;
  return { ids, refund };
}

t.test('GET /transactions lists payments and refunds newest first, shaped as MultiSafepay does', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { refund } = await history(app);
  const res = await list(app);
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(openApiErrors('GET', '/transactions', 200, body), []);
  t.same(body.data.map((x: { type: string; order_id: string }) => `${x.type}:${x.order_id}`), ['refund:tx-1', 'payment:tx-4', 'payment:tx-3', 'payment:tx-2', 'payment:tx-1', 'payment:tx-0']);
  const [r, , p3, , p1, p0] = body.data;
  t.match(r, {
    type: 'refund', transaction_id: refund.refund_id, amount: 400, net: -400, debit_credit: 'D', status: 'reserved', financial_status: 'initialized',
    payment_method: 'DIRECTBANK', description: 'Partial refund', created: '2026-03-10T16:05:00', currency: 'EUR', costs: [],
  });
  t.notOk('completed' in r, 'a reserved refund has no completed time');
  t.match(p1, { type: 'payment', status: 'partial_refunded', financial_status: 'completed', amount: 1001, net: 1001 - 39, debit_credit: 'C', completed: '2026-03-10T16:05:00' });
  t.same(p1.costs, [{ amount: 39, description: '0.39 EUR For SOFORT Banking Transactions', dst: 'SYSTEM' }], 'the Sofort fee, in cents like every amount here');
  t.match(p3, { status: 'completed', customer: { email: 'p3@example.com', first_name: 'Jo', last_name: 'Doe', iban: /^[A-Z]{2}\d{2}/ } });
  t.match(p0, { status: 'initialized', var1: 'first', var2: '', customer: { iban: '' } });
  t.type(p0.site_id, 'number');
  t.ok(p0.site_id >= 10000 && p0.site_id <= 99999, 'site_id is a 5-digit number');
  t.same(body.pager, { cursor: {}, limit: 100 }, 'one page: no cursors');
  t.equal(refund.transaction_id, p1.transaction_id);

  const other = await list(app, {}, 'another-site-key');
  t.same(other.json().data, [], 'each site sees its own transactions');
});

t.test('filters: type, status, financial_status, payment_method, created and completed ranges, currency', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  await history(app);
  const ids = async (q: Record<string, string>) => (await list(app, q)).json().data.map((x: { type: string; order_id: string }) => `${x.type[0]}:${x.order_id}`);
  t.same(await ids({ type: 'refund' }), ['r:tx-1']);
  t.same(await ids({ type: 'payment', status: 'initialized' }), ['p:tx-4', 'p:tx-2', 'p:tx-0']);
  t.same(await ids({ financial_status: 'completed' }), ['p:tx-3', 'p:tx-1']);
  t.same(await ids({ financial_status: 'reserved' }), ['r:tx-1'], 'reserved finds refunds waiting to settle');
  t.same(await ids({ status: 'partial_refunded' }), ['p:tx-1']);
  t.same(await ids({ payment_method: 'DIRDEB' }), []);
  t.same((await ids({ payment_method: 'DIRDEB,DIRECTBANK' })).length, 6);
  t.same(await ids({ created_from: '2026-03-10T15:02:00', created_until: '2026-03-10 15:03:00' }), ['p:tx-3', 'p:tx-2']);
  t.same(await ids({ created_from: '2026-03-10T16:02:00+01:00', created_until: '2026-03-10T15:03:00Z' }), ['p:tx-3', 'p:tx-2'], 'zones are honoured');
  t.same(await ids({ completed_from: '2026-03-10' }), ['p:tx-3', 'p:tx-1']);
  t.same(await ids({ completed_until: '2026-03-09' }), []);
  t.same(await ids({ currency: 'usd' }), []);
  t.same(await ids({ debit_credit: 'D' }), ['r:tx-1']);
  t.same(await ids({ locale: 'en_US', site_id: '1' }), await ids({}), 'unknown and client-added parameters are ignored');
});

t.test('cursor paging: after walks to older items, before back to newer ones, filters kept in the links', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  await history(app);
  const page1 = (await list(app, { limit: '2', type: 'payment' })).json();
  t.same(page1.data.map((x: { order_id: string }) => x.order_id), ['tx-4', 'tx-3']);
  t.equal(page1.pager.limit, 2);
  t.notOk(page1.pager.before, 'no newer page');
  t.type(page1.pager.cursor.after, 'string');
  const next = new URL(page1.pager.after);
  t.equal(next.pathname, '/v1/json/transactions');
  t.equal(next.searchParams.get('type'), 'payment');
  t.equal(next.searchParams.get('after'), page1.pager.cursor.after);
  t.equal(next.searchParams.get('limit'), '2');

  const page2 = (await list(app, Object.fromEntries(next.searchParams))).json();
  t.same(page2.data.map((x: { order_id: string }) => x.order_id), ['tx-2', 'tx-1']);
  t.type(page2.pager.cursor.before, 'string');
  const page3 = (await list(app, { limit: '2', type: 'payment', after: page2.pager.cursor.after })).json();
  t.same(page3.data.map((x: { order_id: string }) => x.order_id), ['tx-0']);
  t.notOk(page3.pager.cursor.after, 'the last page has no after cursor');
  t.same(openApiErrors('GET', '/transactions', 200, page3), []);

  const back = (await list(app, { limit: '2', type: 'payment', before: page3.pager.cursor.before })).json();
  t.same(back.data.map((x: { order_id: string }) => x.order_id), ['tx-2', 'tx-1'], 'before gives the page just newer than the cursor');
  const top = (await list(app, { limit: '2', type: 'payment', before: back.pager.cursor.before })).json();
  t.same(top.data.map((x: { order_id: string }) => x.order_id), ['tx-4', 'tx-3']);
  t.notOk(top.pager.cursor.before);

  // A new payment while paging does not shift the older pages.
  await createOrder(app, { order_id: 'tx-new' });
  const again = (await list(app, { limit: '2', type: 'payment', after: page1.pager.cursor.after })).json();
  t.same(again.data.map((x: { order_id: string }) => x.order_id), ['tx-2', 'tx-1']);
});

t.test('bad parameters are refused with the field and the fix', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ limit: '0' }, /limit must be a whole number from 1 to 1000/],
    [{ limit: '1001' }, /limit must be a whole number from 1 to 1000/],
    [{ status: 'paid' }, /status must be one of cancelled, chargeback, completed/],
    [{ financial_status: 'nope' }, /financial_status must be one of/],
    [{ type: 'gift' }, /type must be one of/],
    [{ created_from: 'yesterday' }, /created_from must be a date or time such as 2026-01-31/],
    [{ created_until: '2026-02-30' }, /created_until must be a date or time/],
    [{ after: 'garbage' }, /after is not a cursor this sandbox gave out/],
    [{ after: 'MTox', before: 'MTox' }, /either after or before, not both/],
  ];
  for (const [q, info] of cases) {
    const res = await list(app, q);
    t.equal(res.statusCode, 400, JSON.stringify(q));
    t.equal(res.json().error_code, 1016);
    t.match(res.json().sandbox_hint, info);
  }
});

t.test('GET /transactions/{id} returns one payment or one refund; unknown ids are 404', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { refund } = await history(app);
  const pay1 = await api(app, 'GET', `/transactions/${refund.transaction_id}`);
  t.equal(pay1.statusCode, 200);
  t.match(pay1.json().data, { type: 'payment', order_id: 'tx-1', status: 'partial_refunded' });
  t.same(openApiErrors('GET', `/transactions/${refund.transaction_id}`, 200, pay1.json()), []);
  const ref = await api(app, 'GET', `/transactions/${refund.refund_id}`);
  t.match(ref.json().data, { type: 'refund', transaction_id: refund.refund_id, amount: 400 });
  await app.sandbox.engine.clock.advance(10 * HOUR);
  t.match((await api(app, 'GET', `/transactions/${refund.refund_id}`)).json().data, { status: 'completed', financial_status: 'completed', completed: '2026-03-11T01:00:00' });
  for (const id of ['123', 'abc']) {
    const res = await api(app, 'GET', `/transactions/${id}`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().error_code, 1000);
  }
  t.equal((await api(app, 'GET', `/transactions/${refund.refund_id}`, undefined, { key: 'another-site-key' })).statusCode, 404);
});
