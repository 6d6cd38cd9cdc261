import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, build, createOrder, start } from './helpers/build.js';
import { DAY, MINUTE, control, openApiErrors, pay } from './helpers/after-payment.js';

const START = '2026-03-10T15:00:00Z';

async function paidOrder(app: Awaited<ReturnType<typeof build>>, overrides: Record<string, unknown> = {}) {
  const o = await createOrder(app, overrides);
  pay(app, o.order_id);
  return o;
}

async function getOrder(app: Awaited<ReturnType<typeof build>>, id: string) {
  return (await api(app, 'GET', `/orders/${id}`)).json().data;
}

t.test('a full refund (no amount): refund_id answered, order refunded, refund reserved in related_transactions', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const before = await getOrder(app, order_id);
  const res = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', description: 'Returned goods' });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(openApiErrors('POST', `/orders/${order_id}/refunds`, 200, body), []);
  t.equal(body.success, true);
  t.equal(body.data.transaction_id, before.transaction_id, 'transaction_id is the original payment');
  t.type(body.data.refund_id, 'number');
  t.not(body.data.refund_id, before.transaction_id);

  const after = await getOrder(app, order_id);
  t.equal(after.status, 'refunded');
  t.equal(after.financial_status, 'completed', 'the payment stays completed');
  t.equal(after.amount_refunded, 1000);
  t.equal(after.related_transactions.length, 1);
  t.match(after.related_transactions[0], {
    amount: 1000, currency: 'EUR', description: 'Returned goods', status: 'reserved', type: 'refund',
    transaction_id: body.data.refund_id, order_id, refund_order_id: order_id, created: '2026-03-10T16:00:00',
  });
  t.same(openApiErrors('GET', `/orders/${order_id}`, 200, { success: true, data: after }), []);
});

t.test('amount 0 is a full refund too; amounts may be numeric strings', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const a = await paidOrder(app);
  t.equal((await api(app, 'POST', `/orders/${a.order_id}/refunds`, { currency: 'EUR', amount: 0 })).statusCode, 200);
  t.equal((await getOrder(app, a.order_id)).amount_refunded, 1000);
  const b = await paidOrder(app);
  t.equal((await api(app, 'POST', `/orders/${b.order_id}/refunds`, { currency: 'eur', amount: '300' })).statusCode, 200);
  const ob = await getOrder(app, b.order_id);
  t.equal(ob.amount_refunded, 300);
  t.equal(ob.status, 'partial_refunded');
});

t.test('partial refunds grow amount_refunded until the order is refunded; more than remains is 1034', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app, { amount: 5000 });
  const r1 = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 2000, refund_order_id: 'credit-note-1', var1: 'x' });
  t.equal(r1.statusCode, 200);
  let o = await getOrder(app, order_id);
  t.equal(o.status, 'partial_refunded');
  t.equal(o.amount_refunded, 2000);
  t.equal(o.related_transactions[0].refund_order_id, 'credit-note-1');

  const tooMuch = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 3001 });
  t.equal(tooMuch.statusCode, 422);
  t.same(openApiErrors('POST', `/orders/${order_id}/refunds`, 422, tooMuch.json()), []);
  t.equal(tooMuch.json().error_code, 1034);
  t.match(tooMuch.json().sandbox_hint, /^Cannot refund transaction: amount 3001 is more than the 3000 cents left/);

  const rest = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR' });
  t.equal(rest.statusCode, 200, 'no amount refunds what is left');
  o = await getOrder(app, order_id);
  t.equal(o.status, 'refunded');
  t.equal(o.amount_refunded, 5000);
  t.same(o.related_transactions.map((r: { amount: number }) => r.amount), [2000, 3000]);

  const again = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 10 });
  t.equal(again.json().error_code, 1034, 'a fully refunded order cannot be refunded');
  t.match(again.json().sandbox_hint, /refunded/);
});

