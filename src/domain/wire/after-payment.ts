/**
 * The control routes of what happens after a payment: refunds (list, the test dashboard's
 * "Accept", void), the chargeback Sofort does not have, recurring tokens and the Second
 * Chance outbox, declared once as JSON Schema (see schema-type.ts for what reads a
 * declaration).
 *
 * The outbox's `status` and a refund id in the path keep the judge they had before the
 * declarations (the route), so that their refusals keep their wording.
 */
import type { FromSchema } from '../schema-type.js';
import { ORDER_ID_PARAMS, REFUSALS, TIME, TIME_OR_NULL } from './common.js';

const REFUND_STATUSES = ['reserved', 'completed', 'void'] as const;
const MSP_TIME = { type: 'string', description: "MultiSafepay's local time (Europe/Amsterdam unless configured), as the API writes it", example: '2026-03-10T12:00:00' } as const;

export const REFUND_SCHEMA = {
  title: 'RefundView',
  type: 'object',
  required: ['refund_id', 'order_id', 'transaction_id', 'refund_order_id', 'amount', 'currency', 'description', 'status', 'created', 'modified', 'settles_at', 'checkout_data'],
  properties: {
    refund_id: { type: 'integer', description: 'the id GET /v1/json/transactions/{id} also knows' },
    order_id: { oneOf: [{ type: 'string' }, { type: 'integer' }], description: 'the order refunded' },
    transaction_id: { type: 'integer', description: 'PSP id of the order refunded' },
    refund_order_id: { type: 'string', nullable: true },
    amount: { type: 'integer', description: 'cents' },
    currency: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string', enum: REFUND_STATUSES },
    created: MSP_TIME,
    modified: MSP_TIME,
    settles_at: { ...TIME_OR_NULL, description: 'when a reserved refund settles on its own (the next midnight); null when settled or void' },
    checkout_data: {
      type: 'object',
      nullable: true,
      required: ['items'],
      description: 'the cart lines the refund request carried',
      properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  },
} as const;

const REFUND_ID_PARAMS = {
  type: 'object',
  required: ['refund_id'],
  properties: { refund_id: { type: 'string', description: "refund id (refund_id in the refund's answer)" } },
} as const;

const ONE_REFUND = { type: 'object', required: ['refund'], properties: { refund: REFUND_SCHEMA } } as const;

export const TOKEN_SCHEMA = {
  title: 'RecurringToken',
  type: 'object',
  required: ['reference', 'created', 'transaction_id', 'token', 'code', 'display', 'name_holder', 'expiry_date', 'expired', 'last4', 'model', 'recurring_model'],
  properties: {
    reference: { type: 'string', description: 'customer.reference of the payment that made it' },
    created: TIME,
    transaction_id: { type: 'integer', description: 'PSP id of the payment that made it' },
    token: { type: 'string' },
    code: { type: 'string', description: 'gateway later charges run with' },
    display: { type: 'string', example: 'DE89 **** 3000' },
    name_holder: { type: 'string' },
    expiry_date: { type: 'string', description: 'YYMM; empty until the merchant sets one' },
    expired: { type: 'integer' },
    last4: { type: 'string' },
    model: { type: 'string', enum: ['cardOnFile', 'subscription', 'unscheduled'] },
    recurring_model: { type: 'string', enum: ['cardOnFile', 'subscription', 'unscheduled'] },
  },
} as const;

export const SUPPRESSION_REASONS = [
  'no_email', 'recurring', 'paid', 'exclude_order', 'cancelled', 'expired', 'declined', 'order_id_paid', 'newer_attempt', 'recent_transaction', 'recent_payment',
] as const;

export const OUTBOX_ENTRY_SCHEMA = {
  title: 'SecondChanceEmail',
  type: 'object',
  required: ['id', 'site', 'order_id', 'transaction_id', 'reminder', 'created', 'status'],
  properties: {
    id: { type: 'string' },
    site: { type: 'string' },
    order_id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    transaction_id: { type: 'integer' },
    reminder: { type: 'integer', description: '1 (after an hour) or 2 (after a day); 0 when suppressed at order creation' },
    created: { ...TIME, description: 'sandbox time the reminder fell due' },
    status: { type: 'string', enum: ['sent', 'suppressed'] },
    reason: { type: 'string', enum: SUPPRESSION_REASONS, description: 'suppressed: why' },
    detail: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    subject: { type: 'string' },
    text: { type: 'string' },
    link: { type: 'string', description: 'the payment page of the order: the link in the email' },
    smtp: {
      type: 'object',
      required: ['status'],
      description: 'SMTP hand-over: not configured, delivered, or failed with the reason',
      properties: { status: { type: 'string', enum: ['off', 'delivered', 'failed'] }, detail: { type: 'string' } },
    },
  },
} as const;

export const LIST_REFUNDS = {
  summary: 'Refunds of the site (or of every site), with their status',
  tags: ['after payment'],
  querystring: {
    type: 'object',
    properties: { status: { type: 'string', enum: REFUND_STATUSES, 'x-error-code': 'unknown_status', description: 'reserved, completed or void' } },
  },
  response: { 200: { type: 'object', required: ['refunds'], properties: { refunds: { type: 'array', items: REFUND_SCHEMA } } }, ...REFUSALS },
} as const;

export const ACCEPT_REFUND = {
  summary: 'Settle a reserved refund now (the test dashboard\'s "Accept")',
  tags: ['after payment'],
  params: REFUND_ID_PARAMS,
  response: { 200: ONE_REFUND, ...REFUSALS },
} as const;

export const VOID_REFUND = {
  summary: 'Void a reserved refund (the money stays with the merchant)',
  tags: ['after payment'],
  params: REFUND_ID_PARAMS,
  response: { 200: ONE_REFUND, ...REFUSALS },
} as const;

export const CHARGEBACK = {
  summary: 'Always refused with 409: Sofort has no chargebacks',
  description: 'A Sofort payment cannot be charged back; test a refund instead (POST /v1/json/orders/{id}/refunds).',
  tags: ['after payment'],
  params: ORDER_ID_PARAMS,
  response: { ...REFUSALS },
} as const;

export const LIST_TOKENS = {
  summary: 'Recurring tokens made by Sofort payments, per customer reference',
  tags: ['after payment'],
  querystring: { type: 'object', properties: { reference: { type: 'string', description: 'customer.reference' } } },
  response: { 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: TOKEN_SCHEMA } } }, ...REFUSALS },
} as const;

