/**
 * The shapes of the webhook options (`SandboxOptions.webhooks`) and of their resolved form.
 * Defaults, validation, flags and environment variables: src/options/declarations.ts.
 */
import type { FaultRule } from '../domain/webhook-faults.js';

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
