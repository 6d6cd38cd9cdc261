/** The webhook flags and environment variables of the CLI (src/options/cli-options.ts spreads these in). */
import type { WebhookOptions } from './webhook-config.js';
import { readEnvFlag } from './env-flag.js';
import { parseDelay, parseDuration } from './webhook-config.js';

export const WEBHOOK_FLAGS = {
  'webhook-delay': { type: 'string' },
  'webhook-retry-interval': { type: 'string' },
  'webhook-timeout': { type: 'string' },
  'webhook-notify-on-create': { type: 'boolean' },
} as const;

export const WEBHOOK_HELP = `  --webhook-delay <d>  sandbox time before a notification leaves: 2s, 0, or a range 1s-3s
                      (env WEBHOOK_DELAY, default 1s-3s)
  --webhook-retry-interval <d>  sandbox time between the 3 retries (env WEBHOOK_RETRY_INTERVAL,
                      default 15m)
  --webhook-timeout <d>  real-time limit for a receiver to answer (env WEBHOOK_TIMEOUT, default 10s)
  --webhook-notify-on-create  also notify when an order is created (env WEBHOOK_NOTIFY_ON_CREATE=1)
                      Durations: 500ms, 2s, 15m, 24h, 1d2h, or milliseconds (one grammar everywhere)
`;

type Values = { [K in keyof typeof WEBHOOK_FLAGS]?: (typeof WEBHOOK_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * Flags win over environment variables. `fail(option, message)` reports an unreadable
 * value; the values themselves are validated by resolveWebhookConfig.
 */
export function webhookCliOptions(values: Values, env: Record<string, string | undefined>, fail: (option: string, message: string) => never): WebhookOptions | undefined {
  const out: { -readonly [K in keyof WebhookOptions]: WebhookOptions[K] } = {};
  const delay = values['webhook-delay'] ?? env.WEBHOOK_DELAY;
  if (delay) {
    const d = parseDelay(delay);
    if (d === null) fail('--webhook-delay', `"${delay}" is not a duration such as 0, 500ms, 2s, 1d2h or a range 1s-3s`);
    out.delayMs = d;
  }
  const interval = values['webhook-retry-interval'] ?? env.WEBHOOK_RETRY_INTERVAL;
  if (interval) {
    const d = parseDuration(interval);
    if (d === null) fail('--webhook-retry-interval', `"${interval}" is not a duration such as 15m, 30s or 1h30m`);
    out.retryIntervalMs = d;
  }
  const timeout = values['webhook-timeout'] ?? env.WEBHOOK_TIMEOUT;
  if (timeout) {
    const d = parseDuration(timeout);
    if (d === null) fail('--webhook-timeout', `"${timeout}" is not a duration such as 10s or 500ms`);
    out.timeoutMs = d;
  }
  const onCreate = values['webhook-notify-on-create'] ?? readEnvFlag('WEBHOOK_NOTIFY_ON_CREATE', env.WEBHOOK_NOTIFY_ON_CREATE, fail);
  if (onCreate !== undefined) out.notifyOnCreate = onCreate;
  return Object.keys(out).length > 0 ? out : undefined;
}
