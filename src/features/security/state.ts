/** Per-sandbox security state: token guess throttle and dashboard sessions (nothing at module level). */
import type { RealTime } from '../../engine/clock.js';
import { DashboardSessions } from './dashboard-sessions.js';
import { GuessThrottle } from './guess-throttle.js';

export interface SecurityState {
  readonly guesses: GuessThrottle;
  readonly sessions: DashboardSessions;
  /** Local ports of the sandbox's own outgoing notification connections (see webhooks/self-target.ts). */
  readonly ownOutgoingPorts: Set<number>;
}

export function createSecurityState(realTime: RealTime): SecurityState {
  return { guesses: new GuessThrottle(realTime), sessions: new DashboardSessions(), ownOutgoingPorts: new Set() };
}
