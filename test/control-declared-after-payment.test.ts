/**
 * The webhook and after-payment control routes answer as they are declared
 * (src/domain/wire/webhooks.ts, after-payment.ts): every answer, good and refused, is checked
 * against the served OpenAPI document generated from the declarations Fastify validates with.
 */
import t from 'tap';
import { API_KEY, api, build, createOrder } from './helpers/build.js';
import { declaredRoutes } from './helpers/control-declared.js';
import { HOUR, pay as payToo } from './helpers/after-payment.js';
import { pay, receiver } from './helpers/webhooks.js';

const SITE = { api_key: API_KEY };
const START = '2026-03-10T15:00:00Z';

t.test('webhook routes answer as declared, deprecated aliases and refusals included', async (t) => {
  const rx = await receiver(t, (_r, i) => (i === 0 ? { status: 500, body: 'down' } : { body: 'OK' }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const d = await declaredRoutes(t, app, ['webhooks']);
  const a = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, a.order_id);
  await app.sandbox.engine.clock.advance(0);

  const log = await d.call('GET', '/_sandbox/webhooks/deliveries', undefined, SITE);
  const [first] = (log.json() as { deliveries: Array<{ id: string; state: string; attempts: unknown[] }> }).deliveries;
  t.ok(first, 'a notification was logged');
  t.equal(first!.attempts.length, 1, 'with its attempt');
  await d.call('GET', `/_sandbox/webhooks/deliveries?order_id=${a.order_id}&state=pending&limit=1`, undefined, SITE);
  t.equal((await d.call('GET', '/_sandbox/webhooks/deliveries?state=lost', undefined, SITE)).statusCode, 400);
  t.match((await d.call('GET', '/_sandbox/webhooks/deliveries?limit=many', undefined, SITE)).json(), { error: { code: 'bad_request', message: /^limit: must be a whole number/ } });
  t.equal((await d.call('GET', `/_sandbox/webhooks/deliveries/${first!.id}`, undefined, SITE)).statusCode, 200);
  t.equal((await d.call('GET', '/_sandbox/webhooks/deliveries/whk_999999', undefined, SITE)).statusCode, 404);
  const resent = await d.call('POST', `/_sandbox/webhooks/deliveries/${first!.id}/resend`, undefined, SITE);
  t.match(resent.json(), { id: first!.id, state: 'delivered' });
  t.equal((await d.call('POST', '/_sandbox/webhooks/deliveries/whk_999999/resend', undefined, SITE)).statusCode, 404);
  await d.call('GET', '/_sandbox/webhooks/stats');

  const set = await d.call('PUT', '/_sandbox/webhooks/faults', { order_id: a.order_id, faults: [{ fault: 'delay', ms: 60_000, times: 2, statuses: ['completed'] }] }, SITE);
  t.match(set.json(), { scope: 'order', order_id: a.order_id, faults: [{ fault: 'delay', ms: 60_000, times: 2 }] });
  await d.call('PUT', '/_sandbox/webhooks/faults', { faults: [{ fault: 'drop', probability: 0.5 }] }, SITE);
  t.match((await d.call('PUT', '/_sandbox/webhooks/faults', { faults: [], orderId: 'x' }, SITE)).json(), { error: { code: 'bad_request', message: /orderId: unknown field/ } });
  t.match((await d.call('PUT', '/_sandbox/webhooks/faults', { faults: 'drop' }, SITE)).json(), { error: { code: 'invalid_rule' } });
  t.match((await d.call('GET', '/_sandbox/webhooks/faults', undefined, SITE)).json(), { sandbox: [], site: [{ fault: 'drop' }], orders: { [a.order_id]: [{ fault: 'delay' }] } });
  t.match((await d.call('GET', '/_sandbox/webhooks/faults')).json(), { error: { code: 'site_required' } });
  t.same((await d.call('DELETE', `/_sandbox/webhooks/faults?order_id=${a.order_id}`, undefined, SITE)).json(), { scope: 'order', cleared: true });
  t.same((await d.call('DELETE', '/_sandbox/webhooks/faults?scope=sandbox', undefined, SITE)).json(), { scope: 'sandbox', cleared: false });
  t.match((await d.call('DELETE', '/_sandbox/webhooks/faults?scope=planet', undefined, SITE)).json(), { error: { code: 'bad_request', message: /^scope:/ } });

  t.match((await d.call('GET', '/_sandbox/webhooks/site-settings', undefined, SITE)).json(), { site: API_KEY, notification_url: null, source: 'none' });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', { notification_url: 'https://shop.example/hook' }, SITE)).json(), { notification_url: 'https://shop.example/hook', source: 'site' });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', { notification_url: null }, SITE)).json(), { notification_url: null, source: 'none' });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', { notification_url: 'ftp://x' }, SITE)).json(), { error: { code: 'bad_request', message: /notification_url must be an absolute http\(s\) URL/ } });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', { notification_url: null, url: 'https://shop.example/hook' }, SITE)).json(), { error: { message: /^url: unknown field; known fields: notification_url/ } });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', {}, SITE)).json(), { error: { code: 'bad_request', message: /^notification_url: is required/ } });
  t.match((await d.call('PUT', '/_sandbox/webhooks/site-settings', { notification_url: 5 }, SITE)).json(), { error: { code: 'bad_request', message: /^notification_url: must be a string/ } });
  d.assertAllCalled();
});

t.test('after-payment routes answer as declared: refunds, chargeback, tokens, Second Chance', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, refunds: { settle: 'manual' } });
  const d = await declaredRoutes(t, app, ['after payment']);
  const { order_id } = await createOrder(app, { recurring_model: 'cardOnFile', customer: { country: 'DE', reference: 'cust-9' } });
  payToo(app, order_id);
  const refund = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 500 })).json().data.refund_id as number;
  const other = (await api(app, 'POST', `/orders/${order_id}/refunds`, { currency: 'EUR', amount: 100 })).json().data.refund_id as number;

  t.match((await d.call('GET', '/_sandbox/refunds?status=reserved', undefined, SITE)).json(), { refunds: [{ status: 'reserved' }, { status: 'reserved' }] });
  await d.call('GET', '/_sandbox/refunds');
  t.match((await d.call('GET', '/_sandbox/refunds?status=lost', undefined, SITE)).json(), { error: { code: 'unknown_status', message: /^status:/ } });
  t.match((await d.call('POST', `/_sandbox/refunds/${refund}/accept`, undefined, SITE)).json(), { refund: { refund_id: refund, status: 'completed', settles_at: null } });
  t.equal((await d.call('POST', `/_sandbox/refunds/${refund}/accept`, undefined, SITE)).statusCode, 409, 'accepting twice is refused');
  t.match((await d.call('POST', '/_sandbox/refunds/abc/accept', undefined, SITE)).json(), { error: { code: 'bad_request', message: /^refund_id: must be the refund's id/ } });
  t.match((await d.call('POST', `/_sandbox/refunds/${other}/void`, undefined, SITE)).json(), { refund: { refund_id: other, status: 'void' } });
  t.equal((await d.call('POST', '/_sandbox/refunds/123456/void', undefined, SITE)).statusCode, 404);
  t.match((await d.call('POST', `/_sandbox/orders/${order_id}/chargeback`, undefined, SITE)).json(), { error: { code: 'conflict', message: /Sofort has no chargebacks/ } });

  t.match((await d.call('GET', '/_sandbox/recurring/tokens?reference=cust-9', undefined, SITE)).json(), { tokens: [{ reference: 'cust-9', model: 'cardOnFile' }] });
  t.same((await d.call('GET', '/_sandbox/recurring/tokens?reference=nobody')).json(), { tokens: [] });

  const reminded = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: { locale: 'en_US', country: 'DE', email: 'erika@example.com' } });
  t.match((await d.call('GET', '/_sandbox/second-chance/pending', undefined, SITE)).json(), { pending: [{ reminder: 1 }, { reminder: 2 }] });
  await app.sandbox.engine.clock.advance(HOUR);
  t.match((await d.call('GET', `/_sandbox/second-chance/outbox?order_id=${reminded.order_id}&status=sent`, undefined, SITE)).json(), { emails: [{ status: 'sent', reminder: 1 }] });
  t.match((await d.call('GET', '/_sandbox/second-chance/outbox?status=lost', undefined, SITE)).json(), { error: { code: 'unknown_status', message: /status: must be sent or suppressed/ } });
  t.same((await d.call('DELETE', '/_sandbox/second-chance/outbox', undefined, SITE)).json(), { removed: 1 });
  d.assertAllCalled();
});
