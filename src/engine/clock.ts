/**
 * The sandbox clock: virtual time that runs at real speed, at real speed times a scale
 * (24 hours in seconds), or not at all until advanced (manual). Every timed behaviour of
 * the sandbox (expiry, uncleared completion, webhook delays and retries, refund settlement,
 * Second Chance) is a job on a clock; nothing patches Date or uses its own timer.
 *
 * Jobs fire in due order; a job due at T sees now() === T while it runs, so a 24-hour
 * completion is stamped exactly 24 hours after the payment however far the clock jumps.
 */
import type { RealTime } from '../domain/real-time.js';

export type { RealTime };

export const systemRealTime: RealTime = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ClockJob {
  readonly id: string;
  readonly due: number;
  /** Insertion order: jobs due at the same instant fire in the order they were scheduled. */
  readonly seq: number;
  /** Called with the job's id, so one handler function can serve every job of a kind. */
  readonly run: (id: string) => void | Promise<void>;
}

export interface ClockState {
  /** Virtual time at the anchor. */
  virtual: number;
  scale: number;
  frozen: boolean;
}

function byDueSeq(a: ClockJob, b: ClockJob): number {
  return a.due - b.due || a.seq - b.seq;
}

/** Longest delay Node's setTimeout takes without overflowing. */
const MAX_TIMER_MS = 2_147_483_647;

export class SandboxClock {
  readonly name: string;
  private anchorReal: number;
  private anchorVirtual: number;
  private scaleValue: number;
  private frozenValue: boolean;
  private readonly jobs: ClockJob[] = [];
  /**
   * id -> its entry in `jobs`, or its entries earliest first when an id is scheduled more than
   * once (rare). A lone entry is kept as is: an array per pending order would cost 56 bytes each.
   */
  private readonly byId = new Map<string, ClockJob | ClockJob[]>();
  private seq = 0;
  private timer: unknown = null;
  private firing = false;
  /** An advance runs its own jobs in order: the real timer must not fire them behind its back. */
  private inAdvance = false;
  /** Jobs the real timer started and that have not finished (an HTTP attempt in flight). */
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  /** Advances run one after another: a second advance waits for the first to finish. */
  private advancing: Promise<unknown> = Promise.resolve();
  /** Errors thrown by jobs: reported, never allowed to stop the clock. */
  onError: (err: unknown) => void = (err) => console.error('sofort-sandbox: clock job failed', err);
  /** Called after the clock's time or speed changes (persistence, live dashboard). */
  onChange: (state: ClockState) => void = () => {};

  constructor(
    name: string,
    private readonly real: RealTime = systemRealTime,
    state: Partial<ClockState> = {},
  ) {
    this.name = name;
    this.anchorReal = real.now();
    this.anchorVirtual = state.virtual ?? this.anchorReal;
    this.scaleValue = state.scale ?? 1;
    this.frozenValue = state.frozen ?? false;
    if (!(this.scaleValue > 0) || !Number.isFinite(this.scaleValue)) throw new RangeError('time scale must be a positive number');
  }

  now(): number {
    if (this.frozenValue) return this.anchorVirtual;
    return Math.floor(this.anchorVirtual + (this.real.now() - this.anchorReal) * this.scaleValue);
  }

  get scale(): number {
    return this.scaleValue;
  }

  get frozen(): boolean {
    return this.frozenValue;
  }

  state(): ClockState {
    return { virtual: this.now(), scale: this.scaleValue, frozen: this.frozenValue };
  }

