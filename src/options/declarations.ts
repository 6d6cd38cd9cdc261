/**
 * Every option of the sandbox, declared once: what it does, its default, its validation,
 * its flag and environment variable. The command line (cli-options.ts), --help, the library's
 * defaults and validation (config.ts) and the table in docs/options.md all come from here,
 * in this order. The `satisfies` clause makes the compiler refuse an option of
 * SandboxOptions that has no declaration, and a declaration of no option.
 *
 * Plain data and small functions, nothing computed at load: the command starts with it.
 */
import { DEFAULT_SOFORT_RULES } from '../domain/sofort-rules.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import { DEFAULT_TIME_ZONE, MSP_TIME_ZONES } from '../domain/msp-time.js';
import { checkNotificationUrl } from '../domain/notification-url.js';
import type { FaultRule } from '../domain/webhook-faults.js';
import { readFaultRules } from '../domain/webhook-faults.js';
import type { SmtpTarget } from './after-payment-config.js';
import { parseSmtpTarget, REFUND_SETTLE_MODES } from './after-payment-config.js';
import type { Fail, OptionDecl, OptionPath } from './option-kinds.js';
import { read } from './option-kinds.js';

const DAY = 86_400_000;

/** Sofort fee per completed payment in cents; api-facts §3 shows a "0.39 For SOFORT Banking Transactions" costs line. */
export const DEFAULT_TRANSACTION_FEE = 39;

/** The fastest the sandbox clock may run; the control plane's clock/scale takes the same range. */
export const MAX_TIME_SCALE = 1e7;

/** What a time scale must be, for the option and for the control plane's clock/scale alike. */
export const TIME_SCALE_RULE = `must be a number above 0 and at most ${MAX_TIME_SCALE} (1 = real time, 3600 = an hour a second)`;

/** True for a time scale the sandbox clock accepts: above 0, at most MAX_TIME_SCALE. */
export function isTimeScale(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_TIME_SCALE;
}

function wholeNumber(v: unknown, min: number, max: number, unit: string, fail: Fail, at?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`must be a whole number of ${unit} from ${min} to ${max}, got ${String(v)}`, at);
  return v as number;
}

function yesNo(v: boolean | undefined, byDefault: boolean, fail: Fail): boolean {
  if (v !== undefined && typeof v !== 'boolean') fail(`must be true or false, got ${String(v)}`);
  return v ?? byDefault;
}

/** A list of texts as given (a library user may pass anything), trimmed, empty ones left out. */
function textList(v: readonly string[] | undefined, example: string, fail: Fail): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`must be a list of texts such as ${example}`);
  return v.map((x) => x.trim()).filter((x) => x !== '');
}

function countriesOf(v: readonly string[] | undefined, fail: Fail): readonly string[] {
  if (v === undefined) return DEFAULT_SOFORT_RULES.countries;
  const countries = textList(v, "['DE', 'AT']", fail).map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
  for (const c of countries) if (!/^[A-Z]{2}$/.test(c)) fail(`"${c}" is not a two-letter country code (ISO 3166-1 alpha-2)`);
  if (countries.length === 0) fail('name at least one country, e.g. DE,AT');
  return countries;
}

const textOrNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

