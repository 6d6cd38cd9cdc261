/**
 * The tap recipe of docs/control-plane.md, run as written: a sandbox in the test process on
 * a free port with a manual clock, the site reset between tests, no sleep, and no advance
 * but the one the story needs (the day an uncleared payment takes to clear).
 */
import t from 'tap';
import { startSandbox } from '../src/index.js';
import { createShop } from './ci-recipes/shop.js';

const sandbox = await startSandbox({ manualClock: true, apiKeys: ['ci-key-0001'], seed: 'ci', webhooks: { delayMs: 0 } });
t.teardown(() => sandbox.close());
const control = sandbox.control;

t.beforeEach(() => control.reset());

t.test('an uncleared payment completes the next day', async (t) => {
  const shop = await createShop({ baseUrl: sandbox.apiUrl, apiKey: 'ci-key-0001' });
  t.teardown(() => shop.close());
  const orderId = await shop.checkout({ amount: 1500 });
  await control.outcome(orderId, 'uncleared', { delay: 0 });
  await control.waitFor(orderId, 'uncleared', { webhookAcked: true });
  t.equal(await shop.paymentStatus(orderId), 'pending', 'uncleared is not paid yet');
  await control.advance('24h');
  await control.waitFor(orderId, 'completed', { webhookAcked: true });
  t.equal(await shop.paymentStatus(orderId), 'paid');
});

t.test('the shop cancelled nothing and sent one create-order', async (t) => {
  const shop = await createShop({ baseUrl: sandbox.apiUrl, apiKey: 'ci-key-0001' });
  t.teardown(() => shop.close());
  const orderId = await shop.checkout({ amount: 999 });
  const [create] = await control.verifyRequests({ method: 'POST', path: '/orders' }, 1);
  t.equal(create?.order_id, orderId, 'the reset between tests left only this test\'s call');
  await control.verifyRequests({ method: 'PATCH', body: { status: 'cancelled' } }, 0);
});