t.test('the same amount again within 5 minutes is 1034; after 5 minutes of sandbox time it is accepted', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app, { amount: 5000 });
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 1000 })).statusCode, 200);
  await app.sandbox.engine.clock.advance(4 * MINUTE + 59_000);
  const dup = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 1000 });
  t.equal(dup.statusCode, 422);
  t.equal(dup.json().error_code, 1034);
  t.match(dup.json().sandbox_hint, /same amount \(1000\).*less than 5 minutes ago.*Wait 1 s/);
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 999 })).statusCode, 200, 'another amount is fine');
  await app.sandbox.engine.clock.advance(1000);
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 1000 })).statusCode, 200);
  t.equal((await getOrder(app, order_id)).amount_refunded, 2999);
});

t.test('unpaid, cancelled, uncleared and declined orders cannot be refunded (1034); nothing changes', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const unpaid = await createOrder(app);
  const cancelled = await createOrder(app);
  await api(app, 'PATCH', `/orders/${cancelled.order_id}`, { status: 'cancelled' });
  const uncleared = await paidOrder(app, { amount: 20000 });
  for (const [what, id, status] of [['unpaid', unpaid.order_id, 'initialized'], ['cancelled', cancelled.order_id, 'void'], ['uncleared', uncleared.order_id, 'uncleared']] as const) {
    const res = await api(app, 'POST', `/orders/${id}/refunds`, { currency: 'EUR', amount: 100 });
    t.equal(res.statusCode, 422, what);
    t.equal(res.json().error_code, 1034, what);
    t.match(res.json().sandbox_hint, new RegExp(`is ${status}.*only a completed payment can be refunded`), what);
    const o = await getOrder(app, id);
    t.equal(o.amount_refunded, 0, `${what}: nothing refunded`);
    t.equal(o.related_transactions, null, `${what}: no refund recorded`);
  }
});

t.test('a shipped order can be refunded', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  t.equal((await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped', tracktrace_code: 'TT1' })).statusCode, 200);
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 100 })).statusCode, 200);
  t.equal((await getOrder(app, order_id)).status, 'partial_refunded');
});

t.test('request errors name the field: currency, amount, description, refund_order_id, unknown order', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const cases: Array<[string, unknown, number, number, RegExp]> = [
    ['no currency', { amount: 100 }, 400, 1002, /currency is required/],
    ['other currency', { currency: 'USD', amount: 100 }, 400, 1002, /USD does not match the order's currency EUR/],
    ['currency not a string', { currency: 5, amount: 100 }, 400, 1002, /currency must be a string/],
    ['amount not a number', { currency: 'EUR', amount: 'ten' }, 400, 1001, /amount must be a whole number of cents/],
    ['amount with decimals', { currency: 'EUR', amount: 10.5 }, 400, 1001, /whole number of cents/],
    ['negative amount', { currency: 'EUR', amount: -5 }, 400, 1001, /must not be negative/],
    ['description too long', { currency: 'EUR', amount: 100, description: 'x'.repeat(201) }, 400, 1008, /201 characters long; the limit is 200/],
    ['refund_order_id too long', { currency: 'EUR', amount: 100, refund_order_id: 'r'.repeat(51) }, 404, 1006, /refund_order_id is 51 characters/],
    ['var1 not a string', { currency: 'EUR', amount: 100, var1: {} }, 400, 1010, /var1 must be a string/],
    ['body not an object', [1, 2], 400, 1016, /JSON object/],
    ['cart refund', { currency: 'EUR', checkout_data: { items: [] } }, 422, 1034, /checkout_data/],
  ];
  for (const [what, body, http, code, info] of cases) {
    const res = await api(app, 'POST', `/orders/${order_id}/refunds`, body);
    t.equal(res.statusCode, http, `${what}: HTTP`);
    t.equal(res.json().error_code, code, `${what}: code`);
    t.match(res.json().sandbox_hint, info, `${what}: sandbox_hint`);
    t.same(openApiErrors('POST', `/orders/${order_id}/refunds`, res.statusCode, res.json()), [], `${what}: envelope`);
  }
  const none = await api(app, 'POST', '/orders/no-such-order/refunds', { currency: 'EUR' });
  t.equal(none.statusCode, 404);
  t.equal(none.json().error_code, 1006);
  t.equal((await getOrder(app, order_id)).amount_refunded, 0, 'no refused request refunded anything');
});

