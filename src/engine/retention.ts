/**
 * Housekeeping for a sandbox that runs for weeks: orders untouched for `retentionDays` of
 * sandbox time are forgotten, with everything features keep about them (through
 * `engine.onForget`), so memory and the data file stay flat however many orders a test
 * team creates.
 *
 * The sweep is a timer on the sandbox clock, not a stored job: it is re-created at every
 * start, and a control-plane reset (which cancels stored jobs) cannot stop it. It runs
 * once at start and then every hour of sandbox time (with a manual clock: when advanced).
 */
import type { OrderRecord } from '../domain/order.js';
import type { Engine } from './engine.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const SWEEP_EVERY_MS = 60 * 60 * 1000;
const TIMER_ID = 'housekeeping:retention';

/**
 * Orders old enough to forget: last changed more than `days` ago on their site's clock,
 * with no pending job that names them (`data.transaction_id`: a long payment link, an
 * uncleared payment, a refund settling). Webhook jobs name a notification instead; the
 * dispatcher drops those of forgotten orders in its onForget listener.
 */
export function expiredOrders(engine: Engine, days: number): OrderRecord[] {
  const busy = new Set<string>();
  for (const job of engine.jobs.list()) {
    const tx = job.data.transaction_id;
    if (typeof tx === 'number' || typeof tx === 'string') busy.add(`${job.site}\u0000${String(tx)}`);
  }
  const cutoffs = new Map<string, number>();
  const out: OrderRecord[] = [];
  for (const o of engine.listOrders(null)) {
    let cutoff = cutoffs.get(o.site);
    if (cutoff === undefined) {
      cutoff = engine.now(o.site) - days * DAY_MS;
      cutoffs.set(o.site, cutoff);
    }
    if (o.modified >= cutoff) continue;
    if (busy.has(`${o.site}\u0000${o.transaction_id}`)) continue;
    out.push(o);
  }
  return out;
}

/** Forget what is older than `days`; returns how many orders went. */
export function sweep(engine: Engine, days: number): number {
  const old = expiredOrders(engine, days);
  engine.forgetOrders(old);
  return old.length;
}

/** Sweep at start and then every SWEEP_EVERY_MS of sandbox time, until the clock closes. */
export function startRetention(engine: Engine, days: number): void {
  const clock = engine.clock;
  const tick = (): void => {
    try {
      sweep(engine, days);
    } finally {
      clock.schedule(TIMER_ID, clock.now() + SWEEP_EVERY_MS, tick);
    }
  };
  clock.schedule(TIMER_ID, clock.now(), tick);
}
