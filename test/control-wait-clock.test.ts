/**
 * A manual clock runs what is due at its instant at once; a wait for a status plus an
 * acknowledged notification waits for the notification of that status; a wait that runs
 * out says what is pending and what would move it.
 */
import t from 'tap';
import { START, receiver, refusal, sandbox } from './helpers/control.js';

t.test('with a zero webhook delay on a manual clock, the notification goes out without an advance', async (t) => {
  const hook = await receiver(t);
  const { control, createOrder } = await sandbox(t, { webhooks: { delayMs: 0 } });
  const id = await createOrder({ payment_options: { notification_url: hook.url } });
  await control.outcome(id, 'completed', { delay: 0 });
  const r = await control.waitFor(id, 'completed', { webhookAcked: true, timeout: '10s' });
  t.match(r, { reached: true, status: 'completed' });
  t.equal(hook.hits.length, 1, 'the receiver got the notification');
  const clock = await control.clock();
  t.match(clock, { now: START, pending_jobs: 0, next_job_at: null }, 'nothing due stays pending, and time did not move');
});

t.test("the same on a site's own manual clock", async (t) => {
  const hook = await receiver(t);
  const { control, createOrder } = await sandbox(t, { webhooks: { delayMs: 0 } });
  await control.ownClock({ frozen: true });
  const id = await createOrder({ payment_options: { notification_url: hook.url } });
  await control.outcome(id, 'completed', { delay: 0 });
  t.match(await control.waitFor(id, 'completed', { webhookAcked: true, timeout: '10s' }), { reached: true });
  t.match(await control.clock(), { clock: 'site', pending_jobs: 0 });
});

t.test('an order whose timer is already due when scheduled runs it at once on a manual clock', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const id = await createOrder();
  // Played "now": the scenario job is due at the clock's instant.
  await control.outcome(id, 'declined', { delay: 0 });
  t.match(await control.waitFor(id, 'declined', { timeout: '10s' }), { status: 'declined' });
  t.equal((await control.clock()).now, START);
});

t.test('waiting for completed + acknowledged ignores the acknowledged uncleared notification', async (t) => {
  const hook = await receiver(t);
  const { control, createOrder } = await sandbox(t, { webhooks: { delayMs: 2000 } });
  const id = await createOrder({ amount: 25_000, payment_options: { notification_url: hook.url } });
  await control.outcome(id, 'uncleared', { delay: 0 });
  await control.advance('5s');
  t.match(await control.waitFor(id, 'uncleared', { webhookAcked: true }), { reached: true }, 'the uncleared notification was acknowledged');
  const clearsAt = (await control.order(id)).clears_at;
  t.equal(clearsAt, '2026-03-03T10:00:00.000Z', 'it clears 24 h after the payment');
  await control.advanceTo(clearsAt!);
  t.equal((await control.order(id)).status, 'completed', 'it cleared');

  const early = await refusal(t, () => control.waitFor(id, 'completed', { webhookAcked: true, timeout: '100ms' }));
  t.match(early, {
    status: 408,
    code: 'wait_timeout',
    message: /the completed notification is due at 2026-03-03T10:00:02.000Z on the sandbox manual clock .*advance it .*"by":"2s"/,
  }, 'the completed notification is still pending, and the answer says what would send it');
  t.equal(hook.hits.length, 1, 'only the uncleared notification went out');

  await control.advance('2s');
  t.match(await control.waitFor(id, 'completed', { webhookAcked: true }), { reached: true, status: 'completed' });
  t.equal(hook.hits.length, 2);
});

t.test('a wait that runs out names the next pending change and how to bring it', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const id = await createOrder();
  const err = await refusal(t, () => control.waitFor(id, 'expired', { timeout: '50ms' }));
  // A payment link lives 30 days until the shopper starts paying by Sofort.
  t.match(err, { status: 408, message: /it is initialized .*its next change \(expire\) is due at 2026-04-01T10:00:00.000Z on the sandbox manual clock .*"by":"30d"/ });

  await control.scenario('completed', { match: { order_id: 'later-*' }, delay: '1h' });
  const later = await createOrder({ order_id: 'later-1' });
  const err2 = await refusal(t, () => control.waitFor(later, 'completed', { timeout: '50ms' }));
  t.match(err2, { status: 408, message: /next change \(scenario_play\) is due at 2026-03-02T11:00:00.000Z/ });

  const err3 = await refusal(t, () => control.waitFor('nobody', 'completed', { timeout: '50ms' }));
  t.match(err3, { status: 408, message: /it does not exist/ });

  const running = await sandbox(t, { manualClock: false, timeScale: 1 });
  const r = await running.createOrder();
  const err4 = await refusal(t, () => running.control.waitFor(r, 'expired', { timeout: '50ms' }));
  t.match(err4, { status: 408, message: /of real time from now: wait longer, or advance the clock/ });
});

t.test('the default wait answers inside a 5 s test timeout', async (t) => {
  const { control, createOrder } = await sandbox(t);
  const id = await createOrder();
  const err = await refusal(t, () => control.waitFor(id, 'completed'));
  t.match(err, { status: 408, message: /within 4s/ });
});

t.test('a wait for an acknowledgement that cannot come says why', async (t) => {
  const refused = await receiver(t, () => ({ status: 500, body: 'down' }));
  const { control, createOrder } = await sandbox(t, { webhooks: { delayMs: 0 } });
  const failing = await createOrder({ payment_options: { notification_url: refused.url } });
  await control.outcome(failing, 'completed', { delay: 0 });
  await control.advance('1d');
  t.equal((await control.webhooks(failing))[0]?.state, 'failed', 'every attempt was refused');
  const err = await refusal(t, () => control.waitFor(failing, 'completed', { webhookAcked: true, timeout: '50ms' }));
  t.match(err, { status: 408, message: /the completed notification ended failed without an acknowledgement: check the receiver \(GET \/_sandbox\/webhooks\/deliveries\?order_id=.*\) and resend it/ });

  const silent = await createOrder({ payment_options: { redirect_url: 'https://shop.example/ok' } });
  await control.outcome(silent, 'completed', { delay: 0 });
  const err2 = await refusal(t, () => control.waitFor(silent, 'completed', { webhookAcked: true, timeout: '50ms' }));
  t.match(err2, { status: 408, message: /it is completed, but the order has no payment_options.notification_url/ });
});
