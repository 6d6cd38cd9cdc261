import t from 'tap';
import { api, build, createOrder } from './helpers/build.js';
import { HOUR, MINUTE, control, pay } from './helpers/after-payment.js';
import { get, payAtBank, post, sessionFromUrl } from './helpers/pages.js';

const START = '2026-03-10T15:00:00Z';
type App = Awaited<ReturnType<typeof build>>;
let n = 0;

/** An unpaid order asking for Second Chance, by a shopper of its own (the 120-minute rule looks at the email). */
async function remindable(app: App, overrides: Record<string, unknown> = {}) {
  const email = `shopper${++n}@example.com`;
  return createOrder(app, {
    gateway: undefined, // a payment link without a preselected method lives 30 days
    second_chance: { send_email: true },
    customer: { locale: 'en_US', country: 'DE', first_name: 'Erika', last_name: 'Muster', email },
    ...overrides,
  });
}

async function outbox(app: App, query = '') {
  const res = await control(app, 'GET', `/second-chance/outbox${query}`);
  if (res.statusCode !== 200) throw new Error(`outbox: ${res.statusCode}`);
  return res.body.emails as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

t.test('two reminders fall due 1 hour and 24 hours after the order starts, with a link that reopens the payment page', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await remindable(app);
  const clock = app.sandbox.engine.clock;
  t.match((await control(app, 'GET', '/second-chance/pending')).body.pending, [
    { reminder: 1, due: '2026-03-10T16:00:00.000Z' },
    { reminder: 2, due: '2026-03-11T15:00:00.000Z' },
  ]);
  await clock.advance(HOUR - 1);
  t.same(await outbox(app), [], 'nothing before the hour');
  await clock.advance(1);
  const [first] = await outbox(app);
  const session = sessionFromUrl(String(o.data.payment_url));
  t.match(first, {
    status: 'sent',
    reminder: 1,
    order_id: o.order_id,
    to: o.body.customer && (o.body.customer as { email: string }).email,
    subject: `Complete your payment for order ${o.order_id}`,
    link: `http://localhost/connect/${session}/?lang=en_US`,
    created: '2026-03-10T16:00:00.000Z',
    smtp: { status: 'off' },
  });
  t.match(first!.text, /^Dear Erika Muster,/);
  t.match(first!.text, /a payment of 10\.00 EUR for order/);
  t.ok(first!.text.includes(first!.link), 'the text carries the link');
  t.match(first!.text, /valid until 2026-04-09 15:00 \(UTC\)/, 'the link lives as long as the order (30 days)');

  await clock.advance(23 * HOUR);
  const all = await outbox(app, `?order_id=${o.order_id}`);
  t.same(all.map((e) => [e.reminder, e.status, e.created]), [[1, 'sent', '2026-03-10T16:00:00.000Z'], [2, 'sent', '2026-03-11T15:00:00.000Z']]);
  t.same((await control(app, 'GET', '/second-chance/pending')).body.pending, []);

  // Paying from the emailed link: the link is the payment page.
  const page = await get(app, new URL(all[1]!.link).pathname + new URL(all[1]!.link).search);
  t.equal(page.statusCode, 200);
  const toBank = await post(app, `/connect/${session}/`, { gateway: 'DIRECTBANK', scenario: 'completed' });
  t.equal(toBank.statusCode, 303);
  t.equal((await payAtBank(app, session)).statusCode, 303);
  t.equal((await api(app, 'GET', `/orders/${o.order_id}`)).json().data.status, 'completed');
});

t.test('the reminder speaks the shopper\'s language (customer.locale)', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await remindable(app, { customer: { locale: 'de_DE', country: 'DE', first_name: 'Max', email: 'max@example.de' } });
  await app.sandbox.engine.clock.advance(HOUR);
  const [mail] = await outbox(app);
  t.equal(mail!.subject, `Schließen Sie Ihre Zahlung für Bestellung ${o.order_id} ab`);
  t.match(mail!.text, /^Hallo Max,/);
  t.match(mail!.link, /\?lang=de_DE$/);
});

t.test('an order that names DIRECTBANK lives as a link (30 days) until the shopper starts paying: both reminders go', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const o = await remindable(app, { gateway: 'DIRECTBANK' });
  await app.sandbox.engine.clock.advance(24 * HOUR);
  const mails = await outbox(app);
  t.same(mails.map((e) => [e.reminder, e.status, e.reason ?? null]), [[1, 'sent', null], [2, 'sent', null]], 'the 24-hour reminder is not suppressed by a 1-day expiry');
  t.equal((await api(app, 'GET', `/orders/${o.order_id}`)).json().data.status, 'initialized');
  // The emailed link still leads to the payment page.
  const page = await get(app, new URL(mails[1]!.link).pathname);
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, /data-result=/);
});

