// The dashboard's buttons at inject level: each is a POST form that does what the control
// API does, then redirects back (303) with a line saying what happened; refusals are
// error pages that say why and change nothing.
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { API_KEY, api, build, createOrder } from './helpers/build.js';
import { page, post, testid } from './helpers/dashboard.js';
import { pay, receiver } from './helpers/webhooks.js';

const START = '2026-05-04T08:00:00Z';

function orderPath(app: FastifyInstance, orderId: string, site = API_KEY): string {
  const o = app.sandbox.engine.findOrder(site, orderId);
  if (!o) throw new Error(`no order ${orderId}`);
  return `/dashboard/sites/${encodeURIComponent(site)}/orders/${o.transaction_id}`;
}

function statusOf(app: FastifyInstance, orderId: string, site = API_KEY): string {
  return app.sandbox.engine.findOrder(site, orderId)!.status;
}

t.test('set the scenario of a pending order: play now, after a delay, or leave it to the bank', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const now = await createOrder(app);
  const path = orderPath(app, now.order_id);
  const res = await post(app, `${path}/scenario`, { scenario: 'completed', when: 'now', back: path });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `${path}?done=scenario_played&ref=completed`);
  t.equal(statusOf(app, now.order_id), 'completed');
  const landed = await page(app, String(res.headers.location));
  t.equal(testid(landed.body, 'flash'), 'Scenario “completed” was played.');
  t.match(testid(landed.body, 'timeline'), /control.*authorise.*scenario completed played by the dashboard at once/s);

  const later = await createOrder(app);
  const laterPath = orderPath(app, later.order_id);
  const scheduled = await post(app, `${laterPath}/scenario`, { scenario: 'declined', when: 'later', delay: '10m', back: laterPath });
  t.equal(scheduled.headers.location, `${laterPath}?done=scenario_scheduled&ref=in+10m+of+sandbox+time`);
  const waiting = await page(app, laterPath);
  t.match(testid(waiting.body, 'facts'), 'ScenariodeclinedScenario plays2026-05-04 08:10:00 UTC (in 10m)');
  t.match(testid(waiting.body, 'pending-jobs'), 'scenario_play at 2026-05-04 08:10:00 UTC (in 10m)');
  await app.sandbox.engine.clock.advance(10 * 60_000 - 1);
  t.equal(statusOf(app, later.order_id), 'initialized');
  await app.sandbox.engine.clock.advance(1);
  t.equal(statusOf(app, later.order_id), 'declined', 'played when the clock got there');

  const bank = await createOrder(app);
  const bankPath = orderPath(app, bank.order_id);
  const preset = await post(app, `${bankPath}/scenario`, { scenario: 'cancelled', when: 'bank', back: bankPath });
  t.equal(preset.headers.location, `${bankPath}?done=scenario_set&ref=cancelled`);
  t.equal(statusOf(app, bank.order_id), 'initialized');
  t.equal(app.sandbox.engine.findOrder(API_KEY, bank.order_id)!.scenario, 'cancelled', 'the payment page will preselect it');
});

t.test('refusals are error pages that name the problem, and change nothing', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await createOrder(app);
  const path = orderPath(app, o.order_id);
  const unknown = await post(app, `${path}/scenario`, { scenario: 'teleported', when: 'now', back: path });
  t.equal(unknown.statusCode, 400);
  t.match(testid(unknown.body, 'error'), /scenario: "teleported" is not a scenario; use one of completed, uncleared/);
  t.match(unknown.body, `href="${path}" data-testid="back"`, 'with a way back to the order');
  const badDelay = await post(app, `${path}/scenario`, { scenario: 'completed', when: 'later', delay: 'soon' });
  t.equal(badDelay.statusCode, 400);
  t.match(testid(badDelay.body, 'error'), /delay: "soon" is not a duration/);
  const badWhen = await post(app, `${path}/scenario`, { scenario: 'completed', when: 'yesterday' });
  t.equal(badWhen.statusCode, 400);
  t.equal(statusOf(app, o.order_id), 'initialized');
  t.equal(app.sandbox.engine.findOrder(API_KEY, o.order_id)!.timeline.length, 1, 'not even a note in the timeline');

  pay(app, o.order_id);
  const late = await post(app, `${path}/scenario`, { scenario: 'declined', when: 'now' });
  t.equal(late.statusCode, 409);
  t.match(testid(late.body, 'error'), /is already completed; a scenario can only decide an unpaid \(initialized\) order/);
  t.equal((await post(app, `${path}/expire`, {})).statusCode, 409);
  t.equal(statusOf(app, o.order_id), 'completed');
  t.equal((await post(app, `/dashboard/sites/${API_KEY}/orders/999/expire`, {})).statusCode, 404);
  t.equal((await post(app, `/dashboard/sites/other-site/orders/${path.split('/').pop()!}/expire`, {})).statusCode, 404, 'an order of another site is not found');
});

t.test('expire a pending order now', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await createOrder(app);
  const path = orderPath(app, o.order_id);
  const res = await post(app, `${path}/expire`, { back: path });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `${path}?done=expired`);
  const data = (await api(app, 'GET', `/orders/${o.order_id}`)).json().data;
  t.equal(data.status, 'expired');
  t.equal(data.financial_status, 'expired');
  t.equal(testid((await page(app, String(res.headers.location))).body, 'flash'), 'The order expired.');
});

