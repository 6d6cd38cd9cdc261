/**
 * How the control plane shows an order, its timeline and a wait, and the inspection routes
 * that answer them (declared once; see schema-type.ts).
 */
import { FINANCIAL_STATUSES, ORDER_STATUSES } from '../statuses.js';
import { SCENARIOS } from '../scenarios.js';
import type { FromSchema } from '../schema-type.js';
import { DURATION_TEXT, ORDER_ID_PARAMS, REFUSALS, TIME, TIME_OR_NULL } from './common.js';

export const ORDER_SUMMARY_PROPERTIES = {
  site: { type: 'string', description: 'the API key of the site the order belongs to' },
  order_id: { oneOf: [{ type: 'string' }, { type: 'integer' }], description: "the shop's order_id, as it sent it" },
  transaction_id: { type: 'integer', description: "MultiSafepay's transaction id (PSP id)" },
  status: { type: 'string', enum: ORDER_STATUSES },
  financial_status: { type: 'string', enum: FINANCIAL_STATUSES },
  amount: { type: 'integer', description: 'cents' },
  currency: { type: 'string' },
  description: { type: 'string' },
  customer_email: { type: 'string', nullable: true },
  country: { type: 'string', nullable: true },
  scenario: { type: 'string', enum: [...SCENARIOS, null], nullable: true, description: 'the outcome chosen for it, if any' },
  scenario_plays_at: { ...TIME_OR_NULL, description: 'when the chosen outcome plays on its own; null: at the bank page, or played' },
  created: TIME,
  modified: TIME,
  expires_at: TIME_OR_NULL,
  clears_at: { ...TIME_OR_NULL, description: 'when an uncleared payment completes' },
} as const;

export const ORDER_SUMMARY_REQUIRED = [
  'site', 'order_id', 'transaction_id', 'status', 'financial_status', 'amount', 'currency', 'description', 'customer_email', 'country', 'scenario',
  'scenario_plays_at', 'created', 'modified', 'expires_at', 'clears_at',
] as const;

export const ORDER_SUMMARY = { title: 'OrderSummary', type: 'object', required: ORDER_SUMMARY_REQUIRED, properties: ORDER_SUMMARY_PROPERTIES } as const;

export type OrderSummary = FromSchema<typeof ORDER_SUMMARY>;

const STATE = {
  type: 'object',
  required: ['status', 'financial_status'],
  properties: { status: { type: 'string', enum: ORDER_STATUSES }, financial_status: { type: 'string', enum: FINANCIAL_STATUSES } },
} as const;

export const TIMELINE_ENTRY = {
  title: 'TimelineEntry',
  type: 'object',
  required: ['at', 'cause', 'action', 'from', 'to'],
  properties: {
    at: { ...TIME, description: 'sandbox time of the transition' },
    cause: { type: 'string', enum: ['api', 'bank', 'control', 'clock'], description: 'what moved it: a call of the MultiSafepay API, the bank page, the control plane, or the clock (expiry, clearing, a delayed outcome)' },
    action: { type: 'string' },
    from: STATE,
    to: STATE,
    note: { type: 'string' },
  },
} as const;

const TIMELINE = { type: 'array', items: TIMELINE_ENTRY } as const;

export const ORDER_DETAIL = {
  title: 'OrderDetail',
  type: 'object',
  required: [...ORDER_SUMMARY_REQUIRED, 'timeline', 'pending', 'advice', 'order'],
  properties: {
    ...ORDER_SUMMARY_PROPERTIES,
    timeline: TIMELINE,
    pending: {
      type: 'array',
      description: 'timers still due for the order (expiry, clearing, a delayed outcome...)',
      items: { type: 'object', required: ['kind', 'due'], properties: { kind: { type: 'string' }, due: TIME } },
    },
    advice: { type: 'array', items: { type: 'string' }, description: 'where live MultiSafepay would refuse a call about it or the shop is fragile (integration advisor)' },
    order: { type: 'object', additionalProperties: true, description: 'the order as GET /v1/json/orders/{id} renders it' },
  },
} as const;

export const WAIT_ANSWER = {
  title: 'WaitAnswer',
  type: 'object',
  required: ['reached', 'waited_ms', ...ORDER_SUMMARY_REQUIRED],
  properties: {
    reached: { type: 'boolean', enum: [true] },
    waited_ms: { type: 'integer', description: 'real milliseconds the call waited' },
    ...ORDER_SUMMARY_PROPERTIES,
  },
} as const;

