/**
 * The webhook control routes (delivery log, resend, the deprecated fault scopes, stats, the
 * site's notification URL), declared once as JSON Schema (see schema-type.ts for what reads
 * a declaration). The notification record is the delivery log entry as the sandbox keeps it
 * (times in epoch milliseconds of sandbox time), served as it is.
 *
 * A few fields keep the judge they had before the declarations, so that their refusals keep
 * their wording: the log's `state` and `limit` below 1 (the route), the deprecated PUT body
 * (readFaultRules in domain/webhook-faults.ts, which also reads the start-up options) and the
 * notification URL (domain/notification-url.ts).
 */
import { FAULT_KINDS } from '../webhook-faults.js';
import { NOTIFICATION_STATES } from '../notification-states.js';
import type { FromSchema } from '../schema-type.js';
import { ID_PARAMS, REFUSALS } from './common.js';

const TIME_MS = { type: 'integer', description: 'sandbox time, epoch milliseconds' } as const;
const HTTP_METHOD = { type: 'string', enum: ['POST', 'GET'] } as const;
const SET = { type: 'boolean', enum: [true] } as const;

export const ATTEMPT_SCHEMA = {
  title: 'NotificationAttempt',
  type: 'object',
  required: ['n', 'kind', 'at', 'request', 'response', 'duration_ms', 'error', 'acknowledged'],
  properties: {
    n: { type: 'integer', description: '1, 2, ... across every kind of attempt of this notification' },
    kind: { type: 'string', enum: ['first', 'retry', 'resend', 'duplicate'] },
    at: { ...TIME_MS, description: 'sandbox time (epoch ms) the request left' },
    request: {
      type: 'object',
      required: ['method', 'url', 'headers', 'body'],
      properties: {
        method: HTTP_METHOD,
        url: { type: 'string', description: 'with transactionid and timestamp appended' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: { type: 'string', nullable: true },
      },
    },
    response: {
      type: 'object',
      nullable: true,
      description: 'null when no HTTP answer came (refused, reset, timeout)',
      required: ['status', 'body', 'truncated'],
      properties: { status: { type: 'integer' }, body: { type: 'string' }, truncated: { type: 'boolean' } },
    },
    duration_ms: { type: 'number', description: 'real milliseconds from sending to the end of the answer (or the error)' },
    error: { type: 'string', nullable: true },
    acknowledged: { type: 'boolean', description: 'the shop answered 200 with OK (or as the acknowledgement rule says)' },
  },
} as const;

export const APPLIED_FAULTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: 'what the fault rules decided for this notification',
  properties: {
    drop: SET,
    duplicate: SET,
    reorder_hold_ms: { type: 'integer', description: 'held until the next notification of the order went out, at most this long' },
    delay_ms: { type: 'integer' },
    wrong_key: SET,
    malformed: SET,
  },
} as const;

export const NOTIFICATION_RECORD_SCHEMA = {
  title: 'NotificationRecord',
  type: 'object',
  required: [
    'id', 'seq', 'site', 'order_id', 'transaction_id', 'event', 'status', 'financial_status', 'created_at', 'method', 'url', 'body', 'faults', 'state', 'natural_due',
    'next_attempt_at', 'attempts_made', 'attempts', 'attempts_total',
  ],
  properties: {
    id: { type: 'string', description: 'notification id, for GET and resend' },
    seq: { type: 'integer' },
    site: { type: 'string' },
    order_id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    transaction_id: { type: 'integer' },
    event: { type: 'string', description: 'the engine event that caused it: status_changed, refund_created, order_created, ...' },
    status: { type: 'string', description: 'the order status the body reports' },
    financial_status: { type: 'string', description: 'the transaction status the body reports' },
    created_at: { ...TIME_MS, description: 'sandbox time (epoch ms) the change happened' },
    method: HTTP_METHOD,
    url: { type: 'string', description: 'notification_url as the merchant gave it' },
    body: { type: 'string', nullable: true, description: 'the exact bytes of the order at the change (null for GET notifications)' },
    faults: APPLIED_FAULTS_SCHEMA,
    state: { type: 'string', enum: NOTIFICATION_STATES },
    natural_due: { ...TIME_MS, description: 'when the first attempt is due without fault delays' },
    next_attempt_at: { type: 'integer', nullable: true, description: 'sandbox time (epoch ms) of the next automatic attempt; null: none planned' },
    attempts_made: { type: 'integer', description: 'automatic attempts made (first + retries)' },
    attempts: { type: 'array', items: ATTEMPT_SCHEMA, description: 'oldest first (the last 20)' },
    attempts_total: { type: 'integer' },
  },
} as const;

