import type { CartData, CartItem } from './cart.js';
import type { FinancialStatus, OrderStatus, RefundStatus } from './statuses.js';

export type OrderType = 'redirect' | 'direct' | 'paymentlink' | 'checkout';
export type RecurringModel = 'cardOnFile' | 'subscription' | 'unscheduled';
/** Who caused a transition: the four doors of the engine. */
export type Cause = 'api' | 'bank' | 'control' | 'clock';

/** Customer as MultiSafepay echoes it in order responses (note `phone1`, `country_name`). */
export interface Customer {
  locale: string;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  address1: string | null;
  address2: string | null;
  house_number: string | null;
  zip_code: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  country_name: string | null;
  phone1: string | null;
  phone2: string | null;
  email: string | null;
  ip_address: string | null;
  forwarded_ip: string | null;
  reference: string | null;
}

export interface PaymentOptions {
  notification_url: string | null;
  notification_method: 'POST' | 'GET';
  redirect_url: string | null;
  cancel_url: string | null;
  close_window: boolean;
}

/** What the fake bank learnt about the payer when the shopper confirmed. */
export interface BankDetails {
  account_holder_name: string;
  account_iban: string;
  account_bic: string;
  bank_name?: string;
}

export interface RefundRecord {
  refund_id: number;
  refund_order_id: string | null;
  amount: number;
  currency: string;
  description: string;
  status: RefundStatus;
  created: number;
  modified: number;
  var1: string | null;
  var2: string | null;
  var3: string | null;
  /** Cart lines the refund request carried (`checkout_data.items`), kept for inspection. */
  checkout_data?: readonly CartItem[] | null;
}

export interface TimelineEntry {
  at: number;
  cause: Cause;
  action: string;
  from: { status: OrderStatus; financial_status: FinancialStatus };
  to: { status: OrderStatus; financial_status: FinancialStatus };
  note?: string;
}

export interface ShippingInfo {
  tracktrace_code?: string | null;
  tracktrace_url?: string | null;
  carrier?: string | null;
  ship_date?: string | null;
  reason?: string | null;
}

export interface InvoiceInfo {
  invoice_id?: string | null;
  invoice_url?: string | null;
  po_number?: string | null;
}

/**
 * An order as the engine keeps it. Records are immutable values: the engine replaces a
 * record on every change, so a reader never sees half a transition.
 * Times are epoch milliseconds on the site's sandbox clock.
 */
export interface OrderRecord {
  readonly site: string;
  /** order_id as the merchant sent it (a number stays a number, as MultiSafepay echoes it). */
  readonly order_id: string | number;
  readonly transaction_id: number;
  readonly session_id: string;
  readonly type: OrderType;
  /** DIRECTBANK, DIRDEB for token payments, or null while a gateway-less redirect order waits for the shopper's choice. */
  readonly gateway: string | null;
  readonly status: OrderStatus;
  readonly financial_status: FinancialStatus;
  readonly amount: number;
  readonly currency: string;
  readonly amount_refunded: number;
  readonly description: string;
  readonly items: string | null;
  readonly var1: string | null;
  readonly var2: string | null;
  readonly var3: string | null;
  readonly custom_info: { custom_1: string | null; custom_2: string | null; custom_3: string | null };
  readonly customer: Customer;
  readonly delivery: Record<string, string | null> | null;
  readonly payment_options: PaymentOptions;
  readonly second_chance: boolean;
  readonly recurring_model: RecurringModel | null;
  /** Token this order was paid with (later recurring payments) or created (first payment). */
  readonly recurring_id: string | null;
  readonly bank: BankDetails | null;
  readonly external_transaction_id: string | null;
  readonly reason: string;
  readonly reason_code: string;
  readonly shipping: ShippingInfo | null;
  readonly invoice: InvoiceInfo | null;
  readonly refunds: readonly RefundRecord[];
  readonly created: number;
  readonly modified: number;
  readonly completed: number | null;
  /** When an unpaid order expires (null once paid or ended). */
  readonly expires_at: number | null;
  /** When an uncleared payment completes (null unless uncleared). */
  readonly clears_at: number | null;
  /** Second Chance suppressed by PATCH {"exclude_order": true}. */
  readonly exclude_order: boolean;
  /** Test scenario chosen for this order (payment page, control rule or request marker). */
  readonly scenario: string | null;
  readonly timeline: readonly TimelineEntry[];
  /** Merchant's plugin info (the Node client always sends one); kept for inspection. */
  readonly plugin: Record<string, unknown> | null;
  /** The cart the order was created with (absent on records stored before carts were kept). */
  readonly cart?: CartData | null;
  /**
   * When the Sofort transaction started: at creation for a direct order, when the shopper
   * chose to pay for a redirect/payment-link order. Until then the order lives as a link
   * (its own lifetime); from then on Sofort's one-day lifetime runs. Absent on old records.
   */
  readonly started_at?: number | null;
  /** Integration advice gathered for this order (advisor.ts); never part of MultiSafepay's body. */
  readonly advice?: readonly string[];
}

// Keys are built with join, not a template literal: a template makes a tree of V8 cons-strings
// that a Map keeps as is (about 40 bytes more per key, several keys per order).
/**
 * Shared, frozen values for what most new orders hold, so 100,000 orders do not carry
 * 100,000 copies of the same empty list and initial state (records are never mutated).
 */
export const INITIAL_STATE: { readonly status: 'initialized'; readonly financial_status: 'initialized' } = Object.freeze({ status: 'initialized', financial_status: 'initialized' });
export const NO_REFUNDS: readonly RefundRecord[] = Object.freeze([]);
export const NO_CUSTOM_INFO: OrderRecord['custom_info'] = Object.freeze({ custom_1: null, custom_2: null, custom_3: null });

export function orderKey(site: string, transactionId: number): string {
  return [site, transactionId].join('\n');
}

export function orderIdKey(site: string, orderId: string | number): string {
  return [site, String(orderId)].join('\n');
}

export function remainingRefundable(order: OrderRecord): number {
  const reserved = order.refunds.filter((r) => r.status !== 'void').reduce((s, r) => s + r.amount, 0);
  return order.amount - reserved;
}
