import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, build, createOrder } from './helpers/build.js';
import { HOUR, control, pay } from './helpers/after-payment.js';

t.test('with --data-dir, a reserved refund, a token and pending reminders survive a restart and still fall due', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-after-payment-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { manualClock: true, startTime: '2026-03-10T15:00:00Z', dataDir: dir };

  const first = await build(t, opts);
  const paid = await createOrder(first, { recurring_model: 'cardOnFile', customer: { country: 'DE', reference: 'keep-me' } });
  pay(first, paid.order_id);
  const { refund_id } = (await api(first, 'POST', `/orders/${paid.order_id}/refunds`, { currency: 'EUR', amount: 300 })).json().data;
  const unpaid = await createOrder(first, { gateway: undefined, second_chance: { send_email: true }, customer: { country: 'DE', email: 'later@example.com' } });
  await first.close();

  const second = await build(t, opts);
  t.equal((await api(second, 'GET', '/recurring/keep-me')).json().data.tokens.length, 1, 'the token is still there');
  t.match((await control(second, 'GET', '/refunds')).body.refunds, [{ refund_id, status: 'reserved', settles_at: '2026-03-11T00:00:00.000Z' }]);
  await second.sandbox.engine.clock.advance(HOUR);
  t.match((await control(second, 'GET', `/second-chance/outbox?order_id=${unpaid.order_id}`)).body.emails, [{ status: 'sent', reminder: 1 }], 'the reminder job came back');
  await second.sandbox.engine.clock.advance(8 * HOUR);
  const order = (await api(second, 'GET', `/orders/${paid.order_id}`)).json().data;
  t.equal(order.related_transactions[0].status, 'completed', 'midnight settled the refund after the restart');
  t.equal((await api(second, 'GET', `/transactions/${refund_id}`)).json().data.type, 'refund', 'the refund id index came back');
});
