/**
 * Flags and environment variables of the options that make answers match production
 * (times, fee, redirect after the bank, initialized notifications, site notification URL);
 * src/options/cli-options.ts spreads these in, as it does for the webhook and after-payment flags.
 */
import type { SandboxOptions } from './config.js';
import { ConfigError } from './config.js';
import type { MspTimeZone } from '../domain/msp-time.js';

export const PARITY_FLAGS = {
  'time-zone': { type: 'string' },
  'transaction-fee': { type: 'string' },
  'confirmation-page': { type: 'boolean' },
  'no-initialized-notifications': { type: 'boolean' },
  'site-notification-url': { type: 'string' },
} as const;

export const PARITY_HELP = `  --time-zone <z>     zone of created/modified/completed: Europe/Amsterdam (as MultiSafepay) or UTC
                      (env TIME_ZONE, default Europe/Amsterdam)
  --transaction-fee <cents>  Sofort fee shown as a costs line on completed payments
                      (env TRANSACTION_FEE, default 39; 0 for none)
  --confirmation-page  show "Payment confirmed" before going back to the shop
                      (env CONFIRMATION_PAGE=1; default: straight to redirect_url)
  --no-initialized-notifications  no initialized notification when a Sofort transaction starts
                      (env INITIALIZED_NOTIFICATIONS=0)
  --site-notification-url <url>  notification URL for orders without one, on every site
                      (env SITE_NOTIFICATION_URL; per site: dashboard settings or control API)
`;

type Values = { [K in keyof typeof PARITY_FLAGS]?: (typeof PARITY_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

const on = (v: string | undefined): boolean => v === '1' || v === 'true';

/** Flags win over environment variables; resolveConfig validates the values. */
export function parityCliOptions(values: Values, env: Record<string, string | undefined>): SandboxOptions {
  const out: SandboxOptions = {};
  const zone = values['time-zone'] ?? env.TIME_ZONE;
  if (zone) out.timeZone = zone as MspTimeZone;
  const fee = values['transaction-fee'] ?? env.TRANSACTION_FEE;
  if (fee) {
    if (!/^\d+$/.test(fee)) throw new ConfigError(`--transaction-fee: "${fee}" is not a whole number of cents such as 39`);
    out.transactionFee = Number(fee);
  }
  if (values['confirmation-page'] || on(env.CONFIRMATION_PAGE)) out.confirmationPage = true;
  if (values['no-initialized-notifications'] || env.INITIALIZED_NOTIFICATIONS === '0' || env.INITIALIZED_NOTIFICATIONS === 'false') out.initializedNotifications = false;
  const url = values['site-notification-url'] ?? env.SITE_NOTIFICATION_URL;
  if (url) out.siteNotificationUrl = url;
  return out;
}
