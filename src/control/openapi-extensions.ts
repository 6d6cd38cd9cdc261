/**
 * Descriptions of the control routes other features add as extensions (webhooks in
 * src/control/routes-webhooks.ts; refunds, tokens and Second Chance in
 * after-payment-routes.ts). Kept apart from openapi.ts so the core list stays readable.
 */
import type { RouteDoc } from './openapi-route-doc.js';

type Json = Record<string, unknown>;

const SITE: Json = { name: 'api_key', in: 'header', required: false, description: 'the site (website API key); also ?api_key=', schema: { type: 'string' } };
const SITE_REQUIRED: Json = { ...SITE, required: true, description: 'the site (website API key); also ?api_key= or Authorization: Bearer' };
const q = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });
const path = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const FAULT: Json = {
  type: 'object',
  required: ['fault'],
  properties: {
    fault: { type: 'string', enum: ['drop', 'duplicate', 'reorder', 'delay', 'wrong_key', 'malformed'] },
    probability: { type: 'number', minimum: 0, maximum: 1, description: 'chance per notification (default 1), seeded' },
    times: { type: 'integer', minimum: 1, description: 'apply to this many notifications, then the rule is spent' },
    ms: { type: 'integer', description: 'delay: extra sandbox milliseconds (required); reorder: longest hold' },
    statuses: { type: 'array', items: { type: 'string' }, description: 'only notifications whose order status is one of these' },
  },
};
const DEPRECATED =
  'Kept for one minor version: a view over the one rule book. Write notification faults as failure rules with target "notification" on /_sandbox/failures (a scope is the rule\'s site and match.order_id; ms is delay, times is times).';
const SCOPE = q('scope', 'sandbox, site or order (default: order when order_id is given, else site)', { type: 'string', enum: ['sandbox', 'site', 'order'] });

export const EXTENSION_DOCS: Record<string, RouteDoc> = {
  'GET /_sandbox/events': {
    summary: 'What happens in a site as it happens (server-sent events): api, status, notification, delivery; token, notification_state when named',
    description:
      'Read by `sofort-sandbox logs --follow` and `sofort-sandbox listen`. A notification event carries the body MultiSafepay would send, whether or not the order has a notification_url (src/control/routes-events.ts).',
    tags: ['events'],
    parameters: [SITE, q('types', 'comma-separated event types: api, status, notification, delivery (the default), token, notification_state')],
  },
  'GET /_sandbox/webhooks/deliveries': {
    summary: "The site's notification delivery log (every site's without api_key), oldest first, with every attempt (request, answer, acknowledged)",
    tags: ['webhooks'],
    parameters: [SITE, q('order_id', 'notifications of this order only'), q('state', 'pending, held, delivered, failed or dropped'), q('limit', 'the last n', { type: 'integer' })],
  },
  'GET /_sandbox/webhooks/deliveries/{id}': { summary: 'One notification with its attempts', tags: ['webhooks'], parameters: [SITE, path('id', 'notification id from the delivery log')] },
  'POST /_sandbox/webhooks/deliveries/{id}/resend': {
    summary: 'Send a notification again now (the dashboard\'s "resend")',
    description: 'Same body and signature; does not use up its automatic retries; an acknowledged resend ends them.',
    tags: ['webhooks'],
    parameters: [SITE, path('id', 'notification id from the delivery log')],
  },
  'GET /_sandbox/webhooks/faults': {
    summary: 'Notification fault rules that concern the site, by scope (sandbox, site and order)',
    description: DEPRECATED,
    deprecated: true,
    tags: ['webhooks'],
    parameters: [SITE_REQUIRED],
  },
  'PUT /_sandbox/webhooks/faults': {
    summary: 'Set the notification fault rules of a scope: drop, duplicate, reorder, delay, wrong_key, malformed',
    description: `The most specific scope with rules decides (order, then site, then sandbox). ${DEPRECATED}`,
    deprecated: true,
    tags: ['webhooks'],
    parameters: [SITE_REQUIRED],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { type: 'object', required: ['faults'], properties: { faults: { type: 'array', items: FAULT }, order_id: { type: 'string' }, scope: { type: 'string', enum: ['sandbox', 'site', 'order'] } } } } },
    },
  },
  'DELETE /_sandbox/webhooks/faults': { summary: 'Clear the fault rules of a scope', description: DEPRECATED, deprecated: true, tags: ['webhooks'], parameters: [SITE_REQUIRED, q('order_id', 'the order scope'), SCOPE] },
  'GET /_sandbox/webhooks/stats': { summary: 'Notifications pending, in flight and queued', tags: ['webhooks'] },
  'GET /_sandbox/webhooks/site-settings': {
    summary: "The site's notification URL (as set in MultiSafepay's dashboard), used for orders without notification_url",
    tags: ['webhooks'],
    parameters: [SITE_REQUIRED],
  },
  'PUT /_sandbox/webhooks/site-settings': {
    summary: "Set the site's notification URL; null goes back to the start-up default (siteNotificationUrl)",
    tags: ['webhooks'],
    parameters: [SITE_REQUIRED],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['notification_url'], properties: { notification_url: { type: ['string', 'null'], format: 'uri' } } } } } },
  },

  'GET /_sandbox/refunds': {
    summary: 'Refunds of the site (or of every site), with their status',
    tags: ['after payment'],
    parameters: [SITE, q('status', 'reserved, completed or void', { type: 'string', enum: ['reserved', 'completed', 'void'] })],
  },
  'POST /_sandbox/refunds/{refund_id}/accept': { summary: 'Settle a reserved refund now (the test dashboard\'s "Accept")', tags: ['after payment'], parameters: [SITE, path('refund_id', 'refund id')] },
  'POST /_sandbox/refunds/{refund_id}/void': { summary: 'Void a reserved refund (the money stays with the merchant)', tags: ['after payment'], parameters: [SITE, path('refund_id', 'refund id')] },
  'POST /_sandbox/orders/{id}/chargeback': { summary: 'Always refused with 409: Sofort has no chargebacks', tags: ['after payment'], parameters: [SITE, path('id', 'order_id or transaction_id')] },
  'GET /_sandbox/recurring/tokens': { summary: 'Recurring tokens made by Sofort payments, per customer reference', tags: ['after payment'], parameters: [SITE, q('reference', 'customer.reference')] },
  'GET /_sandbox/second-chance/outbox': {
    summary: 'Second Chance reminder emails sent (or suppressed, with the reason)',
    tags: ['after payment'],
    parameters: [SITE, q('order_id', 'emails of this order'), q('status', 'sent or suppressed', { type: 'string', enum: ['sent', 'suppressed'] })],
  },
  'DELETE /_sandbox/second-chance/outbox': { summary: 'Empty the Second Chance outbox (of the site, or all)', tags: ['after payment'], parameters: [SITE] },
  'GET /_sandbox/second-chance/pending': { summary: 'Second Chance reminders still to fall due, with when', tags: ['after payment'], parameters: [SITE] },
};