export const WEBHOOK_STATS_SCHEMA = {
  title: 'WebhookStats',
  type: 'object',
  required: ['pending', 'inFlight', 'queued'],
  properties: {
    pending: { type: 'integer', description: 'notifications not yet delivered, failed or dropped' },
    inFlight: { type: 'integer', description: 'requests on their way to the shop' },
    queued: { type: 'integer', description: 'attempts waiting for a free connection' },
  },
} as const;

export const FAULT_RULE_SCHEMA = {
  title: 'NotificationFault',
  type: 'object',
  required: ['fault'],
  additionalProperties: false,
  properties: {
    fault: { type: 'string', enum: FAULT_KINDS },
    probability: { type: 'number', minimum: 0, maximum: 1, description: 'chance per notification (default 1), seeded' },
    times: { type: 'integer', minimum: 1, description: 'apply to this many notifications, then the rule is spent' },
    ms: { type: 'integer', minimum: 0, description: 'delay: extra sandbox milliseconds (required); reorder: longest hold' },
    statuses: { type: 'array', items: { type: 'string' }, description: 'only notifications whose order status is one of these' },
  },
} as const;

const FAULT_SCOPES = ['sandbox', 'site', 'order'] as const;
const FAULTS = { type: 'array', items: FAULT_RULE_SCHEMA } as const;

const DEPRECATED =
  'Kept for one minor version: a view over the one rule book. Write notification faults as failure rules with target "notification" on /_sandbox/failures (a scope is the rule\'s site and match.order_id; ms is delay, times is times).';

const NOTIFICATION_ID_PARAMS = { ...ID_PARAMS, properties: { id: { type: 'string', description: 'notification id from the delivery log' } } } as const;

