/**
 * GET /transactions: payments and refunds of a site as MultiSafepay's reconciliation API
 * lists them, newest first, with its filters and cursor paging. Pure: takes the site's
 * orders and a parsed query, returns the page.
 *
 * Cursors are opaque to clients (base64url of "created:transaction_id" of an item); `after`
 * continues with older items, `before` goes back to newer ones.
 */
import { ApiError } from '../../domain/errors.js';
import type { OrderRecord, RefundRecord } from '../../domain/order.js';
import type { RenderOptions } from '../../domain/render.js';
import { costsOf, mspTime } from '../../domain/render.js';

export const TRANSACTION_TYPES = ['payment', 'refund'] as const;
/** Values the OpenAPI's `financial_status` filter takes, plus `cancelled` that items carry. */
const FINANCIAL_FILTER = ['cancelled', 'completed', 'created', 'declined', 'error', 'expired', 'initialized', 'manual', 'new', 'refunded', 'reserved', 'uncleared', 'void'];
const STATUS_FILTER = ['cancelled', 'chargeback', 'completed', 'declined', 'expired', 'initialized', 'partial_refunded', 'refunded', 'reserved', 'shipped', 'uncleared', 'void'];
const ALL_TYPES = ['admin_fee', 'affiliate_payout', 'automatic_payout', 'chargeback', 'coupon', 'currency_conversion', 'deposit', 'fastcheckout', 'monthly_fee', 'payment', 'refund', 'reserve_chargeback', 'signup_fee'];
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * One payment or refund, before rendering: filtering and paging read these fields, and only
 * the page that is answered gets rendered (a site may have tens of thousands of transactions).
 */
export interface TransactionItem {
  readonly created: number;
  readonly id: number;
  readonly kind: 'payment' | 'refund';
  readonly order: OrderRecord;
  readonly refund: RefundRecord | null;
  readonly status: string;
  readonly financial_status: string;
  readonly completed: number | null;
}

export interface TransactionQuery {
  financial_status?: string;
  status?: string;
  payment_method?: string[];
  type?: string;
  currency?: string;
  debit_credit?: 'C' | 'D';
  created_from?: number;
  created_until?: number;
  completed_from?: number;
  completed_until?: number;
  limit: number;
  after?: Cursor;
  before?: Cursor;
}

export interface Cursor {
  created: number;
  id: number;
}

/** A stable 5-digit number for a site (MultiSafepay's site_id is numeric; the sandbox's sites are API keys). */
export function siteIdFor(site: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 0x01000193) >>> 0;
  return 10_000 + (h % 90_000);
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.created}:${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(s: string, field: string): Cursor {
  const m = /^(\d{1,15}):(\d{1,16})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) throw new ApiError('MISSING_DATA', `${field} is not a cursor this sandbox gave out; take it from pager.cursor.${field} of a previous page`);
  return { created: Number(m[1]), id: Number(m[2]) };
}

