/**
 * SandboxClock: virtual time at real speed, scaled, or frozen; jobs fire in due order and
 * each sees its own due time. Real time is a fake here, so nothing depends on the machine.
 */
import t from 'tap';
import type { RealTime } from '../src/engine/clock.js';
import { SandboxClock } from '../src/engine/clock.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A controllable real-time source: time moves only on tick(), timers fire then. */
class FakeRealTime implements RealTime {
  t = 1_000_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get armed(): number {
    return this.timers.size;
  }
  /** Move real time forward, firing timers due on the way in order. */
  tick(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }
}

t.test('real speed: virtual time follows real time from the start instant', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0 });
  t.equal(clock.now(), T0);
  real.tick(1500);
  t.equal(clock.now(), T0 + 1500);
  t.equal(clock.frozen, false);
  t.same(clock.state(), { virtual: T0 + 1500, scale: 1, frozen: false });
});

t.test('scaled: an hour a second', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0, scale: 3600 });
  real.tick(1000);
  t.equal(clock.now(), T0 + HOUR);
  real.tick(23_000);
  t.equal(clock.now(), T0 + DAY, '24 hours pass in 24 seconds');
});

t.test('setScale keeps time continuous and changes only the speed from then on', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0 });
  real.tick(1000);
  clock.setScale(60);
  t.equal(clock.now(), T0 + 1000, 'no jump when the scale changes');
  real.tick(1000);
  t.equal(clock.now(), T0 + 1000 + 60_000);
  t.throws(() => clock.setScale(0), RangeError);
  t.throws(() => clock.setScale(Number.NaN), RangeError);
  t.throws(() => new SandboxClock('bad', real, { scale: -1 }), RangeError);
});

t.test('frozen: real time passing does not move it; advance does', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0, frozen: true });
  real.tick(10 * HOUR);
  t.equal(clock.now(), T0);
  await clock.advance(5000);
  t.equal(clock.now(), T0 + 5000);
  t.equal(clock.frozen, true, 'still frozen after an advance');
  clock.unfreeze();
  real.tick(1000);
  t.equal(clock.now(), T0 + 6000);
  clock.freeze();
  real.tick(1000);
  t.equal(clock.now(), T0 + 6000);
});

t.test('advance fires due jobs in due order, each seeing its own due time', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const seen: Array<[string, number]> = [];
  const job = (name: string) => () => {
    seen.push([name, clock.now()]);
  };
  clock.schedule('late', T0 + 3 * HOUR, job('late'));
  clock.schedule('early', T0 + HOUR, job('early'));
  clock.schedule('beyond', T0 + DAY, job('beyond'));
  clock.schedule('middle', T0 + 2 * HOUR, job('middle'));
  const fired = await clock.advance(3 * HOUR);
  t.equal(fired, 3);
  t.same(seen, [['early', T0 + HOUR], ['middle', T0 + 2 * HOUR], ['late', T0 + 3 * HOUR]]);
  t.equal(clock.now(), T0 + 3 * HOUR, 'the clock ends at the target');
  t.same(clock.pending().map((j) => j.id), ['beyond'], 'a job after the target waits');
});

t.test('jobs due at the same instant fire in the order they were scheduled', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const order: string[] = [];
  for (const name of ['a', 'b', 'c', 'd', 'e']) clock.schedule(name, T0 + 1000, () => void order.push(name));
  clock.schedule('z-earlier', T0 + 999, () => void order.push('z-earlier'));
  await clock.advance(1000);
  t.same(order, ['z-earlier', 'a', 'b', 'c', 'd', 'e']);
});

t.test('jobs scheduled by a job during an advance fire in the same advance if due', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const seen: Array<[string, number]> = [];
  clock.schedule('first', T0 + HOUR, () => {
    seen.push(['first', clock.now()]);
    clock.schedule('child-in-range', clock.now() + HOUR, () => void seen.push(['child-in-range', clock.now()]));
    clock.schedule('child-out-of-range', clock.now() + DAY, () => void seen.push(['child-out-of-range', clock.now()]));
    clock.schedule('child-now', clock.now(), () => void seen.push(['child-now', clock.now()]));
  });
  clock.schedule('second', T0 + 90 * 60_000, () => void seen.push(['second', clock.now()]));
  await clock.advance(3 * HOUR);
  t.same(seen, [
    ['first', T0 + HOUR],
    ['child-now', T0 + HOUR],
    ['second', T0 + 90 * 60_000],
    ['child-in-range', T0 + 2 * HOUR],
  ]);
  t.same(clock.pending().map((j) => j.id), ['child-out-of-range']);
});

t.test('async jobs are awaited one by one', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const log: string[] = [];
  clock.schedule('slow', T0 + 10, async () => {
    log.push('slow start');
    await new Promise((r) => setImmediate(r));
    log.push('slow end');
  });
  clock.schedule('next', T0 + 20, () => void log.push('next'));
  await clock.advance(20);
  t.same(log, ['slow start', 'slow end', 'next']);
});

