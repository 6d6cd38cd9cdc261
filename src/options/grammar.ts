/**
 * The one grammar of option values, for flags, environment variables, presets and control
 * calls alike, so that `--webhook-delay 1d2h` and `advance {"by":"1d2h"}` can never disagree.
 *
 * Durations: a whole number of milliseconds (`1500`), or one or more amounts with a unit,
 * largest first or not (`500ms`, `90s`, `15m`, `24h`, `1d2h`, `1.5h`, `2w`); case and
 * surrounding spaces do not matter. Yes/no: `1`, `true`, `yes`, `on` or `0`, `false`, `no`,
 * `off`; anything else is refused rather than guessed, so `LOG=ture` is not silently off.
 */
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** How a message shows the accepted forms. */
export const DURATION_EXAMPLES = '"90s", "15m", "24h", "1d2h", "500ms" or a number of milliseconds';

/** Milliseconds, or null when `text` is not a duration. */
export function readDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (t === '' || !/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(t)) return null;
  let ms = 0;
  for (const part of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) ms += Number(part[1]) * (DURATION_UNITS_MS[part[2] ?? ''] ?? 0);
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** A duration, or a range of two (`1s-3s`, `1000-3000`) for a delay drawn between them. */
export function readDelay(text: string): number | [number, number] | null {
  const parts = text.split('-');
  if (parts.length === 1) return readDuration(text);
  if (parts.length !== 2) return null;
  const lo = readDuration(parts[0] ?? '');
  const hi = readDuration(parts[1] ?? '');
  return lo === null || hi === null ? null : [lo, hi];
}

const YES = ['1', 'true', 'yes', 'on'];
const NO = ['0', 'false', 'no', 'off'];

/** true or false, or null when `text` is neither. */
export function readYesNo(text: string): boolean | null {
  const v = text.trim().toLowerCase();
  if (YES.includes(v)) return true;
  if (NO.includes(v)) return false;
  return null;
}

/** How a message shows the accepted yes/no forms. */
export const YES_NO_EXAMPLES = 'write 1, true, yes or on, or 0, false, no or off';

/** Comma-separated items, trimmed, empty ones left out. */
export function readList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
