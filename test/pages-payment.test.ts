// The payment page of the redirect flow, through inject: summary, locale, escaping, the
// Test platform panel, choosing Sofort, cancel, and the pages for unknown sessions.
import t from 'tap';
import { build } from './helpers/build.js';
import { get, newOrder, post, statusOf, testId } from './helpers/pages.js';

t.test('the payment page shows the order in the customer locale and offers the test scenarios', async (t) => {
  const app = await build(t, { manualClock: true, startTime: '2026-03-01T10:00:00Z' });
  const en = await newOrder(app, { amount: 123456, description: 'Two mugs', order_id: 'shop-1001' });
  const res = await get(app, en.path);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  t.match(res.headers['content-security-policy'], /script-src 'self'/);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(testId(res.body, 'amount'), '€1,234.56');
  t.equal(testId(res.body, 'description'), 'Two mugs');
  t.equal(testId(res.body, 'order-id'), 'shop-1001');
  t.equal(testId(res.body, 'expires'), 'Mar 31, 2026, 10:00 AM UTC', 'a redirect order lives as a 30-day link until the shopper starts paying by Sofort');
  t.match(res.body, /<html lang="en">/);
  t.match(res.body, /Test platform/);
  for (const label of ['Completed', 'Uncleared then completed', 'Declined', 'Cancelled', 'Expired', 'Customer never comes back']) {
    t.match(res.body, `>${label}</option>`, `scenario ${label} offered`);
  }
  t.match(res.body, /<option value="completed" selected>/, 'Completed is preselected');
  t.match(res.body, /<label for="scenario">/, 'the scenario list is labelled');

  const de = await newOrder(app, { amount: 123456, customer: { locale: 'de_DE', country: 'DE' } });
  const page = await get(app, de.path);
  t.match(page.body, /<html lang="de">/);
  t.equal(testId(page.body, 'amount'), '1.234,56\u00a0€', 'German grouping and a no-break space before the euro sign');
  t.match(page.body, /Testplattform/);
  t.match(page.body, />Weiter zu Ihrer Bank</);
});

t.test('merchant text is escaped everywhere it appears', async (t) => {
  const app = await build(t);
  const evil = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
  const { path, session } = await newOrder(app, { description: evil, order_id: `<b>id</b>` });
  const res = await get(app, path);
  t.notMatch(res.body, /<img src=x/);
  t.notMatch(res.body, /<script>alert/);
  t.notMatch(res.body, /<b>id<\/b>/);
  t.equal(testId(res.body, 'description'), evil, 'shown as text');
  await post(app, `/connect/${session}/`, { scenario: 'completed' });
  const bank = await get(app, `/bank/${session}/`);
  t.notMatch(bank.body, /<img src=x/);
  t.match(bank.body, /&lt;b&gt;id&lt;\/b&gt;/);
});

t.test('a scenario chosen before (control plane, marker) is preselected; continuing stores the choice', async (t) => {
  const app = await build(t);
  const { path, session, order_id } = await newOrder(app);
  const tx = (await statusOf(app, order_id)).data.transaction_id as number;
  const engine = app.sandbox.engine;
  const site = engine.findBySession(session)!.site;
  engine.transition(site, tx, { kind: 'update', scenario: 'declined' }, 'control');
  const res = await get(app, path);
  t.match(res.body, /<option value="declined" selected>/);

  const cont = await post(app, path, { scenario: 'uncleared' });
  t.equal(cont.statusCode, 303);
  t.equal(cont.headers.location, `/bank/${session}/?lang=en_US`);
  t.equal(engine.findBySession(session)!.scenario, 'uncleared');

  const bad = await post(app, path, { scenario: 'lottery' });
  t.equal(bad.statusCode, 422);
  t.equal(testId(bad.body, 'error'), 'Unknown test scenario. Choose one from the list.');
});

t.test('an order without a gateway lets the shopper choose Sofort', async (t) => {
  const app = await build(t);
  const { path, session, order_id } = await newOrder(app, { gateway: '' });
  const res = await get(app, path);
  t.match(res.body, /<input type="radio" id="gateway-directbank" name="gateway" value="DIRECTBANK" required/);
  t.match(res.body, /<label class="option" for="gateway-directbank">/);

  const none = await post(app, path, { scenario: 'completed' });
  t.equal(none.statusCode, 422);
  t.equal(testId(none.body, 'error'), 'Choose a payment method to continue.');

  const early = await get(app, `/bank/${session}/`);
  t.equal(early.statusCode, 303, 'the bank sends a gateway-less order back to the payment page');
  t.equal(early.headers.location, `/connect/${session}/?lang=en_US`);

  const chosen = await post(app, path, { gateway: 'DIRECTBANK', scenario: 'completed' });
  t.equal(chosen.statusCode, 303);
  const { data } = await statusOf(app, order_id);
  t.equal(data.payment_details.type, 'DIRECTBANK', 'the order is a Sofort transaction now');
});

