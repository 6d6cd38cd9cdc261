// A QA tester's round in the dashboard at inject level, without curl: create an order from
// a form, act on it (cancel, refund, open its payment page), set and remove rules, see the
// API calls the sandbox refused and the notifications that failed, switch sites, move the
// shared clock only after saying whose tests it moves, and reset a site after confirming.
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { API_KEY, api, build, createOrder, orderBody } from './helpers/build.js';
import { countTestid, page, post, testid } from './helpers/dashboard.js';
import { pay, receiver } from './helpers/webhooks.js';

const START = '2026-05-04T08:00:00Z';
const OTHER = 'other-shop-key-02';

function orderPath(app: FastifyInstance, orderId: string, site = API_KEY): string {
  const o = app.sandbox.engine.findOrder(site, orderId);
  if (!o) throw new Error(`no order ${orderId}`);
  return `/dashboard/sites/${encodeURIComponent(site)}/orders/${o.transaction_id}`;
}

const NEW_ORDER = {
  site: API_KEY,
  order_id: 'form-order-1',
  amount: '24.95',
  country: 'AT',
  locale: 'de_AT',
  type: 'redirect',
  description: 'Bought from the form',
  notification_url: 'https://shop.example/hook',
  outcome: '',
};

t.test('create an order from the form: it lands on the order with its payment link', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const form = await page(app, `/dashboard/orders/new?site=${API_KEY}`);
  t.equal(form.statusCode, 200);
  t.equal(countTestid(form.body, 'new-order-form'), 1);

  const res = await post(app, '/dashboard/orders', { ...NEW_ORDER, back: '/dashboard' });
  t.equal(res.statusCode, 303);
  const order = app.sandbox.engine.findOrder(API_KEY, 'form-order-1');
  t.ok(order, 'the order exists');
  t.equal(order!.amount, 2495);
  t.equal(order!.customer.country, 'AT');
  t.equal(order!.customer.locale, 'de_AT');
  t.equal(order!.payment_options.notification_url, 'https://shop.example/hook');
  t.equal(res.headers.location, `${orderPath(app, 'form-order-1')}?done=created&ref=form-order-1`);
  const landed = await page(app, String(res.headers.location));
  t.match(testid(landed.body, 'flash'), /Order form-order-1 was created/);
  t.match(landed.body, /href="http:\/\/localhost:80\/connect\/[^"]+" data-testid="payment-link"/, 'the payment page to open, as the create-order answer gives it');
  t.equal(order!.timeline[0]!.cause, 'control', 'made by the dashboard, not the API');

  const listed = await page(app, `/dashboard?site=${API_KEY}`);
  t.equal(testid(listed.body, 'order-count'), '1 order');
});

t.test('copy as curl: the same request, nothing created', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const res = await post(app, '/dashboard/orders', { ...NEW_ORDER, order_id: 'curl-1', action: 'curl' });
  t.equal(res.statusCode, 200);
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'curl-1'), undefined, 'nothing created');
  const curl = testid(res.body, 'curl') ?? '';
  t.match(curl, /^curl -sS -X POST 'http:\/\/localhost:80\/v1\/json\/orders'/);
  t.match(curl, `-H 'api_key: ${API_KEY}'`);
  const json = JSON.parse(/-d '(.*)'$/s.exec(curl)?.[1] ?? '{}') as Record<string, unknown>;
  t.match(json, { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'curl-1', currency: 'EUR', amount: 2495, customer: { country: 'AT', locale: 'de_AT' } });
  // The request the curl shows is one the API accepts.
  const sent = await api(app, 'POST', '/orders', json);
  t.equal(sent.statusCode, 200);
  t.equal(testid(res.body, 'new-order-form') !== null, true, 'the form is shown again with the values');
  t.match(res.body, /value="curl-1"/);
});