export const LIST_DELIVERIES = {
  summary: "The site's notification delivery log (every site's without api_key), oldest first, with every attempt (request, answer, acknowledged)",
  tags: ['webhooks'],
  querystring: {
    type: 'object',
    properties: {
      order_id: { type: 'string', description: 'notifications of this order only' },
      state: { type: 'string', description: `${NOTIFICATION_STATES.slice(0, -1).join(', ')} or ${NOTIFICATION_STATES.at(-1)}` },
      limit: { type: 'integer', description: 'the last n (1 or more)' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['deliveries', 'stats'],
      properties: { deliveries: { type: 'array', items: NOTIFICATION_RECORD_SCHEMA }, stats: WEBHOOK_STATS_SCHEMA },
    },
    ...REFUSALS,
  },
} as const;

export const READ_DELIVERY = {
  summary: 'One notification with its attempts',
  tags: ['webhooks'],
  params: NOTIFICATION_ID_PARAMS,
  response: { 200: NOTIFICATION_RECORD_SCHEMA, ...REFUSALS },
} as const;

export const RESEND_DELIVERY = {
  summary: 'Send a notification again now (the dashboard\'s "resend")',
  description: 'Same body and signature; does not use up its automatic retries; an acknowledged resend ends them.',
  tags: ['webhooks'],
  params: NOTIFICATION_ID_PARAMS,
  response: { 200: NOTIFICATION_RECORD_SCHEMA, ...REFUSALS },
} as const;

export const LIST_FAULT_SCOPES = {
  summary: 'Notification fault rules that concern the site, by scope (sandbox, site and order)',
  description: DEPRECATED,
  deprecated: true,
  tags: ['webhooks'],
  site: 'required',
  response: {
    200: {
      type: 'object',
      required: ['sandbox', 'site', 'orders'],
      properties: {
        sandbox: FAULTS,
        site: FAULTS,
        orders: { type: 'object', additionalProperties: FAULTS, description: 'by order_id' },
      },
    },
    ...REFUSALS,
  },
} as const;

export const SET_FAULT_SCOPE = {
  summary: 'Set the notification fault rules of a scope: drop, duplicate, reorder, delay, wrong_key, malformed',
  description: `The most specific scope with rules decides (order, then site, then sandbox). ${DEPRECATED}`,
  deprecated: true,
  tags: ['webhooks'],
  site: 'required',
  body: {
    'x-checked-by': 'readFaultRules (src/domain/webhook-faults.ts), which also reads the webhooks.faults start-up option',
    type: 'object',
    required: ['faults'],
    additionalProperties: false,
    properties: {
      faults: { ...FAULTS, maxItems: 50, description: 'the rules of the scope; an empty list clears it' },
      order_id: { type: 'string', description: 'the order scope (the merchant order_id)' },
      scope: { type: 'string', enum: FAULT_SCOPES, description: 'default: order when order_id is given, else site' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['scope', 'faults'],
      properties: { scope: { type: 'string', enum: FAULT_SCOPES }, order_id: { type: 'string' }, faults: FAULTS },
    },
    ...REFUSALS,
  },
} as const;

export const CLEAR_FAULT_SCOPE = {
  summary: 'Clear the fault rules of a scope',
  description: DEPRECATED,
  deprecated: true,
  tags: ['webhooks'],
  site: 'required',
  querystring: {
    type: 'object',
    properties: {
      order_id: { type: 'string', description: 'the order scope' },
      scope: { type: 'string', enum: FAULT_SCOPES, description: 'sandbox, site or order (default: order when order_id is given, else site)' },
    },
  },
  response: {
    200: { type: 'object', required: ['scope', 'cleared'], properties: { scope: { type: 'string', enum: FAULT_SCOPES }, cleared: { type: 'boolean', description: 'false when the scope had no rules' } } },
    ...REFUSALS,
  },
} as const;

export const WEBHOOK_STATS = {
  summary: 'Notifications pending, in flight and queued',
  tags: ['webhooks'],
  site: 'none',
  response: { 200: WEBHOOK_STATS_SCHEMA, ...REFUSALS },
} as const;

export const SITE_SETTINGS_SCHEMA = {
  title: 'SiteSettings',
  type: 'object',
  required: ['site', 'notification_url', 'source', 'advice'],
  properties: {
    site: { type: 'string' },
    notification_url: { type: 'string', nullable: true },
    source: { type: 'string', enum: ['site', 'default', 'none'], description: "where the URL comes from: the site's own setting, the start-up default, or none" },
    advice: { type: 'array', items: { type: 'string' }, description: 'what may keep notifications from arriving (an http URL, a local address...)' },
  },
} as const;

export const READ_SITE_SETTINGS = {
  summary: "The site's notification URL (as set in MultiSafepay's dashboard), used for orders without notification_url",
  tags: ['webhooks'],
  site: 'required',
  response: { 200: SITE_SETTINGS_SCHEMA, ...REFUSALS },
} as const;

export const SET_SITE_SETTINGS = {
  summary: "Set the site's notification URL; null goes back to the start-up default (siteNotificationUrl)",
  tags: ['webhooks'],
  site: 'required',
  // bad_request, the code this call's refusals always had.
  body: {
    type: 'object',
    'x-error-code': 'bad_request',
    required: ['notification_url'],
    additionalProperties: false,
    properties: {
      notification_url: { type: 'string', nullable: true, 'x-error-code': 'bad_request', example: 'https://shop.example/webhook', description: 'an absolute http(s) URL; null or "" clears it' },
    },
  },
  response: { 200: SITE_SETTINGS_SCHEMA, ...REFUSALS },
} as const;

export type NotificationRecordView = FromSchema<typeof NOTIFICATION_RECORD_SCHEMA>;
export type NotificationAttemptView = FromSchema<typeof ATTEMPT_SCHEMA>;
export type NotificationAttemptKind = NotificationAttemptView['kind'];
export type WebhookStatsView = FromSchema<typeof WEBHOOK_STATS_SCHEMA>;
export type FaultRuleView = FromSchema<typeof FAULT_RULE_SCHEMA>;
export type FaultScopeKind = (typeof FAULT_SCOPES)[number];
export type SiteSettingsView = FromSchema<typeof SITE_SETTINGS_SCHEMA>;
