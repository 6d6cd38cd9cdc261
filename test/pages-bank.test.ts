// The fake Sofort bank through inject: every step, the documented test inputs, each
// scenario's outcome as GET /orders shows it, and the one-payment-per-order guarantees.
import t from 'tap';
import { build } from './helpers/build.js';
import { get, newOrder, payAtBank, post, statusOf, testId, walkToTan } from './helpers/pages.js';
import { isValidIban } from '../src/pages/banks.js';

t.test('redirect flow below 100 EUR: completed, bank details on the order, return to redirect_url', async (t) => {
  const app = await build(t);
  const { path, session, order_id } = await newOrder(app, {
    amount: 9999,
    customer: { locale: 'en_US', country: 'DE', first_name: 'Erika', last_name: 'Muster' },
    payment_options: { redirect_url: 'https://shop.example/thanks?from=msp', cancel_url: 'https://shop.example/cancel' },
  });
  const cont = await post(app, path, { scenario: 'completed' });
  t.equal(cont.statusCode, 303);

  const choose = await get(app, `/bank/${session}/`);
  t.equal(choose.statusCode, 200);
  t.match(choose.body, /<option value="DE" selected>Germany<\/option>/, "the shopper's country is preselected");
  t.match(choose.body, /Commerzbank/);
  t.match(choose.body, /bank code 37040044, BIC COBADEFFXXX/);
  t.equal(testId(choose.body, 'scenario-note'), 'Test scenario: Completed');

  t.equal((await post(app, `/bank/${session}/bank`, { bank: 'de-commerzbank' })).statusCode, 303);
  const login = await get(app, `/bank/${session}/`);
  t.equal(testId(login.body, 'login-title'), 'Log in to Commerzbank');
  t.match(testId(login.body, 'login-hint'), /“wrongpassword” gives a wrong-PIN error, “locked” a locked account/);

  t.equal((await post(app, `/bank/${session}/login`, { username: 'erika', pin: '4711' })).statusCode, 303);
  const accounts = await get(app, `/bank/${session}/`);
  t.equal(testId(accounts.body, 'holder'), 'Erika Muster');
  const masked = testId(accounts.body, 'iban-0')!;
  t.match(masked, /^DE\d\d •••• •••• \d{4}$/, 'IBAN shown masked');

  t.equal((await post(app, `/bank/${session}/account`, { account: '0' })).statusCode, 303);
  const tanPage = await get(app, `/bank/${session}/`);
  t.equal(testId(tanPage.body, 'tan-amount'), '€99.99');
  t.match(testId(tanPage.body, 'tan-from'), masked);
  t.match(testId(tanPage.body, 'tan-hint'), /000000/);

  const confirm = await post(app, `/bank/${session}/tan`, { tan: '123456' });
  t.equal(confirm.statusCode, 303, 'post/redirect/get: a refresh cannot re-submit');
  t.equal(confirm.headers.location, `https://shop.example/thanks?from=msp&transactionid=${order_id}`, 'straight back to the shop, as MultiSafepay redirects');

  const s = await statusOf(app, order_id);
  t.same([s.status, s.financial_status], ['completed', 'completed']);
  const pd = s.data.payment_details;
  t.equal(pd.account_holder_name, 'Erika Muster');
  t.equal(pd.account_bic, 'COBADEFFXXX');
  t.ok(isValidIban(pd.account_iban), `valid IBAN ${pd.account_iban}`);
  t.equal(pd.account_iban.slice(-4), masked.slice(-4), 'the account the shopper picked');
  t.match(pd.external_transaction_id, /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{4}$/);

  const done = await get(app, `/bank/${session}/`);
  t.equal(done.statusCode, 200);
  t.equal(testId(done.body, 'result-title'), 'Payment confirmed');
  t.match(done.body, new RegExp(`href="https://shop.example/thanks\\?from=msp&amp;transactionid=${order_id}" data-testid="return"`));
  t.equal(testId(done.body, 'paid-from'), `Paid from ${masked} at Commerzbank.`);
});

