/**
 * Errors of the control API. The control plane is not MultiSafepay's API, so it answers
 * in its own small shape, `{error: {code, message}}`, with a 4xx status and a message that
 * names the field and the fix. Bad input is refused before anything changes.
 *
 * One contract for every control route (core, webhooks, after payment): the same mistake
 * gets the same status and code wherever it is made. docs/control-plane.md has the table.
 */
import type { FastifyError } from 'fastify';
import { ApiError } from './errors.js';
import { StorageError } from './storage-error.js';

export type ControlErrorCode =
  | 'bad_request'
  | 'invalid_body'
  | 'invalid_duration'
  | 'invalid_time'
  | 'invalid_rule'
  | 'unknown_status'
  | 'unknown_scenario'
  | 'unknown_site'
  | 'site_required'
  | 'invalid_api_key'
  | 'order_not_found'
  | 'ambiguous_order'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'too_many_guesses'
  | 'wait_timeout'
  | 'internal';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: ControlErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ControlError';
  }

  toBody(): { error: { code: string; message: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/** 400 for a field of the request: `field` is a path like `match.amount.min`. */
export function badField(field: string, fix: string, code: ControlErrorCode = 'bad_request'): ControlError {
  return new ControlError(400, code, `${field}: ${fix}`);
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuse fields the endpoint does not know (a typo like `orderId` must not be ignored). */
export function onlyFields(obj: Obj, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw badField(where ? `${where}.${k}` : k, `unknown field; known fields: ${allowed.join(', ')}`);
    }
  }
}

/**
 * An engine refusal as the control plane answers it: a thing that does not exist is 404
 * not_found, a change the order's state does not allow is 409 conflict, bad input is 400
 * bad_request; MultiSafepay's code rides along as `error_code`.
 */
export function fromApiError(err: ApiError): ControlError {
  const status = err.http === 404 ? 404 : err.http === 422 ? 409 : 400;
  const code: ControlErrorCode = status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'bad_request';
  return new ControlError(status, code, err.message, { error_code: err.code });
}

/** Anything thrown in a control route as a ControlError: the one mapping every control route uses. */
export function toControlError(err: unknown): ControlError {
  if (err instanceof ControlError) return err;
  if (err instanceof StorageError) return new ControlError(503, 'internal', err.message);
  if (err instanceof ApiError) return fromApiError(err);
  const e = err as Partial<FastifyError>;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ControlError(e.statusCode, 'invalid_body', e.message ?? 'the request could not be read');
  }
  if (err instanceof RangeError) return new ControlError(400, 'bad_request', err.message);
  return new ControlError(500, 'internal', 'the sandbox failed to handle this control call; this is a bug in the sandbox, please report it');
}
