/**
 * MultiSafepay's zone-less Amsterdam stamps: the fast path (one zone lookup per hour of
 * sandbox time, then arithmetic) writes exactly what Intl writes for every instant, across
 * daylight-saving changes in both directions and over years.
 */
import t from 'tap';
import { formatMspTime } from '../src/domain/msp-time.js';

const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
function reference(ms: number): string {
  const p: Record<string, string> = {};
  for (const part of intl.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

t.test('the stamps around both 2026 daylight-saving changes', async (t) => {
  t.equal(formatMspTime(Date.UTC(2026, 2, 29, 0, 59, 59)), '2026-03-29T01:59:59', 'last second of winter time');
  t.equal(formatMspTime(Date.UTC(2026, 2, 29, 1, 0, 0)), '2026-03-29T03:00:00', 'clocks go forward an hour');
  t.equal(formatMspTime(Date.UTC(2026, 9, 25, 0, 59, 59)), '2026-10-25T02:59:59', 'last second of summer time');
  t.equal(formatMspTime(Date.UTC(2026, 9, 25, 1, 0, 0)), '2026-10-25T02:00:00', 'clocks go back an hour');
  t.equal(formatMspTime(1747205290000), '2025-05-14T08:48:10', 'the recorded answer (Unix 1747205290)');
  t.equal(formatMspTime(Date.UTC(2026, 0, 1, 12), 'UTC'), '2026-01-01T12:00:00', 'UTC on request');
});

t.test('the same as Intl for instants spread over four years', async (t) => {
  const wrong: string[] = [];
  for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 3_599_993) {
    const got = formatMspTime(ms);
    const want = reference(ms);
    if (got !== want) wrong.push(`${new Date(ms).toISOString()}: ${got}, Intl ${want}`);
  }
  t.same(wrong, []);
});
