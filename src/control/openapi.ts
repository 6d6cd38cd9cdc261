/**
 * The OpenAPI 3 document of the control API, served at /_sandbox/openapi.json. Routes are
 * described here by "METHOD /path"; a route registered under /_sandbox without a
 * description still appears, marked `x-undocumented` (test/control-openapi.test.ts fails
 * on those, so every control route, extensions included, gets described).
 */
import { SCENARIOS } from '../domain/scenarios.js';
import { FAILURES_QUERY_SCHEMA, FAILURE_RULE_INPUT_SCHEMA, FAILURE_RULE_SCHEMA, RULE_MATCH_SCHEMA } from '../domain/control-schemas.js';
import { WAIT_STATUSES } from './wait.js';
import { EXTENSION_DOCS } from './openapi-extensions.js';
import type { RouteDoc } from './openapi-route-doc.js';

type Json = Record<string, unknown>;
export type { RouteDoc };

const SITE: Json = {
  name: 'api_key',
  in: 'header',
  required: false,
  description: 'The site (website API key) the call acts on, as in the MultiSafepay API (also `?api_key=`). Without it the call acts sandbox-wide where that makes sense.',
  schema: { type: 'string' },
};
const ID: Json = { name: 'id', in: 'path', required: true, description: 'order_id, or the transaction_id (PSP id)', schema: { type: 'string' } };
/** Query parameters from a route's querystring schema (the one Fastify validates with). */
const queryParams = (schema: { properties: Record<string, { description?: string }> }): Json[] =>
  Object.entries(schema.properties).map(([name, { description, ...rest }]) => ({ name, in: 'query', required: false, ...(description ? { description } : {}), schema: rest }));
const RULE_REF = { $ref: '#/components/schemas/FailureRule' };
const RULE_ID: Json = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const q = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });
const body = (schema: Json, required = true): Json => ({ required, content: { 'application/json': { schema } } });
const ok = (description: string, schema: Json = { type: 'object' }): Record<string, Json> => ({
  '200': { description, content: { 'application/json': { schema } } },
  '4XX': { $ref: '#/components/responses/ControlError' },
});