t.test('resend a notification: the receiver gets it again now, signed afresh', async (t) => {
  const hook = await receiver(t, () => ({ status: 500, body: 'nope' }));
  const app = await build(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } });
  const o = await createOrder(app, { payment_options: { notification_url: hook.url } });
  pay(app, o.order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(hook.requests.length, 1);
  const id = app.sandbox.webhooks.deliveries(API_KEY, o.order_id)[0]!.id;
  hook.respond(() => ({ status: 200, body: 'OK' }));
  await app.sandbox.engine.clock.advance(1000);
  const path = orderPath(app, o.order_id);
  const res = await post(app, `/dashboard/sites/${API_KEY}/webhooks/${id}/resend`, { back: path });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `${path}?done=resent&ref=${id}`);
  t.equal(hook.requests.length, 2, 'sent at once, before the answer');
  t.equal(hook.requests[1]!.body, hook.requests[0]!.body, 'the same body');
  t.not(hook.requests[1]!.headers.auth, hook.requests[0]!.headers.auth, 'a fresh timestamp and signature');
  const rec = app.sandbox.webhooks.delivery(API_KEY, id)!;
  t.equal(rec.state, 'delivered');
  t.equal(rec.attempts.at(-1)!.kind, 'resend');
  t.equal((await post(app, `/dashboard/sites/${API_KEY}/webhooks/whk_999999/resend`, {})).statusCode, 404);
  t.equal((await post(app, `/dashboard/sites/another-site/webhooks/${id}/resend`, {})).statusCode, 404, "another site's notification is not found");
});

t.test('accept or void a reserved refund; a settled one cannot be accepted again', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await createOrder(app, { amount: 5000 });
  pay(app, o.order_id);
  const r1 = (await api(app, 'POST', `/orders/${o.order_id}/refunds`, { amount: 1000, currency: 'EUR', description: 'one' })).json().data.refund_id;
  const r2 = (await api(app, 'POST', `/orders/${o.order_id}/refunds`, { amount: 2000, currency: 'EUR', description: 'two' })).json().data.refund_id;
  const path = orderPath(app, o.order_id);
  const before = await page(app, path);
  t.match(testid(before.body, 'refunds'), /reserved.*2026-05-05 00:00:00 UTC \(in 16h\).*Accept \(settle\).*Void/s);

  const accept = await post(app, `/dashboard/sites/${API_KEY}/refunds/${r1}/accept`, { back: path });
  t.equal(accept.statusCode, 303);
  t.equal(accept.headers.location, `${path}?done=refund_accepted&ref=${r1}`);
  const voided = await post(app, `/dashboard/sites/${API_KEY}/refunds/${r2}/void`, { back: path });
  t.equal(voided.headers.location, `${path}?done=refund_voided&ref=${r2}`);
  const refunds = app.sandbox.refunds.list(API_KEY).map((v) => [v.refund.refund_id, v.refund.status]);
  t.same(refunds.sort(), [[r1, 'completed'], [r2, 'void']].sort());
  t.equal(statusOf(app, o.order_id), 'partial_refunded');
  const again = await post(app, `/dashboard/sites/${API_KEY}/refunds/${r1}/accept`, { back: path });
  t.equal(again.statusCode, 409);
  t.match(testid(again.body, 'error'), /is completed; only a reserved refund can be accepted/);
  t.equal((await post(app, `/dashboard/sites/${API_KEY}/refunds/${r2}/void`, {})).statusCode, 409);
  t.equal((await post(app, `/dashboard/sites/${API_KEY}/refunds/123/accept`, {})).statusCode, 404);
});

t.test('advance the clock: everything due on the way runs before the answer', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await createOrder(app, { days_active: 1 });
  const res = await post(app, '/dashboard/clock/advance', { by: '1d', back: `/dashboard?site=${API_KEY}&done=old&ref=x` });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `/dashboard?site=${API_KEY}&done=advanced&ref=forward+1d%3B+1+timed+job+ran`);
  t.equal(statusOf(app, o.order_id), 'expired', "the order's one-day lifetime ran out");
  const landed = await page(app, String(res.headers.location));
  t.equal(testid(landed.body, 'flash'), 'The clock moved forward 1d; 1 timed job ran.');
  t.equal(testid(landed.body, 'clock-now'), '2026-05-05 08:00:00 UTC');

  const bad = await post(app, '/dashboard/clock/advance', { by: 'a while' });
  t.equal(bad.statusCode, 400);
  t.match(testid(bad.body, 'error'), /by: "a while" is not a duration; write a duration such as "90s"/);
  const offsite = await post(app, '/dashboard/clock/advance', { by: '1s', back: '//evil.example/x' });
  t.equal(offsite.headers.location, '/dashboard?done=advanced&ref=forward+1s%3B+0+timed+jobs+ran', 'never redirected to another host');
  const climb = await post(app, '/dashboard/clock/advance', { by: '1s', back: '/dashboard/../v1/json/orders' });
  t.match(climb.headers.location, /^\/dashboard\?done=advanced&ref=forward\+1s/, 'nor out of the dashboard');
});

t.test("a site with its own clock: the dashboard advances that clock only", async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  app.sandbox.engine.createSiteClock(API_KEY);
  const res = await post(app, '/dashboard/clock/advance', { by: '2h', site: API_KEY, back: `/dashboard?site=${API_KEY}` });
  t.equal(res.statusCode, 303);
  t.equal(new Date(app.sandbox.engine.now(API_KEY)).toISOString(), '2026-05-04T10:00:00.000Z');
  t.equal(new Date(app.sandbox.engine.clock.now()).toISOString(), '2026-05-04T08:00:00.000Z', 'the sandbox clock stays');
  const landed = await page(app, `/dashboard?site=${API_KEY}`);
  t.match(testid(landed.body, 'clock'), /clock of site test-api-key-0001\s*2026-05-04 10:00:00 UTC/);
});