/** "2026-01-31", "2026-01-31T10:00:00" (UTC when no zone), with zone, or unix seconds. */
export function parseTimestamp(v: string, field: string): number {
  const s = v.trim();
  let ms: number;
  if (/^\d{9,10}$/.test(s)) ms = Number(s) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) ms = Date.parse(`${s}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(s)) ms = Date.parse(`${s.replace(' ', 'T')}Z`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) ms = Date.parse(s.replace(' ', 'T'));
  else ms = NaN;
  // Date.parse rolls impossible dates over (2026-02-30 becomes March 2): refuse them instead.
  const day = /^(\d{4}-\d{2}-\d{2})/.exec(s)?.[1];
  if (day && Number.isFinite(ms) && !/[+-]\d{2}:?\d{2}$/.test(s) && new Date(ms).toISOString().slice(0, 10) !== day) ms = NaN;
  if (!Number.isFinite(ms)) throw new ApiError('MISSING_DATA', `${field} must be a date or time such as 2026-01-31 or 2026-01-31T10:00:00 (UTC); got "${s.slice(0, 40)}"`);
  return ms;
}

type Query = Record<string, unknown>;

function one(q: Query, field: string): string | undefined {
  const v = q[field];
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'string') return v;
  throw new ApiError('MISSING_DATA', `${field} must be given once`);
}

function oneOf(q: Query, field: string, allowed: readonly string[]): string | undefined {
  const v = one(q, field);
  if (v !== undefined && !allowed.includes(v)) throw new ApiError('MISSING_DATA', `${field} must be one of ${allowed.join(', ')}; got "${v.slice(0, 30)}"`);
  return v;
}

export function readTransactionQuery(q: Query): TransactionQuery {
  const out: TransactionQuery = { limit: DEFAULT_LIMIT };
  const limit = one(q, 'limit');
  if (limit !== undefined) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) throw new ApiError('MISSING_DATA', `limit must be a whole number from 1 to ${MAX_LIMIT}; got "${limit.slice(0, 20)}"`);
    out.limit = Number(limit);
  }
  const fs = oneOf(q, 'financial_status', FINANCIAL_FILTER);
  if (fs) out.financial_status = fs;
  const st = oneOf(q, 'status', STATUS_FILTER);
  if (st) out.status = st;
  const type = oneOf(q, 'type', ALL_TYPES);
  if (type) out.type = type;
  const dc = oneOf(q, 'debit_credit', ['C', 'D']);
  if (dc) out.debit_credit = dc as 'C' | 'D';
  const cur = one(q, 'currency');
  if (cur) out.currency = cur.toUpperCase();
  // payment_method: repeated (?payment_method=A&payment_method=B), bracketed or comma-separated.
  const pm = q.payment_method ?? q['payment_method[]'];
  if (pm !== undefined && pm !== '') {
    const list = (Array.isArray(pm) ? pm : [pm]).flatMap((v) => String(v).split(',')).map((v) => v.trim().toUpperCase()).filter((v) => v !== '');
    if (list.some((v) => !/^[A-Z0-9_]{2,20}$/.test(v))) throw new ApiError('MISSING_DATA', 'payment_method must be gateway codes such as DIRECTBANK or DIRDEB');
    if (list.length) out.payment_method = list;
  }
  for (const f of ['created_from', 'created_until', 'completed_from', 'completed_until'] as const) {
    const v = one(q, f);
    if (v !== undefined) out[f] = parseTimestamp(v, f);
  }
  const after = one(q, 'after');
  const before = one(q, 'before');
  if (after !== undefined && before !== undefined) throw new ApiError('MISSING_DATA', 'send either after or before, not both');
  if (after !== undefined) out.after = decodeCursor(after, 'after');
  if (before !== undefined) out.before = decodeCursor(before, 'before');
  return out;
}

function text(v: string | null): string {
  return v ?? '';
}

function customerOf(order: OrderRecord): Record<string, unknown> {
  const c = order.customer;
  const out: Record<string, unknown> = {};
  // The OpenAPI types these as strings: leave out what the order does not have rather than send null.
  if (c.email) out.email = c.email;
  if (c.first_name) out.first_name = c.first_name;
  if (c.last_name) out.last_name = c.last_name;
  out.iban = order.bank?.account_iban ?? '';
  return out;
}

export function renderPayment(order: OrderRecord, siteId: number, opts: RenderOptions = {}): Record<string, unknown> {
  const zone = opts.timeZone;
  // Costs in cents here, like every amount of this list; net is what the merchant receives.
  const costs = costsOf(order, opts.transactionFee).map((c) => ({ amount: Math.round((c.amount as number) * 100), description: c.description, dst: 'SYSTEM' }));
  const data: Record<string, unknown> = {
    amount: order.amount,
    ...(order.completed !== null ? { completed: mspTime(order.completed, zone) } : {}),
    costs,
    created: mspTime(order.created, zone),
    currency: order.currency,
    customer: customerOf(order),
    debit_credit: 'C',
    description: order.description,
    financial_status: order.financial_status,
    ...(order.invoice?.invoice_id ? { invoice_id: order.invoice.invoice_id } : {}),
    net: order.amount - costs.reduce((sum, c) => sum + c.amount, 0),
    order_id: String(order.order_id),
    payment_method: order.gateway ?? '',
    site_id: siteId,
    status: order.status,
    transaction_id: order.transaction_id,
    type: 'payment',
    updated: mspTime(order.modified, zone),
    var1: text(order.var1),
    var2: text(order.var2),
    var3: text(order.var3),
  };
  return data;
}

/** A refund's transaction status: reserved refunds are still `initialized` money-wise. */
const REFUND_FINANCIAL: Readonly<Record<RefundRecord['status'], string>> = { reserved: 'initialized', completed: 'completed', void: 'void' };

export function renderRefund(order: OrderRecord, r: RefundRecord, siteId: number, opts: RenderOptions = {}): Record<string, unknown> {
  const zone = opts.timeZone;
  const completed = r.status === 'completed' ? r.modified : null;
  const data: Record<string, unknown> = {
    amount: r.amount,
    ...(completed !== null ? { completed: mspTime(completed, zone) } : {}),
    costs: [],
    created: mspTime(r.created, zone),
    currency: r.currency,
    customer: customerOf(order),
    debit_credit: 'D',
    description: r.description,
    financial_status: REFUND_FINANCIAL[r.status],
    net: -r.amount,
    order_id: r.refund_order_id ?? String(order.order_id),
    payment_method: order.gateway ?? '',
    site_id: siteId,
    status: r.status,
    transaction_id: r.refund_id,
    type: 'refund',
    updated: mspTime(r.modified, zone),
    var1: text(r.var1),
    var2: text(r.var2),
    var3: text(r.var3),
  };
  return data;
}

export function renderItem(item: TransactionItem, siteId: number, opts: RenderOptions = {}): Record<string, unknown> {
  return item.refund ? renderRefund(item.order, item.refund, siteId, opts) : renderPayment(item.order, siteId, opts);
}

/** Every transaction of these orders, newest first. */
export function transactionsOf(orders: Iterable<OrderRecord>): TransactionItem[] {
  const items: TransactionItem[] = [];
  for (const o of orders) {
    items.push({ created: o.created, id: o.transaction_id, kind: 'payment', order: o, refund: null, status: o.status, financial_status: o.financial_status, completed: o.completed });
    for (const r of o.refunds) {
      items.push({ created: r.created, id: r.refund_id, kind: 'refund', order: o, refund: r, status: r.status, financial_status: REFUND_FINANCIAL[r.status], completed: r.status === 'completed' ? r.modified : null });
    }
  }
  return items.sort(newestFirst);
}

function newestFirst(a: Cursor, b: Cursor): number {
  return b.created - a.created || b.id - a.id;
}

function matches(item: TransactionItem, q: TransactionQuery): boolean {
  if (q.type && item.kind !== q.type) return false;
  if (q.status && item.status !== q.status) return false;
  if (q.financial_status && item.financial_status !== q.financial_status && !(q.financial_status === 'reserved' && item.refund?.status === 'reserved')) return false;
  if (q.payment_method && !q.payment_method.includes(item.order.gateway ?? '')) return false;
  if (q.currency && (item.refund?.currency ?? item.order.currency) !== q.currency) return false;
  if (q.debit_credit && (item.kind === 'refund' ? 'D' : 'C') !== q.debit_credit) return false;
  if (q.created_from !== undefined && item.created < q.created_from) return false;
  if (q.created_until !== undefined && item.created > q.created_until) return false;
  if (q.completed_from !== undefined && (item.completed === null || item.completed < q.completed_from)) return false;
  if (q.completed_until !== undefined && (item.completed === null || item.completed > q.completed_until)) return false;
  return true;
}

export interface TransactionPage {
  items: TransactionItem[];
  /** Cursor to older items, if there are any. */
  after: string | null;
  /** Cursor to newer items, if there are any. */
  before: string | null;
}

export function pageOf(all: readonly TransactionItem[], q: TransactionQuery): TransactionPage {
  const list = all.filter((i) => matches(i, q));
  let start: number;
  let end: number;
  if (q.after) {
    const c = q.after;
    start = list.findIndex((i) => newestFirst(i, c) > 0);
    if (start < 0) start = list.length;
    end = Math.min(list.length, start + q.limit);
  } else if (q.before) {
    const c = q.before;
    end = list.findIndex((i) => newestFirst(i, c) >= 0);
    if (end < 0) end = list.length;
    start = Math.max(0, end - q.limit);
  } else {
    start = 0;
    end = Math.min(list.length, q.limit);
  }
  const items = list.slice(start, end);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    after: last && end < list.length ? encodeCursor(last) : null,
    before: first && start > 0 ? encodeCursor(first) : null,
  };
}
