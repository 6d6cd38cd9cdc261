/**
 * The shapes of a sandbox's options (what startSandbox() and buildApp() take) and of the
 * resolved config (what the code that uses them reads). Each option is declared once, with
 * its default, validation, flag, environment variable and help, in src/options/declarations.ts;
 * the compiler refuses an option that is here without a declaration there, or the reverse.
 */
import type { RealTime } from '../domain/real-time.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import type { MspTimeZone } from '../domain/msp-time.js';
import type { WebhookConfig, WebhookOptions } from './webhook-config.js';
import type { AfterPaymentConfig, AfterPaymentOptions } from './after-payment-config.js';

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
  /** Notifications: delay, retries, timeout, faults (see docs/options.md). */
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

/** A refused option: the message names the option and the fix; the CLI exits with code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