t.test('a customer country Sofort does not serve is refused on the page, clearly', async (t) => {
  const app = await build(t);
  const { path, order_id } = await newOrder(app, { gateway: '', customer: { locale: 'en_US', country: 'NL' } });
  const res = await post(app, path, { gateway: 'DIRECTBANK', scenario: 'completed' });
  t.equal(res.statusCode, 422);
  t.match(testId(res.body, 'error'), /not available for customers in The Netherlands/);
  t.match(testId(res.body, 'error'), /Austria, Belgium, Germany/);
  t.equal((await statusOf(app, order_id)).status, 'initialized', 'nothing changed');
});

t.test('cancel on the payment page voids the order and lands on cancel_url with transactionid', async (t) => {
  const app = await build(t);
  const { path, session, order_id } = await newOrder(app, {
    payment_options: { redirect_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cart?step=pay' },
  });
  const res = await post(app, `/connect/${session}/cancel`);
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, `https://shop.example/cart?step=pay&transactionid=${order_id}`, 'keeps the query, appends transactionid');
  const s = await statusOf(app, order_id);
  t.same([s.status, s.financial_status], ['void', 'cancelled']);

  const again = await post(app, `/connect/${session}/cancel`);
  t.equal(again.statusCode, 410, 'a second cancel is late');
  t.equal(testId(again.body, 'result-title'), 'Payment cancelled');
  const view = await get(app, path);
  t.equal(view.statusCode, 200);
  t.equal(testId(view.body, 'result-title'), 'Payment cancelled');
  t.match(view.body, new RegExp(`href="https://shop.example/cart\\?step=pay&amp;transactionid=${order_id}"`));
});

t.test('without a cancel_url, or with close_window, cancel ends on a sandbox page', async (t) => {
  const app = await build(t);
  const plain = await newOrder(app, { payment_options: {} });
  const res = await post(app, `/connect/${plain.session}/cancel`);
  t.equal(res.statusCode, 200);
  t.equal(testId(res.body, 'result-title'), 'Payment cancelled');
  t.equal(testId(res.body, 'no-return'), 'The shop gave no return address, so the payment ends here.');

  const popup = await newOrder(app, { payment_options: { cancel_url: 'https://shop.example/c', close_window: true } });
  const closed = await post(app, `/connect/${popup.session}/cancel`);
  t.equal(closed.statusCode, 200);
  t.match(closed.body, /data-testid="close-window"/);
  t.match(closed.body, /data-close-window/);
  t.notMatch(closed.body, /data-testid="return"/);
});

t.test('unknown sessions and mistyped paths get an HTML 404 page, in German when asked', async (t) => {
  const app = await build(t);
  for (const url of ['/connect/NoSuchSession123/', '/bank/NoSuchSession123/', '/connect/', '/bank/x/y/z', '/connect/abc/extra?lang=en_US']) {
    const res = await get(app, url);
    t.equal(res.statusCode, 404, url);
    t.match(res.headers['content-type'], /^text\/html/, url);
    t.match(res.body, /Payment not found/, url);
  }
  const post404 = await post(app, '/bank/NoSuchSession123/tan', { tan: '1' });
  t.equal(post404.statusCode, 404);
  const de = await get(app, '/connect/NoSuchSession123/?lang=de_DE');
  t.match(de.body, /Zahlung nicht gefunden/);
});

t.test('orders of different sites are separate sessions', async (t) => {
  const app = await build(t);
  const a = await newOrder(app, { description: 'Site A order' }, 'site-a-key-123');
  const b = await newOrder(app, { description: 'Site B order', order_id: a.order_id }, 'site-b-key-456');
  t.not(a.session, b.session);
  t.equal(testId((await get(app, a.path)).body, 'description'), 'Site A order');
  t.equal(testId((await get(app, b.path)).body, 'description'), 'Site B order');
  await post(app, `/connect/${a.session}/cancel`);
  t.equal((await statusOf(app, a.order_id, 'site-a-key-123')).status, 'void');
  t.equal((await statusOf(app, b.order_id, 'site-b-key-456')).status, 'initialized', 'the other site is untouched');
});

t.test('odd requests get a page, never a stack trace', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app);
  const broken = await app.inject({ method: 'POST', url: `/connect/${session}/`, headers: { 'content-type': 'application/json' }, payload: '{"scenario":' });
  t.equal(broken.statusCode, 400);
  t.match(broken.headers['content-type'], /^text\/html/);
  t.match(broken.body, /Something went wrong/);
  t.notMatch(broken.body, /at .*\.ts:\d+/);
  const arr = await app.inject({ method: 'POST', url: `/connect/${session}/`, headers: { 'content-type': 'application/json' }, payload: '["x"]' });
  t.equal(arr.statusCode, 303, 'a body that is no form counts as an empty form');
  const weird = await app.inject({ method: 'POST', url: `/bank/${session}/login`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=a&username=b&pin=' });
  t.ok(weird.statusCode < 500);
});

t.test('the static files the pages use are served', async (t) => {
  const app = await build(t);
  const css = await get(app, '/static/sandbox.css');
  t.equal(css.statusCode, 200);
  t.match(css.headers['content-type'], /^text\/css/);
  const svg = await get(app, '/static/sofort.svg');
  t.equal(svg.statusCode, 200);
  t.match(svg.headers['content-type'], /^image\/svg\+xml/);
  t.match(svg.body, /<svg/);
  const js = await get(app, '/static/pages.js');
  t.match(js.headers['content-type'], /^text\/javascript/);
});
