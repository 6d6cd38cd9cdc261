// Real browser (Chromium) on the pages a tester can reach besides the happy path: test
// credentials, wrong TAN, expired and unknown sessions, double confirm, escaping, German,
// phone width, the gateway choice, close_window and "Customer never comes back".
import t from 'tap';
import type { Page } from 'playwright-core';
import { start } from './helpers/build.js';
import { createOrderHttp, launchBrowser, newContext, orderStatusHttp, shot, startMerchant } from './helpers/browser.js';

// Chromium on a busy 2-core machine: allow more than the suite's default per-file timeout.
t.setTimeout(300_000);

let n = 0;
function orderBody(merchant: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'direct',
    gateway: 'DIRECTBANK',
    order_id: `pages-${++n}`,
    currency: 'EUR',
    amount: 4999,
    description: 'Running shoes, size 42',
    payment_options: { redirect_url: `${merchant}/thanks`, cancel_url: `${merchant}/cart` },
    customer: { locale: 'en_US', country: 'DE', first_name: 'Max', last_name: 'Mustermann' },
    ...overrides,
  };
}

async function login(page: Page, user: string): Promise<void> {
  await page.getByLabel('User ID').fill(user);
  await page.getByLabel('PIN').fill('1234');
  await page.getByTestId('login').click();
}

async function chooseBank(page: Page): Promise<void> {
  await page.getByTestId('bank-option-de-commerzbank').check();
  await page.getByTestId('bank-continue').click();
}

