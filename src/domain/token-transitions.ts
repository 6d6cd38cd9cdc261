/**
 * The recurring token state machine. A token is made active by the first payment the bank
 * authorised, may have its expiry set by the merchant, and is removed for good. Pure, like
 * the order's (transitions.ts): `applyTokenAction` answers the next record and the event;
 * `RecurringService.transition()` is the only caller, and stores and tells it.
 */
import { ApiError } from './errors.js';
import type { BankDetails, Cause, RecurringModel } from './order.js';

export interface TokenRecord {
  readonly site: string;
  readonly reference: string;
  readonly token: string;
  readonly model: RecurringModel;
  readonly bank: BankDetails;
  /** YYMM; empty until the merchant sets one (a bank account has no expiry). */
  readonly expiry_date: string;
  readonly created: number;
  /** PSP id of the payment that created the token. */
  readonly transaction_id: number;
}

/** A stored token is active; a removed one is gone from the store. */
export type TokenState = 'active' | 'removed';

export type TokenAction =
  /** The bank authorised a first payment that asked for a token. */
  | { kind: 'create'; site: string; reference: string; token: string; model: RecurringModel; bank: BankDetails; transaction_id: number }
  /** PATCH /recurring/{reference}/update/{token}. */
  | { kind: 'set_expiry'; expiry_date: string }
  /** DELETE /recurring/{reference}/remove/{token}. */
  | { kind: 'remove' };

export interface TokenEvent {
  type: 'token_created' | 'token_updated' | 'token_removed';
  site: string;
  reference: string;
  token: string;
  /** The payment that created the token. */
  transaction_id: number;
  expiry_date: string;
  cause: Cause;
  at: number;
  from: TokenState | null;
  to: TokenState;
}

/** Which state may follow which (`new`: no token yet). */
export const TOKEN_TRANSITIONS: Readonly<Record<TokenState | 'new', readonly TokenState[]>> = {
  new: ['active'],
  active: ['active', 'removed'],
  removed: [],
};

export interface TokenStep {
  /** The token to store, or null: delete it. */
  token: TokenRecord | null;
  event: TokenEvent;
}

export function applyTokenAction(current: TokenRecord | null, action: TokenAction, ctx: { now: number; cause: Cause }): TokenStep {
  let next: TokenRecord | null;
  let type: TokenEvent['type'];
  if (action.kind === 'create') {
    if (current !== null) throw new Error(`token ${action.token} exists already`);
    const { kind: _kind, ...fields } = action;
    next = { ...fields, expiry_date: '', created: ctx.now };
    type = 'token_created';
  } else {
    if (current === null) throw new ApiError('NOT_FOUND', 'no such token for this customer reference on this site');
    next = action.kind === 'set_expiry' ? { ...current, expiry_date: action.expiry_date } : null;
    type = action.kind === 'set_expiry' ? 'token_updated' : 'token_removed';
  }
  const from: TokenState | null = current === null ? null : 'active';
  const to: TokenState = next === null ? 'removed' : 'active';
  if (!TOKEN_TRANSITIONS[from ?? 'new'].includes(to)) throw new Error(`a token cannot go from ${from ?? 'new'} to ${to}`);
  const t = (next ?? current)!;
  return {
    token: next,
    event: { type, site: t.site, reference: t.reference, token: t.token, transaction_id: t.transaction_id, expiry_date: t.expiry_date, cause: ctx.cause, at: ctx.now, from, to },
  };
}