t.test('100 EUR and more goes uncleared, then completed a day later', async (t) => {
  const app = await build(t, { manualClock: true });
  const { path, session, order_id } = await newOrder(app, { amount: 10000 });
  await post(app, path, { scenario: 'completed' });
  t.equal((await payAtBank(app, session)).statusCode, 303);
  const s = await statusOf(app, order_id);
  t.same([s.status, s.financial_status], ['uncleared', 'uncleared']);
  const page = await get(app, `/bank/${session}/`);
  t.equal(testId(page.body, 'result-title'), 'Payment confirmed');
  t.match(testId(page.body, 'result-body'), /once they clear/);
  await app.sandbox.engine.clock.advance(24 * 3_600_000);
  t.equal((await statusOf(app, order_id)).status, 'completed');
});

t.test('direct flow: payment_url opens the bank straight away', async (t) => {
  const app = await build(t);
  const { data, order_id } = await newOrder(app, { type: 'direct', customer: { locale: 'de_AT', country: 'AT' } });
  const url = new URL(String(data.payment_url));
  t.match(url.pathname, /^\/bank\//);
  const res = await get(app, url.pathname + url.search);
  t.equal(res.statusCode, 200);
  t.match(res.body, /<option value="AT" selected>Österreich<\/option>/);
  t.match(res.body, /Erste Bank/);
  t.match(res.body, /Wählen Sie Ihre Bank/);
  const session = url.pathname.split('/')[2]!;
  t.equal((await payAtBank(app, session, { bank: 'at-erste' })).statusCode, 303);
  const s = await statusOf(app, order_id);
  t.equal(s.status, 'completed');
  t.match(s.data.payment_details.account_iban, /^AT\d{2}20111\d{11}$/);
});

t.test('another country can be chosen; banks of that country are listed', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app, { type: 'direct' });
  const res = await get(app, `/bank/${session}/?country=PL`);
  t.match(res.body, /<option value="PL" selected>Poland<\/option>/);
  t.match(res.body, /PKO Bank Polski/);
  t.notMatch(res.body, /Commerzbank/);
  const missing = await post(app, `/bank/${session}/bank`, { country: 'PL' });
  t.equal(missing.statusCode, 422);
  t.equal(testId(missing.body, 'error'), 'Choose your bank from the list.');
  t.match(missing.body, /PKO Bank Polski/, 'stays on the chosen country');
  const bogus = await post(app, `/bank/${session}/bank`, { bank: '../../etc/passwd' });
  t.equal(bogus.statusCode, 422);
});

t.test('login: missing fields, wrong password and locked account keep the shopper on the login step', async (t) => {
  const app = await build(t);
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await post(app, `/bank/${session}/bank`, { bank: 'de-postbank' });
  const empty = await post(app, `/bank/${session}/login`, { username: 'max', pin: '' });
  t.equal(empty.statusCode, 422);
  t.equal(testId(empty.body, 'error'), 'Enter your user ID and PIN.');
  const wrong = await post(app, `/bank/${session}/login`, { username: 'WrongPassword', pin: '1111' });
  t.equal(wrong.statusCode, 422);
  t.equal(testId(wrong.body, 'error'), 'Wrong user ID or PIN. Please try again.');
  t.match(wrong.body, /value="WrongPassword"/, 'the user ID is kept, the PIN is not');
  const locked = await post(app, `/bank/${session}/login`, { username: 'locked', pin: '1111' });
  t.equal(locked.statusCode, 423);
  t.match(testId(locked.body, 'error'), /locked/);
  const skip = await post(app, `/bank/${session}/account`, { account: '0' });
  t.equal(skip.statusCode, 303, 'a step not reached yet is not taken');
  t.match(testId((await get(app, `/bank/${session}/`)).body, 'login-title'), /Log in to Postbank/);
  t.equal((await post(app, `/bank/${session}/login`, { username: 'max', pin: '1111' })).statusCode, 303);
  t.equal((await statusOf(app, order_id)).status, 'initialized');
});