/** 408 of a wait: the refusal also names the status the order is in (null: it does not exist). */
export const WAIT_TIMEOUT = {
  title: 'WaitTimeout',
  description: 'timed out; the error names the status the order is in',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'status', 'financial_status'],
      additionalProperties: true,
      properties: {
        code: { type: 'string', enum: ['wait_timeout'] },
        message: { type: 'string', description: 'what is pending and what would move it' },
        status: { type: 'string', nullable: true, description: "the order's status; null when it does not exist" },
        financial_status: { type: 'string', nullable: true },
      },
    },
  },
} as const;

const STATUS_WORDS = `an order status (${ORDER_STATUSES.join(', ')}) or a transaction status (${FINANCIAL_STATUSES.join(', ')})`;

/**
 * Statuses are plain strings here: the wait grammar (control/wait.ts) judges them, answering
 * unknown_status with the list to choose from.
 */
export const ORDERS_QUERY = {
  type: 'object',
  properties: {
    status: { type: 'string', description: 'order status', example: 'completed' },
    financial_status: { type: 'string', description: 'transaction status', example: 'completed' },
    q: { type: 'string', description: 'text in order_id, transaction_id, description or email' },
    limit: { type: 'integer', description: 'at most this many, 1 to 10000 (default 100)' },
  },
} as const;

export const WAIT_QUERY = {
  type: 'object',
  properties: {
    status: { type: 'string', description: `status to wait for: ${STATUS_WORDS}`, example: 'completed' },
    webhook: { type: 'string', description: '"acked": wait for an acknowledged notification', example: 'acked' },
    timeout: { type: 'string', description: `real-time timeout, e.g. 10s: ${DURATION_TEXT}; default 4s, at most 2m`, example: '10s' },
  },
} as const;

export const LIST_ORDERS = {
  summary: 'Orders of the site (or of all sites), newest first',
  tags: ['inspection'],
  querystring: ORDERS_QUERY,
  response: { 200: { type: 'object', required: ['orders'], properties: { orders: { type: 'array', items: ORDER_SUMMARY } } }, ...REFUSALS },
} as const;

export const GET_ORDER = {
  summary: 'One order: summary, timeline, pending timers and the MultiSafepay order JSON',
  tags: ['inspection'],
  params: ORDER_ID_PARAMS,
  response: { 200: ORDER_DETAIL, ...REFUSALS },
} as const;

export const GET_TIMELINE = {
  summary: "The order's timeline: every transition with its cause (api, bank, control, clock)",
  tags: ['inspection'],
  params: ORDER_ID_PARAMS,
  response: {
    200: {
      type: 'object',
      required: ['order_id', 'transaction_id', 'status', 'financial_status', 'timeline'],
      properties: {
        order_id: ORDER_SUMMARY_PROPERTIES.order_id,
        transaction_id: ORDER_SUMMARY_PROPERTIES.transaction_id,
        status: ORDER_SUMMARY_PROPERTIES.status,
        financial_status: ORDER_SUMMARY_PROPERTIES.financial_status,
        timeline: TIMELINE,
      },
    },
    ...REFUSALS,
  },
} as const;

export const WAIT_FOR_ORDER = {
  summary: 'Long-poll until the order reaches a status (and/or a notification for it is acknowledged)',
  description:
    'Answers as soon as the condition holds (at once if it already does). A status matches the order status or the transaction status. With webhook=acked, only a notification reporting that status (or a later change) counts. After `timeout` (real time; default 4s, inside the 5 s test timeout of Vitest and Jest; at most 2m) it answers 408 naming what is pending and what would move it.',
  tags: ['inspection'],
  params: ORDER_ID_PARAMS,
  querystring: WAIT_QUERY,
  response: { 200: WAIT_ANSWER, 408: WAIT_TIMEOUT, ...REFUSALS },
} as const;

export type TimelineEntry = FromSchema<typeof TIMELINE_ENTRY>;
export type OrderDetail = FromSchema<typeof ORDER_DETAIL>;
export type WaitAnswer = FromSchema<typeof WAIT_ANSWER>;
export type OrdersQuery = FromSchema<typeof ORDERS_QUERY>;
export type WaitQuery = FromSchema<typeof WAIT_QUERY>;