export const LIST_OUTBOX = {
  summary: 'Second Chance reminder emails sent (or suppressed, with the reason)',
  tags: ['after payment'],
  querystring: {
    type: 'object',
    properties: { order_id: { type: 'string', description: 'emails of this order' }, status: { type: 'string', description: 'sent or suppressed' } },
  },
  response: { 200: { type: 'object', required: ['emails'], properties: { emails: { type: 'array', items: OUTBOX_ENTRY_SCHEMA } } }, ...REFUSALS },
} as const;

export const CLEAR_OUTBOX = {
  summary: 'Empty the Second Chance outbox (of the site, or all)',
  tags: ['after payment'],
  response: { 200: { type: 'object', required: ['removed'], properties: { removed: { type: 'integer', description: 'how many entries went' } } }, ...REFUSALS },
} as const;

export const PENDING_REMINDERS = {
  summary: 'Second Chance reminders still to fall due, with when',
  tags: ['after payment'],
  response: {
    200: {
      type: 'object',
      required: ['pending'],
      properties: {
        pending: {
          type: 'array',
          items: {
            type: 'object',
            required: ['transaction_id', 'reminder', 'due'],
            properties: { transaction_id: { type: 'integer' }, reminder: { type: 'integer', description: '1 (after an hour) or 2 (after a day)' }, due: TIME },
          },
        },
      },
    },
    ...REFUSALS,
  },
} as const;

export type RefundStatusFilter = (typeof REFUND_STATUSES)[number];
export type RefundControlView = FromSchema<typeof REFUND_SCHEMA>;
export type RecurringTokenView = FromSchema<typeof TOKEN_SCHEMA>;
export type OutboxEntryView = FromSchema<typeof OUTBOX_ENTRY_SCHEMA>;
