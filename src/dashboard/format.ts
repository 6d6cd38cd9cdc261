/**
 * How the dashboard writes times, ages, amounts and durations. Times are sandbox-clock
 * times in UTC (the sandbox clock may be days ahead of the wall clock), written the same
 * way everywhere so a tester can compare them at a glance.
 */
import { formatAmount } from '../http/format.js';

/** 2026-04-01 09:30:05 UTC */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How long ago, coarsely: "just now", "45s", "12m", "3h 5m", "2d 4h". */
export function age(ms: number): string {
  if (ms < 0) return 'in the future';
  if (ms < 1000) return 'just now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** "in 15m" / "12m ago" relative to the sandbox clock. */
export function relative(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '';
  return at >= now ? `in ${age(at - now)}` : `${age(now - at)} ago`;
}

export function money(cents: number, currency: string): string {
  return formatAmount(cents, currency, 'en-GB');
}

/** A real-time duration of a request: "12 ms", "1.4 s". */
export function millis(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Pretty-printed JSON if the text is JSON, else the text itself. */
export function prettyBody(text: string | null): string {
  if (text === null || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
