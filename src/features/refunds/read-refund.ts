/**
 * Reads a refund request (POST /orders/{id}/refunds) as MultiSafepay does, with the quirks
 * of real clients: amounts as numeric strings (Postman sends "500"), `amount: 0` or no
 * amount for a full refund, and the .NET client's extra `"type":"refund"`.
 * Pure: the service decides what the order allows.
 */
import { isObject, optionalText, readAmount, readVar } from '../../domain/create-order.js';
import type { CartItem } from '../../domain/cart.js';
import { readCartItems } from '../../domain/cart.js';
import { ApiError } from '../../domain/errors.js';

export interface RefundRequest {
  currency: string;
  /** Cents; null means "everything that is left" (amount 0 or absent). */
  amount: number | null;
  description: string | null;
  refund_order_id: string | null;
  var1: string | null;
  var2: string | null;
  var3: string | null;
  /** Cart lines sent in `checkout_data` (kept on the refund; for Sofort the amount decides). */
  checkout_data: CartItem[] | null;
}

export function readRefundRequest(raw: unknown): RefundRequest {
  if (!isObject(raw)) {
    throw new ApiError('MISSING_DATA', 'the request body must be a JSON object such as {"currency":"EUR","amount":500,"description":"Refund"}');
  }
  const body = raw;
  const type = body.type;
  if (type !== undefined && type !== null && type !== '' && type !== 'refund') {
    if (type === 'chargeback') {
      throw new ApiError('CANNOT_REFUND', 'Sofort has no chargebacks: a Sofort payment cannot be charged back, so the sandbox never creates one. Refund the order instead (omit "type" or send "refund")');
    }
    throw new ApiError('MISSING_DATA', `type ${JSON.stringify(type).slice(0, 30)} is not a refund type; omit it or send "refund"`);
  }
  // MultiSafepay's PHP SDK (under the WooCommerce, Magento and Shopware plugins) sends the
  // order's cart as checkout_data with every refund. For Sofort the amount decides and the
  // lines are only kept; lines without an amount would be a refund by cart, which only
  // pay-later methods support.
  const hasLines = body.checkout_data !== undefined && body.checkout_data !== null;
  const lines = hasLines ? readCartItems(body.checkout_data, 'checkout_data') : null;
  if (hasLines && (body.amount === undefined || body.amount === null || body.amount === '' || body.amount === 0 || body.amount === '0')) {
    throw new ApiError('CANNOT_REFUND', 'refunds by cart lines alone (checkout_data without amount) are for pay-later methods; add the amount to refund in cents: {"currency":"EUR","amount":500,"checkout_data":{...}}');
  }
  const cur = body.currency;
  if (cur === undefined || cur === null || cur === '') {
    throw new ApiError('INVALID_CURRENCY', 'currency is required and must be the currency of the order, e.g. "EUR"');
  }
  if (typeof cur !== 'string') throw new ApiError('INVALID_CURRENCY', `currency must be a string such as "EUR"; got ${Array.isArray(cur) ? 'an array' : typeof cur}`);
  const amount = body.amount === undefined || body.amount === null || body.amount === '' ? 0 : readAmount(body.amount);
  const description = body.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new ApiError('INVALID_DESCRIPTION', `description must be a string of at most 200 characters; got ${Array.isArray(description) ? 'an array' : typeof description}`);
  }
  if (typeof description === 'string' && description.length > 200) {
    throw new ApiError('INVALID_DESCRIPTION', `description is ${description.length} characters long; the limit is 200`);
  }
  const rid = body.refund_order_id;
  if (rid !== undefined && rid !== null && typeof rid !== 'string' && typeof rid !== 'number') {
    throw new ApiError('INVALID_ORDER_ID', `refund_order_id must be a string of at most 50 characters; got ${Array.isArray(rid) ? 'an array' : typeof rid}`);
  }
  const refundOrderId = optionalText(body, 'refund_order_id', 'refund_order_id', 10_000);
  if (refundOrderId !== null && refundOrderId.length > 50) {
    throw new ApiError('INVALID_ORDER_ID', `refund_order_id is ${refundOrderId.length} characters long; the limit is 50`);
  }
  return {
    currency: cur.toUpperCase(),
    amount: amount === 0 ? null : amount,
    description: typeof description === 'string' && description !== '' ? description : null,
    refund_order_id: refundOrderId === '' ? null : refundOrderId,
    var1: readVar(body, 'var1'),
    var2: readVar(body, 'var2'),
    var3: readVar(body, 'var3'),
    checkout_data: lines,
  };
}
