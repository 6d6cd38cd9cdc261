/**
 * Options of what happens after a payment starts (refunds, recurring tokens, Second Chance),
 * validated once at start with messages that name the option. Kept apart from the services
 * so the shared config module imports no feature code.
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

export function resolveAfterPayment(opts: AfterPaymentOptions, fail: (option: string, message: string) => never): AfterPaymentConfig {
  const settle = opts.refunds?.settle ?? 'midnight';
  if (!REFUND_SETTLE_MODES.includes(settle)) fail('refunds.settle', `must be one of ${REFUND_SETTLE_MODES.join(', ')}, got ${JSON.stringify(settle)}`);
  const delay = opts.recurring?.chargeDelayMs ?? 0;
  if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) fail('recurring.chargeDelayMs', `must be a number of milliseconds, 0 or more; got ${String(delay)}`);
  const from = opts.secondChance?.from ?? 'MultiSafepay Sandbox <no-reply@sofort-sandbox.local>';
  if (typeof from !== 'string' || !/@/.test(from) || /[\r\n]/.test(from)) fail('secondChance.from', 'must be an email address such as shop@example.com (optionally "Name <shop@example.com>")');
  let smtp: SmtpTarget | null = null;
  if (opts.smtp !== undefined && opts.smtp !== '') {
    smtp = typeof opts.smtp === 'string' ? parseSmtpTarget(opts.smtp) : opts.smtp;
    if (!smtp || typeof smtp.host !== 'string' || smtp.host === '' || !Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535) {
      fail('smtp', `must be host:port of an SMTP server such as 127.0.0.1:1025; got ${JSON.stringify(opts.smtp).slice(0, 60)}`);
    }
  }
  return Object.freeze({
    refundSettle: settle,
    recurringChargeDelayMs: delay,
    secondChance: Object.freeze({ enabled: opts.secondChance?.enabled ?? true, from }),
    smtp: smtp ? Object.freeze({ host: smtp.host, port: smtp.port }) : null,
  });
}

