// Real browser (Chromium) on the QA dashboard: find an order, read its webhook attempts,
// resend one, settle a refund, watch a status change arrive live (server-sent events, no
// reload), use it with JavaScript off and at phone width, and log in with a control token.
import t from 'tap';
import type { Page } from 'playwright-core';
import { start } from './helpers/build.js';
import { createOrderHttp, launchBrowser, newContext, shot } from './helpers/browser.js';
import { receiver } from './helpers/webhooks.js';

t.setTimeout(300_000);

const SITE = 'qa-team-shop-key';
let n = 0;

function body(notify: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: `qa-${++n}`,
    currency: 'EUR',
    amount: 2499,
    description: 'Winter jacket, size M',
    payment_options: { notification_url: notify, redirect_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cancel' },
    customer: { locale: 'de_DE', country: 'DE', first_name: 'Erika', last_name: 'Mustermann', email: 'erika@example.com' },
    ...overrides,
  };
}

async function control(url: string, path: string, payload: unknown, key: string | null = SITE, token?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.api_key = key;
  if (token) headers['x-sandbox-token'] = token;
  const res = await fetch(`${url}/_sandbox${path}`, { method: 'POST', headers, body: JSON.stringify(payload) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`control ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function liveReady(page: Page): Promise<void> {
  // Locators, not waitForFunction: a polled string predicate needs eval, which the dashboard's CSP forbids.
  await page.locator('[data-live-status][data-state="on"]').waitFor();
}

t.test('browser dashboard', async (t) => {
  const sandbox = await start(t, { manualClock: true, startTime: '2026-04-01T09:30:00Z', webhooks: { delayMs: 2000 } });
  const hook = await receiver(t, () => ({ status: 500, body: 'receiver down for maintenance' }));
  const browser = await launchBrowser(t);

  // A paid order whose first notification failed, an unpaid one, and one with hostile text.
  const paid = await createOrderHttp(sandbox.apiUrl, body(hook.url, { amount: 8990, description: 'Espresso machine' }), SITE);
  const waiting = await createOrderHttp(sandbox.apiUrl, body(hook.url, { second_chance: { send_email: true }, days_active: 1 }), SITE);
  const hostile = await createOrderHttp(sandbox.apiUrl, body(hook.url, { order_id: 'qa-<img src=x onerror=alert(1)>', description: '<script>alert("x")</script> & "quotes"' }), SITE);
  await createOrderHttp(sandbox.apiUrl, body(hook.url, { order_id: 'other-site-order' }), 'another-site-key');
  await control(sandbox.url, `/orders/${paid.order_id}/scenario`, { scenario: 'completed', delay: 0 });
  await control(sandbox.url, '/clock/advance', { by: '5s' }, null);
  await hook.received(1);
  t.equal(hook.requests.length, 1, 'the first notification was attempted (and failed with 500)');

  await t.test('find an order: pick the site, search, open it', async (t) => {
    const { page, dialogs } = await newContext(t, browser);
    await page.goto(sandbox.url);
    t.equal(new URL(page.url()).pathname, '/dashboard', '/ leads to the dashboard');
    t.equal(await page.getByTestId('order-row').count(), 4, 'every site at first');
    await page.getByLabel('Site (API key)').selectOption(SITE);
    await page.getByLabel('Search').fill('espresso');
    await page.getByTestId('filter-submit').click();
    t.equal(await page.getByTestId('order-row').count(), 1);
    t.match(await page.getByTestId('order-row').textContent(), /qa-1.*completed.*89\.90/s);
    await page.getByLabel('Search').fill('');
    await page.getByTestId('filter-submit').click();
    t.equal(await page.getByTestId('order-row').count(), 3, 'the three orders of the site');
    t.equal(await page.getByTestId('order-link').filter({ hasText: 'qa-<img' }).count(), 1, 'a hostile order id is shown as text');
    await shot(page, 'dashboard-orders');
    await page.getByTestId('order-link').filter({ hasText: paid.order_id }).first().click();
    t.equal(await page.getByTestId('order-id').textContent(), paid.order_id);
    t.equal(await page.getByTestId('status').textContent(), 'completed');
    t.same(dialogs, [], 'no script of merchant data ran');
  });

  await t.test('read the webhook attempts, resend one, and see it acknowledged', async (t) => {
    const { page } = await newContext(t, browser);
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    await page.getByTestId('order-link').filter({ hasText: paid.order_id }).first().click();
    const webhook = page.getByTestId('webhook').first();
    t.equal(await webhook.getByTestId('webhook-state').textContent(), 'pending', 'a retry is planned');
    t.match(await webhook.textContent(), /next attempt 2026-04-01 09:45:0\d UTC \(in 14m/);
    const attempt = webhook.getByTestId('attempt').first();
    t.match(await attempt.getByTestId('attempt-outcome').textContent(), 'HTTP 500');
    t.notOk(await attempt.getByTestId('attempt-request').isVisible(), 'request details start folded');
    await attempt.locator('summary').click();
    const request = await attempt.getByTestId('attempt-request').textContent();
    t.match(request, new RegExp(`^POST ${hook.url.replace(/[.?]/g, '\\$&')}\\?transactionid=${paid.order_id}&timestamp=\\d+`));
    t.match(request, /Auth: \S+/);
    t.match(request, /"status": "completed"/);
    t.match(await attempt.getByTestId('attempt-response').textContent(), /HTTP 500\nreceiver down for maintenance/);
    await shot(page, 'dashboard-webhook-attempt');

    hook.respond(() => ({ status: 200, body: 'OK' }));
    await webhook.getByTestId('resend').click();
    t.match(await page.getByTestId('flash').textContent(), /was sent again/);
    t.equal(hook.requests.length, 2, 'the receiver got the resend');
    const again = page.getByTestId('webhook').first();
    t.equal(await again.getByTestId('webhook-state').textContent(), 'delivered');
    t.equal(await again.getByTestId('attempt').count(), 2);
    t.match(await again.getByTestId('attempt').first().textContent(), /#2\s+resend.*HTTP 200.*acknowledged/s);
  });

  await t.test('advance time in one tab and watch the order expire live in another', async (t) => {
    const { context, page } = await newContext(t, browser);
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    await page.getByTestId('order-link').filter({ hasText: waiting.order_id }).first().click();
    await liveReady(page);
    t.equal(await page.getByTestId('status').textContent(), 'initialized');
    t.equal(await page.getByTestId('expire').count(), 1, 'an unpaid order can be expired or decided');
    await shot(page, 'dashboard-order-pending');
    // A mark on the window: a reload would wipe it.
    await page.evaluate('window.mark = 42');

    const other = await context.newPage();
    await other.goto(sandbox.url + '/dashboard?site=' + SITE);
    await other.getByTestId('advance-1d').click();
    // The sandbox clock is shared with another site's order: the dashboard says so before moving it.
    t.match(await other.getByTestId('clock-confirm').textContent(), /also moves the tests of another-site-key/);
    await other.getByTestId('clock-confirm-yes').click();
    t.match(await other.getByTestId('flash').textContent(), /The clock moved forward 1d; \d+ timed jobs? ran/);

    await page.getByTestId('status').filter({ hasText: /^expired$/ }).waitFor();
    t.equal(await page.evaluate<number>('window.mark'), 42, 'the page changed without a reload');
    t.equal(await page.getByTestId('financial-status').textContent(), 'expired');
    t.match(await page.getByTestId('timeline').textContent(), /clock\s*expire\s*initialized \/ initialized → expired \/ expired/);
    t.match(await page.getByTestId('clock-now').textContent(), /^2026-04-02 09:30:05 UTC$/, 'the clock panel moved too');
    t.equal(await page.getByTestId('expire').count(), 0, 'no outcome buttons on a decided order');
    await shot(page, 'dashboard-order-live');
  });

  await t.test('a refund is accepted with its button', async (t) => {
    const res = await fetch(`${sandbox.apiUrl}orders/${paid.order_id}/refunds`, {
      method: 'POST',
      headers: { api_key: SITE, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1000, currency: 'EUR', description: 'Returned milk frother' }),
    });
    t.equal(res.status, 200);
    const { page } = await newContext(t, browser);
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    await page.getByTestId('order-link').filter({ hasText: paid.order_id }).first().click();
    const row = page.getByTestId('refund-row').first();
    t.equal(await row.getByTestId('refund-status').textContent(), 'reserved');
    t.match(await row.textContent(), /10\.00.*2026-04-03 00:00:00 UTC/s, 'it would settle at the next midnight');
    await shot(page, 'dashboard-order');
    await row.getByTestId('refund-accept').click();
    t.match(await page.getByTestId('flash').textContent(), /Refund \d+ was accepted/);
    t.equal(await page.getByTestId('refund-row').first().getByTestId('refund-status').textContent(), 'completed');
    t.equal(await page.getByTestId('status').textContent(), 'partial_refunded');
  });

  await t.test('JavaScript off: the pages read and the buttons work', async (t) => {
    const { page, dialogs } = await newContext(t, browser, { javaScriptEnabled: false });
    const fresh = await createOrderHttp(sandbox.apiUrl, body(hook.url, { order_id: 'qa-no-js' }), SITE);
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    t.equal(await page.getByTestId('live-status').textContent(), 'static', 'no live badge without the script');
    await page.getByTestId('order-link').filter({ hasText: 'qa-<img' }).first().click();
    t.equal(await page.getByTestId('order-id').textContent(), hostile.order_id);
    t.match(await page.getByTestId('facts').textContent(), '<script>alert("x")</script> & "quotes"');
    t.match(await page.getByTestId('order-json').textContent(), '"description": "<script>alert(\\"x\\")</script> & \\"quotes\\""');
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    await page.getByTestId('order-link').filter({ hasText: fresh.order_id }).first().click();
    await page.getByTestId('scenario').selectOption('declined');
    await page.getByTestId('scenario-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Scenario “declined” was played/);
    t.equal(await page.getByTestId('status').textContent(), 'declined');
    await page.getByTestId('nav-outbox').click();
    t.match(await page.getByTestId('outbox-count').textContent(), /^[1-9]\d* emails?/, 'the reminders of the unpaid order fell due during the day');
    await shot(page, 'dashboard-outbox');
    await page.getByTestId('nav-settings').click();
    t.match(await page.locator('main').textContent(), /Control token\s*not set/);
    await shot(page, 'dashboard-settings');
    // The new forms are plain forms too: create an order and refuse one with a rule, no script.
    await page.getByTestId('nav-new').click();
    await page.getByLabel('Order id').fill('qa-made-without-js');
    await page.getByTestId('new-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Order qa-made-without-js was created/);
    t.equal(await page.getByTestId('copy-curl').count(), 0);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sr-order-id').fill('never-*');
    await page.getByTestId('sr-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Rule sr\S* was added/);
    await page.getByTestId('scenario-rule').getByTestId('rule-remove').click();
    t.match(await page.getByTestId('flash').textContent(), /Rule sr\S* was removed/);
    t.same(dialogs, []);
  });

  await t.test('phone width: the list and an order stay readable', async (t) => {
    const { page, dialogs } = await newContext(t, browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(sandbox.url + '/dashboard?site=' + SITE);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    t.equal(overflow, 0, 'no sideways scrolling of the page');
    await shot(page, 'dashboard-phone-orders');
    await page.getByTestId('order-link').filter({ hasText: paid.order_id }).first().click();
    t.equal(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
    await shot(page, 'dashboard-phone-order');
    for (const path of ['/dashboard/orders/new', '/dashboard/problems', '/dashboard/settings']) {
      await page.goto(`${sandbox.url}${path}?site=${SITE}`);
      t.equal(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0, `${path} fits a phone`);
    }
    await shot(page, 'dashboard-phone-settings');
    t.same(dialogs, []);
  });
});

t.test('with a control token the dashboard asks for it once', async (t) => {
  const token = 'qa-token-12345';
  const sandbox = await start(t, { controlToken: token });
  await createOrderHttp(sandbox.apiUrl, body('https://shop.example/hook'), SITE);
  const browser = await launchBrowser(t);
  const { page } = await newContext(t, browser);
  await page.goto(sandbox.url + '/dashboard?site=' + SITE);
  t.equal(await page.getByTestId('login-form').count(), 1);
  await page.getByLabel(/Control token/).fill('not-the-token');
  await page.getByTestId('login').click();
  t.equal(await page.getByTestId('error').textContent(), 'That is not the control token this sandbox was started with.');
  await shot(page, 'dashboard-login');
  await page.getByLabel(/Control token/).fill(token);
  await page.getByTestId('login').click();
  t.equal(new URL(page.url()).searchParams.get('site'), SITE, 'back to the page asked for');
  t.equal(await page.getByTestId('order-row').count(), 1);
  await liveReady(page);
  t.pass('the event stream is allowed by the cookie too');
  await page.getByTestId('logout').click();
  await page.goto(sandbox.url + '/dashboard');
  t.equal(await page.getByTestId('login-form').count(), 1, 'logged out');
});

// A QA tester's whole round in the browser, without curl: create an order from the form,
// pay it through its payment link, refund part of it, set a 1024 rule and find the refused
// call, move time for this site only, and reset the site.
t.test("a tester's round without curl", async (t) => {
  const TESTER = 'qa-round-site-key';
  const sandbox = await start(t, { manualClock: true, startTime: '2026-04-01T09:30:00Z', webhooks: { delayMs: 0 } });
  const hook = await receiver(t, () => ({ status: 200, body: 'OK' }));
  await createOrderHttp(sandbox.apiUrl, body(hook.url, { order_id: 'someone-elses-test' }), 'another-team-key');
  const browser = await launchBrowser(t);
  const { page, dialogs } = await newContext(t, browser);

  await t.test('create an order from the form; copy it as curl first', async (t) => {
    await page.goto(sandbox.url + '/dashboard');
    await page.getByTestId('nav-new').click();
    await page.getByLabel('Site (API key)').fill(TESTER);
    await page.getByLabel('Order id').fill('round-1');
    await page.getByLabel('Amount (EUR)').fill('42.50');
    await page.getByLabel('Customer country').selectOption('DE');
    await page.getByLabel('Locale').selectOption('en_US');
    await page.getByLabel('Description').fill('Kettle, brushed steel');
    await page.getByLabel('Notification URL (optional)').fill(hook.url);
    await page.getByTestId('new-curl').click();
    t.match(await page.getByTestId('curl').textContent(), /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\/json\/orders' -H 'api_key: qa-round-site-key'.*"amount":4250/s);
    t.equal(await page.getByLabel('Order id').inputValue(), 'round-1', 'the form keeps what was typed');
    await shot(page, 'dashboard-new-order');
    await page.getByTestId('new-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Order round-1 was created/);
    t.equal(await page.getByTestId('status').textContent(), 'initialized');
    await shot(page, 'dashboard-created');
  });

  await t.test('pay it through its payment link and come back to its page', async (t) => {
    await page.getByTestId('payment-link').click();
    t.equal(await page.getByTestId('amount').textContent(), '€42.50');
    await page.getByTestId('continue').click();
    await page.getByTestId('bank-option-de-commerzbank').check();
    await page.getByTestId('bank-continue').click();
    await page.getByLabel('User ID').fill('max');
    await page.getByLabel('PIN').fill('1234');
    await page.getByTestId('login').click();
    await page.getByTestId('account-option-0').check();
    await page.getByTestId('account-continue').click();
    await page.getByLabel('TAN').fill('123456');
    await page.getByTestId('confirm').click();
    // Straight back to the shop as MultiSafepay redirects; for an order made here the "shop" is its dashboard page.
    t.match(await page.getByTestId('flash').textContent(), /Back from the payment pages: the order is completed/);
    t.equal(await page.getByTestId('status').textContent(), 'completed');
    await hook.received(2);
    t.equal(hook.requests.length, 2, 'the shop was notified: initialized when the shopper went to the bank, then completed');
  });

  await t.test('refund part of it; the page stays at the refunds', async (t) => {
    await page.getByTestId('refund-amount').fill('10.00');
    await page.getByTestId('refund-description').fill('Dented lid');
    await page.getByTestId('refund-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Refund \d+ was created/);
    t.equal(new URL(page.url()).hash, '#refunds');
    t.match(await page.getByTestId('refund-row').first().textContent(), /Dented lid.*€10\.00.*reserved/s);
    t.equal(await page.getByTestId('status').textContent(), 'partial_refunded');
    await shot(page, 'dashboard-refunded');
  });

  await t.test('set a 1024 rule and see the refused call listed', async (t) => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('fr-code').selectOption('1024');
    await page.getByTestId('fr-order-id').fill('fail-*');
    await page.getByTestId('fr-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /Rule fr\S* was added/);
    const refused = await fetch(`${sandbox.apiUrl}orders`, { method: 'POST', headers: { api_key: TESTER, 'content-type': 'application/json' }, body: JSON.stringify(body(hook.url, { order_id: 'fail-1' })) });
    t.equal(refused.status, 422, 'the shop gets 1024');
    await page.getByTestId('nav-orders').click();
    t.equal(await page.getByTestId('order-row').count(), 1, 'the refused order is not an order');
    t.match(await page.getByTestId('refused-hint').textContent(), /1 API call was refused/);
    await page.getByTestId('refused-hint').getByRole('link').click();
    const call = page.getByTestId('failed-call').first();
    t.match(await call.textContent(), /POST\s*\/v1\/json\/orders.*HTTP 422.*1024 Transaction declined/s);
    await shot(page, 'dashboard-problems');
    await page.getByTestId('nav-settings').click();
    t.match(await page.getByTestId('failure-rule').first().textContent(), /applied 1.*POST \/v1\/json\/orders → HTTP 422 \(1024\)/s, 'the rule shows what it matched');
    await shot(page, 'dashboard-rules');
  });

  await t.test("moving the shared clock names whose tests it moves; this site takes its own", async (t) => {
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('advance-1h').click();
    t.match(await page.getByTestId('clock-confirm').textContent(), /also moves the tests of another-team-key/);
    await shot(page, 'dashboard-clock-confirm');
    await page.getByTestId('clock-own').click();
    t.match(await page.getByTestId('flash').textContent(), /own clock now and moved it forward 1h/);
    const clockOf = async (key: string | null): Promise<number> => {
      const res = await fetch(`${sandbox.url}/_sandbox/clock`, { headers: key === null ? {} : { api_key: key } });
      return Date.parse(((await res.json()) as { now: string }).now);
    };
    t.equal((await clockOf(TESTER)) - (await clockOf(null)), 3_600_000, 'only this site moved');
  });

  await t.test('reset the site after confirming', async (t) => {
    await page.getByTestId('reset-site').click();
    t.match(await page.getByTestId('reset-counts').textContent(), /1 order.*1 API failure rule/s);
    await shot(page, 'dashboard-reset');
    await page.getByTestId('reset-yes').check();
    await page.getByTestId('reset-submit').click();
    t.match(await page.getByTestId('flash').textContent(), /The site was reset: 1 order/);
    t.equal(await page.getByTestId('order-row').count(), 0);
    const theirs = await fetch(`${sandbox.apiUrl}orders/someone-elses-test`, { headers: { api_key: 'another-team-key' } });
    t.equal(theirs.status, 200, "the other team's order is still there");
    t.same(dialogs, []);
  });
});