t.test('a form the API would refuse is an error page naming the field, nothing created', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const res = await post(app, '/dashboard/orders', { ...NEW_ORDER, amount: 'lots' });
  t.equal(res.statusCode, 400);
  t.match(testid(res.body, 'error'), /amount/);
  const site = await post(app, '/dashboard/orders', { ...NEW_ORDER, site: 'ab' });
  t.equal(site.statusCode, 400);
  t.match(testid(site.body, 'error'), /site: an API key of 5 to 256 characters/);
  const longUrl = `https://shop.example/${'n'.repeat(300)}`;
  const long = await post(app, '/dashboard/orders', { ...NEW_ORDER, order_id: 'long-url', notification_url: longUrl });
  t.equal(long.statusCode, 303, 'a notification URL past 200 characters is kept whole');
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'long-url')?.payment_options.notification_url, longUrl);
  const tooLong = await post(app, '/dashboard/orders', { ...NEW_ORDER, order_id: 'long-text', description: 'd'.repeat(250) });
  t.equal(tooLong.statusCode, 400);
  t.match(testid(tooLong.body, 'error'), /description/);
  t.equal(app.sandbox.engine.listOrders(null).length, 1);
});

t.test('an outcome chosen on the form is played at once', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const res = await post(app, '/dashboard/orders', { ...NEW_ORDER, order_id: 'decided', outcome: 'declined' });
  t.equal(res.statusCode, 303);
  await app.sandbox.engine.clock.advance(0);
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'decided')!.status, 'declined');
});

t.test('act on an order: cancel an unpaid one, refund part then the rest of a paid one', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, refunds: { settle: 'manual' } });
  const unpaid = await createOrder(app);
  const unpaidPath = orderPath(app, unpaid.order_id);
  const shown = await page(app, unpaidPath);
  t.equal(countTestid(shown.body, 'payment-link'), 1, 'an unpaid order links to its payment page');
  const cancel = await post(app, `${unpaidPath}/cancel`, { back: unpaidPath });
  t.equal(cancel.headers.location, `${unpaidPath}?done=cancelled`);
  t.equal(app.sandbox.engine.findOrder(API_KEY, unpaid.order_id)!.status, 'void');

  const paid = await createOrder(app, { amount: 5000 });
  pay(app, paid.order_id);
  const path = orderPath(app, paid.order_id);
  const before = await page(app, path);
  t.equal(countTestid(before.body, 'payment-link'), 0, 'a paid order has no payment link');
  t.equal(countTestid(before.body, 'refund-form'), 1);
  const part = await post(app, `${path}/refund`, { amount: '12.50', description: 'One cup broken', back: `${path}#refunds` });
  t.equal(part.statusCode, 303);
  t.match(String(part.headers.location), new RegExp(`^${path}\\?done=refunded&ref=\\d+#refunds$`), 'back where the tester was');
  const rest = await post(app, `${path}/refund`, { amount: '', back: path });
  t.equal(rest.statusCode, 303);
  const o = app.sandbox.engine.findOrder(API_KEY, paid.order_id)!;
  t.same(o.refunds.map((r) => r.amount), [1250, 3750], 'part, then everything left');
  const again = await post(app, `${path}/refund`, { amount: '1.00', back: path });
  t.equal(again.statusCode, 409, 'nothing left: refused with why');
  t.match(testid(again.body, 'error'), /refund/i);
  const bad = await post(app, `${path}/refund`, { amount: 'a lot', back: path });
  t.equal(bad.statusCode, 400);
});

t.test('rules: add a 1024 failure rule, see the refused call listed, remove the rule', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const add = await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'error', code: '1024', on: 'create_order', order_id: 'fail-*', uses: 'always', back: `/dashboard/settings?site=${API_KEY}` });
  t.equal(add.statusCode, 303);
  const rules = app.sandbox.control.failures.list(API_KEY);
  t.equal(rules.length, 1);
  t.match(rules[0], { kind: 'error', error_code: 1024, site: API_KEY, match: { order_id: 'fail-*' } });

  const refused = await api(app, 'POST', '/orders', orderBody({ order_id: 'fail-7' }));
  t.equal(refused.statusCode, 422);
  const list = await page(app, `/dashboard?site=${API_KEY}`);
  t.equal(testid(list.body, 'order-count'), '0 orders');
  t.match(testid(list.body, 'refused-hint'), /1 API call was refused/, 'the empty list says where the refused call is');

  const problems = await page(app, `/dashboard/problems?site=${API_KEY}`);
  t.equal(problems.statusCode, 200);
  t.equal(countTestid(problems.body, 'failed-call'), 1);
  const row = testid(problems.body, 'failed-call') ?? '';
  t.match(row, /POST/);
  t.match(row, /\/v1\/json\/orders/);
  t.match(row, /422/);
  t.match(row, /1024/);
  t.match(row, new RegExp(rules[0]!.id));

  const settings = await page(app, `/dashboard/settings?site=${API_KEY}`);
  t.match(testid(settings.body, 'failure-rules'), /applied 1.*POST \/v1\/json\/orders/s, 'the rule shows what it matched');
  const removed = await post(app, `/dashboard/rules/failures/${rules[0]!.id}/remove`, { back: `/dashboard/settings?site=${API_KEY}` });
  t.equal(removed.statusCode, 303);
  t.equal(app.sandbox.control.failures.list(API_KEY).length, 0);
  const bad = await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'error', code: '77', back: '/dashboard/settings' });
  t.equal(bad.statusCode, 400);
  t.match(testid(bad.body, 'error'), /code/);
});

