// sofort-sandbox/playwright in Debian's Chromium, used the way a shop's end-to-end test uses
// it: a small shop (served here) sends the shopper to the payment page, payAs() pays with the
// chosen outcome, and the browser is back at the shop's redirect_url or cancel_url.
import t from 'tap';
import type { Test } from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { payAs } from '../src/playwright.js';
import type { PayOutcome } from '../src/playwright.js';
import { start } from './helpers/build.js';
import { launchBrowser, newContext, orderStatusHttp } from './helpers/browser.js';

t.setTimeout(300_000);

const KEY = 'browser-test-key';

/** The shop: "/" has a Pay button; POST /checkout creates the order and redirects to payment_url. */
async function startShop(t: Test, apiUrl: string): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.local');
    const base = `http://${req.headers.host ?? ''}`;
    if (req.method === 'POST' && url.pathname === '/checkout') {
      const type = url.searchParams.get('type') ?? 'redirect';
      const amount = Number(url.searchParams.get('amount') ?? '2495');
      const body = {
        type,
        gateway: 'DIRECTBANK',
        order_id: `shop-${++n}`,
        currency: 'EUR',
        amount,
        description: 'Espresso beans',
        payment_options: { redirect_url: `${base}/thanks`, cancel_url: `${base}/cart` },
        customer: { locale: 'en_US', country: 'DE' },
      };
      fetch(`${apiUrl}orders`, { method: 'POST', headers: { api_key: KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then((r) => r.json() as Promise<{ data: { payment_url: string } }>)
        .then((j) => res.writeHead(303, { location: j.data.payment_url }).end(), (err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (url.pathname === '/') {
      const q = url.search;
      res.end(`<!doctype html><title>Shop</title><form method="post" action="/checkout${q}"><button data-testid="pay">Pay with Sofort</button></form>`);
    } else {
      res.end(`<!doctype html><title>Shop</title><h1 data-testid="landed">${url.pathname}</h1>`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('payAs from a shop checkout', async (t) => {
  const sandbox = await start(t, { manualClock: true });
  const browser = await launchBrowser(t);
  const shop = await startShop(t, sandbox.apiUrl);

  const cases: Array<{ outcome: PayOutcome; query?: string; landed: string; status: [string, string] }> = [
    { outcome: 'completed', landed: '/thanks', status: ['completed', 'completed'] },
    { outcome: 'uncleared', landed: '/thanks', status: ['uncleared', 'uncleared'] },
    { outcome: 'declined', landed: '/cart', status: ['declined', 'declined'] },
    { outcome: 'cancelled', landed: '/cart', status: ['void', 'cancelled'] },
    { outcome: 'completed', query: '?type=direct', landed: '/thanks', status: ['completed', 'completed'] },
    { outcome: 'cancelled', query: '?type=direct', landed: '/cart', status: ['void', 'cancelled'] },
  ];
  for (const c of cases) {
    await t.test(`${c.outcome}${c.query ? ` (${c.query.slice(1)})` : ''}`, async (t) => {
      const { page, dialogs } = await newContext(t, browser);
      await page.goto(`${shop}/${c.query ?? ''}`);
      await page.getByTestId('pay').click();
      await page.waitForURL((u) => u.origin === new URL(sandbox.url).origin);
      const result = await payAs(page, c.outcome);
      const landed = new URL(result.url);
      t.equal(landed.origin, shop, 'back at the shop');
      t.equal(landed.pathname, c.landed);
      t.equal(await page.getByTestId('landed').textContent(), c.landed, 'the shop page has loaded');
      t.match(result.transactionId, /^shop-\d+$/, 'with the transactionid MultiSafepay appends');
      const s = await orderStatusHttp(sandbox.apiUrl, result.transactionId!, KEY);
      t.same([s.status, s.financial_status], c.status, 'and the order has the outcome');
      t.same(dialogs, []);
    });
  }

  await t.test('declined on the bank of a direct order says how to set it instead', async (t) => {
    const { page } = await newContext(t, browser);
    await page.goto(`${shop}/?type=direct`);
    await page.getByTestId('pay').click();
    await page.waitForURL((u) => u.origin === new URL(sandbox.url).origin);
    await t.rejects(payAs(page, 'declined'), /no scenario choice.*sofort-sandbox pay <order> declined/);
  });

  await t.test('an outcome a shopper cannot choose is refused with the way to get it', async (t) => {
    const { page } = await newContext(t, browser);
    await t.rejects(payAs(page, 'expired' as PayOutcome), /outcome must be one of completed, uncleared, declined, cancelled.*advance the clock/);
  });
});