const DURATION: Json = { oneOf: [{ type: 'string', example: '1d2h' }, { type: 'integer', minimum: 0 }], description: '"90s", "15m", "24h", "1d2h", "500ms" or milliseconds' };
const INSTANT: Json = { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer' }], description: 'ISO 8601 time or epoch milliseconds' };
const USES: Json = {
  once: { type: 'boolean', description: 'apply to one order/call, then the rule is gone' },
  times: { type: 'integer', minimum: 1, description: 'apply this many times' },
  persist: { type: 'boolean', description: 'apply until removed (the default)' },
  site: { type: 'string', description: 'API key the rule is for (default: the api_key of the call; none = every site)' },
};

const schemas: Json = {
  Match: RULE_MATCH_SCHEMA,
  ScenarioRuleInput: {
    type: 'object',
    required: ['scenario'],
    additionalProperties: false,
    properties: {
      scenario: { type: 'string', enum: [...SCENARIOS] },
      match: { $ref: '#/components/schemas/Match' },
      delay: { ...DURATION, description: 'play the outcome on its own this long after the order is created (0 = at once); without it the outcome waits for the shopper at the bank page' },
      ...USES,
    },
  },
  // Declared once in src/domain/control-schemas.ts: the same objects type the client and validate the query.
  FailureRuleInput: FAILURE_RULE_INPUT_SCHEMA,
  FailureRule: FAILURE_RULE_SCHEMA,
  Clock: {
    type: 'object',
    properties: {
      clock: { type: 'string', enum: ['sandbox', 'site'] },
      site: { type: 'string', nullable: true },
      now: { type: 'string', format: 'date-time' },
      now_ms: { type: 'integer' },
      frozen: { type: 'boolean' },
      scale: { type: 'number' },
      pending_jobs: { type: 'integer' },
      next_job_at: { type: 'string', format: 'date-time', nullable: true },
    },
  },
  OrderSummary: {
    type: 'object',
    properties: {
      site: { type: 'string' }, order_id: {}, transaction_id: { type: 'integer' }, status: { type: 'string' }, financial_status: { type: 'string' },
      amount: { type: 'integer' }, currency: { type: 'string' }, scenario: { type: 'string', nullable: true }, scenario_plays_at: { type: 'string', nullable: true },
      created: { type: 'string' }, modified: { type: 'string' }, expires_at: { type: 'string', nullable: true }, clears_at: { type: 'string', nullable: true },
    },
  },
  ControlError: {
    type: 'object',
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const ROUTES: Record<string, RouteDoc> = {
  'GET /_sandbox': { summary: 'Entry point: name of the API and where this document is', tags: ['meta'] },
  'GET /_sandbox/openapi.json': { summary: 'This OpenAPI document', tags: ['meta'] },

  'GET /_sandbox/clock': { summary: "Read the clock of the call's site (its own clock, else the sandbox clock)", tags: ['time'], parameters: [SITE], responses: ok('the clock', { $ref: '#/components/schemas/Clock' }) },
  'GET /_sandbox/clocks': { summary: 'The sandbox clock and every site clock', tags: ['time'] },
  'POST /_sandbox/clock/advance': {
    summary: 'Advance the clock by a duration or to an instant',
    description: 'Everything due on the way fires in order before the call answers: expiry, uncleared completion, webhook attempts and retries, refund settlement, Second Chance.',
    tags: ['time'],
    parameters: [SITE],
    requestBody: body({ type: 'object', properties: { by: DURATION, to: INSTANT }, description: 'exactly one of by / to' }),
    responses: ok('the clock after, with `from` and `fired` (jobs run)', { $ref: '#/components/schemas/Clock' }),
  },
  'POST /_sandbox/clock/freeze': { summary: 'Stop the clock (it moves only when advanced)', tags: ['time'], parameters: [SITE] },
  'POST /_sandbox/clock/unfreeze': { summary: 'Let the clock run again at its scale', tags: ['time'], parameters: [SITE] },
  'POST /_sandbox/clock/scale': { summary: 'Set how many times faster than real time the clock runs', tags: ['time'], parameters: [SITE], requestBody: body({ type: 'object', required: ['scale'], properties: { scale: { type: 'number', exclusiveMinimum: 0 } } }) },
  'POST /_sandbox/clock/own': {
    summary: "Give the call's site a clock of its own",
    description: 'The site travels in time without moving other sites. Starts at the sandbox clock unless `start` is given. Answers 201 when created, 200 when it existed.',
    tags: ['time'],
    parameters: [{ ...SITE, required: true }],
    requestBody: body({ type: 'object', properties: { start: INSTANT, scale: { type: 'number' }, frozen: { type: 'boolean' } } }, false),
  },
  'DELETE /_sandbox/clock/own': { summary: "Drop the site's own clock; its timers go back to the sandbox clock", tags: ['time'], parameters: [{ ...SITE, required: true }] },

  'GET /_sandbox/scenarios': { summary: 'Scenarios on offer and the scenario rules still pending, in the order they are tried', tags: ['scenarios'], parameters: [SITE] },
  'POST /_sandbox/scenarios': {
    summary: 'Add a scenario rule: the outcome of every new order it matches',
    description: 'Newest rule first; a site\'s own rules before sandbox-wide ones. A request marker (var3 `sandbox:<scenario>[:<delay>]`, email `name+<scenario>@...`) beats every rule.',
    tags: ['scenarios'],
    parameters: [SITE],
    requestBody: body({ $ref: '#/components/schemas/ScenarioRuleInput' }),
    responses: { '201': { description: 'the rule' }, '4XX': { $ref: '#/components/responses/ControlError' } },
  },
  'DELETE /_sandbox/scenarios': { summary: 'Reset scenario rules (of the site, or all): runtime rules go, presets come back', tags: ['scenarios'], parameters: [SITE] },
  'DELETE /_sandbox/scenarios/{id}': { summary: 'Remove one scenario rule', tags: ['scenarios'], parameters: [SITE, RULE_ID] },
  'POST /_sandbox/orders/{id}/scenario': {
    summary: 'Set the outcome of one order; play it now (delay 0) or after a delay',
    description: 'Without `delay` the outcome waits for the shopper at the bank page (which preselects it).',
    tags: ['scenarios'],
    parameters: [SITE, ID],
    requestBody: body({ type: 'object', required: ['scenario'], properties: { scenario: { type: 'string', enum: [...SCENARIOS] }, delay: DURATION } }),
  },

  'GET /_sandbox/failures': {
    summary: 'Failure rules still pending (API and notification), in the order they are tried',
    tags: ['failures'],
    parameters: [SITE, ...queryParams(FAILURES_QUERY_SCHEMA)],
    responses: ok('the rules', { type: 'object', required: ['rules'], properties: { rules: { type: 'array', items: RULE_REF } } }),
  },
  'POST /_sandbox/failures': {
    summary:
      'Add a failure rule: for the MultiSafepay API a catalogue error (1024 by default), HTTP 5xx, latency, a dropped connection or a timeout; for notifications (target "notification") drop, duplicate, reorder, delay, wrong_key or malformed',
    description:
      'An API call takes the first fitting rule (the site\'s own first, newest first). A notification takes every fitting rule of the most specific group that concerns its order: the site\'s rules naming the order (match.order_id), else the site\'s other rules, else sandbox-wide rules naming the order, else sandbox-wide rules.',
    tags: ['failures'],
    parameters: [SITE],
    requestBody: body({ $ref: '#/components/schemas/FailureRuleInput' }),
    responses: {
      '201': { description: 'the rule', content: { 'application/json': { schema: { type: 'object', required: ['rule'], properties: { rule: RULE_REF } } } } },
      '4XX': { $ref: '#/components/responses/ControlError' },
    },
  },
  'DELETE /_sandbox/failures': { summary: 'Reset failure rules (of the site, or all; of one target, or both); presets come back', tags: ['failures'], parameters: [SITE, ...queryParams(FAILURES_QUERY_SCHEMA)] },
  'DELETE /_sandbox/failures/{id}': { summary: 'Remove one failure rule', tags: ['failures'], parameters: [SITE, RULE_ID] },

  'GET /_sandbox/orders': {
    summary: 'Orders of the site (or of all sites), newest first',
    tags: ['inspection'],
    parameters: [SITE, q('status', 'order status'), q('financial_status', 'transaction status'), q('q', 'text in order_id, transaction_id, description or email'), q('limit', 'at most this many (default 100)', { type: 'integer' })],
    responses: ok('orders', { type: 'object', properties: { orders: { type: 'array', items: { $ref: '#/components/schemas/OrderSummary' } } } }),
  },
  'GET /_sandbox/orders/{id}': { summary: 'One order: summary, timeline, pending timers and the MultiSafepay order JSON', tags: ['inspection'], parameters: [SITE, ID] },
  'GET /_sandbox/orders/{id}/timeline': { summary: "The order's timeline: every transition with its cause (api, bank, control, clock)", tags: ['inspection'], parameters: [SITE, ID] },
  'GET /_sandbox/orders/{id}/wait': {
    summary: 'Long-poll until the order reaches a status (and/or a notification for it is acknowledged)',
    description: 'Answers as soon as the condition holds (at once if it already does). A status matches the order status or the transaction status. With webhook=acked, only a notification reporting that status (or a later change) counts. After `timeout` (real time; default 4s, inside the 5 s test timeout of Vitest and Jest; at most 2m) it answers 408 naming what is pending and what would move it.',
    tags: ['inspection'],
    parameters: [SITE, ID, q('status', 'status to wait for', { type: 'string', enum: WAIT_STATUSES }), q('webhook', '"acked": wait for an acknowledged notification', { type: 'string', enum: ['acked'] }), q('timeout', 'real-time timeout, e.g. 10s')],
    responses: { '200': { description: 'reached' }, '408': { description: 'timed out; the error names the status the order is in' }, '4XX': { $ref: '#/components/responses/ControlError' } },
  },
  'GET /_sandbox/journal': {
    summary: 'Recent MultiSafepay API calls with their request and response bodies, newest first (bounded, default 500): request verification',
    description: 'Bodies are parsed JSON with API keys and tokens masked, capped at 16 KB (then text with request_truncated / response_truncated). `count` is the number of entries that matched.',
    tags: ['inspection'],
    parameters: [SITE, q('method', 'HTTP method'), q('path', 'path under /v1/json, exact or with * (e.g. /orders/*)'), q('order_id', 'calls about this order'), q('has', 'a top-level field the request body has, e.g. shopping_cart'), q('status', 'HTTP status of the answer', { type: 'integer' }), q('limit', 'at most this many', { type: 'integer' })],
  },
  'DELETE /_sandbox/journal': { summary: 'Clear the request journal (of the site, or all)', tags: ['inspection'], parameters: [SITE] },
  'POST /_sandbox/reset': {
    summary: 'Reset the site (or, without api_key, everything): orders, timers, rules (presets come back), its own clock, journal, webhook log',
    tags: ['reset'],
    parameters: [SITE],
  },
  ...EXTENSION_DOCS,
};

/** Fastify's `/:id` to OpenAPI's `/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/\/$/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
}

export function buildOpenApi(routes: ReadonlyArray<{ method: string; url: string }>): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const add = (method: string, path: string, doc: RouteDoc, undocumented = false): void => {
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const given = new Set((doc.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
    const missing = params.filter((p) => !given.has(p)).map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[method.toLowerCase()] = {
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      tags: doc.tags ?? ['extensions'],
      parameters: [...(doc.parameters ?? []), ...missing],
      ...(doc.requestBody ? { requestBody: doc.requestBody } : {}),
      responses: doc.responses ?? ok('OK'),
      ...(doc.deprecated ? { deprecated: true } : {}),
      ...(undocumented ? { 'x-undocumented': true } : {}),
    };
  };
  for (const [key, doc] of Object.entries(ROUTES)) {
    const [method = 'GET', path = '/'] = key.split(' ');
    add(method, path, doc);
  }
  for (const r of routes) {
    const path = openApiPath(r.url);
    if (!paths[path]?.[r.method.toLowerCase()]) add(r.method, path, { summary: 'Control route without a description yet' }, true);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'sofort-sandbox control API',
      version: '1',
      description:
        'Drive the sandbox from tests and QA: scenarios, API failures, time travel, inspection, reset. Loopback only unless started with --control-allow-remote; with --control-token every call sends the token as `x-sandbox-token` or `?token=`. Errors: `{"error":{"code","message"}}` with a 4xx.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas,
      responses: { ControlError: { description: 'what is wrong and how to fix it', content: { 'application/json': { schema: { $ref: '#/components/schemas/ControlError' } } } } },
      securitySchemes: {
        sandboxToken: { type: 'apiKey', in: 'header', name: 'x-sandbox-token' },
        sandboxTokenQuery: { type: 'apiKey', in: 'query', name: 'token' },
      },
    },
    security: [{}, { sandboxToken: [] }, { sandboxTokenQuery: [] }],
    paths,
  };
}
