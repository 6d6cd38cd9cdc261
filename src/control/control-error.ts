/**
 * Errors of the control API. The control plane is not MultiSafepay's API, so it answers
 * in its own small shape, `{error: {code, message}}`, with a 4xx status and a message that
 * names the field and the fix. Bad input is refused before anything changes.
 */
export type ControlErrorCode =
  | 'bad_request'
  | 'invalid_body'
  | 'invalid_duration'
  | 'invalid_time'
  | 'invalid_rule'
  | 'unknown_status'
  | 'unknown_scenario'
  | 'unknown_site'
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

/** The body of a control call as an object: absent means {}, anything but an object is refused. */
export function bodyObject(body: unknown): Obj {
  if (body === undefined || body === null || body === '') return {};
  if (!isObj(body)) throw new ControlError(400, 'invalid_body', 'the request body must be a JSON object');
  return body;
}

/** Refuse fields the endpoint does not know (a typo like `orderId` must not be ignored). */
export function onlyFields(obj: Obj, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw badField(where ? `${where}.${k}` : k, `unknown field; known fields: ${allowed.join(', ')}`);
    }
  }
}
