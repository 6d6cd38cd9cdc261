/**
 * Durations and instants as a control call writes them: `90s`, `15m`, `24h`, `1d2h`,
 * `500ms`, a number of milliseconds, or an ISO 8601 instant / epoch milliseconds.
 */
import { DURATION_EXAMPLES, readDuration } from './grammar.js';
import { badField } from '../domain/control-error.js';

/** Ten years: anything longer is a mistake, not a test. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

/** Parse a duration (the grammar of src/options/grammar.ts) or throw a 400 that names `field`. */
export function parseDuration(value: unknown, field: string): number {
  const fix = `write a duration such as ${DURATION_EXAMPLES}`;
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) throw badField(field, `${String(value)} is not a whole number of milliseconds of zero or more; ${fix}`, 'invalid_duration');
    ms = value;
  } else if (typeof value === 'string') {
    const read = readDuration(value);
    if (read === null) throw badField(field, `"${value.slice(0, 40)}" is not a duration; ${fix}`, 'invalid_duration');
    ms = read;
  } else {
    throw badField(field, `must be a string or a number; ${fix}`, 'invalid_duration');
  }
  if (ms > MAX_DURATION_MS) throw badField(field, `${String(value).slice(0, 40)} is longer than ten years; ${fix}`, 'invalid_duration');
  return ms;
}

/** Parse an instant (ISO 8601 with a time zone, or epoch ms) or throw a 400 naming `field`. */
export function parseInstant(value: unknown, field: string): number {
  const fix = 'write an ISO 8601 time such as "2026-03-01T12:00:00Z" or epoch milliseconds';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const t = value.trim();
    if (/^\d+$/.test(t)) return Number(t);
    const ms = Date.parse(t);
    if (Number.isFinite(ms) && /\d{4}-\d{2}-\d{2}/.test(t)) return ms;
  }
  throw badField(field, `${JSON.stringify(value)?.slice(0, 40) ?? 'nothing'} is not a time; ${fix}`, 'invalid_time');
}

/** A short human form of a duration for messages: 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
