/**
 * Options of a sandbox, their defaults, and their validation: once, at start, with a
 * message that names the option and the fix. The resolved config is frozen.
 * Environment variables are read by the CLI only; the library takes plain options.
 */
import type { RealTime } from '../domain/real-time.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import { DEFAULT_SOFORT_RULES } from '../domain/sofort-rules.js';
import type { MspTimeZone } from '../domain/msp-time.js';
import { DEFAULT_TIME_ZONE, MSP_TIME_ZONES } from '../domain/msp-time.js';
import type { WebhookConfig, WebhookOptions } from './webhook-config.js';
import { resolveWebhookConfig } from './webhook-config.js';
import { checkNotificationUrl } from '../domain/notification-url.js';
import type { AfterPaymentConfig, AfterPaymentOptions } from './after-payment-config.js';
import { resolveAfterPayment } from './after-payment-config.js';

/** Refunds, recurring and Second Chance options (refunds, recurring, secondChance, smtp) come from AfterPaymentOptions. */
export interface SandboxOptions extends AfterPaymentOptions {
  /** Interface to listen on (startSandbox/CLI). Default 127.0.0.1; the Docker image uses 0.0.0.0. */
  host?: string;
  /** Port; 0 lets the OS pick (the default for startSandbox). */
  port?: number;
  /** Accepted API keys. Empty or absent: any key of 5 or more characters is accepted. */
  apiKeys?: readonly string[];
  /** Supported customer countries for Sofort (default AT, BE, DE, IT, ES, CH, PL). */
  countries?: readonly string[];
  /** Sandbox time runs this many times faster than real time (default 1). */
  timeScale?: number;
  /** Start with the clock frozen: time moves only when advanced through the control API. */
  manualClock?: boolean;
  /** Start the sandbox clock at this instant (ISO 8601 or epoch ms) instead of now. */
  startTime?: string | number;
  /** Seed for ids and seeded faults: the same seed gives the same ids and fault choices. */
  seed?: string | number;
  /** Base URL put into payment_url links (default: taken from each request's Host header). */
  publicUrl?: string;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Fastify request logging (default off). */
  logger?: boolean;
  /** Override any Sofort rule (limits, lifetimes). */
  rules?: Partial<SofortRules>;
  /** Real-time source; tests inject a fake one. */
  realTime?: RealTime;
  /** Control plane (/_sandbox) token: when set, control calls must send it as `x-sandbox-token` or `?token=`. */
  controlToken?: string;
  /**
   * Answer control and dashboard calls from other hosts than loopback (the Docker image sets it).
   * Default false. Without a controlToken the sandbox then makes one (kept in dataDir) unless
   * controlOpen is set.
   */
  controlAllowRemote?: boolean;
  /** With controlAllowRemote and no controlToken: stay open to anyone who reaches the port (loudly warned). Default false. */
  controlOpen?: boolean;
  /**
   * Host names (besides localhost, *.localhost and loopback addresses) the control plane and the
   * dashboard answer to while the sandbox listens on loopback: a defence against DNS rebinding.
   * `publicUrl`'s host is allowed too. Default none.
   */
  allowedHosts?: readonly string[];
  /** Orders one site (API key) may hold; create-order answers an error beyond it. Default 100000. */
  maxOrdersPerSite?: number;
  /** Scenario preset files (JSON) loaded at start; see fixtures/scenarios/. */
  scenarioFiles?: readonly string[];
  /** API calls kept in the control plane's request journal (default 500). */
  journalSize?: number;
  /** Keep state in SQLite in this directory (survives restarts and kill -9). Default: in memory. */
  dataDir?: string;
  /** Largest size of the data file (--data-dir) in MiB: a disk quota for a shared sandbox. Default: no limit. */
  dataMaxMb?: number;
  /** Forget orders (and their logs) untouched for this many days of sandbox time. Default: keep all. */
  retentionDays?: number;
  /** Notifications: delay, retries, timeout, faults (see src/options/webhook-config.ts). */
  webhooks?: WebhookOptions;
  /** Zone of `created`/`modified`/`completed` in answers: Europe/Amsterdam (default, as MultiSafepay) or UTC. */
  timeZone?: MspTimeZone;
  /** Fee in cents on every completed Sofort payment, shown as a `costs` line (default 39; 0 for none). */
  transactionFee?: number;
  /**
   * Show a "Payment confirmed" page with a "Return to the shop" button after the bank
   * confirms. Default false: the shopper lands on redirect_url at once, as at MultiSafepay.
   */
  confirmationPage?: boolean;
  /** Send `initialized` notifications when a Sofort transaction starts (default true, as MultiSafepay). */
  initializedNotifications?: boolean;
  /** Site-level notification URL for every site (API key) without one of its own: orders without notification_url notify it. */
  siteNotificationUrl?: string;
}

