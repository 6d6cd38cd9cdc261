/**
 * Pieces every control route's declaration shares: the error answer, durations and instants,
 * the order id in a path. Plain JSON Schema objects written `as const`, so their TypeScript
 * types come from them too (schema-type.ts). A schema with a `title` becomes a named component
 * of the served OpenAPI document.
 */

/** The control plane's refusal: `{error: {code, message}}` with a 4xx. */
export const CONTROL_ERROR = {
  title: 'ControlError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: true,
      properties: {
        code: { type: 'string', description: 'bad_request, invalid_body, invalid_duration, not_found, conflict... (docs/control-plane.md has the table)' },
        message: { type: 'string', description: 'what is wrong and how to fix it' },
      },
    },
  },
} as const;

/** What every control route may answer besides its success. */
export const REFUSALS = { '4XX': CONTROL_ERROR } as const;

export const DURATION_TEXT = '"90s", "15m", "24h", "1d2h", "500ms" or milliseconds';
export const INSTANT_TEXT = 'ISO 8601 time or epoch milliseconds';

/**
 * A duration. Validation takes any string or number, and `x-grammar` has the duration grammar
 * (options/duration.ts) word a refusal with its own advice (invalid_duration).
 */
export const DURATION = { anyOf: [{ type: 'string', example: '1d2h' }, { type: 'number' }], 'x-grammar': 'duration', description: DURATION_TEXT } as const;
/** A duration that may be null (left out). */
export const DURATION_OR_NULL = { anyOf: [{ type: 'string', nullable: true, example: '90s' }, { type: 'number' }], 'x-grammar': 'duration', description: DURATION_TEXT } as const;
/** An instant; as with DURATION, the time grammar words a refusal (invalid_time). */
export const INSTANT = { anyOf: [{ type: 'string', example: '2026-03-01T12:00:00Z' }, { type: 'number' }], 'x-grammar': 'instant', description: INSTANT_TEXT } as const;

/** `{id}` in a path: an order by order_id, or by transaction_id. */
export const ORDER_ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'order_id, or the transaction_id (PSP id)' } },
} as const;

/** `{id}` in a path: a rule, a notification... by the id the sandbox gave it. */
export const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

/** ISO 8601 time the sandbox wrote, or null. */
export const TIME_OR_NULL = { type: 'string', format: 'date-time', nullable: true } as const;
export const TIME = { type: 'string', format: 'date-time' } as const;