t.test('suppression rules: each stops the reminders and says why', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const clock = app.sandbox.engine.clock;

  const paid = await remindable(app);
  const uncleared = await remindable(app, { amount: 25000, gateway: 'DIRECTBANK', days_active: 30 });
  const excluded = await remindable(app);
  const flagged = await remindable(app);
  const cancelled = await remindable(app);
  const recurring = await remindable(app, { recurring_model: 'cardOnFile', customer: { country: 'DE', email: 'rec@example.com', reference: 'r-1' } });
  const noEmail = await createOrder(app, { gateway: undefined, second_chance: { send_mail: true }, customer: { country: 'DE' } });

  pay(app, paid.order_id);
  pay(app, uncleared.order_id);
  await api(app, 'PATCH', `/orders/${excluded.order_id}`, { status: 'cancelled', exclude_order: true });
  await api(app, 'PATCH', `/orders/${flagged.order_id}`, { exclude_order: true });
  await api(app, 'PATCH', `/orders/${cancelled.order_id}`, { status: 'cancelled' });
  await clock.advance(HOUR);

  const reasons = async (id: string) => (await outbox(app, `?order_id=${id}`)).map((e) => `${e.reminder}:${e.status}:${e.reason ?? ''}`);
  t.same(await reasons(paid.order_id), ['1:suppressed:paid']);
  t.same(await reasons(uncleared.order_id), ['1:suppressed:paid'], 'uncleared counts as paid');
  t.same(await reasons(excluded.order_id), ['1:suppressed:exclude_order']);
  t.same(await reasons(flagged.order_id), ['1:suppressed:exclude_order'], 'exclude_order without cancelling');
  t.same(await reasons(cancelled.order_id), ['1:suppressed:cancelled']);
  t.same(await reasons(recurring.order_id), ['0:suppressed:recurring'], 'recurring payments get none, decided at creation');
  t.same(await reasons(noEmail.order_id), ['0:suppressed:no_email']);
  t.same(await outbox(app, '?status=sent'), [], 'no email went out');
  const suppressed = await outbox(app, '?status=suppressed');
  t.ok(suppressed.every((e) => e.to === undefined && e.link === undefined && typeof e.detail === 'string'), 'suppressions carry a reason, no email');
});

t.test('a newer transaction of the same order_id takes the reminders; a paid one stops them', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const first = await remindable(app, { order_id: 'same-order' });
  const second = await createOrder(app, { order_id: 'same-order', gateway: undefined, second_chance: { send_email: true }, customer: { country: 'DE', email: 'again@example.com' } });
  t.not(first.data.session_id, second.data.session_id);
  await app.sandbox.engine.clock.advance(HOUR);
  const mails = await outbox(app, '?order_id=same-order');
  t.same(mails.map((e) => `${e.status}:${e.reason ?? ''}`).sort(), ['sent:', 'suppressed:newer_attempt']);
  t.equal(mails.find((e) => e.status === 'sent')!.to, 'again@example.com');

  pay(app, 'same-order');
  await app.sandbox.engine.clock.advance(23 * HOUR);
  const later = (await outbox(app, '?order_id=same-order')).filter((e) => e.reminder === 2);
  t.same(later.map((e) => `${e.status}:${e.reason ?? ''}`).sort(), ['suppressed:order_id_paid', 'suppressed:paid']);
});

t.test('the 120-minute rules: another transaction of the same shopper shortly before, or a payment of the same amount', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START });
  const clock = app.sandbox.engine.clock;
  const customer = { country: 'DE', email: 'Same@Example.com' };
  const early = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer });
  await clock.advance(30 * MINUTE);
  const soon = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: { ...customer, email: 'same@example.com' } });
  await clock.advance(HOUR);
  t.same((await outbox(app, `?order_id=${early.order_id}`)).map((e) => e.status), ['sent'], 'the first transaction is reminded');
  t.match(await outbox(app, `?order_id=${soon.order_id}`), [{ status: 'suppressed', reason: 'recent_transaction' }], 'one started 30 minutes after another is not (email compared without case)');

  // A shopper who paid the same amount elsewhere within 120 minutes is not reminded.
  const other = { country: 'DE', email: 'payer@example.com' };
  const paidBefore = await createOrder(app, { gateway: undefined, customer: other });
  await clock.advance(3 * HOUR);
  const unpaid = await createOrder(app, { gateway: undefined, second_chance: { send_email: true }, customer: other });
  await clock.advance(30 * MINUTE);
  pay(app, paidBefore.order_id);
  await clock.advance(30 * MINUTE);
  t.match(await outbox(app, `?order_id=${unpaid.order_id}`), [{ status: 'suppressed', reason: 'recent_payment' }]);
});

t.test('secondChance.enabled false: nothing is scheduled; the outbox can be cleared', async (t) => {
  const off = await build(t, { manualClock: true, startTime: START, secondChance: { enabled: false } });
  await remindable(off);
  await off.sandbox.engine.clock.advance(25 * HOUR);
  t.same(await outbox(off), []);

  const app = await build(t, { manualClock: true, startTime: START });
  await remindable(app);
  await app.sandbox.engine.clock.advance(HOUR);
  t.equal((await outbox(app)).length, 1);
  t.equal((await control(app, 'GET', '/second-chance/outbox', 'another-site-key')).body.emails.length, 0, 'each site sees its own outbox');
  t.equal((await control(app, 'GET', '/second-chance/outbox', null)).body.emails.length, 1, 'without a key: every site');
  const bad = await control(app, 'GET', '/second-chance/outbox?status=lost');
  t.equal(bad.statusCode, 400);
  t.match(bad.body.error.message, /status: must be sent or suppressed/);
  t.same((await control(app, 'DELETE', '/second-chance/outbox')).body, { removed: 1 });
  t.same(await outbox(app), []);
});

t.test('links use publicUrl when it is set', async (t) => {
  const app = await build(t, { manualClock: true, startTime: START, publicUrl: 'https://sandbox.example.test' });
  const o = await remindable(app);
  await app.sandbox.engine.clock.advance(HOUR);
  t.equal((await outbox(app))[0]!.link, `https://sandbox.example.test/connect/${o.data.session_id}/?lang=en_US`);
});
