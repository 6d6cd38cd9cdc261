/**
 * Answers in the shapes MultiSafepay sends, compared with recorded real answers
 * (test/fixtures/recorded/, sources in its README): the cart comes back, times are
 * Europe/Amsterdam local time, ids are 16 digits that begin with Unix seconds, completed
 * Sofort payments carry a costs line, and error_info is MultiSafepay's own text.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { API_KEY, api, build, createOrder } from './helpers/build.js';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/recorded/order.php-sdk.json', import.meta.url), 'utf8'));
const getOrderExample = JSON.parse(readFileSync(new URL('./fixtures/recorded/order-getorder.openapi.json', import.meta.url), 'utf8'));

/** The cart a shop sends (php-sdk's request shape for the recorded order): tax_tables wrapped in checkout_options. */
const CART = {
  shopping_cart: {
    items: [{ name: 'Geometric Candle Holders', description: 1234, unit_price: 50, quantity: 2, merchant_item_id: '111111', tax_table_selector: 'BTW21', weight: { unit: 'KG', value: 12 } }],
  },
  checkout_options: {
    tax_tables: {
      default: { shipping_taxed: true, rate: '0.00' },
      alternate: [
        { name: 'BTW21', standalone: '', rules: [{ rate: 0.21, country: '' }] },
        { name: 'BTW0', standalone: '', rules: [{ rate: '0.00', country: '' }] },
      ],
    },
  },
};

async function getOrder(app: FastifyInstance, id: string) {
  return (await api(app, 'GET', `/orders/${encodeURIComponent(id)}`)).json().data;
}

async function playCompleted(app: FastifyInstance, orderId: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: `/_sandbox/orders/${orderId}/scenario`, headers: { api_key: API_KEY }, payload: { scenario: 'completed', delay: 0 } });
  if (res.statusCode !== 200) throw new Error(`scenario failed: ${res.statusCode} ${res.body}`);
}

