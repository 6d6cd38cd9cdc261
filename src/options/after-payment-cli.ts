/** The refund, recurring and Second Chance flags and environment variables of the CLI (src/options/cli-options.ts spreads these in). */
import type { AfterPaymentOptions, RefundSettleMode } from './after-payment-config.js';
import { readDuration } from './duration-grammar.js';
import { readEnvFlag } from './env-flag.js';

export const AFTER_PAYMENT_FLAGS = {
  'refund-settle': { type: 'string' },
  'recurring-charge-delay': { type: 'string' },
  'no-second-chance': { type: 'boolean' },
  'second-chance-from': { type: 'string' },
  smtp: { type: 'string' },
} as const;

export const AFTER_PAYMENT_HELP = `  --refund-settle <m>  when a reserved refund completes: midnight (next midnight UTC of the
                      sandbox clock), manual (only on "accept" in the control API) or immediate
                      (env REFUND_SETTLE, default midnight)
  --recurring-charge-delay <d>  sandbox time before a token (recurring) payment is charged
                      (env RECURRING_CHARGE_DELAY, default 0: before create-order answers)
  --no-second-chance  never send Second Chance reminders (env SECOND_CHANCE=off)
  --second-chance-from <addr>  sender of reminder emails (env SECOND_CHANCE_FROM)
  --smtp <host:port>  also send reminder emails to this SMTP server, e.g. a Mailpit on
                      127.0.0.1:1025 (env SMTP; default: outbox only, see /_sandbox)
`;

type Values = { [K in keyof typeof AFTER_PAYMENT_FLAGS]?: (typeof AFTER_PAYMENT_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Flags win over environment variables; values are validated by resolveAfterPayment. */
export function afterPaymentCliOptions(values: Values, env: Record<string, string | undefined>, fail: (option: string, message: string) => never): AfterPaymentOptions {
  const out: AfterPaymentOptions = {};
  const settle = values['refund-settle'] ?? env.REFUND_SETTLE;
  if (settle) out.refunds = { settle: settle as RefundSettleMode };
  const delay = values['recurring-charge-delay'] ?? env.RECURRING_CHARGE_DELAY;
  if (delay) {
    const ms = readDuration(delay);
    if (ms === null || !Number.isSafeInteger(ms)) fail('--recurring-charge-delay', `"${delay}" is not a duration such as 0, 500ms, 2s, 1h or a number of milliseconds`);
    out.recurring = { chargeDelayMs: ms };
  }
  const off = values['no-second-chance'] === true || readEnvFlag('SECOND_CHANCE', env.SECOND_CHANCE, fail) === false;
  const from = values['second-chance-from'] ?? env.SECOND_CHANCE_FROM;
  if (off || from) out.secondChance = { ...(off ? { enabled: false } : {}), ...(from ? { from } : {}) };
  const smtp = values.smtp ?? env.SMTP;
  if (smtp) out.smtp = smtp;
  return out;
}
