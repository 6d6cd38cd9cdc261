/** Real (wall-clock) time, injected so that tests and the clock's own timers can be driven. */
export interface RealTime {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