t.test('rules: scenario rules are created, edited and removed; they show the orders they decided', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const back = `/dashboard/settings?site=${API_KEY}`;
  const add = await post(app, '/dashboard/rules/scenarios', { site: API_KEY, scenario: 'declined', order_id: 'dec-*', amount_min: '', amount_max: '', delay: '0s', uses: 'always', back });
  t.equal(add.statusCode, 303);
  const [rule] = app.sandbox.control.scenarios.list(API_KEY);
  t.match(rule, { scenario: 'declined', match: { order_id: 'dec-*' }, delay_ms: 0 });
  await createOrder(app, { order_id: 'dec-1' });
  await app.sandbox.engine.clock.advance(0);
  t.equal(app.sandbox.engine.findOrder(API_KEY, 'dec-1')!.status, 'declined');
  const settings = await page(app, back);
  t.match(testid(settings.body, 'scenario-rules'), /dec-1/, 'the order it decided is listed with the rule');

  const edit = await page(app, `${back}&edit=${rule!.id}`);
  t.match(edit.body, /name="replace" value="sr/);
  const edited = await post(app, '/dashboard/rules/scenarios', { site: API_KEY, scenario: 'cancelled', order_id: 'dec-*', delay: '', uses: 'once', replace: rule!.id, back });
  t.equal(edited.statusCode, 303);
  const now = app.sandbox.control.scenarios.list(API_KEY);
  t.equal(now.length, 1, 'edited in place: the old one is gone');
  t.match(now[0], { scenario: 'cancelled', remaining: 1, delay_ms: null });
  await post(app, `/dashboard/rules/scenarios/${now[0]!.id}/remove`, { back });
  t.equal(app.sandbox.control.scenarios.list(API_KEY).length, 0);
});

t.test('rules: notification faults for a site, cleared again; a preset loads', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const back = `/dashboard/settings?site=${API_KEY}`;
  const add = await post(app, '/dashboard/rules/faults', { site: API_KEY, scope: 'site', fault: 'delay', ms: '90s', statuses: 'completed', back });
  t.equal(add.statusCode, 303);
  t.same(app.sandbox.webhooks.faults.get({ kind: 'site', site: API_KEY }), [{ fault: 'delay', ms: 90_000, statuses: ['completed'] }]);
  const bad = await post(app, '/dashboard/rules/faults', { site: API_KEY, scope: 'site', fault: 'explode', back });
  t.equal(bad.statusCode, 400);
  t.match(testid(bad.body, 'error'), /fault must be one of drop/);
  await post(app, '/dashboard/rules/faults', { site: API_KEY, scope: 'site', fault: 'duplicate', back });
  const listed = await page(app, back);
  t.equal(countTestid(listed.body, 'webhook-fault'), 2, 'each fault is listed with its own remove button');
  const one = await post(app, '/dashboard/rules/faults/remove', { site: API_KEY, scope: 'site', index: '0', back });
  t.equal(one.statusCode, 303);
  t.same(app.sandbox.webhooks.faults.get({ kind: 'site', site: API_KEY }), [{ fault: 'duplicate' }], 'the first one went, the other stays');
  const stale = await post(app, '/dashboard/rules/faults/remove', { site: API_KEY, scope: 'site', index: '1', back });
  t.equal(stale.statusCode, 409, 'a list that changed meanwhile is refused');
  await post(app, '/dashboard/rules/faults/clear', { site: API_KEY, scope: 'site', back });
  t.same(app.sandbox.webhooks.faults.get({ kind: 'site', site: API_KEY }), []);
  app.sandbox.webhooks.faults.set({ kind: 'order', site: API_KEY, order_id: 'o-9' }, [{ fault: 'drop' }]);
  await post(app, '/dashboard/rules/faults/clear', { site: API_KEY, scope: 'order', order_id: 'o-9', back });
  t.same(app.sandbox.webhooks.faults.get({ kind: 'order', site: API_KEY, order_id: 'o-9' }), [], "an order's faults are cleared too");

  const preset = await post(app, '/dashboard/rules/preset', { site: API_KEY, preset: 'flaky-api', back });
  t.equal(preset.statusCode, 303);
  t.ok(app.sandbox.control.failures.list(API_KEY).some((r) => r.error_code === 1024 && r.site === API_KEY), 'the preset rules belong to the site');
  const unknown = await post(app, '/dashboard/rules/preset', { site: API_KEY, preset: '../../etc/passwd', back });
  t.equal(unknown.statusCode, 400);
});