/** Keys and value types of a JSON value, so two answers compare by shape. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return v === null ? 'null' : typeof v;
}

t.test('the cart an order was created with comes back in the recorded shapes (GET and notification)', async (t) => {
  const app = await build(t, { manualClock: true, startTime: '2020-05-08T14:12:52Z' });
  const { order_id } = await createOrder(app, { amount: 10000, ...CART });
  const data = await getOrder(app, order_id);
  t.same(Object.keys(recorded.shopping_cart.items[0]).sort(), Object.keys(data.shopping_cart.items[0]).sort(), 'every key of a recorded cart line');
  t.same(data.shopping_cart.items[0], { ...recorded.shopping_cart.items[0], tax_table_selector: 'BTW21' }, 'the recorded line, value for value');
  t.same(shape(data.checkout_options.default), shape(recorded.checkout_options.default));
  t.same(data.checkout_options.alternate[0], { name: 'BTW21', rules: [{ country: '', rate: 0.21 }], standalone: '' }, 'tax_tables unwrapped as MultiSafepay answers');
  t.equal(data.order_total, recorded.order_total, 'order_total as a decimal string');
  t.same(data.order_adjustment, { total_adjustment: '0.00', total_tax: '21.00' }, 'order_adjustment as decimal strings; the 21% line taxed');
  t.equal(data.created, recorded.created, 'recorded at 16:12:52 Amsterdam summer time = 14:12:52 UTC');
  const keys = Object.keys(data);
  t.same(keys, [...keys].sort(), 'keys in alphabetical order, as recorded');

  const plain = await getOrder(app, (await createOrder(app)).order_id);
  for (const k of ['shopping_cart', 'checkout_options', 'order_adjustment', 'order_total']) t.notOk(k in plain, `${k} only when a cart was sent`);
});

t.test('a bad cart line is refused with 1016 naming the field', async (t) => {
  const app = await build(t);
  const res = await api(app, 'POST', '/orders', { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'bad-cart', currency: 'EUR', amount: 1000, description: 'x', shopping_cart: { items: [{ name: 'A', unit_price: 'ten', quantity: 1 }] } });
  t.equal(res.statusCode, 400);
  t.equal(res.json().error_code, 1016);
  t.match(res.json().sandbox_hint, /shopping_cart\.items\[0\]\.unit_price/);
});

t.test("WooCommerce's refund (amount plus the order's cart as checkout_data) is taken; lines alone are refused with 1034", async (t) => {
  const app = await build(t, { manualClock: true });
  const { order_id } = await createOrder(app, { amount: 9000, ...CART }); // below 100 EUR: completed at once
  await playCompleted(app, order_id);
  const order = await getOrder(app, order_id);
  const items = order.shopping_cart.items;
  const res = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 500, description: 'Refund for order', checkout_data: { items } });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().data.transaction_id, order.transaction_id);
  const after = await getOrder(app, order_id);
  t.equal(after.amount_refunded, 500, 'the amount decides');
  t.equal(after.status, 'partial_refunded');
  const view = await app.inject({ method: 'GET', url: '/_sandbox/refunds', headers: { api_key: API_KEY } });
  t.equal(view.json().refunds[0].checkout_data.items[0].name, 'Geometric Candle Holders', 'the lines are kept on the refund');

  const linesOnly = await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', checkout_data: { items: [{ ...items[0], quantity: -1 }] } });
  t.equal(linesOnly.statusCode, 422);
  t.equal(linesOnly.json().error_code, 1034);
  t.equal(linesOnly.json().error_info, 'Cannot refund transaction');
});

t.test('times are Europe/Amsterdam local time, right across daylight-saving changes; UTC on request', async (t) => {
  const cases: Array<[string, string]> = [
    ['2026-03-29T00:59:59Z', '2026-03-29T01:59:59'], // last second of winter time (UTC+1)
    ['2026-03-29T01:00:00Z', '2026-03-29T03:00:00'], // clocks jump to summer time (UTC+2)
    ['2026-10-25T00:59:59Z', '2026-10-25T02:59:59'],
    ['2026-10-25T01:00:00Z', '2026-10-25T02:00:00'], // back to winter time: 02:00 again
    ['2026-12-31T23:30:00Z', '2027-01-01T00:30:00'],
  ];
  for (const [utc, local] of cases) {
    const app = await build(t, { manualClock: true, startTime: utc });
    const data = await getOrder(app, (await createOrder(app)).order_id);
    t.equal(data.created, local, `${utc} is ${local} in Amsterdam`);
    t.equal(data.modified, local);
  }
  const utcApp = await build(t, { manualClock: true, startTime: '2026-07-01T10:00:00Z', timeZone: 'UTC' });
  t.equal((await getOrder(utcApp, (await createOrder(utcApp)).order_id)).created, '2026-07-01T10:00:00', 'timeZone: UTC');
});

t.test('ids are 16 digits that begin with the Unix seconds of creation, as recorded', async (t) => {
  // Recorded: created 2025-05-14T08:48:10 (Amsterdam) and PSP id 1747205290… (Unix 1747205290 = 06:48:10 UTC).
  const seconds = Number(getOrderExample.transaction_id.slice(0, 10));
  t.equal(new Date(seconds * 1000).toISOString(), '2025-05-14T06:48:10.000Z');
  t.equal(getOrderExample.created, '2025-05-14T08:48:10');
  t.match(getOrderExample.costs[1].transaction_id, /^\d{16}$/, 'a recorded 16-digit id');

  const app = await build(t, { manualClock: true, startTime: '2025-05-14T06:48:10Z', seed: 'ids' });
  const data = await getOrder(app, (await createOrder(app, { type: 'direct' })).order_id);
  t.match(String(data.transaction_id), /^1747205290\d{6}$/);
  t.equal(data.created, getOrderExample.created, 'the same second, written the same way');
  t.ok(Number.isSafeInteger(data.transaction_id), 'below 2^53: JavaScript clients read it exactly');
  const again = await build(t, { manualClock: true, startTime: '2025-05-14T06:48:10Z', seed: 'ids' });
  t.equal((await getOrder(again, (await createOrder(again, { type: 'direct' })).order_id)).transaction_id, data.transaction_id, 'the same seed and start give the same id');
});

t.test('a completed Sofort payment carries a costs line; /transactions shows net = amount - costs', async (t) => {
  const app = await build(t, { manualClock: true });
  const { order_id } = await createOrder(app, { amount: 2500 });
  t.same((await getOrder(app, order_id)).costs, [], 'no costs before the payment');
  await playCompleted(app, order_id);
  const data = await getOrder(app, order_id);
  t.equal(data.costs.length, 1);
  t.same(shape(data.costs[0]), shape({ ...getOrderExample.costs[0], transaction_id: 1 }), 'the recorded keys: amount (decimal EUR), description, transaction_id, type');
  t.same(data.costs[0], { amount: 0.39, description: '0.39 EUR For SOFORT Banking Transactions', transaction_id: data.transaction_id, type: 'SYSTEM' });
  const list = (await api(app, 'GET', '/transactions')).json().data;
  const tx = list.find((x: { order_id: string }) => x.order_id === order_id);
  t.equal(tx.net, 2500 - 39);
  t.same(tx.costs, [{ amount: 39, description: '0.39 EUR For SOFORT Banking Transactions', dst: 'SYSTEM' }]);

  const free = await build(t, { manualClock: true, transactionFee: 0 });
  const o = await createOrder(free);
  await playCompleted(free, o.order_id);
  t.same((await getOrder(free, o.order_id)).costs, [], 'transactionFee: 0 shows no costs');
});

t.test("error_info is MultiSafepay's own text; the sandbox's hint is in sandbox_hint and the journal", async (t) => {
  const app = await build(t, { apiKeys: [API_KEY] });
  const badKey = await api(app, 'GET', '/orders/x', undefined, { key: 'wrong-key-123' });
  t.equal(badKey.statusCode, 401);
  t.equal(badKey.json().error_info, 'Invalid API key');
  t.equal(badKey.json().error_code, 1032);
  const unknown = await api(app, 'GET', '/orders/no-such-order');
  t.same(unknown.json(), { success: false, data: {}, error_code: 1006, error_info: 'Invalid transaction ID', sandbox_hint: unknown.json().sandbox_hint });
  t.match(unknown.json().sandbox_hint, /no order no-such-order/);
  const amount = await api(app, 'POST', '/orders', { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'a1', currency: 'EUR', amount: 5, description: 'x' });
  t.equal(amount.json().error_info, 'Invalid amount');
  t.match(amount.json().sandbox_hint, /below the Sofort minimum/);
  const journal = await app.inject({ method: 'GET', url: '/_sandbox/journal', headers: { api_key: API_KEY } });
  t.equal(journal.statusCode, 200, journal.body);
  const entry = journal.json().entries.find((e: { url: string }) => e.url === '/v1/json/orders/no-such-order');
  t.match(entry?.hint, /no order no-such-order/, 'the hint shows in the journal');
});