t.test('a wrong TAN fails with a retry; the right one pays', async (t) => {
  const app = await build(t);
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await walkToTan(app, session);
  const wrong = await post(app, `/bank/${session}/tan`, { tan: '000000' });
  t.equal(wrong.statusCode, 422);
  t.equal(testId(wrong.body, 'error'), 'Wrong TAN. Please check it and try again.');
  t.match(wrong.body, /data-testid="tan"/, 'the TAN field is offered again');
  t.equal((await statusOf(app, order_id)).status, 'initialized');
  const empty = await post(app, `/bank/${session}/tan`, { tan: ' ' });
  t.equal(testId(empty.body, 'error'), 'Enter the TAN.');
  t.equal((await post(app, `/bank/${session}/tan`, { tan: '246810' })).statusCode, 303);
  t.equal((await statusOf(app, order_id)).status, 'completed');
});

t.test('confirming twice, going back and refreshing never pay twice', async (t) => {
  const app = await build(t);
  const events: string[] = [];
  app.sandbox.engine.onEvent((e) => events.push(`${e.type}:${'action' in e ? e.action : ''}`));
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await payAtBank(app, session);
  const again = await post(app, `/bank/${session}/tan`, { tan: '123456' });
  t.equal(again.statusCode, 409);
  t.equal(testId(again.body, 'result-title'), 'This order is already paid');
  t.equal(testId(again.body, 'result-body'), 'The payment was made before. Nothing was charged again.');
  for (const step of ['bank', 'login', 'account', 'cancel']) {
    const late = await post(app, `/bank/${session}/${step}`, { bank: 'de-ing', username: 'x', pin: 'y', account: '1' });
    t.equal(late.statusCode, 409, `late ${step}`);
  }
  const refresh = await get(app, `/bank/${session}/`);
  t.equal(testId(refresh.body, 'result-title'), 'Payment confirmed');
  t.equal(events.filter((e) => e === 'status_changed:authorise').length, 1, 'one authorisation');
  t.equal((await statusOf(app, order_id)).status, 'completed');
  t.notOk(app.sandbox.store.collection('bank-sessions').has(session), 'bank step state is dropped once the order is paid');
});

t.test('the back button: an earlier step restarts from there, later state is forgotten', async (t) => {
  const app = await build(t);
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await walkToTan(app, session);
  t.equal((await post(app, `/bank/${session}/bank`, { bank: 'de-ing' })).statusCode, 303);
  const page = await get(app, `/bank/${session}/`);
  t.equal(testId(page.body, 'login-title'), 'Log in to ING-DiBa');
  t.equal((await post(app, `/bank/${session}/tan`, { tan: '1' })).statusCode, 303, 'TAN of the old walk is not accepted');
  t.equal((await statusOf(app, order_id)).status, 'initialized');
  await walkToTan(app, session, { bank: 'de-ing' });
  await post(app, `/bank/${session}/tan`, { tan: '1' });
  t.equal((await statusOf(app, order_id)).data.payment_details.account_bic, 'INGDDEFFXXX');
});

t.test('each test scenario plays out at the final confirm', async (t) => {
  const cases: Array<[string, string, string, string]> = [
    ['uncleared', 'uncleared', 'uncleared', 'Payment confirmed'],
    ['declined', 'declined', 'declined', 'Payment declined'],
    ['cancelled', 'void', 'cancelled', 'Payment cancelled'],
    ['expired', 'expired', 'expired', 'This payment has expired'],
  ];
  for (const [scenario, status, financial, title] of cases) {
    await t.test(scenario, async (t) => {
      const app = await build(t);
      const { path, session, order_id } = await newOrder(app, { amount: 500 });
      await post(app, path, { scenario });
      t.equal((await payAtBank(app, session)).statusCode, 303);
      const s = await statusOf(app, order_id);
      t.same([s.status, s.financial_status], [status, financial]);
      const page = await get(app, `/bank/${session}/`);
      t.equal(testId(page.body, 'result-title'), title);
      const target = scenario === 'uncleared' ? 'https://shop.example/success' : 'https://shop.example/cancel';
      t.match(page.body, `href="${target}?transactionid=${order_id}"`, `returns to ${target}`);
    });
  }
});

