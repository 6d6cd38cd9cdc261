/**
 * MultiSafepay's timestamps: `YYYY-MM-DDTHH:MM:SS` with no zone, written in the local time
 * of Europe/Amsterdam. Three recorded answers agree (OpenAPI getOrder: PSP id 17472052901237122
 * begins with Unix second 1747205290 = 06:48:10 UTC, and `created` is 08:48:10; the php-sdk
 * fixture; a Magento plugin log), so a shop that parses these stamps as UTC is two hours
 * off in summer and one in winter, here as in production. `UTC` is offered for setups that
 * prefer it. Formatting goes through Intl, so daylight-saving changes follow the tz database.
 */
export type MspTimeZone = 'Europe/Amsterdam' | 'UTC';
export const MSP_TIME_ZONES: readonly MspTimeZone[] = ['Europe/Amsterdam', 'UTC'];
export const DEFAULT_TIME_ZONE: MspTimeZone = 'Europe/Amsterdam';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

const HOUR = 3_600_000;
/** Zone offset (ms) by UTC hour. Zones change offset only on the hour, so one lookup serves an hour. */
const offsets = new Map<string, number>();

/** The zone's offset from UTC during the UTC hour that starts at `hourStart`. */
function offsetAt(zone: string, hourStart: number): number {
  const key = `${zone} ${hourStart}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const p: Record<string, string> = {};
    for (const part of formatter(zone).formatToParts(new Date(hourStart))) p[part.type] = part.value;
    off = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - hourStart;
    // A sandbox reads a few hours of its clock at a time; keep the map small for weeks-long runs.
    if (offsets.size >= 256) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

/**
 * Intl's formatToParts costs microseconds and every order and notification writes two or
 * three stamps, so the zone's offset is looked up once per hour of sandbox time and the stamp
 * is then plain arithmetic (test/msp-shapes.test.ts checks both daylight-saving changes).
 */
export function formatMspTime(ms: number, zone: MspTimeZone = DEFAULT_TIME_ZONE): string {
  if (zone === 'UTC') return new Date(ms).toISOString().slice(0, 19);
  const hourStart = Math.floor(ms / HOUR) * HOUR;
  return new Date(ms + offsetAt(zone, hourStart)).toISOString().slice(0, 19);
}
