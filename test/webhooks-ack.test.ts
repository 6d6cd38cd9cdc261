/**
 * Which answers acknowledge a notification (MultiSafepay's rule, as its plugins answer)
 * and which leave it to be retried.
 */
import t from 'tap';
import { isAcknowledged } from '../src/features/webhooks/ack.js';
import { build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

const CASES: Array<[string, number, string, boolean]> = [
  ['OK', 200, 'OK', true],
  ['lowercase ok (Magento)', 200, 'ok', true],
  ['"OK" in quotes (WooCommerce REST route)', 200, '"OK"', true],
  ['OK with whitespace around it', 200, '  OK\r\n', true],
  ['OK at the end', 200, 'notification processed: OK', true],
  ['JSON {"status":"OK"} (OK within the first 100 characters)', 200, '{"status":"OK"}', true],
  ['Status: OK received', 200, 'Status: OK received', true],
  ['OK after the first 100 characters', 200, `${'x'.repeat(100)} OK`, false],
  ['OK at the start', 200, 'OK, thanks', true],
  ['MULTISAFEPAY_OK in the first 100 characters', 200, `<html>${' '.repeat(50)}MULTISAFEPAY_OK</html>`, true],
  ['MULTISAFEPAY_OK after 100 characters', 200, `<html>${'x'.repeat(120)}MULTISAFEPAY_OK</html>`, false],
  ['204 No Content', 204, '', false],
  ['500 with OK body', 500, 'OK', false],
  ['302 with OK body', 302, 'OK', false],
  ['ng: invalid token (Magento failure)', 200, 'ng: invalid token', false],
  ['NG (Shopware failure)', 200, 'NG', false],
  ['a word ending in ok', 200, 'ng: no such webhook', false],
  ['okay is not OK', 200, 'okay', false],
  ['empty 200', 200, '', false],
  ['JSON with ok inside', 200, '{"status":"ok","n":1}', false],
];

t.test('the acknowledgement rule', async (t) => {
  for (const [name, status, body, acked] of CASES) {
    t.equal(isAcknowledged(status, { head: body, tail: body }), acked, name);
  }
  const long = `processed ${'x'.repeat(5000)} OK`;
  t.equal(isAcknowledged(200, { head: long.slice(0, 1028), tail: long.slice(-256) }), false, 'OK only at the end of a long body is past the first 100 characters');
});

t.test('each answer from a real receiver: acknowledged ends it, anything else schedules a retry', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const hooks = app.sandbox.webhooks;
  for (const [name, status, body, acked] of CASES) {
    rx.respond(() => ({ status, body }));
    const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
    pay(app, order_id);
    await app.sandbox.engine.clock.advance(0);
    const [rec] = hooks.deliveries('test-api-key-0001', order_id);
    t.equal(rec?.state, acked ? 'delivered' : 'pending', name);
    t.equal(rec?.attempts[0]?.acknowledged, acked);
    t.equal(rec?.attempts[0]?.response?.status, status);
    t.equal(rec?.next_attempt_at === null, acked, acked ? 'no retry' : 'a retry is planned');
  }
});

t.test('the log keeps the first KiB of a long answer and reads OK in its first 100 characters', async (t) => {
  const rx = await receiver(t, () => ({ status: 200, body: `OK ${'é'.repeat(3000)}` }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const [rec] = app.sandbox.webhooks.deliveries('test-api-key-0001', order_id);
  t.equal(rec?.state, 'delivered');
  const res = rec?.attempts[0]?.response;
  t.equal(res?.truncated, true);
  t.ok(res && Buffer.byteLength(res.body) <= 1024);
});