export interface SandboxConfig {
  readonly host: string;
  readonly port: number;
  readonly apiKeys: readonly string[];
  readonly rules: SofortRules;
  readonly timeScale: number;
  readonly manualClock: boolean;
  readonly startTime: number | null;
  readonly seed: string | number | null;
  readonly publicUrl: string | null;
  readonly afterPayment: AfterPaymentConfig;
  readonly bodyLimit: number;
  readonly logger: boolean;
  readonly realTime: RealTime | null;
  readonly controlToken: string | null;
  readonly controlAllowRemote: boolean;
  readonly controlOpen: boolean;
  /** Where controlToken came from: given as an option, made by the sandbox (see control/token-file.ts), or none. */
  readonly controlTokenSource: 'option' | 'generated' | 'stored' | null;
  readonly allowedHosts: readonly string[];
  readonly maxOrdersPerSite: number;
  readonly scenarioFiles: readonly string[];
  readonly journalSize: number;
  readonly dataDir: string | null;
  readonly retentionDays: number | null;
  readonly dataMaxMb: number | null;
  readonly webhooks: WebhookConfig;
  readonly timeZone: MspTimeZone;
  readonly transactionFee: number;
  readonly confirmationPage: boolean;
  readonly initializedNotifications: boolean;
  readonly siteNotificationUrl: string | null;
}

/** Sofort fee per completed payment in cents; api-facts §3 shows a "0.39 For SOFORT Banking Transactions" costs line. */
export const DEFAULT_TRANSACTION_FEE = 39;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function fail(option: string, message: string): never {
  throw new ConfigError(`${option}: ${message}`);
}