t.test('two advances called together run one after the other', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const seen: number[] = [];
  clock.schedule('a', T0 + 100, () => void seen.push(clock.now()));
  clock.schedule('b', T0 + 250, () => void seen.push(clock.now()));
  await Promise.all([clock.advance(200), clock.advance(100)]);
  t.same(seen, [T0 + 100, T0 + 250]);
  t.equal(clock.now(), T0 + 300, 'both durations add up');
});

t.test('a failing job is reported and does not stop the clock', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const errors: unknown[] = [];
  clock.onError = (e) => void errors.push(e);
  let ran = false;
  clock.schedule('boom', T0 + 1, () => {
    throw new Error('boom');
  });
  clock.schedule('after', T0 + 2, () => {
    ran = true;
  });
  await clock.advance(10);
  t.equal(errors.length, 1);
  t.match(errors[0], { message: 'boom' });
  t.equal(ran, true);
});

t.test('cancel, and the refusals of advance', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  let ran = false;
  clock.schedule('x', T0 + 10, () => {
    ran = true;
  });
  t.equal(clock.cancel('x'), true);
  t.equal(clock.cancel('x'), false, 'cancelling twice reports nothing to cancel');
  await clock.advance(100);
  t.equal(ran, false);
  await t.rejects(clock.advance(-1), RangeError);
  await t.rejects(clock.advance(Number.POSITIVE_INFINITY), RangeError);
  await t.rejects(clock.advanceTo(T0), /cannot move the clock backwards/);
  t.equal(clock.now(), T0 + 100, 'a refused advance changes nothing');
});

t.test('a past-due job fires at the next chance', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  let at = 0;
  clock.schedule('past', T0 - HOUR, () => {
    at = clock.now();
  });
  await clock.advance(0);
  t.equal(at, T0, 'fires without moving time backwards');
});

t.test('running clock: one real timer for the earliest job, scaled to real milliseconds', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0, scale: 3600 });
  const seen: number[] = [];
  clock.schedule('in-a-day', T0 + DAY, () => void seen.push(clock.now()));
  clock.schedule('in-an-hour', T0 + HOUR, () => void seen.push(clock.now()));
  t.equal(real.armed, 1, 'one timer at a time');
  real.tick(999);
  t.same(seen, [], 'an hour is 1000 real ms at scale 3600');
  real.tick(1);
  t.same(seen, [T0 + HOUR]);
  real.tick(23_000);
  t.same(seen, [T0 + HOUR, T0 + DAY]);
  t.equal(real.armed, 0, 'no timer left when no job waits');
});

t.test('freezing a running clock disarms its timer; close stops it for good', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0 });
  let fired = 0;
  clock.schedule('j', T0 + 1000, () => void fired++);
  clock.freeze();
  t.equal(real.armed, 0);
  real.tick(5000);
  t.equal(fired, 0);
  clock.unfreeze();
  real.tick(1000);
  t.equal(fired, 1);
  clock.schedule('k', clock.now() + 1000, () => void fired++);
  clock.close();
  t.equal(real.armed, 0);
  real.tick(5000);
  t.equal(fired, 1, 'a closed clock fires nothing');
});

t.test('onChange reports time and speed changes', async (t) => {
  const clock = new SandboxClock('c', new FakeRealTime(), { virtual: T0, frozen: true });
  const states: unknown[] = [];
  clock.onChange = (s) => void states.push(s);
  await clock.advance(HOUR);
  clock.setScale(10);
  t.same(states, [
    { virtual: T0 + HOUR, scale: 1, frozen: true },
    { virtual: T0 + HOUR, scale: 10, frozen: true },
  ]);
});

t.test('frozen: a job due at or before the frozen instant runs at once, a later one waits for an advance', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0, frozen: true });
  const seen: Array<[string, number]> = [];
  clock.schedule('later', T0 + 1, () => void seen.push(['later', clock.now()]));
  t.equal(real.armed, 0, 'nothing due: no real timer on a frozen clock');
  clock.schedule('now', T0, () => void seen.push(['now', clock.now()]));
  clock.schedule('past', T0 - HOUR, () => void seen.push(['past', clock.now()]));
  real.tick(0);
  t.same(seen, [['past', T0], ['now', T0]], 'due jobs ran without an advance, time did not move');
  t.same(clock.pending().map((j) => j.id), ['later']);
  real.tick(DAY);
  t.equal(seen.length, 2, 'real time does not bring the later job');
  await clock.advance(1);
  t.same(seen.at(-1), ['later', T0 + 1]);
});

t.test('an advance first lets a job the real timer started finish, so its follow-up runs in the advance', async (t) => {
  const real = new FakeRealTime();
  const clock = new SandboxClock('c', real, { virtual: T0, frozen: true });
  const seen: number[] = [];
  let finish: () => void = () => {};
  clock.schedule('attempt', T0, () => new Promise<void>((resolve) => {
    finish = () => {
      clock.schedule('retry', clock.now() + 15 * 60_000, () => void seen.push(clock.now()));
      resolve();
    };
  }));
  real.tick(0); // the attempt starts (an HTTP request in flight)
  const advanced = clock.advance(HOUR);
  await new Promise((resolve) => setImmediate(resolve)); // every microtask ran: the advance is waiting, not done
  finish();
  t.equal(await advanced, 1, 'the retry fired within the advance');
  t.same(seen, [T0 + 15 * 60_000]);
});
