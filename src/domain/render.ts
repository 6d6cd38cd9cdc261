/**
 * Renders engine records in MultiSafepay's wire shapes. One place, so the order a merchant
 * reads from GET /orders/{id} and the body of a notification are the same bytes.
 */
import type { OrderRecord, RefundRecord } from './order.js';
import { renderCart } from './cart.js';
import type { MspTimeZone } from './msp-time.js';
import { formatMspTime } from './msp-time.js';
import { GATEWAY, GATEWAY_DESCRIPTION, RECURRING_GATEWAY_DESCRIPTION, RECURRING_GATEWAY } from './sofort-rules.js';

/** MultiSafepay timestamps: `YYYY-MM-DDTHH:MM:SS`, no zone, Europe/Amsterdam local time unless told (see msp-time.ts). */
export function mspTime(ms: number, zone?: MspTimeZone): string {
  return formatMspTime(ms, zone);
}

/** Mask an IBAN as MultiSafepay does in notifications: only the last four characters show. */
export function maskIban(iban: string): string {
  return `*** ${iban.slice(-4)}`;
}

export interface RenderOptions {
  /** Notifications mask IBANs unless the site unmasks them. */
  maskIbans?: boolean;
  /** Zone of `created`/`modified`/`completed` (default Europe/Amsterdam, as MultiSafepay). */
  timeZone?: MspTimeZone;
  /** Sofort fee in cents shown as a `costs` line on completed payments (0 or absent: none). */
  transactionFee?: number;
}

/** What renders need from the sandbox's config (zone of times, the Sofort fee). */
export function renderOptionsOf(config: { timeZone: MspTimeZone; transactionFee: number }): RenderOptions {
  return { timeZone: config.timeZone, transactionFee: config.transactionFee };
}

/**
 * MultiSafepay's `costs` line of a completed payment (OpenAPI getOrder example: `{amount:
 * 0.01, description:"0.01 EUR For iDEAL Transactions", transaction_id, type:"SYSTEM"}`):
 * the amount is decimal EUR, not cents.
 */
export function costsOf(order: OrderRecord, fee: number | undefined): Array<Record<string, unknown>> {
  if (!fee || order.gateway !== GATEWAY || order.financial_status !== 'completed') return [];
  const eur = (fee / 100).toFixed(2);
  return [{ amount: fee / 100, description: `${eur} ${order.currency} For ${GATEWAY_DESCRIPTION} Transactions`, transaction_id: order.transaction_id, type: 'SYSTEM' }];
}

function renderRefund(order: OrderRecord, r: RefundRecord, zone?: MspTimeZone): Record<string, unknown> {
  return {
    amount: r.amount,
    costs: [],
    created: mspTime(r.created, zone),
    currency: r.currency,
    description: r.description,
    modified: mspTime(r.modified, zone),
    order_id: order.order_id,
    refund_order_id: r.refund_order_id,
    status: r.status,
    transaction_id: r.refund_id,
    type: 'refund',
  };
}

/** The order object: `data` of GET /orders/{id}, the body of a POST notification. */
export function renderOrder(order: OrderRecord, opts: RenderOptions = {}): Record<string, unknown> {
  const gateway = order.gateway;
  const bank = order.bank;
  const iban = bank ? (opts.maskIbans ? maskIban(bank.account_iban) : bank.account_iban) : null;
  const description = gateway === RECURRING_GATEWAY ? RECURRING_GATEWAY_DESCRIPTION : GATEWAY_DESCRIPTION;
  const c = order.customer;
  const paymentMethods = gateway
    ? [
        {
          account_bic: bank?.account_bic ?? null,
          account_holder_name: bank?.account_holder_name ?? null,
          account_iban: iban,
          account_id: iban,
          amount: order.amount,
          currency: order.currency,
          description: order.description,
          external_transaction_id: order.external_transaction_id,
          payment_description: description,
          status: order.financial_status,
          type: gateway,
        },
      ]
    : [];
  const out: Record<string, unknown> = {
    amount: order.amount,
    amount_refunded: order.amount_refunded,
    completed: order.completed === null ? null : mspTime(order.completed, opts.timeZone),
    costs: costsOf(order, opts.transactionFee),
    created: mspTime(order.created, opts.timeZone),
    currency: order.currency,
    custom_info: { ...order.custom_info },
    customer: {
      address1: c.address1,
      address2: c.address2,
      city: c.city,
      cocnumber: null,
      company_name: c.company_name,
      country: c.country,
      country_name: c.country_name,
      email: c.email,
      first_name: c.first_name,
      house_number: c.house_number,
      last_name: c.last_name,
      locale: c.locale,
      phone1: c.phone1,
      phone2: c.phone2,
      reference: c.reference,
      state: c.state,
      zip_code: c.zip_code,
    },
    description: order.description,
    fastcheckout: 'NO',
    financial_status: order.financial_status,
    items: order.items,
    modified: mspTime(order.modified, opts.timeZone),
    order_id: order.order_id,
    payment_details: {
      account_bic: bank?.account_bic ?? null,
      account_holder_name: bank?.account_holder_name ?? null,
      account_iban: iban,
      account_id: iban,
      external_transaction_id: order.external_transaction_id,
      issuer_id: null,
      recurring_flow: null,
      recurring_id: order.recurring_id,
      recurring_model: order.recurring_model,
      response_code: null,
      type: gateway,
    },
    payment_methods: paymentMethods,
    reason: order.reason,
    reason_code: order.reason_code,
    related_transactions: order.refunds.length ? order.refunds.map((r) => renderRefund(order, r, opts.timeZone)) : null,
    status: order.status,
    transaction_id: order.transaction_id,
    var1: order.var1,
    var2: order.var2,
    var3: order.var3,
  };
  if (!order.cart) return out;
  // With a cart, its fields join in MultiSafepay's alphabetical key order (as recorded).
  const all = { ...out, ...renderCart(order.cart, order.amount, order.currency) };
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
}
