/**
 * Time travel through the control API: read, advance by a duration or to an instant,
 * freeze, unfreeze, scale, per-site clocks; and a manual clock driven through expiry,
 * uncleared completion and the whole webhook retry schedule.
 */
import t from 'tap';
import { OTHER_KEY, START, receiver, refusal, sandbox } from './helpers/control.js';

const HOUR = 3_600_000;

t.test('read, advance by a duration or to an instant; bad input changes nothing', async (t) => {
  const { control } = await sandbox(t);
  const c = await control.clock();
  t.match(c, { clock: 'sandbox', now: START, frozen: true, scale: 1 });
  const start = Date.parse(START);
  t.equal((await control.advance('90s')).now_ms, start + 90_000);
  t.equal((await control.advance('1d2h')).now_ms, start + 90_000 + 26 * HOUR);
  t.equal((await control.advance(500)).now_ms, start + 90_500 + 26 * HOUR);
  const to = await control.advanceTo(new Date('2026-03-10T00:00:00Z'));
  t.match(to, { now: '2026-03-10T00:00:00.000Z', from: '2026-03-03T12:01:30.500Z' });

  for (const [body, code, message] of [
    [{ by: '24x' }, 'invalid_duration', /by: "24x" is not a duration; write a duration such as "90s"/],
    [{ by: -5 }, 'invalid_duration', /zero or more/],
    [{ to: '2026-03-01T00:00:00Z' }, 'invalid_time', /before the clock's now.*only moves forward/],
    [{ to: 'tomorrow' }, 'invalid_time', /"tomorrow" is not a time/],
    [{ by: '1h', to: '2027-01-01T00:00:00Z' }, 'bad_request', /either "by".*or "to"/],
    [{}, 'bad_request', /either "by"/],
  ] as const) {
    const err = await refusal(t, () => control.request('POST', '/clock/advance', body));
    t.match(err, { status: 400, code, message }, JSON.stringify(body));
  }
  t.equal((await control.clock()).now, '2026-03-10T00:00:00.000Z', 'the clock did not move');
});

t.test('freeze, unfreeze and scale', async (t) => {
  const { control } = await sandbox(t);
  t.equal((await control.unfreeze()).frozen, false);
  t.equal((await control.setScale(3600)).scale, 3600);
  const frozen = await control.freeze();
  t.same([frozen.frozen, frozen.scale], [true, 3600]);
  const err = await refusal(t, () => control.setScale(0));
  t.match(err, { status: 400, message: /scale: must be a number above 0/ });
  const err2 = await refusal(t, () => control.request('POST', '/clock/scale', { scale: 'fast' }));
  t.equal(err2.status, 400);
  t.equal((await control.clock()).scale, 3600, 'the scale is unchanged');
});

t.test("a site's own clock travels in time without moving other sites", async (t) => {
  const { control, createOrder } = await sandbox(t);
  const other = control.forSite(OTHER_KEY);
  const own = await control.ownClock();
  t.match(own, { clock: 'site', site: control.apiKey, now: START });
  const mine = await createOrder({ order_id: 'mine', days_active: 1 });
  const theirs = await createOrder({ order_id: 'theirs', days_active: 1 }, OTHER_KEY);

  await control.advance('2d');
  t.equal((await control.order(mine)).status, 'expired', 'my order expired on my clock');
  t.equal((await other.order(theirs)).status, 'initialized', 'the other site did not move');
  t.equal((await other.clock()).now, START);
  t.equal((await control.forSite(null).clock()).now, START, 'nor did the sandbox clock');
  t.same((await control.clocks()).map((c) => [c.clock, c.site, c.now]), [['sandbox', null, START], ['site', control.apiKey, '2026-03-04T10:00:00.000Z']], 'every clock, listed');

  const again = await control.ownClock();
  t.equal(again.now, '2026-03-04T10:00:00.000Z', 'asking again keeps the existing clock');
  const conflict = await refusal(t, () => control.ownClock({ start: '2030-01-01T00:00:00Z' }));
  t.equal(conflict.status, 409);

  const removed = await control.dropOwnClock();
  t.match(removed, { removed: true, clock: 'sandbox', now: START });
  const noKey = await refusal(t, () => control.forSite(null).ownClock());
  t.match(noKey, { status: 400, code: 'site_required', message: /api_key/ });

  // A clock that starts elsewhere.
  const later = await other.ownClock({ start: '2027-01-01T00:00:00Z', frozen: true });
  t.equal(later.now, '2027-01-01T00:00:00.000Z');
  await other.advance('2d');
  t.equal((await other.order(theirs)).status, 'expired', "the site's timers moved to its own clock");
});

t.test('a manual clock runs expiry, uncleared completion and the whole webhook retry schedule in one advance', async (t) => {
  const hook = await receiver(t, () => ({ status: 500, body: 'broken' }));
  const { control, createOrder } = await sandbox(t);
  const notify = { notification_url: hook.url, redirect_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cancel' };
  const abandoned = await createOrder({ order_id: 'walks-away', days_active: 1, payment_options: notify });
  const uncleared = await createOrder({ order_id: 'slow-money', payment_options: notify });
  await control.outcome(uncleared, 'uncleared', { delay: 0 });

  const done = await control.advance('2d');
  t.ok((done.fired ?? 0) > 0, 'jobs fired');
  t.equal(done.pending_jobs, 0, 'nothing left to do');

  const exp = await control.order(abandoned);
  t.equal(exp.status, 'expired');
  t.match(exp.timeline.at(-1), { cause: 'clock', action: 'expire', at: '2026-03-03T10:00:00.000Z' });
  const paid = await control.order(uncleared);
  t.equal(paid.status, 'completed');
  t.match(paid.timeline.at(-1), { cause: 'clock', action: 'clear', at: '2026-03-03T10:00:00.000Z' });

  for (const id of [abandoned, uncleared]) {
    const deliveries = await control.webhooks(id);
    t.ok(deliveries.length >= 1, `${id}: notifications were sent`);
    for (const d of deliveries) {
      t.equal(d.state, 'failed', `${id}: the receiver never acknowledged, so retries ran out`);
      const attempts = d.attempts as Array<{ at: number }>;
      t.equal(attempts.length, 4, 'first attempt and 3 retries');
      const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
      t.same(gaps, [15 * 60_000, 15 * 60_000, 15 * 60_000], 'retries 15 minutes apart on the sandbox clock');
    }
  }
  const total = (await control.webhooks()).reduce((n, d) => n + (d.attempts as unknown[]).length, 0);
  t.equal(hook.hits.length, total, 'every attempt reached the receiver');
});
