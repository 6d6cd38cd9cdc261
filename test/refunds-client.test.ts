import t from 'tap';
import { API_KEY, api, createOrder, start } from './helpers/build.js';
import { pay } from './helpers/after-payment.js';
import { ControlClientError } from '../src/index.js';

const START = '2026-03-10T15:00:00Z';

t.test('the typed control client drives refunds, the Second Chance outbox and tokens over HTTP', async (t) => {
  const s = await start(t, { manualClock: true, startTime: START, refunds: { settle: 'manual' } });
  const control = s.control.forSite(API_KEY);
  const app = s.app;

  const { order_id } = await createOrder(app, { recurring_model: 'cardOnFile', customer: { country: 'DE', reference: 'cust-9' } });
  pay(app, order_id);
  const { refund_id } = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 500 })).json().data;
  t.match(await control.refunds('reserved'), [{ refund_id, order_id, amount: 500, status: 'reserved', settles_at: null }]);
  t.match(await control.acceptRefund(refund_id), { refund_id, status: 'completed' });
  t.same(await control.refunds('reserved'), []);
  const again = await control.acceptRefund(refund_id).catch((e: unknown) => e);
  t.ok(again instanceof ControlClientError, 'accepting twice is refused');
  t.equal((again as ControlClientError).status, 409);

  const second = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 100 })).json().data.refund_id;
  t.match(await control.voidRefund(second), { refund_id: second, status: 'void' });

  t.match(await control.tokens('cust-9'), [{ reference: 'cust-9', code: 'DIRDEB', model: 'cardOnFile' }]);

  const o = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: { country: 'DE', email: 'client@example.com' } });
  await control.advance('1h');
  const [mail] = await control.outbox({ order_id: o.order_id });
  t.match(mail, { status: 'sent', to: 'client@example.com', reminder: 1 });
  t.match(String(mail!.link), new RegExp(`^${s.url}/connect/${String(o.data.session_id)}/\\?lang=en_US$`), 'the link points at the listening sandbox');
  const page = await fetch(String(mail!.link));
  t.equal(page.status, 200, 'the emailed link opens the payment page');
  await page.text();
  t.equal(await control.clearOutbox(), 1);
  t.same(await control.outbox(), []);
});
