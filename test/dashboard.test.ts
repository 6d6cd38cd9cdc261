// The dashboard's read-only views at inject level: the orders list and its filters, an
// order's page (timeline, the order JSON exactly as the API returns it, webhook attempts
// with request, response and timing), the outbox and settings pages, escaping of merchant
// data everywhere, and the guard (loopback, control token by header, query, login cookie).
import t from 'tap';
import { API_KEY, build, createOrder, api } from './helpers/build.js';
import { countTestid, decode, orderLink, page, post, testid } from './helpers/dashboard.js';
import { pay, receiver } from './helpers/webhooks.js';

const START = '2026-05-04T08:00:00Z';
const OTHER = 'second-site-key';
const flat = (html: string): string => decode(html).replace(/\s+/g, ' ');
const HOSTILE = `<script>alert('x')</script>"&<img src=x onerror=alert(1)>`;

t.test('/ leads to the dashboard, which lists the orders of every site, newest first', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const first = await createOrder(app, { amount: 1250, description: 'Blue mug' });
  await app.sandbox.engine.clock.advance(90_000);
  const second = await createOrder(app, { description: 'Red teapot' }, OTHER);

  const root = await page(app, '/?site=' + API_KEY);
  t.equal(root.statusCode, 302);
  t.equal(root.headers.location, '/dashboard?site=' + API_KEY, 'the query goes along');

  const res = await page(app, '/dashboard');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], 'text/html');
  t.match(res.headers['content-security-policy'], "script-src 'self'");
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(testid(res.body, 'order-count'), '2 orders');
  const rows = res.body.split('data-testid="order-row"').slice(1).map(decode);
  t.match(rows[0], new RegExp(`${second.order_id}.*initialized.*€10\\.00.*just now.*Red teapot.*${OTHER}`, 's'), 'newest first, with status, amount, age and site');
  t.match(rows[1], new RegExp(`${first.order_id}.*initialized.*€12\\.50.*1m.*Blue mug.*${API_KEY}`, 's'), 'the age is counted on the sandbox clock');
  t.match(res.body, `<option value="${OTHER}">${OTHER} (1 order)</option>`, 'the site picker lists the sites that have orders, with their counts');
});

t.test('the filter narrows by site, status and search text', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, apiKeys: [API_KEY, OTHER, 'third-key-without-orders'] });
  const a = await createOrder(app, { description: 'Garden hose' });
  const b = await createOrder(app, { description: 'Garden chair', customer: { country: 'DE', email: 'find.me@example.org' } });
  await createOrder(app, { description: 'Garden hose' }, OTHER);
  pay(app, a.order_id);

  const bySite = await page(app, `/dashboard?site=${OTHER}`);
  t.equal(testid(bySite.body, 'order-count'), '1 order');
  t.match(testid(bySite.body, 'filter-site'), 'third-key-without-orders', 'configured keys are sites too');
  const paid = await page(app, `/dashboard?site=${API_KEY}&status=completed`);
  t.equal(countTestid(paid.body, 'order-row'), 1);
  t.ok(orderLink(paid.body, a.order_id));
  const email = await page(app, `/dashboard?q=FIND.ME`);
  t.equal(countTestid(email.body, 'order-row'), 1);
  t.ok(orderLink(email.body, b.order_id), 'search looks at the email too, case-insensitively');
  const none = await page(app, `/dashboard?q=nothing-like-this`);
  t.equal(testid(none.body, 'no-orders'), 'No order matches this filter.');
  const odd = await page(app, `/dashboard?status=<b>&site=%3Cb%3E`);
  t.equal(odd.statusCode, 200, 'an unknown status or site shows an empty list, not an error');
  t.notMatch(odd.body, '<b>&', 'and is escaped');
  const empty = await build(t);
  t.match(testid((await page(empty, '/dashboard')).body, 'no-orders'), /No orders yet/);
});