t.test('what went wrong: failed notifications across orders', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0, retries: 0 } });
  const rx = await receiver(t, () => ({ status: 500, body: 'down' }));
  const o = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, o.order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(app.sandbox.webhooks.deliveries(API_KEY, o.order_id)[0]?.state, 'failed');
  const problems = await page(app, `/dashboard/problems?site=${API_KEY}`);
  t.equal(countTestid(problems.body, 'failed-notification'), 1);
  t.match(testid(problems.body, 'failed-notification'), new RegExp(`${o.order_id}.*failed`, 's'));
});

t.test('sites with counts; the shared clock asks whose tests it moves; a site may take its own clock', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  await createOrder(app);
  await createOrder(app);
  await createOrder(app, {}, OTHER);
  const list = await page(app, '/dashboard');
  t.match(list.body, new RegExp(`<option value="${API_KEY}">${API_KEY} \\(2 orders\\)</option>`));
  t.match(list.body, new RegExp(`<option value="${OTHER}">${OTHER} \\(1 order\\)</option>`));

  const before = app.sandbox.engine.clock.now();
  const ask = await post(app, '/dashboard/clock/advance', { by: '1h', site: API_KEY, back: `/dashboard?site=${API_KEY}` });
  t.equal(ask.statusCode, 200, 'a confirmation page, not a move');
  t.equal(app.sandbox.engine.clock.now(), before, 'nothing moved yet');
  t.match(testid(ask.body, 'clock-confirm'), new RegExp(`also moves the tests of ${OTHER}`));
  const yes = await post(app, '/dashboard/clock/advance', { by: '1h', site: API_KEY, confirm: 'yes', back: `/dashboard?site=${API_KEY}` });
  t.equal(yes.statusCode, 303);
  t.equal(app.sandbox.engine.clock.now(), before + 3_600_000);

  const own = await post(app, '/dashboard/clock/own', { site: API_KEY, by: '1d', back: `/dashboard?site=${API_KEY}` });
  t.equal(own.statusCode, 303);
  t.ok(app.sandbox.engine.hasOwnClock(API_KEY));
  t.equal(app.sandbox.engine.clock.now(), before + 3_600_000, 'the shared clock stayed');
  t.equal(app.sandbox.engine.now(API_KEY), before + 3_600_000 + 86_400_000);
  const mine = await post(app, '/dashboard/clock/advance', { by: '1m', site: API_KEY, back: `/dashboard?site=${API_KEY}` });
  t.equal(mine.statusCode, 303, 'its own clock moves without asking');
});

