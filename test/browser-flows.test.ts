// Real browser (Chromium) through the redirect and direct flows: what a tester clicks,
// where the shopper lands, and the order status the API reports afterwards.
import t from 'tap';
import type { Page } from 'playwright-core';
import { start } from './helpers/build.js';
import { createOrderHttp, launchBrowser, newContext, orderStatusHttp, shot, startMerchant } from './helpers/browser.js';

let n = 0;
function orderBody(merchant: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: `browser-${++n}`,
    currency: 'EUR',
    amount: 2495,
    description: 'Espresso beans, 1 kg',
    payment_options: { redirect_url: `${merchant}/thanks?cart=7`, cancel_url: `${merchant}/cart` },
    customer: { locale: 'en_US', country: 'DE', first_name: 'Max', last_name: 'Mustermann' },
    ...overrides,
  };
}

/** Bank steps up to (not including) confirming the TAN; screenshots of each step when asked. */
async function toTan(page: Page, shots = false): Promise<void> {
  await page.getByTestId('bank-option-de-commerzbank').check();
  if (shots) await shot(page, '02-bank-choose');
  await page.getByTestId('bank-continue').click();
  await page.getByLabel('User ID').fill('max');
  await page.getByLabel('PIN').fill('1234');
  if (shots) await shot(page, '03-bank-login');
  await page.getByTestId('login').click();
  await page.getByTestId('account-option-0').check();
  if (shots) await shot(page, '04-bank-account');
  await page.getByTestId('account-continue').click();
  await page.getByLabel('TAN').fill('123456');
  if (shots) await shot(page, '05-bank-tan');
}

// Chromium on a busy 2-core machine: allow more than the suite's default per-file timeout.
t.setTimeout(300_000);

t.test('browser flows', async (t) => {
  const sandbox = await start(t, { manualClock: true });
  const browser = await launchBrowser(t);
  const merchant = await startMerchant(t);

  await t.test('redirect flow below 100 EUR: payment page, bank, straight back at redirect_url', async (t) => {
    const { page, dialogs } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
    await page.goto(order.payment_url);
    t.equal(await page.getByTestId('amount').textContent(), '€24.95');
    t.equal(await page.getByLabel('Test scenario').inputValue(), 'completed');
    await shot(page, '01-payment-page');
    await page.getByTestId('continue').click();
    await toTan(page, true);
    // As at MultiSafepay: no confirmation page, no extra click; the shop's success URL is next.
    await page.getByTestId('confirm').click();
    await page.waitForURL(/\/thanks\?/);
    t.same(await orderStatusHttp(sandbox.apiUrl, order.order_id).then((o) => [o.status, o.financial_status]), ['completed', 'completed']);
    const landed = new URL(page.url());
    t.equal(landed.pathname, '/thanks');
    t.equal(landed.searchParams.get('cart'), '7', "the merchant's own query is kept");
    t.equal(landed.searchParams.get('transactionid'), order.order_id);
    t.equal(await page.getByTestId('merchant').textContent(), 'Merchant /thanks');
    await page.goBack();
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment confirmed', 'going back shows the result, not a form');
    t.same(dialogs, []);
  });

  await t.test('redirect flow from 100 EUR: uncleared', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { amount: 15000 }));
    await page.goto(order.payment_url);
    await page.getByTestId('continue').click();
    await toTan(page);
    await page.getByTestId('confirm').click();
    await page.waitForURL(/\/thanks\?/);
    t.same(await orderStatusHttp(sandbox.apiUrl, order.order_id).then((o) => [o.status, o.financial_status]), ['uncleared', 'uncleared']);
    await sandbox.app.sandbox.engine.clock.advance(24 * 3_600_000);
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'completed', 'completed a day later');
  });

  await t.test('direct flow: payment_url opens the bank', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url, { type: 'direct' }));
    t.match(order.payment_url, /\/bank\//);
    await page.goto(order.payment_url);
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Choose your bank');
    await toTan(page);
    await page.getByTestId('confirm').click();
    await page.waitForURL(/transactionid=/);
    t.equal(new URL(page.url()).searchParams.get('transactionid'), order.order_id);
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'completed');
  });

  await t.test('with JavaScript switched off the flow still completes', async (t) => {
    const { page } = await newContext(t, browser, { javaScriptEnabled: false });
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
    await page.goto(order.payment_url);
    await page.getByLabel('Test scenario').selectOption('completed');
    await page.getByTestId('continue').click();
    await page.getByLabel('Country of your bank').selectOption('AT');
    await page.getByTestId('show-banks').click();
    await page.getByTestId('bank-option-at-erste').check();
    await page.getByTestId('bank-continue').click();
    await page.getByLabel('User ID').fill('max');
    await page.getByLabel('PIN').fill('1234');
    await page.getByTestId('login').click();
    await page.getByTestId('account-continue').click();
    await page.getByLabel('TAN').fill('999999');
    await page.getByTestId('confirm').click();
    await page.waitForURL(/\/thanks\?/);
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'completed');
  });

  await t.test('cancel on the payment page and at each bank step lands on cancel_url', async (t) => {
    const steps = ['payment page', 'bank', 'login', 'account', 'tan'] as const;
    for (const [i, at] of steps.entries()) {
      const { page } = await newContext(t, browser);
      const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
      await page.goto(order.payment_url);
      if (i >= 1) await page.getByTestId('continue').click();
      if (i >= 2) {
        await page.getByTestId('bank-option-de-commerzbank').check();
        await page.getByTestId('bank-continue').click();
      }
      if (i >= 3) {
        await page.getByLabel('User ID').fill('max');
        await page.getByLabel('PIN').fill('1');
        await page.getByTestId('login').click();
      }
      if (i >= 4) await page.getByTestId('account-continue').click();
      await page.getByTestId('cancel').click();
      await page.waitForURL(/\/cart\?/);
      t.equal(new URL(page.url()).searchParams.get('transactionid'), order.order_id, `cancel at ${at}`);
      const s = await orderStatusHttp(sandbox.apiUrl, order.order_id);
      t.same([s.status, s.financial_status], ['void', 'cancelled'], `cancel at ${at}`);
      if (i === 0) {
        await page.goto(order.payment_url);
        t.equal(await page.getByTestId('result-title').textContent(), 'Payment cancelled', 'the link now shows the cancelled page');
        await shot(page, '10-cancelled');
      }
    }
  });

  await t.test('declined scenario: declined page, back to cancel_url', async (t) => {
    const { page } = await newContext(t, browser);
    const order = await createOrderHttp(sandbox.apiUrl, orderBody(merchant.url));
    await page.goto(order.payment_url);
    await page.getByLabel('Test scenario').selectOption({ label: 'Declined' });
    await page.getByTestId('continue').click();
    await toTan(page);
    await page.getByTestId('confirm').click();
    t.equal(await page.getByTestId('result-title').textContent(), 'Payment declined');
    await shot(page, '11-declined');
    await page.getByTestId('return').click();
    await page.waitForURL(/\/cart\?/);
    t.equal(new URL(page.url()).searchParams.get('transactionid'), order.order_id);
    t.equal((await orderStatusHttp(sandbox.apiUrl, order.order_id)).status, 'declined');
  });
});
