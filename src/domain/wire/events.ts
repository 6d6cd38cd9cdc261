/**
 * GET /_sandbox/events, the server-sent event stream, declared once; see schema-type.ts.
 * The stream is not JSON: its answer is declared as text/event-stream, each event an
 * `event: <type>` line and one JSON `data:` line.
 */
import type { FromSchema } from '../schema-type.js';
import { REFUSALS } from './common.js';

export const EVENT_TYPES = ['api', 'status', 'notification', 'delivery', 'token', 'notification_state'] as const;
/** What a stream that names no types carries. */
export const DEFAULT_EVENT_TYPES = ['api', 'status', 'notification', 'delivery'] as const;

/** `types` stays text: the route reads the comma-separated list and names a wrong type. */
export const EVENTS_QUERY = {
  type: 'object',
  properties: {
    types: {
      type: 'string',
      description: `comma-separated event types: ${DEFAULT_EVENT_TYPES.join(', ')} (the default), ${EVENT_TYPES.filter((t) => !(DEFAULT_EVENT_TYPES as readonly string[]).includes(t)).join(', ')}`,
      example: 'status,notification',
    },
  },
} as const;

export const EVENT_STREAM = {
  summary: 'What happens in a site as it happens (server-sent events): api, status, notification, delivery; token, notification_state when named',
  description:
    'Read by `sofort-sandbox logs --follow` and `sofort-sandbox listen`. A notification event carries the body MultiSafepay would send, whether or not the order has a notification_url (src/control/routes-events.ts).',
  tags: ['events'],
  produces: 'text/event-stream',
  querystring: EVENTS_QUERY,
  response: {
    200: { type: 'string', description: 'server-sent events: first `ready`, then `event: <type>` with one JSON `data:` line each ({type, site, at, ...})' },
    ...REFUSALS,
  },
} as const;

export type SandboxEventType = (typeof EVENT_TYPES)[number];
export type EventsQuery = FromSchema<typeof EVENTS_QUERY>;