  /** Schedule `run` at virtual time `due` (a time at or before now fires at once, frozen or not). */
  schedule(id: string, due: number, run: (id: string) => void | Promise<void>): ClockJob {
    const job: ClockJob = { id, due, seq: this.seq++, run };
    // Keep `jobs` sorted by (due, seq); binary search for the insertion point.
    let lo = 0;
    let hi = this.jobs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.jobs[mid]!;
      if (m.due < due || (m.due === due && m.seq < job.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.jobs.splice(lo, 0, job);
    const same = this.byId.get(job.id);
    if (same === undefined) this.byId.set(job.id, job);
    else this.byId.set(job.id, (Array.isArray(same) ? [...same, job] : [same, job]).sort(byDueSeq));
    if (lo === 0) this.arm();
    return job;
  }

  /** Take the earliest entry with this id off the queue. O(log n): no scan of every pending job. */
  cancel(id: string): boolean {
    const same = this.byId.get(id);
    const job = Array.isArray(same) ? same[0] : same;
    if (!job) return false;
    const i = this.indexOf(job);
    this.unindex(job);
    if (i < 0) return false;
    this.jobs.splice(i, 1);
    if (i === 0) this.arm();
    return true;
  }

  private indexOf(job: ClockJob): number {
    let lo = 0;
    let hi = this.jobs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byDueSeq(this.jobs[mid]!, job) < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.jobs[lo] === job ? lo : -1;
  }

  private unindex(job: ClockJob): void {
    const same = this.byId.get(job.id);
    if (same === job) {
      this.byId.delete(job.id);
      return;
    }
    if (!Array.isArray(same)) return;
    const rest = same.filter((j) => j !== job);
    if (rest.length === 0) this.byId.delete(job.id);
    else this.byId.set(job.id, rest.length === 1 ? rest[0]! : rest);
  }

  /** The earliest job, taken off the queue (and the id index). */
  private takeFirst(): void {
    const first = this.jobs.shift();
    if (first) this.unindex(first);
  }

  pending(): readonly ClockJob[] {
    return this.jobs;
  }

  /** Move time forward by `ms`, firing every job due on the way, in order, awaiting each. */
  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a duration of zero or more milliseconds');
    // The target is read when this advance's turn comes, not when it is called: two advances
    // called together then add up instead of the second aiming behind the first.
    const run = this.advancing.then(() => this.advanceNow(this.now() + ms));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /** Move time forward to `target` (never backwards), firing every job due on the way. */
  advanceTo(target: number): Promise<number> {
    const run = this.advancing.then(() => this.advanceNow(target));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async advanceNow(target: number): Promise<number> {
    // What the real timer started (a notification due "now" on a manual clock) finishes
    // first: its follow-up (a retry) is then on the queue for this advance to run.
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    const start = this.now();
    if (target < start) throw new RangeError(`cannot move the clock backwards (now ${new Date(start).toISOString()})`);
    const wasFrozen = this.frozenValue;
    // Hold time still while jobs run so each sees its own due time.
    this.inAdvance = true;
    this.setAnchor(start, true);
    let fired = 0;
    try {
      for (;;) {
        const next = this.jobs[0];
        if (!next || next.due > target) break;
        this.takeFirst();
        this.anchorVirtual = Math.max(this.anchorVirtual, next.due);
        fired++;
        try {
          await next.run(next.id);
        } catch (err) {
          this.onError(err);
        }
      }
      this.anchorVirtual = target;
    } finally {
      this.inAdvance = false;
      this.setAnchor(this.anchorVirtual, wasFrozen);
      this.onChange(this.state());
    }
    return fired;
  }

  freeze(): void {
    this.setAnchor(this.now(), true);
    this.onChange(this.state());
  }

  unfreeze(): void {
    this.setAnchor(this.now(), false);
    this.onChange(this.state());
  }

  setScale(scale: number): void {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError('time scale must be a positive number');
    const now = this.now();
    this.scaleValue = scale;
    this.setAnchor(now, this.frozenValue);
    this.onChange(this.state());
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.real.clearTimeout(this.timer);
    this.timer = null;
  }

  private setAnchor(virtual: number, frozen: boolean): void {
    this.anchorReal = this.real.now();
    this.anchorVirtual = virtual;
    this.frozenValue = frozen;
    this.arm();
  }

  /**
   * One real timer for the earliest job, converted to real milliseconds by the scale. A
   * frozen (manual) clock arms only for a job already due: time does not move, but what is
   * due at or before its instant runs at once, as it would on a running clock.
   */
  private arm(): void {
    if (this.timer !== null) {
      this.real.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed || this.firing || this.inAdvance) return;
    const next = this.jobs[0];
    if (!next) return;
    const wait = next.due - this.now();
    if (this.frozenValue && wait > 0) return;
    const realDelay = Math.max(0, Math.ceil(wait / this.scaleValue));
    this.timer = this.real.setTimeout(() => {
      this.timer = null;
      this.fireDue();
    }, Math.min(realDelay, MAX_TIMER_MS));
  }

  /** Real-time firing: run everything due now without awaiting (jobs bound their own work). */
  private fireDue(): void {
    this.firing = true;
    try {
      for (;;) {
        const next = this.jobs[0];
        if (!next || next.due > this.now()) break;
        this.takeFirst();
        try {
          const r = next.run(next.id);
          if (r && typeof (r as Promise<void>).then === 'function') {
            const p = (r as Promise<void>).catch((e) => this.onError(e));
            this.running.add(p);
            void p.finally(() => this.running.delete(p));
          }
        } catch (err) {
          this.onError(err);
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }
}
