/**
 * A small stored order must not change what anybody sees. Equal customers and payment
 * options are stored once (src/engine/intern.ts) and the clock keeps a lone job per id without
 * an array: each order still answers its own values, also past the point where the sharing
 * table starts again, and a job id scheduled more than once still fires once per schedule.
 */
import t from 'tap';
import { SandboxClock } from '../src/engine/clock.js';
import type { RealTime } from '../src/engine/clock.js';
import { API_KEY, api, build } from './helpers/build.js';

function orderBody(orderId: string, email: string, cancel: string): Record<string, unknown> {
  // direct: the create answer then carries cancel_url, read back from the stored payment options.
  return {
    type: 'direct',
    gateway: 'DIRECTBANK',
    order_id: orderId,
    currency: 'EUR',
    amount: 1000,
    description: 'Footprint',
    payment_options: { notification_url: 'https://shop.example/hook', redirect_url: 'https://shop.example/ok', cancel_url: cancel },
    customer: { locale: 'de_DE', country: 'DE', email, first_name: 'Erika' },
  };
}

interface OrderData {
  order_id: string;
  customer: { email: string; first_name: string; country: string };
}

t.test('orders with equal and different customers each answer their own', async (t) => {
  const app = await build(t);
  // Far more distinct customers than the sharing ring remembers, mixed with a repeated one.
  const n = 700;
  for (let i = 0; i < n; i++) {
    const email = i % 2 === 0 ? 'same@example.com' : `shopper-${i}@example.com`;
    const res = await api(app, 'POST', '/orders', orderBody(`fp-${i}`, email, `https://shop.example/cancel/${i % 3}`));
    t.equal(res.statusCode, 200, `order ${i} created`);
    if (res.statusCode !== 200) return;
    // The answer's cancel_url is read back from the stored order's payment options.
    t.equal(res.json<{ data: { cancel_url: string } }>().data.cancel_url, `https://shop.example/cancel/${i % 3}`);
  }
  const bad: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = (await api(app, 'GET', `/orders/fp-${i}`)).json<{ data: OrderData }>().data;
    const email = i % 2 === 0 ? 'same@example.com' : `shopper-${i}@example.com`;
    if (data.customer.email !== email || data.customer.first_name !== 'Erika' || data.customer.country !== 'DE') bad.push(`fp-${i} customer ${JSON.stringify(data.customer)}`);
  }
  t.same(bad, [], 'every order answers the customer it was created with');

  // A paid order and an untouched one with the same customer: the payment changes only its own.
  const played = await app.inject({
    method: 'POST',
    url: '/_sandbox/orders/fp-0/scenario',
    headers: { api_key: API_KEY, 'content-type': 'application/json' },
    payload: { scenario: 'completed', delay: 0 },
  });
  t.ok(played.statusCode < 300, `the control plane pays fp-0 (${played.statusCode} ${played.body.slice(0, 200)})`);
  const paid = (await api(app, 'GET', '/orders/fp-0')).json<{ data: { status: string } }>().data;
  const other = (await api(app, 'GET', '/orders/fp-2')).json<{ data: { status: string; customer: { email: string } } }>().data;
  t.equal(paid.status, 'completed');
  t.equal(other.status, 'initialized');
  t.equal(other.customer.email, 'same@example.com');
});

/** Real time that moves only when told. */
class StillTime implements RealTime {
  now(): number {
    return 1_000_000;
  }
  setTimeout(): unknown {
    return 0;
  }
  clearTimeout(): void {}
}

t.test('a job id scheduled twice fires twice; cancel takes the earlier one', async (t) => {
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const clock = new SandboxClock('c', new StillTime(), { virtual: T0, frozen: true });
  const fired: number[] = [];
  const run = (): void => {
    fired.push(clock.now() - T0);
  };
  clock.schedule('a', T0 + 30, run);
  clock.schedule('a', T0 + 10, run);
  clock.schedule('a', T0 + 20, run);
  await clock.advance(100);
  t.same(fired, [10, 20, 30], 'every schedule of the id fired, in due order');

  fired.length = 0;
  clock.schedule('b', T0 + 150, run);
  clock.schedule('b', T0 + 120, run);
  t.equal(clock.cancel('b'), true);
  await clock.advance(100);
  t.same(fired, [150], 'the earlier one (due at 120) was cancelled, the later one fired');
  t.equal(clock.cancel('b'), false, 'nothing left under that id');
  t.equal(clock.pending().length, 0);
});