t.test('browser pages', async (t) => {
  // These cases look at the result pages themselves: the "Payment confirmed" page is an option (by default the shopper goes straight back to the shop).
  const sandbox = await start(t, { manualClock: true, startTime: '2026-04-01T09:30:00Z', confirmationPage: true });
  const browser = await launchBrowser(t);
  const merchant = await startMerchant(t);

  await t.test('wrong password, locked account, wrong TAN then right TAN', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
    await page.goto(order.payment_url);
    await chooseBank(page);
    await login(page, 'wrongpassword');
    t.equal(await page.getByTestId('error').textContent(), 'Wrong user ID or PIN. Please try again.');
    await shot(page, '07-login-wrong-password');
    await login(page, 'locked');
    t.match(await page.getByTestId('error').textContent(), /access is locked/);
    await shot(page, '08-login-locked');
    await login(page, 'max');
    await page.getByTestId('account-continue').click();
    await page.getByLabel('TAN').fill('000000');
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('error').textContent(), 'Wrong TAN. Please check it and try again.');
    await shot(page, '09-tan-wrong');
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'initialized');
    await page.getByLabel('TAN').fill('135790');
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment confirmed');
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'completed');
  });

  await t.test('confirming in two tabs pays once; the second tab says already paid', async (t) => {
    const { context, page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
    await page.goto(order.payment_url);
    await chooseBank(page);
    await login(page, 'max');
    await page.getByTestId('account-continue').click();
    const second = await context.newPage();
    await second.goto(page.url());
    await page.getByLabel('TAN').fill('1');
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment confirmed');
    await second.getByLabel('TAN').fill('1');
    await second.getByTestId('confirm').click();
    t.equal(await second.getByTestId('result-title').textContent(), 'This order is already paid');
    await shot(second, '14-already-paid');
    await second.reload(); // re-sends the TAN form, as a shopper's F5 on that page would
    t.equal(await second.getByTestId('result-title').textContent(), 'This order is already paid', 'the re-sent form pays nothing');
    await page.reload();
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment confirmed', 'the paying tab was redirected: a refresh just shows the result');
    const timeline = sandbox.app.sandbox.engine.listOrders(null, { q: order.order_id })[0]!.timeline;
    t.equal(timeline.filter((e) => e.action === 'authorise').length, 1, 'one authorisation');
  });

  await t.test('an expired order shows the expired page', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', days_active: 1 }));
    await sandbox.app.sandbox.engine.clock.advance(24 * 3_600_000 + 1);
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'expired');
    await page.goto(order.payment_url);
    t.equal(await page.getByTestId('result-title').textContent(), 'This payment has expired');
    await shot(page, '12-expired');
  });

  await t.test('an unknown session shows a 404 page', async (t) => {
    const { page } = await newContext(t, browser);
    const res = await page.goto(`${sandbox.url}/connect/ThisSessionDoesNotExist/?lang=en_US`);
    t.equal(res?.status(), 404);
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment not found');
    await shot(page, '13-not-found');
  });

  await t.test('merchant text with markup shows as text and runs nothing', async (t) => {
    const { page, dialogs } = await newContext(t, browser);
    const nasty = ['<script>alert("desc")</script>', '"><img src=x onerror=alert("img")>'];
    for (const description of nasty) {
      const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', description, order_id: `<i>x-${++n}</i>` }));
      await page.goto(order.payment_url);
      t.equal(await page.getByTestId('description').textContent(), description);
      t.equal(await page.locator('main img[src="x"]').count(), 0);
      await shot(page, '18-escaping');
      await page.getByTestId('continue').click();
      t.match(await page.getByTestId('paying').textContent(), '<i>x-');
    }
    t.same(dialogs, [], 'no dialog fired');
  });

  await t.test('German pages for a de_DE customer', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', amount: 129900, customer: { locale: 'de_DE', country: 'DE' } }));
    await page.goto(order.payment_url);
    t.equal(await page.getByTestId('amount').textContent(), '1.299,00\u00a0€');
    t.equal(await page.getByTestId('continue').textContent(), 'Weiter zu Ihrer Bank');
    await shot(page, '15-payment-page-de');
    await page.getByLabel('Testszenario').selectOption('completed');
    await page.getByTestId('continue').click();
    await page.getByTestId('bank-option-de-commerzbank').check();
    await page.getByTestId('bank-continue').click();
    await page.getByLabel('Anmeldename').fill('max');
    await page.getByLabel('PIN').fill('1');
    await page.getByTestId('login').click();
    await page.getByTestId('account-continue').click();
    await page.getByLabel('TAN').fill('1');
    await shot(page, '16-bank-tan-de');
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('result-title').textContent(), 'Zahlung bestätigt');
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'uncleared', '1,299 EUR goes uncleared');
  });

  await t.test('phone width: the pages fit without sideways scrolling', async (t) => {
    const { page } = await newContext(t, browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', description: 'A rather long description of the order that has to wrap on a small screen' }));
    await page.goto(order.payment_url);
    const fits = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    t.ok(await fits(), 'payment page');
    await shot(page, '17-phone-payment-page');
    await page.getByTestId('continue').click();
    await chooseBank(page);
    await login(page, 'max');
    t.ok(await fits(), 'account step');
    await shot(page, '17-phone-bank-account');
  });

  await t.test('an order without a gateway: the shopper picks Sofort; an unsupported country is told why', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', gateway: '' }));
    await page.goto(order.payment_url);
    await page.getByLabel(/SOFORT Banking/).check();
    await shot(page, '19-payment-page-choose-method');
    await page.getByTestId('continue').click();
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Choose your bank');

    const nl = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect', gateway: '', customer: { locale: 'en_US', country: 'NL' } }));
    await page.goto(nl.payment_url);
    await page.getByLabel(/SOFORT Banking/).check();
    await page.getByTestId('continue').click();
    t.match(await page.getByTestId('error').textContent(), /not available for customers in The Netherlands/);
    await shot(page, '19-payment-page-country-refused');
  });

  await t.test('close_window: the result page offers to close the window', async (t) => {
    const { context, page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { payment_options: { redirect_url: `${merchant.url}/thanks`, close_window: true } }));
    // Opened by the "shop" as a popup, as close_window integrations do, so window.close() is allowed.
    const opener = await context.newPage();
    await opener.goto(`${merchant.url}/shop`);
    const [popup] = await Promise.all([context.waitForEvent('page'), opener.evaluate(`void window.open(${JSON.stringify(order.payment_url)})`)]);
    await chooseBank(popup);
    await login(popup, 'max');
    await popup.getByTestId('account-continue').click();
    await popup.getByLabel('TAN').fill('1');
    await popup.getByTestId('confirm').click();
    t.match(await popup.getByTestId('close-hint').textContent(), /close it now/);
    await shot(popup, '21-close-window');
    await Promise.all([popup.waitForEvent('close'), popup.getByTestId('close-window').click()]);
    t.ok(popup.isClosed(), 'the window closed');
    void page;
  });

  await t.test('"Customer never comes back": the page says so and the order stays open', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'redirect' }));
    await page.goto(order.payment_url);
    await page.getByLabel('Test scenario').selectOption('abandoned');
    await page.getByTestId('continue').click();
    await chooseBank(page);
    await login(page, 'max');
    await page.getByTestId('account-continue').click();
    await page.getByLabel('TAN').fill('1');
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('result-title').textContent(), 'You left the bank');
    await shot(page, '20-abandoned');
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'initialized');
  });
});
