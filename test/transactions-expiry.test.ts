import t from 'tap';
import type { EngineEvent } from '../src/engine/engine.js';
import { api, build, createOrder, start } from './helpers/build.js';
import { DAY, HOUR, MINUTE } from './helpers/after-payment.js';
import { receiver } from './helpers/control.js';
import { get, post, sessionFromUrl } from './helpers/pages.js';

const START = '2026-03-10T15:00:00Z';
type App = Awaited<ReturnType<typeof build>>;

async function statusOf(app: App, id: string): Promise<string> {
  return (await api(app, 'GET', `/orders/${id}`)).json().data.status;
}

t.test('an unpaid Sofort transaction expires after 1 day, and the merchant is notified', async (t) => {
  const hook = await receiver(t);
  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } });
  const app = s.app;
  const events: EngineEvent[] = [];
  app.sandbox.engine.onEvent((e) => events.push(e));
  const o = await createOrder(app, { type: 'direct', payment_options: { notification_url: hook.url } });
  await app.sandbox.engine.clock.advance(DAY - 1);
  t.equal(await statusOf(app, o.order_id), 'initialized');
  t.equal(hook.hits.length, 1, 'a direct order starts its Sofort transaction at creation: one initialized notification');
  t.equal(JSON.parse(hook.hits[0]!.body).status, 'initialized');
  await app.sandbox.engine.clock.advance(1);
  const order = (await api(app, 'GET', `/orders/${o.order_id}`)).json().data;
  t.equal(order.status, 'expired');
  t.equal(order.financial_status, 'expired');
  t.equal(order.modified, '2026-03-11T16:00:00', 'Amsterdam local time (UTC+1 in March)');
  t.match(events.filter((e) => e.type === 'status_changed'), [{ action: 'expire', cause: 'clock', notify: true, to: { status: 'expired' } }]);
  t.equal(hook.hits.length, 2, 'one more notification');
  t.match(hook.hits[1]!.url, new RegExp(`^/notify\\?transactionid=${o.order_id}&timestamp=1773241200$`));
  t.equal(JSON.parse(hook.hits[1]!.body).status, 'expired');
});

t.test('payment link lifetimes: seconds_active and days_active for links, with or without Sofort preselected; Sofort caps a started transaction at a day', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const clock = app.sandbox.engine.clock;
  const short = await createOrder(app, { gateway: undefined, seconds_active: 600 });
  const twoDays = await createOrder(app, { gateway: undefined, days_active: 2 });
  const sofortLong = await createOrder(app, { days_active: 5 }); // names DIRECTBANK, but lives as a link until the shopper starts paying
  const directLong = await createOrder(app, { type: 'direct', days_active: 5 }); // a Sofort transaction from the start
  const sofortShort = await createOrder(app, { seconds_active: 300 });
  const dflt = await createOrder(app, { gateway: undefined });

  await clock.advance(5 * MINUTE);
  t.equal(await statusOf(app, sofortShort.order_id), 'expired', 'seconds_active shorter than a day wins');
  t.equal(await statusOf(app, short.order_id), 'initialized');
  await clock.advance(5 * MINUTE);
  t.equal(await statusOf(app, short.order_id), 'expired', 'seconds_active: 600');
  await clock.advance(DAY - 10 * MINUTE);
  t.equal(await statusOf(app, directLong.order_id), 'expired', 'a started Sofort transaction lives one day even with days_active 5');
  t.equal(await statusOf(app, sofortLong.order_id), 'initialized', 'a redirect link with Sofort preselected is not a transaction yet');
  t.equal(await statusOf(app, twoDays.order_id), 'initialized');
  await clock.advance(DAY);
  t.equal(await statusOf(app, twoDays.order_id), 'expired', 'days_active: 2');
  t.equal(await statusOf(app, sofortLong.order_id), 'initialized');
  await clock.advance(3 * DAY);
  t.equal(await statusOf(app, sofortLong.order_id), 'expired', 'days_active: 5 for the link with Sofort preselected');
  await clock.advance(24 * DAY);
  t.equal(await statusOf(app, dflt.order_id), 'initialized', 'the default link lives 30 days');
  await clock.advance(DAY);
  t.equal(await statusOf(app, dflt.order_id), 'expired');
});

t.test('choosing Sofort on a long-lived link starts the 1-day transaction; the expired link says so and cannot be paid', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const clock = app.sandbox.engine.clock;
  const o = await createOrder(app, { gateway: undefined, days_active: 10 });
  const session = sessionFromUrl(String(o.data.payment_url));
  await clock.advance(3 * DAY);
  t.equal((await post(app, `/connect/${session}/`, { gateway: 'DIRECTBANK', scenario: 'completed' })).statusCode, 303, 'the shopper picks Sofort on day 3');
  await clock.advance(DAY - HOUR);
  t.equal(await statusOf(app, o.order_id), 'initialized');
  await clock.advance(HOUR);
  t.equal(await statusOf(app, o.order_id), 'expired', 'one day after choosing Sofort, not after 10 days');
  const page = await get(app, `/connect/${session}/`);
  t.equal(page.statusCode, 200);
  t.match(page.body, /data-result="expired"/);
  const retry = await post(app, `/connect/${session}/`, { gateway: 'DIRECTBANK', scenario: 'completed' });
  t.not(retry.statusCode, 303, 'no way to the bank any more');
  t.equal(await statusOf(app, o.order_id), 'expired');
  t.equal((await api(app, 'POST', `/orders/${o.order_id}/refunds`, { currency: 'EUR' })).json().error_code, 1034, 'nothing to refund either');
});
