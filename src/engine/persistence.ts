/**
 * What a sandbox keeps across a restart besides its collections: the clocks, and a boot
 * counter that keeps seeded ids from repeating. Works on any Store; with MemoryStore it
 * simply finds nothing at start.
 *
 * Clocks after a restart (documented in the README, "Keeping state across restarts"):
 * - a frozen (manual) clock resumes exactly where it stood;
 * - a running clock goes on as if the process had never stopped: the downtime passes at
 *   the clock's scale, and work that fell due meanwhile (expiries, webhook retries) runs
 *   as soon as the sandbox is back, in due order, stamped with that time (as overdue work
 *   runs after any outage). Replaying it at its original instants would mean holding the
 *   start until every overdue webhook had been tried.
 * The stored clock wins over --start-time / --time-scale / --manual-clock, which only set
 * up a new data directory: stored orders must never see time run backwards.
 */
import type { ClockState } from './clock.js';
import type { Engine } from './engine.js';
import type { Store } from './store.js';

interface StoredClock extends ClockState {
  /** Real time (ms) when this state was taken: a running clock moved on from here. */
  savedAt: number;
}

const CLOCKS = 'clocks';
const META = 'meta';
/** Key of the sandbox-wide clock; site clocks are stored under `site:<site>`. */
const GLOBAL = 'global';
const siteKey = (site: string): string => `site:${site}`;

/** Where a stored clock stands now, `realNow` ms of real time after it was saved. */
export function resumedState(saved: StoredClock, realNow: number): ClockState {
  const downtime = Math.max(0, realNow - saved.savedAt);
  const virtual = saved.frozen ? saved.virtual : Math.floor(saved.virtual + downtime * saved.scale);
  return { virtual, scale: saved.scale, frozen: saved.frozen };
}

/** The sandbox clock's state to start from, if this store has run a sandbox before. */
export function storedGlobalClock(store: Store, realNow: number): ClockState | undefined {
  const saved = store.collection<StoredClock>(CLOCKS).get(GLOBAL);
  return saved ? resumedState(saved, realNow) : undefined;
}

/**
 * Count this start. The first start on a store keeps the configured seed, so a seeded run
 * is the same with or without --data-dir; later starts derive a new seed from it, so ids
 * made after a restart do not repeat those already stored.
 */
export function nextBoot(store: Store): number {
  const meta = store.collection<number>(META);
  const boot = (meta.get('boots') ?? 0) + 1;
  store.transaction(() => meta.set('boots', boot));
  return boot;
}

export function seedForBoot(seed: string | number, boot: number): string | number {
  return boot <= 1 ? seed : `${String(seed)}#boot${boot}`;
}

/** Save every clock change from now on, and the sandbox clock's state right away. */
export function persistClocks(engine: Engine, store: Store): () => void {
  const clocks = store.collection<StoredClock>(CLOCKS);
  const save = (site: string | null, state: ClockState | null): void => {
    const key = site === null ? GLOBAL : siteKey(site);
    store.transaction(() => {
      if (state === null) clocks.delete(key);
      else clocks.set(key, { ...state, savedAt: engine.realTime.now() });
    });
  };
  const off = engine.onClockChange(save);
  // A new data directory records its start time now, so a restart never goes back to --start-time.
  save(null, engine.clock.state());
  return off;
}

/**
 * Bring back what was pending when the sandbox stopped: site clocks, then every stored job
 * on its clock. Runs once every feature has registered its job handlers (app ready), so a
 * job that fell due during the downtime finds its handler.
 */
export function resumeStoredWork(engine: Engine, store: Store, realNow: number): void {
  const clocks = store.collection<StoredClock>(CLOCKS);
  for (const [key, saved] of [...clocks.entries()]) {
    if (!key.startsWith('site:')) continue;
    // createSiteClock arms that site's jobs on the new clock.
    engine.createSiteClock(key.slice('site:'.length), resumedState(saved, realNow));
  }
  engine.jobs.rearm((j) => !engine.hasOwnClock(j.site));
}