t.test("an order's page: facts, timeline, the API's order JSON, and every webhook attempt", async (t) => {
  const hook = await receiver(t, (_req, i) => (i === 0 ? { status: 503, body: 'busy' } : { status: 200, body: 'OK' }));
  const app = await build(t, { manualClock: true, startTime: START, webhooks: { delayMs: 1000 } });
  const { order_id } = await createOrder(app, { amount: 4500, description: 'Desk lamp', payment_options: { notification_url: hook.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(1000);
  await app.sandbox.engine.clock.advance(15 * 60_000);
  t.equal(hook.requests.length, 2, 'one failed attempt, one retry');

  const list = await page(app, '/dashboard');
  const href = orderLink(list.body, order_id);
  t.ok(href);
  const res = await page(app, href!);
  t.equal(res.statusCode, 200);
  t.equal(testid(res.body, 'order-id'), order_id);
  t.equal(testid(res.body, 'status'), 'completed');
  t.match(testid(res.body, 'facts'), /Amount€45\.00.*Notification URL.*webhook.*Created2026-05-04 08:00:00 UTC \(15m ago\)/s);
  const timeline = res.body.split('data-testid="timeline-row"').slice(1).map(decode);
  t.equal(timeline.length, 2);
  t.match(timeline[1], /2026-05-04 08:00:00 UTC.*bank.*authorise.*initialized \/ initialized → completed \/ completed/s);

  // The JSON shown is what GET /v1/json/orders/{id} answers in data, byte for byte once unescaped.
  const shown = testid(res.body, 'order-json')!;
  const fromApi = (await api(app, 'GET', `/orders/${order_id}`)).json().data;
  t.same(JSON.parse(shown), fromApi);
  t.equal(shown, JSON.stringify(fromApi, null, 2), 'indented, not squeezed: the view keeps whitespace');

  t.equal(countTestid(res.body, 'webhook'), 1);
  t.equal(testid(res.body, 'webhook-state'), 'delivered');
  const attempts = res.body.split('data-testid="attempt"').slice(1);
  t.equal(attempts.length, 2);
  t.match(flat(attempts[0]!), /#2 retry · 2026-05-04 08:15:01 UTC · HTTP 200 · \d+ ms · acknowledged/, 'newest attempt first, with its timing');
  t.match(flat(attempts[1]!), /#1 first · 2026-05-04 08:00:01 UTC · HTTP 503 · \d+ ms · not acknowledged/);
  const request = testid(attempts[1]!, 'attempt-request')!;
  t.match(request, new RegExp(`^POST ${hook.url.replace(/[.?]/g, '\\$&')}\\?transactionid=${order_id}&timestamp=\\d+\\nContent-Type: application/json\\nAuth: [A-Za-z0-9+/=]+\\nUser-Agent: `));
  t.same(JSON.parse(request.slice(request.indexOf('\n{') + 1)), JSON.parse(hook.requests[0]!.body), 'the body as it was sent');
  t.equal(testid(attempts[1]!, 'attempt-response'), 'HTTP 503\nbusy');
});

t.test('merchant data and receiver answers are escaped everywhere', async (t) => {
  const hook = await receiver(t, () => ({ status: 500, body: HOSTILE }));
  const app = await build(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, {
    order_id: `o-<b>"&'x`,
    description: HOSTILE,
    var1: HOSTILE,
    payment_options: { notification_url: `${hook.url}?x=<b>` },
    customer: { country: 'DE', first_name: HOSTILE, email: 'a+<b>@example.com' },
  });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(hook.requests.length, 1);
  const list = await page(app, '/dashboard');
  const href = orderLink(list.body, order_id);
  t.ok(href, 'the order id is shown as text and its link works');
  const res = await page(app, href!);
  t.equal(res.statusCode, 200);
  for (const body of [list.body, res.body]) {
    t.notMatch(body, '<script>alert', 'no merchant tag reaches the page');
    t.notMatch(body, '<img src=x', 'no merchant tag reaches the page');
    t.notMatch(body, '<b>', 'no merchant tag reaches the page');
  }
  t.match(res.body, '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34;&amp;&lt;img src=x onerror=alert(1)&gt;');
  t.equal(testid(res.body, 'order-id'), `o-<b>"&'x`);
  t.match(testid(res.body, 'attempt-response'), HOSTILE, "the receiver's answer, as text");
  t.same(JSON.parse(testid(res.body, 'order-json')!).var1, HOSTILE);
});

t.test('Second Chance outbox and settings pages', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, controlToken: 'secret-token-1', seed: 'settings' });
  const auth = { 'x-sandbox-token': 'secret-token-1' };
  const { order_id } = await createOrder(app, { second_chance: { send_email: true }, customer: { country: 'DE', email: 'late.payer@example.com' } });
  const before = await page(app, '/dashboard/outbox', auth);
  t.match(testid(before.body, 'outbox-count'), /^0 emails · 2 reminders still due/);
  await app.sandbox.engine.clock.advance(3600_000);
  const after = await page(app, `/dashboard/outbox?site=${API_KEY}`, auth);
  t.match(testid(after.body, 'outbox-count'), /^1 email · 1 reminder still due/);
  t.match(testid(after.body, 'outbox-entry'), new RegExp(`sent.*order ${order_id}.*reminder 1.*2026-05-04 09:00:00 UTC.*to late\\.payer@example\\.com`, 's'));

  // Rules made through the control API show up with the options in force.
  const ctl = (path: string, body: unknown) => app.inject({ method: 'POST', url: `/_sandbox${path}`, headers: { ...auth, api_key: API_KEY, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  t.equal((await ctl('/scenarios', { scenario: 'declined', match: { order_id: 'decline-*' }, once: true })).statusCode, 201);
  t.equal((await ctl('/failures', { kind: 'error', code: 1024, on: 'create_order' })).statusCode, 201);
  t.equal((await app.inject({ method: 'PUT', url: '/_sandbox/webhooks/faults', headers: { ...auth, api_key: API_KEY, 'content-type': 'application/json' }, payload: JSON.stringify({ faults: [{ fault: 'drop' }] }) })).statusCode, 200);
  const settings = await page(app, `/dashboard/settings?site=${API_KEY}`, auth);
  t.equal(settings.statusCode, 200);
  t.match(testid(settings.body, 'scenario-rules'), /declined.*"order_id":"decline-\*".*at the bank.*1 left/s);
  t.match(testid(settings.body, 'failure-rules'), /error code 1024/);
  t.match(testid(settings.body, 'webhook-faults'), new RegExp(`site ${API_KEY}\\s*\\{"fault":"drop"\\}\\s*Remove`), 'each fault of the scope, with its remove button');
  const text = decode(settings.body);
  t.match(text, /Control token\s*set/);
  t.notMatch(settings.body, 'secret-token-1', 'the token itself is never shown');
  t.match(text, /Seed\s*settings/);
  t.match(text, /Refunds settle\s*at the next midnight UTC/);
  t.match(text, /Retries\s*3/);
});

t.test('unknown orders and pages answer an HTML 404 that says what to do', async (t) => {
  const app = await build(t);
  const missing = await page(app, `/dashboard/sites/${API_KEY}/orders/12345`);
  t.equal(missing.statusCode, 404);
  t.match(testid(missing.body, 'error'), /No order with transaction id 12345 on site/);
  const bad = await page(app, `/dashboard/sites/${API_KEY}/orders/not-a-number`);
  t.equal(bad.statusCode, 404);
  const nowhere = await page(app, '/dashboard/no-such-page');
  t.equal(nowhere.statusCode, 404);
  t.match(nowhere.headers['content-type'], 'text/html');
  t.match(testid(nowhere.body, 'error'), 'The dashboard has no page GET /dashboard/no-such-page');
  t.equal((await app.inject({ url: '/static/dashboard.js' })).statusCode, 200, 'the script is served by the sandbox itself');
});

t.test('with a control token: header, ?token= (then a cookie), or the login form', async (t) => {
  const token = 'qa-secret-token';
  const app = await build(t, { controlToken: token });
  await createOrder(app);

  const none = await page(app, '/dashboard?site=' + API_KEY);
  t.equal(none.statusCode, 401);
  t.equal(countTestid(none.body, 'login-form'), 1, 'a login form, not the orders');
  t.equal(countTestid(none.body, 'order-row'), 0);
  t.match(none.body, `name="next" value="/dashboard?site=${API_KEY}"`, 'it returns to the page asked for');
  t.equal((await page(app, '/dashboard', { 'x-sandbox-token': 'wrong-token-1' })).statusCode, 401);
  t.equal((await page(app, '/dashboard', { 'x-sandbox-token': token })).statusCode, 200);
  const events = await page(app, '/dashboard/events');
  t.equal(events.statusCode, 401, 'the event stream is guarded too');
  t.match(events.body, 'control token');
  const action = await post(app, '/dashboard/clock/advance', { by: '1h' });
  t.equal(action.statusCode, 401, 'and every button');

  const viaQuery = await page(app, `/dashboard?site=${API_KEY}&token=${token}`);
  t.equal(viaQuery.statusCode, 303);
  t.equal(viaQuery.headers.location, `/dashboard?site=${API_KEY}`, 'the token leaves the address');
  const cookie = String(viaQuery.headers['set-cookie']);
  t.match(cookie, /^sandbox_dashboard=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
  t.notMatch(cookie, token, 'the cookie is not the token');
  const withCookie = await page(app, '/dashboard', { cookie: cookie.split(';')[0]! });
  t.equal(withCookie.statusCode, 200);
  t.equal(countTestid(withCookie.body, 'order-row'), 1);
  t.equal((await page(app, `/dashboard?token=nope-nope-nope`)).statusCode, 401);

  const wrong = await post(app, '/dashboard/login', { token: 'not-it-at-all', next: '/dashboard/settings' });
  t.equal(wrong.statusCode, 401);
  t.equal(testid(wrong.body, 'error'), 'That is not the control token this sandbox was started with.');
  t.notOk(wrong.headers['set-cookie']);
  const right = await post(app, '/dashboard/login', { token, next: '/dashboard/settings' });
  t.equal(right.statusCode, 303);
  t.equal(right.headers.location, '/dashboard/settings?done=logged_in');
  t.not(String(right.headers['set-cookie']).split(';')[0], cookie.split(';')[0], 'every login is its own session');
  const offsite = await post(app, '/dashboard/login', { token, next: 'https://evil.example/' });
  t.equal(offsite.headers.location, '/dashboard?done=logged_in', 'never sent to another site');
  const out = await post(app, '/dashboard/logout', {}, { cookie: cookie.split(';')[0]! });
  t.equal(out.statusCode, 303);
  t.match(String(out.headers['set-cookie']), /Max-Age=0/);
  t.equal((await page(app, '/dashboard', { cookie: cookie.split(';')[0]! })).statusCode, 401, 'a logged-out cookie no longer opens the dashboard');
  t.equal((await page(app, '/dashboard', { cookie: String(right.headers['set-cookie']).split(';')[0]! })).statusCode, 200, 'other sessions stay');
});

t.test('loopback only unless remote control is allowed; forms from other sites are refused', async (t) => {
  const app = await build(t);
  const far = await app.inject({ url: '/dashboard', remoteAddress: '10.1.2.3' });
  t.equal(far.statusCode, 403);
  t.match(testid(far.body, 'error'), /loopback only.*--control-allow-remote/);
  t.equal((await app.inject({ url: '/dashboard/login', remoteAddress: '10.1.2.3' })).statusCode, 403);
  const open = await build(t, { controlAllowRemote: true, controlOpen: true });
  t.equal((await open.inject({ url: '/dashboard', remoteAddress: '10.1.2.3' })).statusCode, 200);

  const { order_id } = await createOrder(app);
  const tx = app.sandbox.engine.findOrder(API_KEY, order_id)!.transaction_id;
  const url = `/dashboard/sites/${API_KEY}/orders/${tx}/expire`;
  const forged = await post(app, url, {}, { origin: 'https://evil.example' });
  t.equal(forged.statusCode, 403);
  const fetchSite = await post(app, url, {}, { 'sec-fetch-site': 'cross-site' });
  t.equal(fetchSite.statusCode, 403);
  t.equal(app.sandbox.engine.findOrder(API_KEY, order_id)!.status, 'initialized', 'nothing changed');
  const same = await post(app, url, {}, { origin: 'http://localhost:80', host: 'localhost:80' });
  t.equal(same.statusCode, 303, 'a post from the dashboard itself goes through');
});
