/**
 * The shapes of the options of what happens after a payment starts (refunds, recurring
 * tokens, Second Chance) and of their resolved form. Defaults, validation, flags and
 * environment variables: src/options/declarations.ts.
 */
/** An SMTP server to hand Second Chance emails to (--smtp host:port). */
export interface SmtpTarget {
  readonly host: string;
  readonly port: number;
}

/** When a reserved refund completes on its own. */
export type RefundSettleMode = 'midnight' | 'manual' | 'immediate';
export const REFUND_SETTLE_MODES: readonly RefundSettleMode[] = ['midnight', 'manual', 'immediate'];

export interface AfterPaymentOptions {
  /** When a reserved refund completes on its own: at the next midnight UTC of the sandbox clock (default), only when accepted through the control API ('manual'), or at once. */
  refunds?: { settle?: RefundSettleMode };
  /** Delay between creating a token (recurring) payment and charging it, in sandbox ms (default 0: charged before create-order answers). */
  recurring?: { chargeDelayMs?: number };
  /** Second Chance reminders: on by default (orders still have to ask with second_chance.send_email); the sender address. */
  secondChance?: { enabled?: boolean; from?: string };
  /** Also hand Second Chance emails to this SMTP server (a local catcher such as Mailpit): {host, port} or "host:port". */
  smtp?: SmtpTarget | string;
}

export interface AfterPaymentConfig {
  readonly refundSettle: RefundSettleMode;
  readonly recurringChargeDelayMs: number;
  readonly secondChance: { readonly enabled: boolean; readonly from: string };
  readonly smtp: SmtpTarget | null;
}

export function parseSmtpTarget(v: string): SmtpTarget | null {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(v.trim().replace(/^smtp:\/\//i, ''));
  if (!m) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : null;
}