t.test('"Customer never comes back" leaves the order open until its expiry, which the page then shows', async (t) => {
  const app = await build(t, { manualClock: true, startTime: '2026-05-01T08:00:00Z' });
  const { path, session, order_id } = await newOrder(app);
  await post(app, path, { scenario: 'abandoned' });
  const res = await payAtBank(app, session);
  t.equal(res.statusCode, 200);
  t.equal(testId(res.body, 'result-title'), 'You left the bank');
  t.match(testId(res.body, 'result-body'), /until it expires on May 2, 2026, 8:00 AM UTC/);
  t.match(res.body, `href="/connect/${session}/" data-testid="restart"`);
  t.equal((await statusOf(app, order_id)).status, 'initialized');
  await app.sandbox.engine.clock.advance(24 * 3_600_000);
  t.equal((await statusOf(app, order_id)).status, 'expired');
  const page = await get(app, path);
  t.equal(page.statusCode, 200);
  t.equal(testId(page.body, 'result-title'), 'This payment has expired');
  const late = await post(app, `/bank/${session}/tan`, { tan: '1' });
  t.equal(late.statusCode, 410);
});

t.test('cancel at each bank step voids the order and lands on cancel_url', async (t) => {
  const walks: Array<[string, Array<[string, Record<string, string>]>]> = [
    ['bank', []],
    ['login', [['bank', { bank: 'de-commerzbank' }]]],
    ['account', [['bank', { bank: 'de-commerzbank' }], ['login', { username: 'a', pin: 'b' }]]],
    ['tan', [['bank', { bank: 'de-commerzbank' }], ['login', { username: 'a', pin: 'b' }], ['account', { account: '1' }]]],
  ];
  for (const [at, steps] of walks) {
    await t.test(`cancel at ${at}`, async (t) => {
      const app = await build(t);
      const { session, order_id } = await newOrder(app, { type: 'direct' });
      for (const [step, fields] of steps) await post(app, `/bank/${session}/${step}`, fields);
      t.match((await get(app, `/bank/${session}/`)).body, /aria-current="step"/);
      const res = await post(app, `/bank/${session}/cancel`);
      t.equal(res.statusCode, 303);
      t.equal(res.headers.location, `https://shop.example/cancel?transactionid=${order_id}`);
      const s = await statusOf(app, order_id);
      t.same([s.status, s.financial_status], ['void', 'cancelled']);
      const timeline = app.sandbox.engine.findBySession(session)!.timeline;
      t.equal(timeline[timeline.length - 1]!.cause, 'bank');
    });
  }
});

t.test('close_window: the result page offers to close the window instead of a return link', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app, { type: 'direct', payment_options: { redirect_url: 'https://shop.example/ok', close_window: true } });
  await payAtBank(app, session);
  const page = await get(app, `/bank/${session}/`);
  t.equal(testId(page.body, 'close-hint'), 'The shop opened this payment in its own window. You can close it now.');
  t.match(page.body, /data-testid="close-window"/);
  t.notMatch(page.body, /data-testid="return"/);
});

t.test('without a redirect_url the payment ends on the sandbox result page', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app, { type: 'direct', payment_options: {} });
  await payAtBank(app, session);
  const page = await get(app, `/bank/${session}/`);
  t.equal(testId(page.body, 'result-title'), 'Payment confirmed');
  t.equal(testId(page.body, 'no-return'), 'The shop gave no return address, so the payment ends here.');
});

t.test('an order that expired while the shopper was at the bank shows the expired page', async (t) => {
  const app = await build(t, { manualClock: true });
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await walkToTan(app, session);
  await app.sandbox.engine.clock.advance(24 * 3_600_000);
  const res = await post(app, `/bank/${session}/tan`, { tan: '123456' });
  t.equal(res.statusCode, 410);
  t.equal(testId(res.body, 'result-title'), 'This payment has expired');
  t.equal((await statusOf(app, order_id)).status, 'expired');
});