export const OPTIONS = {
  port: {
    help: 'port to listen on; 0 = any free port',
    shown: '8080; startSandbox: 0 (any free port)',
    cli: { flag: 'port', arg: '<n>', read: read.number, env: 'PORT', default: 8080 },
    resolve: (v, fail) => {
      const port = v ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`must be a whole number from 0 to 65535, got ${String(v)}`);
      return port;
    },
  },
  host: {
    help: 'interface to listen on (0.0.0.0 in the Docker image)',
    shown: '127.0.0.1',
    cli: { flag: 'host', arg: '<addr>', read: read.text, env: 'HOST', default: '127.0.0.1' },
    resolve: (v, fail) => {
      if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) fail(`must be an interface address such as 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(v)?.slice(0, 40)}`);
      return v ?? '127.0.0.1';
    },
  },
  apiKeys: {
    help: 'accept only these API keys, each its own site',
    shown: 'any key of 5+ characters',
    cli: { flag: 'api-key', arg: '<key>', read: read.list, repeat: true, env: 'API_KEYS' },
    resolve: (v, fail) => {
      const keys = textList(v, "['my-test-api-key']", fail);
      for (const k of keys) if (k.length < 5) fail(`API key "${k}" is shorter than 5 characters; MultiSafepay's clients refuse such keys`);
      return Object.freeze(keys);
    },
  },
  timeScale: {
    help: 'sandbox time runs this many times faster than real time (3600 = an hour a second)',
    shown: '1',
    cli: { flag: 'time-scale', arg: '<x>', read: read.number, env: 'TIME_SCALE' },
    resolve: (v, fail) => {
      const scale = v ?? 1;
      if (!isTimeScale(scale)) fail(`${TIME_SCALE_RULE}, got ${String(v)}`);
      return scale;
    },
  },
  manualClock: {
    help: 'freeze the clock; it moves only when advanced through the control plane',
    shown: 'off',
    cli: { flag: 'manual-clock', sets: true, env: 'CLOCK', envWord: { on: 'manual', off: 'auto' } },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
  startTime: {
    help: 'start the sandbox clock at this instant (ISO 8601 or epoch milliseconds)',
    shown: 'now',
    cli: { flag: 'start-time', arg: '<iso>', read: read.text, env: 'START_TIME' },
    resolve: (v, fail) => {
      if (v === undefined || v === '') return null;
      const ms = typeof v === 'number' ? v : Date.parse(v);
      if (!Number.isFinite(ms)) fail(`"${String(v)}" is not an ISO 8601 time such as 2026-01-01T00:00:00Z`);
      return ms;
    },
  },
  countries: {
    help: 'Sofort countries, comma-separated',
    shown: 'AT,BE,DE,IT,ES,CH,PL',
    cli: { flag: 'countries', arg: '<list>', read: read.list, env: 'COUNTRIES' },
    resolve: (v, fail) => countriesOf(v, fail),
  },
  seed: {
    help: 'seed for ids and seeded faults: the same seed gives the same ids and fault choices',
    shown: 'random',
    cli: { flag: 'seed', arg: '<s>', read: read.text, env: 'SEED' },
    resolve: (v) => v ?? null,
  },
  publicUrl: {
    help: 'base URL put into payment_url links',
    shown: "each request's Host header",
    cli: { flag: 'public-url', arg: '<url>', read: read.text, env: 'PUBLIC_URL' },
    resolve: (v, fail) => {
      if (!v) return null;
      try {
        const u = new URL(v);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      } catch {
        fail(`"${v}" is not an http(s) URL such as http://localhost:8080`);
      }
      return v.replace(/\/+$/, '');
    },
  },
  dataDir: {
    help: 'keep orders, webhooks and clocks in SQLite in this directory, across restarts and kill -9',
    shown: 'in memory, gone when the process stops',
    cli: { flag: 'data-dir', arg: '<dir>', read: read.text, env: 'DATA_DIR' },
    resolve: (v, fail) => {
      const dir = textOrNull(v);
      if (dir !== null && typeof dir !== 'string') fail('must be a directory path, e.g. ./sandbox-data');
      return dir;
    },
  },
  retentionDays: {
    help: 'forget orders (and their logs) untouched for this many days of sandbox time',
    shown: 'keep all',
    cli: { flag: 'retention-days', arg: '<n>', read: read.number, env: 'RETENTION_DAYS' },
    resolve: (v, fail) => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`must be a number of days above 0 (e.g. 30), got ${String(v)}; leave it out to keep every order`);
      return v;
    },
  },
  controlToken: {
    help: 'require this token on the control plane /_sandbox (header x-sandbox-token or ?token=)',
    shown: 'none on loopback',
    cli: { flag: 'control-token', arg: '<t>', read: read.text, env: 'CONTROL_TOKEN' },
    resolve: (v, fail) => {
      const token = textOrNull(v);
      if (token !== null && (typeof token !== 'string' || !/^[\x21-\x7e]{8,256}$/.test(token))) {
        fail('must be 8 to 256 visible ASCII characters without spaces (it travels in a header)');
      }
      return token;
    },
  },
  controlAllowRemote: {
    help: 'answer control and dashboard calls from other hosts than loopback (the Docker image sets it); without a control token the sandbox makes one, keeps it in the data dir and prints it at start',
    shown: 'off',
    cli: { flag: 'control-allow-remote', sets: true, env: 'CONTROL_ALLOW_REMOTE' },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
  controlOpen: {
    help: 'with control-allow-remote and no token: stay open to anyone who reaches the port (warned at every start)',
    shown: 'off',
    cli: { flag: 'control-open', sets: true, env: 'CONTROL_OPEN' },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
  allowedHosts: {
    help: 'also serve the control plane and dashboard under this host name while listening on loopback (DNS-rebinding defence; .example allows every name under it)',
    shown: 'none',
    cli: { flag: 'allowed-host', arg: '<h>', read: read.list, repeat: true, env: 'ALLOWED_HOSTS' },
    resolve: (v, fail) => {
      const hosts = textList(v, "['sandbox.test']", fail).map((h) => h.toLowerCase());
      for (const h of hosts) if (!/^(\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(h)) fail(`"${h}" is not a host name (e.g. sandbox.test, or .test for every name under it)`);
      return Object.freeze(hosts);
    },
  },
  maxOrdersPerSite: {
    help: 'orders one site (API key) may hold; create-order answers an error beyond it',
    shown: '100000',
    cli: { flag: 'max-orders-per-site', arg: '<n>', read: read.number, env: 'MAX_ORDERS_PER_SITE' },
    resolve: (v, fail) => {
      const n = v ?? 100_000;
      if (!Number.isInteger(n) || n < 1 || n > 100_000_000) fail(`must be a whole number from 1 to 100000000, got ${String(v)}`);
      return n;
    },
  },
  dataMaxMb: {
    help: 'largest size of the data file in MiB: a disk quota for a shared sandbox',
    shown: 'no limit',
    cli: { flag: 'data-max-mb', arg: '<n>', read: read.number, env: 'DATA_MAX_MB' },
    resolve: (v, fail) => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) fail(`must be a number of MiB, at least 1, got ${String(v)}`);
      return v;
    },
  },
  scenarioFiles: {
    help: 'load scenario and failure rule presets (JSON files, or names of presets shipped in fixtures/scenarios)',
    shown: 'none',
    cli: { flag: 'scenarios', arg: '<file>', read: read.list, repeat: true, env: 'SCENARIOS_FILE' },
    resolve: (v, fail) => Object.freeze(textList(v, "['ci-outcomes', './presets.json']", fail)),
  },
  journalSize: {
    help: "API calls kept in the control plane's request journal",
    shown: '500',
    resolve: (v, fail) => {
      const n = v ?? 500;
      if (!Number.isInteger(n) || n < 1 || n > 100_000) fail('must be a whole number from 1 to 100000');
      return n;
    },
  },
  bodyLimit: {
    help: 'largest request body in bytes',
    shown: '1048576 (1 MiB)',
    resolve: (v, fail) => {
      const n = v ?? 1024 * 1024;
      if (!Number.isInteger(n) || n < 1024) fail('must be a whole number of bytes, at least 1024');
      return n;
    },
  },
  rules: {
    help: 'override any Sofort rule: minAmount, transactionLifetimeMs, unclearedFromAmount, unclearedCompletesAfterMs, countries, currencies',
    shown: "MultiSafepay's",
    resolve: (v, fail, all): SofortRules => {
      const countries = v?.countries ?? countriesOf(all.countries, fail);
      const rules: SofortRules = Object.freeze({ ...DEFAULT_SOFORT_RULES, ...v, countries: Object.freeze([...countries]) });
      for (const [k, n] of Object.entries(rules)) {
        if (k !== 'countries' && k !== 'currencies' && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) fail('must be a number of zero or more', `rules.${k}`);
      }
      return rules;
    },
  },
  realTime: {
    help: 'the real-time source (now and timers); tests inject a fake one',
    shown: "the system's",
    resolve: (v) => v ?? null,
  },
  'webhooks.delayMs': {
    help: 'sandbox time before a notification leaves: a duration, or a range drawn from the seeded generator (library: ms or [min, max])',
    shown: '1s-3s',
    cli: { flag: 'webhook-delay', arg: '<d>', read: read.delay, env: 'WEBHOOK_DELAY' },
    resolve: (v, fail): readonly [number, number] => {
      if (v === undefined) return Object.freeze([1000, 3000] as const);
      if (typeof v === 'number') {
        const d = wholeNumber(v, 0, DAY, 'milliseconds', fail);
        return Object.freeze([d, d] as const);
      }
      if (!Array.isArray(v) || v.length !== 2) return fail('must be milliseconds (e.g. 0) or [min, max] (e.g. [1000, 3000])');
      const lo = wholeNumber(v[0], 0, DAY, 'milliseconds', fail, 'webhooks.delayMs[0]');
      const hi = wholeNumber(v[1], 0, DAY, 'milliseconds', fail, 'webhooks.delayMs[1]');
      if (hi < lo) fail(`[min, max] needs min <= max, got [${lo}, ${hi}]`);
      return Object.freeze([lo, hi] as const);
    },
  },
  'webhooks.retries': {
    help: 'attempts after the first when a receiver does not acknowledge',
    shown: '3, as MultiSafepay',
    resolve: (v, fail) => wholeNumber(v ?? 3, 0, 100, 'attempts', fail),
  },
  'webhooks.retryIntervalMs': {
    help: 'sandbox time between attempts',
    shown: '15m',
    cli: { flag: 'webhook-retry-interval', arg: '<d>', read: read.duration, env: 'WEBHOOK_RETRY_INTERVAL' },
    resolve: (v, fail) => wholeNumber(v ?? 15 * 60_000, 0, 30 * DAY, 'milliseconds', fail),
  },
  'webhooks.timeoutMs': {
    help: 'real-time limit for a receiver to answer one attempt',
    shown: '10s',
    cli: { flag: 'webhook-timeout', arg: '<d>', read: read.duration, env: 'WEBHOOK_TIMEOUT' },
    resolve: (v, fail) => wholeNumber(v ?? 10_000, 1, 600_000, 'milliseconds', fail),
  },
  'webhooks.notifyOnCreate': {
    help: 'also notify when an order is created (status initialized)',
    shown: 'off',
    cli: { flag: 'webhook-notify-on-create', sets: true, env: 'WEBHOOK_NOTIFY_ON_CREATE' },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
  'webhooks.maskIbans': {
    help: 'mask IBANs in notification bodies as MultiSafepay does (*** 1234)',
    shown: 'on',
    resolve: (v, fail) => yesNo(v, true, fail),
  },
  'webhooks.concurrency': {
    help: 'notification requests in flight at once, all receivers together',
    shown: '16',
    resolve: (v, fail) => wholeNumber(v ?? 16, 1, 1024, 'requests', fail),
  },
  'webhooks.perReceiverConcurrency': {
    help: 'notification requests in flight at once to one receiver (scheme, host and port), so receivers that hang cannot take every slot',
    shown: 'a quarter of webhooks.concurrency',
    resolve: (v, fail, all) => {
      const concurrency = all.webhooks?.concurrency ?? 16;
      return wholeNumber(v ?? Math.max(1, Math.floor(concurrency / 4)), 1, concurrency, 'requests', fail);
    },
  },
  'webhooks.logLimit': {
    help: 'notifications kept in the delivery log per site; the oldest finished ones go first',
    shown: '1000',
    resolve: (v, fail) => wholeNumber(v ?? 1000, 1, 10_000_000, 'notifications', fail),
  },
  'webhooks.faults': {
    help: "failures applied to every site's notifications from the start (the rules of PUT /_sandbox/webhooks/faults)",
    shown: 'none',
    resolve: (v, fail): readonly FaultRule[] => {
      if (v === undefined) return Object.freeze([]);
      const rules = readFaultRules(v);
      if (typeof rules === 'string') fail(rules);
      return Object.freeze(rules as FaultRule[]);
    },
  },
  'refunds.settle': {
    help: 'when a reserved refund completes: midnight (next midnight UTC of the sandbox clock), manual (only on "accept" through the control plane) or immediate',
    shown: 'midnight',
    cli: { flag: 'refund-settle', arg: '<m>', read: read.text, env: 'REFUND_SETTLE' },
    resolve: (v, fail) => {
      const settle = v ?? 'midnight';
      if (!REFUND_SETTLE_MODES.includes(settle)) fail(`must be one of ${REFUND_SETTLE_MODES.join(', ')}, got ${JSON.stringify(settle)}`);
      return settle;
    },
  },
  'recurring.chargeDelayMs': {
    help: 'sandbox time before a token (recurring) payment is charged; 0: before create-order answers',
    shown: '0',
    cli: { flag: 'recurring-charge-delay', arg: '<d>', read: read.duration, env: 'RECURRING_CHARGE_DELAY' },
    resolve: (v, fail) => {
      const delay = v ?? 0;
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) fail(`must be a number of milliseconds, 0 or more; got ${String(delay)}`);
      return delay;
    },
  },
  'secondChance.enabled': {
    help: 'send Second Chance reminders (orders still ask for them with second_chance.send_email)',
    shown: 'on',
    cli: { flag: 'no-second-chance', sets: false, env: 'SECOND_CHANCE' },
    resolve: (v, fail) => yesNo(v, true, fail),
  },
  'secondChance.from': {
    help: 'sender of reminder emails',
    shown: 'MultiSafepay Sandbox <no-reply@sofort-sandbox.local>',
    cli: { flag: 'second-chance-from', arg: '<addr>', read: read.text, env: 'SECOND_CHANCE_FROM' },
    resolve: (v, fail) => {
      const from = v ?? 'MultiSafepay Sandbox <no-reply@sofort-sandbox.local>';
      if (typeof from !== 'string' || !/@/.test(from) || /[\r\n]/.test(from)) fail('must be an email address such as shop@example.com (optionally "Name <shop@example.com>")');
      return from;
    },
  },
  smtp: {
    help: 'also hand reminder emails to this SMTP server (host:port), e.g. a Mailpit on 127.0.0.1:1025',
    shown: 'outbox only, see /_sandbox',
    cli: { flag: 'smtp', arg: '<host:port>', read: read.text, env: 'SMTP' },
    resolve: (v, fail): SmtpTarget | null => {
      if (v === undefined || v === '') return null;
      const smtp = typeof v === 'string' ? parseSmtpTarget(v) : v;
      if (!smtp || typeof smtp.host !== 'string' || smtp.host === '' || !Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535) {
        fail(`must be host:port of an SMTP server such as 127.0.0.1:1025; got ${JSON.stringify(v).slice(0, 60)}`);
      }
      return Object.freeze({ host: smtp!.host, port: smtp!.port });
    },
  },
  timeZone: {
    help: 'zone of created/modified/completed in answers: Europe/Amsterdam (as MultiSafepay) or UTC',
    shown: 'Europe/Amsterdam',
    cli: { flag: 'time-zone', arg: '<z>', read: read.text, env: 'TIME_ZONE' },
    resolve: (v, fail) => {
      const zone = v ?? DEFAULT_TIME_ZONE;
      if (!MSP_TIME_ZONES.includes(zone)) fail(`must be ${MSP_TIME_ZONES.join(' or ')}, got ${String(v)}`);
      return zone;
    },
  },
  transactionFee: {
    help: 'Sofort fee in cents on every completed payment, shown as a costs line; 0 for none',
    shown: '39',
    cli: { flag: 'transaction-fee', arg: '<cents>', read: read.cents, env: 'TRANSACTION_FEE' },
    resolve: (v, fail) => {
      const fee = v ?? DEFAULT_TRANSACTION_FEE;
      if (!Number.isSafeInteger(fee) || fee < 0) fail(`must be a whole number of cents, 0 or more (e.g. 39 for 0.39 EUR), got ${String(v)}`);
      return fee;
    },
  },
  confirmationPage: {
    help: 'show "Payment confirmed" with a button back to the shop after the bank; off: straight to redirect_url, as MultiSafepay',
    shown: 'off',
    cli: { flag: 'confirmation-page', sets: true, env: 'CONFIRMATION_PAGE' },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
  initializedNotifications: {
    help: 'send an initialized notification when a Sofort transaction starts, as MultiSafepay',
    shown: 'on',
    cli: { flag: 'no-initialized-notifications', sets: false, env: 'INITIALIZED_NOTIFICATIONS' },
    resolve: (v, fail) => yesNo(v, true, fail),
  },
  siteNotificationUrl: {
    help: 'notification URL for orders without one, on every site (per site: dashboard settings or control plane)',
    shown: 'none',
    cli: { flag: 'site-notification-url', arg: '<url>', read: read.text, env: 'SITE_NOTIFICATION_URL' },
    resolve: (v, fail) => {
      if (v === undefined || v === '') return null;
      const checked = checkNotificationUrl(v);
      if (typeof checked !== 'string') fail(checked.error);
      return checked as string;
    },
  },
  logger: {
    help: 'log every request (Fastify logging)',
    shown: 'off',
    cli: { flag: 'log', sets: true, env: 'LOG' },
    resolve: (v, fail) => yesNo(v, false, fail),
  },
} satisfies { [P in OptionPath]: OptionDecl<P> };

/** The resolved value of every option, by path. */
export type ResolvedOptions = { [P in OptionPath]: ReturnType<(typeof OPTIONS)[P]['resolve']> };
