/**
 * The one duration grammar of the sandbox, for flags, environment variables, presets and
 * control calls alike: a whole number of milliseconds (`1500`), or one or more amounts with
 * a unit, largest first or not (`500ms`, `90s`, `15m`, `24h`, `1d2h`, `1.5h`, `2w`).
 * Case and surrounding spaces do not matter. Kept apart from any one door so that
 * `--webhook-delay 1d2h` and `advance {"by":"1d2h"}` can never disagree.
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