t.test('reset a site after confirming: its orders and rules go, the other site stays', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  await createOrder(app);
  await createOrder(app, {}, OTHER);
  await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'error', code: '1024', back: '/dashboard' });
  const ask = await page(app, `/dashboard/reset?site=${API_KEY}`);
  t.equal(ask.statusCode, 200);
  t.match(testid(ask.body, 'reset-confirm'), /1 order.*1 API failure rule/s);
  const unconfirmed = await post(app, '/dashboard/reset', { site: API_KEY });
  t.equal(unconfirmed.statusCode, 400, 'not without the confirmation');
  t.equal(app.sandbox.engine.listOrders(API_KEY).length, 1);
  const done = await post(app, '/dashboard/reset', { site: API_KEY, confirm: 'yes' });
  t.equal(done.statusCode, 303);
  t.match(String(done.headers.location), /^\/dashboard\?site=test-api-key-0001&done=reset/);
  t.equal(app.sandbox.engine.listOrders(API_KEY).length, 0);
  t.equal(app.sandbox.control.failures.list(API_KEY).length, 0);
  t.equal(app.sandbox.engine.listOrders(OTHER).length, 1, 'the other site is untouched');
});

t.test('resend brings the tester back to that notification; the fault rule shows what it did', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0, retries: 0 } });
  const rx = await receiver(t, () => ({ status: 200, body: 'OK' }));
  await post(app, '/dashboard/rules/faults', { site: API_KEY, scope: 'site', fault: 'drop', times: '1', back: '/dashboard/settings' });
  const o = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, o.order_id);
  await app.sandbox.engine.clock.advance(0);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, o.order_id);
  t.equal(rec?.state, 'dropped', 'the fault applied');
  const settings = await page(app, `/dashboard/settings?site=${API_KEY}`);
  t.match(testid(settings.body, 'faults-applied'), /Applied to 1 notification of this site/);
  t.match(settings.body, new RegExp(`${rec!.id}</a> of order ${o.order_id}: drop \\(dropped\\)`));

  const path = orderPath(app, o.order_id);
  const shown = await page(app, path);
  t.match(shown.body, `name="back" value="${path}#webhook-${rec!.id}"`);
  const res = await post(app, `/dashboard/sites/${API_KEY}/webhooks/${rec!.id}/resend`, { back: `${path}#webhook-${rec!.id}` });
  t.equal(res.headers.location, `${path}?done=resent&ref=${rec!.id}#webhook-${rec!.id}`);
  const odd = await post(app, `/dashboard/sites/${API_KEY}/webhooks/${rec!.id}/resend`, { back: `${path}#x"><script>` });
  t.equal(odd.headers.location, `${path}?done=resent&ref=${rec!.id}`, 'an anchor that is not a plain name is dropped');
});

t.test('odd form posts to the new routes are 4xx pages, never a 5xx', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, apiKeys: [API_KEY] });
  const o = await createOrder(app);
  const path = orderPath(app, o.order_id);
  const routes = ['/dashboard/orders', `${path}/cancel`, `${path}/refund`, '/dashboard/rules/scenarios', '/dashboard/rules/failures', '/dashboard/rules/faults', '/dashboard/rules/faults/clear', '/dashboard/rules/faults/remove', '/dashboard/rules/preset', '/dashboard/rules/scenarios/nope/remove', '/dashboard/rules/failures/nope/remove', '/dashboard/clock/advance', '/dashboard/clock/own', '/dashboard/reset'];
  const bodies: Array<Record<string, string>> = [
    {},
    { site: 'x'.repeat(300), amount: '-1', scenario: '__proto__', kind: 'constructor', code: '1e3', fault: 'toString', ms: 'forever', uses: '-2', preset: '..', by: '1y', confirm: 'yes' },
    { site: 'not-a-configured-key', amount: '1.999', order_id: 'x'.repeat(199), uses: 'twice', scope: 'order', times: '0', probability: '2', statuses: ',,,' },
    { site: API_KEY, amount: '0', delay: '-5s', amount_min: '9', amount_max: '1', country: 'XX', on: 'PUT nowhere', latency: '10m', status: '418', kind: 'http' },
  ];
  for (const url of routes) {
    for (const fields of bodies) {
      const res = await post(app, url, fields);
      t.ok(res.statusCode < 500, `${url} with ${Object.keys(fields).join(',') || 'nothing'}: ${res.statusCode}`);
    }
    const json = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '[1,2]' });
    t.ok(json.statusCode < 500, `${url} with a JSON array: ${json.statusCode}`);
  }
  t.equal(app.sandbox.engine.findOrder(API_KEY, o.order_id)?.status, 'void', 'only the cancel with nothing else to say did something');
  const wrongSite = await post(app, '/dashboard/orders', { ...NEW_ORDER, site: 'not-a-configured-key' });
  t.match(testid(wrongSite.body, 'error'), /site: not-… is not one of the API keys this sandbox was started with/);
});

