/**
 * Webhook options (`SandboxOptions.webhooks`), their defaults and their validation. Kept
 * beside the dispatcher; src/options/config.ts calls `resolveWebhookConfig` once at start.
 */
import type { FaultRule } from '../domain/webhook-faults.js';
import { readFaultRules } from '../domain/webhook-faults.js';
import { readDuration } from './duration-grammar.js';

export interface WebhookOptions {
  /**
   * Sandbox-time delay before a notification leaves: a number of ms, or [min, max] for a
   * delay drawn from the seeded generator. Default [1000, 3000] (MultiSafepay's "a few seconds").
   */
  delayMs?: number | readonly [number, number];
  /** Attempts after the first when a receiver does not acknowledge (default 3, as MultiSafepay). */
  retries?: number;
  /** Sandbox time between attempts (default 15 minutes). */
  retryIntervalMs?: number;
  /** Real-time network timeout of one attempt (default 10 s). */
  timeoutMs?: number;
  /** Also notify when an order is created (status initialized). Default off. */
  notifyOnCreate?: boolean;
  /** Mask IBANs in POST bodies as MultiSafepay does by default (`*** 1234`). Default true. */
  maskIbans?: boolean;
  /** Requests in flight at once, all receivers together (default 16). */
  concurrency?: number;
  /**
   * Requests in flight at once to one receiver (scheme+host+port); default a quarter of
   * `concurrency`, so receivers that hang cannot take every slot from healthy ones.
   */
  perReceiverConcurrency?: number;
  /** Notifications kept in the delivery log per site; the oldest finished ones go first (default 1000). */
  logLimit?: number;
  /** Failures applied to every site's notifications from the start (see faults.ts). */
  faults?: readonly FaultRule[];
}

export interface WebhookConfig {
  readonly delayMs: readonly [number, number];
  readonly retries: number;
  readonly retryIntervalMs: number;
  readonly timeoutMs: number;
  readonly notifyOnCreate: boolean;
  readonly maskIbans: boolean;
  readonly concurrency: number;
  readonly perReceiverConcurrency: number;
  readonly logLimit: number;
  readonly faults: readonly FaultRule[];
}

export type Fail = (option: string, message: string) => never;

function wholeNumber(v: unknown, name: string, min: number, max: number, fail: Fail, unit: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(name, `must be a whole number of ${unit} from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

const DAY = 24 * 3600_000;

export function resolveWebhookConfig(opts: WebhookOptions | undefined, fail: Fail): WebhookConfig {
  const o = opts ?? {};
  let delay: [number, number] = [1000, 3000];
  if (o.delayMs !== undefined) {
    if (typeof o.delayMs === 'number') {
      const d = wholeNumber(o.delayMs, 'webhooks.delayMs', 0, DAY, fail, 'milliseconds');
      delay = [d, d];
    } else if (Array.isArray(o.delayMs) && o.delayMs.length === 2) {
      const lo = wholeNumber(o.delayMs[0], 'webhooks.delayMs[0]', 0, DAY, fail, 'milliseconds');
      const hi = wholeNumber(o.delayMs[1], 'webhooks.delayMs[1]', 0, DAY, fail, 'milliseconds');
      if (hi < lo) fail('webhooks.delayMs', `[min, max] needs min <= max, got [${lo}, ${hi}]`);
      delay = [lo, hi];
    } else {
      fail('webhooks.delayMs', 'must be milliseconds (e.g. 0) or [min, max] (e.g. [1000, 3000])');
    }
  }
  const concurrency = wholeNumber(o.concurrency ?? 16, 'webhooks.concurrency', 1, 1024, fail, 'requests');
  const config: WebhookConfig = {
    delayMs: Object.freeze(delay),
    retries: wholeNumber(o.retries ?? 3, 'webhooks.retries', 0, 100, fail, 'attempts'),
    retryIntervalMs: wholeNumber(o.retryIntervalMs ?? 15 * 60_000, 'webhooks.retryIntervalMs', 0, 30 * DAY, fail, 'milliseconds'),
    timeoutMs: wholeNumber(o.timeoutMs ?? 10_000, 'webhooks.timeoutMs', 1, 600_000, fail, 'milliseconds'),
    notifyOnCreate: o.notifyOnCreate ?? false,
    maskIbans: o.maskIbans ?? true,
    concurrency,
    perReceiverConcurrency: wholeNumber(o.perReceiverConcurrency ?? Math.max(1, Math.floor(concurrency / 4)), 'webhooks.perReceiverConcurrency', 1, concurrency, fail, 'requests'),
    logLimit: wholeNumber(o.logLimit ?? 1000, 'webhooks.logLimit', 1, 10_000_000, fail, 'notifications'),
    faults: Object.freeze([] as FaultRule[]),
  };
  if (typeof config.notifyOnCreate !== 'boolean') fail('webhooks.notifyOnCreate', 'must be true or false');
  if (typeof config.maskIbans !== 'boolean') fail('webhooks.maskIbans', 'must be true or false');
  if (o.faults !== undefined) {
    const rules = readFaultRules(o.faults);
    if (typeof rules === 'string') fail('webhooks.faults', rules);
    return Object.freeze({ ...config, faults: Object.freeze(rules) });
  }
  return Object.freeze(config);
}

/**
 * A duration from the command line or the environment, in the sandbox's one grammar
 * (src/options/duration-grammar.ts: `500ms`, `2s`, `15m`, `1d2h`, or milliseconds); a range
 * `1000-3000` / `1s-3s` for the delay. Returns null when unreadable.
 */
export function parseDuration(text: string): number | null {
  return readDuration(text);
}

export function parseDelay(text: string): number | [number, number] | null {
  const parts = text.split('-');
  if (parts.length === 1) return parseDuration(text);
  if (parts.length !== 2) return null;
  const lo = parseDuration(parts[0] ?? '');
  const hi = parseDuration(parts[1] ?? '');
  return lo === null || hi === null ? null : [lo, hi];
}