t.test('chargebacks are refused clearly: Sofort has none', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const res = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', type: 'chargeback' });
  t.equal(res.json().error_code, 1034);
  t.match(res.json().sandbox_hint, /Sofort has no chargebacks/);
  const dotnet = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 100, type: 'refund' });
  t.equal(dotnet.statusCode, 200, "the .NET client's type:refund is accepted");
  const c = await control(app, 'POST', `/orders/${order_id}/chargeback`);
  t.equal(c.statusCode, 409);
  t.match(c.body.error.message, /Sofort has no chargebacks/);
  t.equal((await getOrder(app, order_id)).status, 'partial_refunded');
});

t.test('a reserved refund settles at the next midnight (UTC) of the sandbox clock', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 400 })).json().data;
  const listed = await control(app, 'GET', '/refunds?status=reserved');
  t.match(listed.body.refunds, [{ refund_id, order_id, amount: 400, status: 'reserved', settles_at: '2026-03-11T00:00:00.000Z' }]);
  await app.sandbox.engine.clock.advance(9 * 3_600_000 - 1000); // 23:59:59
  t.equal((await getOrder(app, order_id)).related_transactions[0].status, 'reserved');
  await app.sandbox.engine.clock.advance(1000);
  const o = await getOrder(app, order_id);
  t.equal(o.related_transactions[0].status, 'completed');
  t.equal(o.related_transactions[0].modified, '2026-03-11T01:00:00', 'midnight UTC is 01:00 in Amsterdam in March');
  t.equal(o.status, 'partial_refunded');
  t.same((await control(app, 'GET', '/refunds?status=reserved')).body.refunds, []);
});

t.test('settle "manual": refunds stay reserved until accepted through the control API', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, refunds: { settle: 'manual' } });
  const { order_id } = await paidOrder(app);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR' })).json().data;
  await app.sandbox.engine.clock.advance(3 * DAY);
  t.equal((await getOrder(app, order_id)).related_transactions[0].status, 'reserved');
  const accepted = await control(app, 'POST', `/refunds/${refund_id}/accept`);
  t.equal(accepted.statusCode, 200);
  t.match(accepted.body.refund, { refund_id, status: 'completed', settles_at: null });
  t.equal((await getOrder(app, order_id)).related_transactions[0].status, 'completed');
  const twice = await control(app, 'POST', `/refunds/${refund_id}/accept`);
  t.equal(twice.statusCode, 409);
  t.match(twice.body.error.message, /is completed; only a reserved refund can be accepted/);
  const unknown = await control(app, 'POST', '/refunds/123/accept');
  t.equal(unknown.statusCode, 404);
  const otherSite = await control(app, 'POST', `/refunds/${refund_id}/accept`, 'another-site-key');
  t.equal(otherSite.statusCode, 404, 'a refund is only found on its own site');
});

t.test('settle "immediate": the refund completes as it is created', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, refunds: { settle: 'immediate' } });
  const { order_id } = await paidOrder(app);
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR' })).statusCode, 200);
  const o = await getOrder(app, order_id);
  t.equal(o.related_transactions[0].status, 'completed');
  t.equal(o.status, 'refunded');
});

t.test('PATCH {"status":"void"} cancels a reserved refund: the amount is refundable again and midnight settles nothing', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 300 })).json().data;
  const res = await api(app, 'PATCH', `/orders/${order_id}/refunds/${refund_id}`, { status: 'void' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true, data: {} });
  t.same(openApiErrors('PATCH', `/orders/${order_id}/refunds/${refund_id}`, 200, res.json()), []);
  let o = await getOrder(app, order_id);
  t.equal(o.status, 'completed');
  t.equal(o.amount_refunded, 0);
  t.equal(o.related_transactions[0].status, 'void');
  await app.sandbox.engine.clock.advance(DAY);
  o = await getOrder(app, order_id);
  t.equal(o.related_transactions[0].status, 'void', 'midnight did not settle a voided refund');
  t.equal((await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 300 })).statusCode, 200, 'a voided refund does not count as a duplicate');

  const twice = await api(app, 'PATCH', `/orders/${order_id}/refunds/${refund_id}`, { status: 'void' });
  t.equal(twice.json().error_code, 1034);
  t.match(twice.json().sandbox_hint, /is void; only a reserved refund can be cancelled/);
});