export function resolveConfig(opts: SandboxOptions = {}): SandboxConfig {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('port', `must be a whole number from 0 to 65535, got ${String(opts.port)}`);

  const timeScale = opts.timeScale ?? 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0 || timeScale > 1e7) {
    fail('timeScale', `must be a number above 0 (1 = real time, 3600 = an hour a second), got ${String(opts.timeScale)}`);
  }

  const apiKeys = [...(opts.apiKeys ?? [])].map((k) => k.trim()).filter((k) => k !== '');
  for (const k of apiKeys) if (k.length < 5) fail('apiKeys', `API key "${k}" is shorter than 5 characters; MultiSafepay's clients refuse such keys`);

  let countries = DEFAULT_SOFORT_RULES.countries;
  if (opts.countries) {
    countries = opts.countries.map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
    for (const c of countries) if (!/^[A-Z]{2}$/.test(c)) fail('countries', `"${c}" is not a two-letter country code (ISO 3166-1 alpha-2)`);
    if (countries.length === 0) fail('countries', 'name at least one country, e.g. DE,AT');
  }

  let startTime: number | null = null;
  if (opts.startTime !== undefined && opts.startTime !== '') {
    startTime = typeof opts.startTime === 'number' ? opts.startTime : Date.parse(opts.startTime);
    if (!Number.isFinite(startTime)) fail('startTime', `"${String(opts.startTime)}" is not an ISO 8601 time such as 2026-01-01T00:00:00Z`);
  }

  let publicUrl: string | null = null;
  if (opts.publicUrl) {
    try {
      const u = new URL(opts.publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      publicUrl = opts.publicUrl.replace(/\/+$/, '');
    } catch {
      fail('publicUrl', `"${opts.publicUrl}" is not an http(s) URL such as http://localhost:8080`);
    }
  }

  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) fail('bodyLimit', 'must be a whole number of bytes, at least 1024');

  const dataDir = opts.dataDir === undefined || opts.dataDir === '' ? null : opts.dataDir;
  if (dataDir !== null && typeof dataDir !== 'string') fail('dataDir', 'must be a directory path, e.g. ./sandbox-data');

  const dataMaxMb = opts.dataMaxMb ?? null;
  if (dataMaxMb !== null && (typeof dataMaxMb !== 'number' || !Number.isFinite(dataMaxMb) || dataMaxMb < 1)) fail('dataMaxMb', `must be a number of MiB, at least 1, got ${String(opts.dataMaxMb)}`);
  const retentionDays = opts.retentionDays ?? null;
  if (retentionDays !== null && (typeof retentionDays !== 'number' || !Number.isFinite(retentionDays) || retentionDays <= 0)) {
    fail('retentionDays', `must be a number of days above 0 (e.g. 30), got ${String(opts.retentionDays)}; leave it out to keep every order`);
  }

  const rules: SofortRules = Object.freeze({ ...DEFAULT_SOFORT_RULES, ...opts.rules, countries: Object.freeze([...(opts.rules?.countries ?? countries)]) });
  for (const [k, v] of Object.entries(rules)) {
    if (k !== 'countries' && k !== 'currencies' && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) fail(`rules.${k}`, 'must be a number of zero or more');
  }

  const controlToken = opts.controlToken === undefined || opts.controlToken === '' ? null : opts.controlToken;
  if (controlToken !== null && (typeof controlToken !== 'string' || !/^[\x21-\x7e]{8,256}$/.test(controlToken))) {
    fail('controlToken', 'must be 8 to 256 visible ASCII characters without spaces (it travels in a header)');
  }
  const allowedHosts = [...(opts.allowedHosts ?? [])].map((h) => String(h).trim().toLowerCase()).filter((h) => h !== '');
  for (const h of allowedHosts) if (!/^(\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(h)) fail('allowedHosts', `"${h}" is not a host name (e.g. sandbox.test, or .test for every name under it)`);
  const maxOrdersPerSite = opts.maxOrdersPerSite ?? 100_000;
  if (!Number.isInteger(maxOrdersPerSite) || maxOrdersPerSite < 1 || maxOrdersPerSite > 100_000_000) fail('maxOrdersPerSite', `must be a whole number from 1 to 100000000, got ${String(opts.maxOrdersPerSite)}`);
  const journalSize = opts.journalSize ?? 500;
  if (!Number.isInteger(journalSize) || journalSize < 1 || journalSize > 100_000) fail('journalSize', 'must be a whole number from 1 to 100000');

  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  if (!MSP_TIME_ZONES.includes(timeZone)) fail('timeZone', `must be ${MSP_TIME_ZONES.join(' or ')}, got ${String(opts.timeZone)}`);
  const transactionFee = opts.transactionFee ?? DEFAULT_TRANSACTION_FEE;
  if (!Number.isSafeInteger(transactionFee) || transactionFee < 0) fail('transactionFee', `must be a whole number of cents, 0 or more (e.g. 39 for 0.39 EUR), got ${String(opts.transactionFee)}`);

  let siteNotificationUrl: string | null = null;
  if (opts.siteNotificationUrl !== undefined && opts.siteNotificationUrl !== '') {
    const checked = checkNotificationUrl(opts.siteNotificationUrl);
    if (typeof checked !== 'string') fail('siteNotificationUrl', checked.error);
    siteNotificationUrl = checked;
  }
  for (const k of ['confirmationPage', 'initializedNotifications'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'boolean') fail(k, `must be true or false, got ${String(opts[k])}`);
  }

  return Object.freeze({
    timeZone,
    transactionFee,
    confirmationPage: opts.confirmationPage ?? false,
    initializedNotifications: opts.initializedNotifications ?? true,
    siteNotificationUrl,
    controlToken,
    controlAllowRemote: opts.controlAllowRemote ?? false,
    controlOpen: opts.controlOpen ?? false,
    controlTokenSource: controlToken === null ? null : 'option',
    allowedHosts: Object.freeze(allowedHosts),
    maxOrdersPerSite,
    scenarioFiles: Object.freeze([...(opts.scenarioFiles ?? [])]),
    journalSize,
    host: opts.host ?? '127.0.0.1',
    port,
    apiKeys: Object.freeze(apiKeys),
    rules,
    timeScale,
    manualClock: opts.manualClock ?? false,
    startTime,
    seed: opts.seed ?? null,
    publicUrl,
    afterPayment: resolveAfterPayment(opts, fail),
    bodyLimit,
    logger: opts.logger ?? false,
    realTime: opts.realTime ?? null,
    dataDir,
    retentionDays,
    dataMaxMb,
    webhooks: resolveWebhookConfig(opts.webhooks, fail),
  });
}
