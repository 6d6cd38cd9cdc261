/**
 * Renders engine records in MultiSafepay's wire shapes. One place, so the order a merchant
 * reads from GET /orders/{id} and the body of a notification are the same bytes.
 */
import type { OrderRecord, RefundRecord } from './order.js';
import { GATEWAY_DESCRIPTION, RECURRING_GATEWAY_DESCRIPTION, RECURRING_GATEWAY } from './sofort-rules.js';

/** MultiSafepay timestamps: `YYYY-MM-DDTHH:MM:SS`, no zone (the sandbox writes UTC). */
export function mspTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Mask an IBAN as MultiSafepay does in notifications: only the last four characters show. */
export function maskIban(iban: string): string {
  return `*** ${iban.slice(-4)}`;
}

export interface RenderOptions {
  /** Notifications mask IBANs unless the site unmasks them. */
  maskIbans?: boolean;
}

function renderRefund(order: OrderRecord, r: RefundRecord): Record<string, unknown> {
  return {
    amount: r.amount,
    costs: [],
    created: mspTime(r.created),
    currency: r.currency,
    description: r.description,
    modified: mspTime(r.modified),
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
  return {
    amount: order.amount,
    amount_refunded: order.amount_refunded,
    completed: order.completed === null ? null : mspTime(order.completed),
    costs: [],
    created: mspTime(order.created),
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
    modified: mspTime(order.modified),
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
    related_transactions: order.refunds.length ? order.refunds.map((r) => renderRefund(order, r)) : null,
    status: order.status,
    transaction_id: order.transaction_id,
    var1: order.var1,
    var2: order.var2,
    var3: order.var3,
  };
}