t.test('edit a failure rule: the form shows its values, saving replaces it', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const back = `/dashboard/settings?site=${API_KEY}`;
  await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'latency', latency: '2s', on: 'GET /orders/*', amount_min: '10', amount_max: '20.5', country: 'de, at', probability: '0.5', uses: '3', back });
  const [rule] = app.sandbox.control.failures.list(API_KEY);
  t.match(rule, { kind: 'latency', latency_ms: 2000, on: 'GET /orders/*', match: { amount: { min: 1000, max: 2050 }, country: ['DE', 'AT'] }, probability: 0.5, remaining: 3 });
  const edit = await page(app, `${back}&edit=${rule!.id}`);
  for (const v of ['value="2s"', 'value="GET /orders/*"', 'value="10.00"', 'value="20.50"', 'value="DE, AT"', 'value="0.5"', 'value="3"', `name="replace" value="${rule!.id}"`]) t.match(edit.body, v, `prefilled: ${v}`);
  t.match(edit.body, /<option value="latency" selected>/);
  const saved = await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'http', status: '502', body: 'html', on: 'any', replace: rule!.id, back });
  t.equal(saved.statusCode, 303);
  const now = app.sandbox.control.failures.list(API_KEY);
  t.equal(now.length, 1);
  t.match(now[0], { kind: 'http', status: 502, body: 'html', on: 'any' });
  const refused = await post(app, '/dashboard/rules/failures', { site: API_KEY, kind: 'latency', latency: '1h', replace: now[0]!.id, back });
  t.equal(refused.statusCode, 400, 'a refused edit');
  t.equal(app.sandbox.control.failures.list(API_KEY)[0]?.id, now[0]!.id, 'keeps the old rule');
  const gone = await page(app, `${back}&edit=nope`);
  t.equal(gone.statusCode, 200, 'an unknown rule to edit shows the add forms');
  t.notMatch(gone.body, 'name="replace"');
});

t.test('what the journal records beyond the basics (the request and response bodies) is shown with a refused call', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const refused = await app.inject({
    method: 'POST', url: '/v1/json/orders', headers: { api_key: API_KEY, 'content-type': 'application/json' },
    payload: { type: 'redirect', gateway: 'DIRECTBANK', order_id: 'x-1', currency: 'EUR', amount: 'lots', description: 'Refused', customer: { country: 'DE', email: 'shopper@example.com' } },
  });
  t.equal(refused.statusCode, 400, 'the API refuses the amount');
  const problems = await page(app, `/dashboard/problems?site=${API_KEY}`);
  const row = testid(problems.body, 'failed-call') ?? '';
  t.match(row, /HTTP 400.*1001 Invalid amount/s);
  t.match(row, /request body[\s\S]*&quot;amount&quot;: &quot;lots&quot;|request body[\s\S]*"amount": "lots"/, 'the request body, pretty-printed');
  t.match(row, /response body/, 'the answer the shop got');
});

t.test('rules: a notification rule written on /_sandbox/failures shows with the notification faults, once, and is removed there', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const add = await app.inject({ method: 'POST', url: '/_sandbox/failures', headers: { api_key: API_KEY }, payload: { target: 'notification', kind: 'drop', match: { email: '*@drop.example' }, statuses: ['completed'] } });
  t.equal(add.statusCode, 201);
  const id = add.json().rule.id as string;
  const back = `/dashboard/settings?site=${API_KEY}`;
  const settings = await page(app, back);
  t.notMatch(testid(settings.body, 'failure-rules') ?? '', id, 'not among the API failure rules');
  t.match(testid(settings.body, 'webhook-faults'), new RegExp(`${id}[\\s\\S]*drop[\\s\\S]*completed[\\s\\S]*@drop\\.example[\\s\\S]*Remove`), 'listed with its match and a remove button');
  const removed = await post(app, `/dashboard/rules/failures/${id}/remove`, { site: API_KEY, back });
  t.equal(removed.statusCode, 303);
  t.same((await app.inject({ method: 'GET', url: '/_sandbox/failures', headers: { api_key: API_KEY } })).json().rules, []);
});
