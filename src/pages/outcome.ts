/**
 * What a shopper sees once an order is no longer payable, and where "return to the shop"
 * leads: MultiSafepay sends the shopper to redirect_url after a payment, to cancel_url
 * after a cancel or decline, both with `transactionid=<order_id>` appended; with
 * close_window the page offers to close the window instead.
 */
import type { FastifyReply } from 'fastify';
import type { OrderRecord } from '../domain/order.js';
import { isPaid } from '../domain/statuses.js';
import { withTransactionId } from '../domain/shopper-urls.js';
import type { PageKit } from './page-kit.js';

export type ResultKind = 'paid' | 'already_paid' | 'cancelled' | 'declined' | 'expired' | 'abandoned';

/** The page an order's status calls for, or null while it can still be paid. */
export function resultKindOf(order: OrderRecord): ResultKind | null {
  if (order.status === 'initialized') return null;
  if (isPaid(order.status) || order.status === 'chargeback' || order.status === 'reserved') return 'paid';
  if (order.status === 'declined') return 'declined';
  if (order.status === 'expired') return 'expired';
  return 'cancelled';
}

export interface ReturnTarget {
  /** Merchant URL with transactionid, or null when the order gave none. */
  readonly url: string | null;
  readonly closeWindow: boolean;
}

export function returnTarget(order: OrderRecord, kind: ResultKind): ReturnTarget {
  const opts = order.payment_options;
  const raw = kind === 'paid' || kind === 'already_paid' ? opts.redirect_url : kind === 'abandoned' ? null : opts.cancel_url;
  let url: string | null = null;
  if (raw) {
    try {
      url = withTransactionId(raw, order.order_id);
      // Only ever link to a web page (create-order checks this too; a link is no place for javascript:).
      if (!/^https?:\/\//i.test(url)) url = null;
    } catch {
      url = null; // a URL create-order let through but URL() cannot parse: show the sandbox page instead
    }
  }
  return { url, closeWindow: opts.close_window };
}

/** HTTP status of a result page: 200 when the shopper asked to see it, 409/410 when a step came too late. */
function statusFor(kind: ResultKind, lateStep: boolean): number {
  if (!lateStep) return 200;
  if (kind === 'paid' || kind === 'already_paid') return 409;
  return kind === 'abandoned' ? 200 : 410;
}

/**
 * Render the result page for `order`. `lateStep`: the shopper submitted a form of a payment
 * that has already ended (double submit, back button): say so instead of acting again.
 */
export function renderResult(kit: PageKit, reply: FastifyReply, order: OrderRecord, kind: ResultKind, lateStep = false): Promise<FastifyReply> {
  const shown: ResultKind = lateStep && kind === 'paid' ? 'already_paid' : kind;
  const model = kit.model(order);
  const bank = order.bank;
  return kit.send(reply, statusFor(shown, lateStep), 'result.ejs', {
    ...model,
    kind: shown,
    uncleared: order.financial_status === 'uncleared',
    paidFrom: bank ? { account: kit.maskIban(bank.account_iban), bank: bank.bank_name ?? bank.account_bic } : null,
    target: returnTarget(order, shown),
    // "Customer never comes back" leaves the order payable: offer the way back in.
    restartUrl: shown === 'abandoned' ? `/${order.type === 'direct' ? 'bank' : 'connect'}/${order.session_id}/` : null,
  });
}

/** Cancel lands straight on the shop's cancel_url (as at MultiSafepay); without one, on the result page. */
export async function leaveAfterCancel(kit: PageKit, reply: FastifyReply, order: OrderRecord): Promise<FastifyReply> {
  const target = returnTarget(order, 'cancelled');
  if (target.url && !target.closeWindow) return reply.header('cache-control', 'no-store').redirect(target.url, 303);
  return renderResult(kit, reply, order, 'cancelled');
}
