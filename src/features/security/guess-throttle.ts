/**
 * Throttles guessing of the control token: after `limit` wrong tokens from one address within
 * `windowMs` of real time, that address is refused (429, with Retry-After) until the window
 * has passed, right token or not, so a guesser learns nothing while locked out. At 10 per
 * minute a 32-character token is out of reach; a person who mistyped waits a minute.
 *
 * Hand-written rather than @fastify/rate-limit: that plugin counts every request of a route,
 * while only wrong tokens should count here (a CI script polling with the right token must
 * never be slowed), and it would load three more modules at every start for this one counter.
 */
import type { RealTime } from '../../engine/clock.js';

interface Entry {
  failures: number;
  since: number;
}

/** Addresses tracked at most: a flood of addresses forgets the oldest instead of growing. */
const MAX_TRACKED = 10_000;

export class GuessThrottle {
  private readonly byAddress = new Map<string, Entry>();

  constructor(
    private readonly realTime: RealTime,
    private readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds this address must wait before its next token is even looked at, or 0. */
  retryAfter(address: string | undefined): number {
    const e = this.byAddress.get(address ?? '');
    if (!e) return 0;
    const left = e.since + this.windowMs - this.realTime.now();
    if (left <= 0) {
      this.byAddress.delete(address ?? '');
      return 0;
    }
    return e.failures >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  /** A wrong token from this address. */
  fail(address: string | undefined): void {
    const key = address ?? '';
    const now = this.realTime.now();
    const e = this.byAddress.get(key);
    if (!e || e.since + this.windowMs <= now) {
      this.byAddress.delete(key);
      this.byAddress.set(key, { failures: 1, since: now });
      if (this.byAddress.size > MAX_TRACKED) this.byAddress.delete(this.byAddress.keys().next().value as string);
      return;
    }
    e.failures++;
  }
}