t.test('void errors: settled refund, unknown refund, other order, wrong status; the Java client override works', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const a = await paidOrder(app);
  const b = await paidOrder(app);
  const ra = (await api(app, 'POST', `/orders/${a.order_id}/refunds`, { currency: 'EUR', amount: 100 })).json().data.refund_id;
  const rb = (await api(app, 'POST', `/orders/${b.order_id}/refunds`, { currency: 'EUR', amount: 100 })).json().data.refund_id;

  const wrongOrder = await api(app, 'PATCH', `/orders/${a.order_id}/refunds/${rb}`, { status: 'void' });
  t.equal(wrongOrder.statusCode, 404);
  t.equal(wrongOrder.json().error_code, 1000);
  t.match(wrongOrder.json().sandbox_hint, /does not belong to order/);
  const unknown = await api(app, 'PATCH', `/orders/${a.order_id}/refunds/abc`, { status: 'void' });
  t.equal(unknown.json().error_code, 1000);
  const badStatus = await api(app, 'PATCH', `/orders/${a.order_id}/refunds/${ra}`, { status: 'completed' });
  t.equal(badStatus.statusCode, 400);
  t.equal(badStatus.json().error_code, 1016);
  t.match(badStatus.json().sandbox_hint, /send \{"status":"void"\}/);

  // Java sends PATCH as POST with X-HTTP-Method-Override.
  const java = await api(app, 'POST', `/orders/${a.order_id}/refunds/${ra}`, { status: 'void' }, { headers: { 'x-http-method-override': 'PATCH' } });
  t.equal(java.statusCode, 200);
  t.equal((await getOrder(app, a.order_id)).related_transactions[0].status, 'void');

  await control(app, 'POST', `/refunds/${rb}/accept`);
  const settled = await api(app, 'PATCH', `/orders/${b.order_id}/refunds/${rb}`, { status: 'void' });
  t.equal(settled.json().error_code, 1034, 'a completed refund cannot be cancelled');
  const viaControl = await control(app, 'POST', `/refunds/${rb}/void`);
  t.equal(viaControl.statusCode, 409);
});

t.test('the control API voids a reserved refund too', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const { order_id } = await paidOrder(app);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 100 })).json().data;
  const res = await control(app, 'POST', `/refunds/${refund_id}/void`, null);
  t.equal(res.statusCode, 200, 'found without an API key (sandbox-wide)');
  t.equal(res.body.refund.status, 'void');
  t.equal((await getOrder(app, order_id)).status, 'completed');
});

t.test('the merchant is notified for the original order when a refund is created and when it settles', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const bodies: Array<{ url: string; body: any }> = [];
  const receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      bodies.push({ url: req.url ?? '', body: JSON.parse(raw) });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => receiver.close(() => r())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;

  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } } as never);
  const app = s.app;
  const { order_id } = await createOrder(app, { payment_options: { notification_url: url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 250 })).json().data;
  await app.sandbox.engine.clock.advance(0);
  await app.sandbox.engine.clock.advance(DAY);

  const statuses = bodies.map((b) => [b.body.order_id, b.body.status, b.body.related_transactions?.[0]?.status ?? null]);
  t.same(statuses, [
    [order_id, 'completed', null],
    [order_id, 'partial_refunded', 'reserved'],
    [order_id, 'partial_refunded', 'completed'],
  ]);
  t.ok(bodies.every((b) => b.url.startsWith(`/notify?transactionid=${order_id}&timestamp=`)));
  t.equal(bodies[1]!.body.related_transactions[0].transaction_id, refund_id);
  t.equal(bodies[1]!.body.amount_refunded, 250);
});
