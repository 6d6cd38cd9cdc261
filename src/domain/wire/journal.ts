/**
 * The request journal (request verification), declared once; see schema-type.ts.
 */
import type { FromSchema } from '../schema-type.js';
import { REFUSALS, TIME } from './common.js';

export const JOURNAL_ENTRY = {
  title: 'JournalEntry',
  type: 'object',
  required: [
    'seq', 'at', 'method', 'url', 'path', 'status', 'outcome', 'duration_ms', 'site', 'order_id', 'error_code', 'failure', 'request_body', 'request_truncated',
    'response_body', 'response_truncated',
  ],
  properties: {
    seq: { type: 'integer' },
    at: { ...TIME, description: "sandbox time of the call on the site's clock" },
    method: { type: 'string', description: 'the method the API acted on (a POST with X-HTTP-Method-Override counts as that method)' },
    url: { type: 'string', description: 'path and query, with an api_key query value and a token in the path masked' },
    path: { type: 'string', description: 'the path under /v1/json, without the query: /orders, /orders/order-1/refunds' },
    status: { type: 'integer', nullable: true, description: 'HTTP status sent; null when the connection was dropped or never answered' },
    outcome: { type: 'string', enum: ['answered', 'dropped', 'timeout'] },
    duration_ms: { type: 'number', description: 'real milliseconds from receiving the request to the answer (or the drop)' },
    site: { type: 'string', nullable: true },
    order_id: { type: 'string', nullable: true },
    error_code: { type: 'integer', nullable: true, description: 'MultiSafepay error_code of the answer, if it was an error envelope' },
    failure: { type: 'string', nullable: true, description: 'the failure rule that shaped this call, if any' },
    request_body: {
      description: 'the request body the shop sent: parsed JSON (tokens and keys masked), or its text; null when it sent none. Over the size cap (16 KB), the first bytes as text with request_truncated',
    },
    request_truncated: { type: 'boolean' },
    response_body: { description: 'the answer\'s body, likewise (null when there was no answer)' },
    response_truncated: { type: 'boolean' },
    hint: { type: 'string', nullable: true, description: "the sandbox's explanation of an error answer (sandbox_hint), if any" },
    advice: { type: 'array', items: { type: 'string' }, description: 'where live MultiSafepay would refuse this call or the shop is fragile (integration advisor)' },
  },
} as const;

const FILTER_PROPERTIES = {
  method: { type: 'string', description: 'HTTP method' },
  path: { type: 'string', description: 'path under /v1/json, exact or with * for any run of characters (e.g. /orders/*)' },
  order_id: { type: 'string', description: 'calls about this order' },
  has: { type: 'string', description: 'a top-level field the request body has, e.g. shopping_cart' },
  status: { type: 'integer', description: 'HTTP status of the answer' },
  limit: { type: 'integer', description: 'at most this many, 1 to 100000' },
} as const;

/** How the journal is filtered: the typed client's filter, sent as the query of GET /_sandbox/journal. */
export const REQUEST_FILTER = { title: 'RequestFilter', type: 'object', additionalProperties: false, properties: FILTER_PROPERTIES } as const;

/**
 * The filter as a query. `status` is text here: the route judges it, so that `?status=ok`
 * is answered with what an HTTP status looks like.
 */
export const JOURNAL_QUERY = {
  type: 'object',
  properties: { ...FILTER_PROPERTIES, status: { type: 'string', description: 'HTTP status of the answer, such as 200 or 404', example: '404' } },
} as const;

export const READ_JOURNAL = {
  summary: 'Recent MultiSafepay API calls with their request and response bodies, newest first (bounded, default 500): request verification',
  description: 'Bodies are parsed JSON with API keys and tokens masked, capped at 16 KB (then text with request_truncated / response_truncated). `count` is the number of entries that matched.',
  tags: ['inspection'],
  querystring: JOURNAL_QUERY,
  response: {
    200: {
      type: 'object',
      required: ['capacity', 'count', 'entries'],
      properties: {
        capacity: { type: 'integer', description: 'how many calls the journal keeps' },
        count: { type: 'integer', description: 'entries that matched' },
        entries: { type: 'array', items: JOURNAL_ENTRY },
      },
    },
    ...REFUSALS,
  },
} as const;

export const CLEAR_JOURNAL = {
  summary: 'Clear the request journal (of the site, or all)',
  tags: ['inspection'],
  response: { 200: { type: 'object', required: ['removed'], properties: { removed: { type: 'integer', description: 'entries removed' } } }, ...REFUSALS },
} as const;

export type JournalEntry = FromSchema<typeof JOURNAL_ENTRY>;
export type RequestFilter = FromSchema<typeof REQUEST_FILTER>;
export type JournalQuery = FromSchema<typeof JOURNAL_QUERY>;