t.test('German pages from a de_* locale', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app, { type: 'direct', amount: 4250, customer: { locale: 'de_DE', country: 'DE' } });
  await post(app, `/bank/${session}/bank`, { bank: 'de-commerzbank' });
  const login = await get(app, `/bank/${session}/`);
  t.match(login.body, /<html lang="de">/);
  t.equal(testId(login.body, 'login-title'), 'Anmelden bei Commerzbank');
  t.match(login.body, /<label for="username">Anmeldename<\/label>/);
  const wrong = await post(app, `/bank/${session}/login`, { username: 'wrongpassword', pin: '1' });
  t.equal(testId(wrong.body, 'error'), 'Anmeldename oder PIN falsch. Bitte versuchen Sie es erneut.');
  await post(app, `/bank/${session}/login`, { username: 'max', pin: '1' });
  await post(app, `/bank/${session}/account`, { account: '0' });
  t.equal(testId((await get(app, `/bank/${session}/`)).body, 'tan-amount'), '42,50\u00a0€');
  await post(app, `/bank/${session}/tan`, { tan: '1' });
  const done = await get(app, `/bank/${session}/`);
  t.equal(testId(done.body, 'result-title'), 'Zahlung bestätigt');
  t.equal(testId(done.body, 'return'), 'Zurück zum Shop');
});

t.test('IBAN check digits follow ISO 13616; the bank fixture is checked at start', async (t) => {
  const { ibanCheckDigits, parseBankFixture, maskIban } = await import('../src/pages/banks.js');
  t.equal(ibanCheckDigits('DE', '370400440532013000'), '89', 'the well-known DE89 3704 0044 0532 0130 00');
  t.ok(isValidIban('GB29 NWBK 6016 1331 9268 19'));
  t.notOk(isValidIban('DE88370400440532013000'));
  t.equal(maskIban('DE89370400440532013000'), 'DE89 •••• •••• 3000');
  t.throws(() => parseBankFixture({ countries: { DE: { name: { en: 'Germany', de: 'Deutschland' }, bban_length: 18, banks: [] } } }), /at least one bank/);
  t.throws(() => parseBankFixture({}), /missing "countries"/);
});

t.test('a configured country without fixture banks still gets a bank to pay with', async (t) => {
  const app = await build(t, { countries: ['DE', 'LU'] });
  const { session, order_id } = await newOrder(app, { type: 'direct', customer: { locale: 'en_US', country: 'LU' } });
  const res = await get(app, `/bank/${session}/`);
  t.match(res.body, /<option value="LU" selected>Luxembourg<\/option>/);
  t.match(res.body, /Sandbox Test Bank/);
  await payAtBank(app, session, { bank: 'lu-sandbox' });
  const s = await statusOf(app, order_id);
  t.equal(s.status, 'completed');
  t.ok(isValidIban(s.data.payment_details.account_iban));
});

t.test('an unexpected failure shows the error page with status 500, no stack trace, and pays nothing', async (t) => {
  const app = await build(t);
  const { session, order_id } = await newOrder(app, { type: 'direct' });
  await walkToTan(app, session);
  const engine = app.sandbox.engine;
  const original = engine.transition.bind(engine);
  engine.transition = () => {
    throw new Error('disk on fire');
  };
  t.teardown(() => {
    engine.transition = original;
  });
  const res = await post(app, `/bank/${session}/tan`, { tan: '123456' });
  t.equal(res.statusCode, 500);
  t.match(res.headers['content-type'], /^text\/html/);
  t.equal(testId(res.body, 'result-title'), 'Something went wrong');
  t.notMatch(res.body, /disk on fire/);
  t.notMatch(res.body, /\.ts:\d+/);
  t.equal((await statusOf(app, order_id)).status, 'initialized');
});

t.test('bank step state goes when retention forgets the order', async (t) => {
  const app = await build(t);
  const { session } = await newOrder(app, { type: 'direct' });
  await post(app, `/bank/${session}/bank`, { bank: 'de-ing' });
  const sessions = app.sandbox.store.collection('bank-sessions');
  t.ok(sessions.has(session));
  app.sandbox.engine.forgetOrders([app.sandbox.engine.findBySession(session)!]);
  t.notOk(sessions.has(session));
  t.equal((await get(app, `/bank/${session}/`)).statusCode, 404, 'a forgotten order is an unknown session');
});
