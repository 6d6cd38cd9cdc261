/**
 * The rule routes (scenario rules, the outcome of one order, failure rules), declared once as
 * JSON Schema: Fastify validates their queries and paths with it, the served OpenAPI is
 * generated from it, and the typed client's types come from it (FromSchema, ReplyOf).
 *
 * A rule body is judged by the rule book's parser (features/test-rules), the one validator of
 * rules whether they come over HTTP or from a preset file: it names the field and the fix,
 * knows which fields go with which kind and target, and takes a few lenient spellings (a
 * numeric string code, nulls). So the body schemas here carry `x-checked-by` and Fastify
 * skips them (control/validator.ts); test/control-openapi.test.ts checks that every rule the
 * suite's examples send satisfies them.
 */
import { ERROR_CATALOGUE } from '../errors.js';
import { ORDER_STATUSES } from '../statuses.js';
import { FAULT_KINDS } from '../webhook-faults.js';
import { SCENARIOS } from '../scenarios.js';
import type { FromSchema } from '../schema-type.js';
import { DURATION, DURATION_OR_NULL, ID_PARAMS, ORDER_ID_PARAMS, REFUSALS } from './common.js';
import { ORDER_SUMMARY } from './orders.js';

export const API_FAILURE_KINDS = ['error', 'http', 'latency', 'drop', 'timeout'] as const;
export const RULE_TARGETS = ['api', 'notification'] as const;
const HTTP_STATUSES = [500, 502, 503, 504] as const;
const ERROR_BODIES = ['json', 'html', 'empty'] as const;

/** Where a body is judged by the rule book's parser rather than by Fastify. */
const RULE_BOOK = 'the rule book (src/features/test-rules), which also reads preset files';

export const RULE_MATCH_SCHEMA = {
  title: 'Match',
  type: 'object',
  additionalProperties: false,
  description: 'Conditions, all of which must hold. Text fields take a glob (`*`, `?`, case-insensitive) or `/regex/flags`.',
  properties: {
    order_id: { type: 'string', example: 'decline-*' },
    amount: {
      oneOf: [{ type: 'object', additionalProperties: false, properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } } }, { type: 'integer', minimum: 0 }],
      description: 'cents, inclusive: {"min", "max"} (either may be left out), or one amount',
    },
    email: { type: 'string', example: '*@example.com' },
    country: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: ['DE', 'AT'] },
    var1: { type: 'string' },
    var2: { type: 'string' },
    var3: { type: 'string' },
  },
} as const;

const USES = {
  once: { type: 'boolean', description: 'apply to one order/call/notification, then the rule is gone' },
  times: { type: 'integer', minimum: 1, description: 'apply this many times' },
  persist: { type: 'boolean', description: 'apply until removed (the default)' },
  site: { type: 'string', description: 'API key the rule is for (default: the api_key of the call; none = every site)' },
} as const;

export const FAILURE_RULE_INPUT_SCHEMA = {
  title: 'FailureRuleInput',
  'x-checked-by': RULE_BOOK,
  type: 'object',
  additionalProperties: false,
  description:
    'One language for every deliberate misbehaviour. target "api" (the default) shapes an answer of the MultiSafepay API; target "notification" shapes a notification to the shop. Fields marked with a target are refused with the other (invalid_rule).',
  properties: {
    target: { type: 'string', enum: RULE_TARGETS, default: 'api' },
    kind: {
      type: 'string',
      enum: [...API_FAILURE_KINDS, ...FAULT_KINDS.filter((k) => k !== 'drop')] as unknown as readonly [...typeof API_FAILURE_KINDS, ...typeof FAULT_KINDS],
      default: 'error',
      description: `target api: ${API_FAILURE_KINDS.join(', ')} (default error). target notification (required): ${FAULT_KINDS.join(', ')}`,
    },
    on: { type: 'string', default: 'create_order', description: 'target api: "create_order", "any", or "METHOD /path-glob" under /v1/json, e.g. "GET /orders/*"' },
    match: RULE_MATCH_SCHEMA,
    code: { type: 'integer', enum: Object.values(ERROR_CATALOGUE).map((e) => e.code), default: 1024, description: 'target api, kind error: the catalogue error to answer' },
    status: { type: 'integer', enum: HTTP_STATUSES, default: 503, description: 'target api, kind http' },
    body: { type: 'string', enum: ERROR_BODIES, default: 'json', description: 'target api, kind http: the body of the error answer' },
    latency: { ...DURATION, description: 'target api, kind latency: real time to wait before answering (at most 2 minutes)' },
    after: { type: 'boolean', description: 'target api, kind drop: drop the answer after the request was handled (the change is made, the client never hears)' },
    statuses: { type: 'array', items: { type: 'string', enum: ORDER_STATUSES }, description: 'target notification: only notifications reporting one of these order statuses' },
    delay: { ...DURATION, description: 'target notification, kind delay (required): how much later it leaves, in sandbox time; kind reorder: the longest hold (default 5m)' },
    probability: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'share of matching calls or notifications that misbehave, drawn from the seeded generator' },
    ...USES,
  },
} as const;

export const FAILURE_RULE_SCHEMA = {
  title: 'FailureRule',
  type: 'object',
  required: ['id', 'site', 'target', 'kind', 'match', 'probability', 'remaining', 'applied', 'source'],
  properties: {
    id: { type: 'string' },
    site: { type: 'string', nullable: true, description: 'the API key it is for; null: every site' },
    target: { type: 'string', enum: RULE_TARGETS },
    kind: FAILURE_RULE_INPUT_SCHEMA.properties.kind,
    match: RULE_MATCH_SCHEMA,
    on: { type: 'string', description: 'target api: the calls it covers' },
    code: { type: 'integer', nullable: true, description: 'target api, kind error' },
    status: { type: 'integer', enum: [...HTTP_STATUSES, null], nullable: true, description: 'target api, kind http' },
    body: { type: 'string', enum: [...ERROR_BODIES, null], nullable: true, description: 'target api, kind http' },
    latency_ms: { type: 'integer', nullable: true, description: 'target api, kind latency' },
    after: { type: 'boolean', description: 'target api, kind drop' },
    statuses: { type: 'array', items: { type: 'string' }, nullable: true, description: 'target notification: the order statuses it takes; null: all' },
    delay: { type: 'string', nullable: true, description: 'target notification, kind delay or reorder' },
    delay_ms: { type: 'integer', nullable: true },
    probability: { type: 'number', nullable: true },
    remaining: { type: 'integer', nullable: true, description: 'uses left; null: until removed' },
    applied: { type: 'integer', description: 'how often it applied' },
    source: { type: 'string', enum: ['control', 'preset'] },
  },
} as const;


/** `?target=` of GET and DELETE /_sandbox/failures. */
export const FAILURES_QUERY_SCHEMA = {
  type: 'object',
  properties: { target: { type: 'string', enum: RULE_TARGETS, description: 'api or notification: only rules of that target (default both)' } },
} as const;

export const SCENARIO_RULE_INPUT_SCHEMA = {
  title: 'ScenarioRuleInput',
  'x-checked-by': RULE_BOOK,
  type: 'object',
  required: ['scenario'],
  additionalProperties: false,
  properties: {
    scenario: { type: 'string', enum: SCENARIOS },
    match: RULE_MATCH_SCHEMA,
    delay: { ...DURATION_OR_NULL, description: 'play the outcome on its own this long after the order is created (0 = at once); without it the outcome waits for the shopper at the bank page' },
    ...USES,
  },
} as const;

export const SCENARIO_RULE_SCHEMA = {
  title: 'ScenarioRule',
  type: 'object',
  required: ['id', 'site', 'scenario', 'match', 'delay', 'delay_ms', 'remaining', 'applied', 'source'],
  properties: {
    id: { type: 'string' },
    site: { type: 'string', nullable: true, description: 'the API key it is for; null: every site' },
    scenario: { type: 'string', enum: SCENARIOS },
    match: RULE_MATCH_SCHEMA,
    delay: { type: 'string', nullable: true, description: 'how long after creation the outcome plays; null: at the bank page' },
    delay_ms: { type: 'integer', nullable: true },
    remaining: { type: 'integer', nullable: true, description: 'uses left; null: until removed' },
    applied: { type: 'integer', description: 'how often it applied' },
    source: { type: 'string', enum: ['control', 'preset'] },
  },
} as const;

const REMOVED_ID = { type: 'object', required: ['removed'], properties: { removed: { type: 'string', description: 'the id of the rule removed' } } } as const;
const REMOVED_COUNT = { type: 'object', required: ['removed'], properties: { removed: { type: 'integer', description: 'how many rules went (presets come back)' } } } as const;

export const LIST_SCENARIOS = {
  summary: 'Scenarios on offer and the scenario rules still pending, in the order they are tried',
  tags: ['scenarios'],
  response: {
    200: {
      type: 'object',
      required: ['scenarios', 'rules'],
      properties: {
        scenarios: { type: 'array', items: { type: 'object', required: ['name', 'label'], properties: { name: { type: 'string', enum: SCENARIOS }, label: { type: 'string' } } } },
        rules: { type: 'array', items: SCENARIO_RULE_SCHEMA },
      },
    },
    ...REFUSALS,
  },
} as const;

export const ADD_SCENARIO_RULE = {
  summary: 'Add a scenario rule: the outcome of every new order it matches',
  description: "Newest rule first; a site's own rules before sandbox-wide ones. A request marker (var3 `sandbox:<scenario>[:<delay>]`, email `name+<scenario>@...`) beats every rule.",
  tags: ['scenarios'],
  body: SCENARIO_RULE_INPUT_SCHEMA,
  response: { 201: { type: 'object', required: ['rule'], properties: { rule: SCENARIO_RULE_SCHEMA } }, ...REFUSALS },
} as const;

export const RESET_SCENARIO_RULES = {
  summary: 'Reset scenario rules (of the site, or all): runtime rules go, presets come back',
  tags: ['scenarios'],
  response: { 200: REMOVED_COUNT, ...REFUSALS },
} as const;

export const REMOVE_SCENARIO_RULE = {
  summary: 'Remove one scenario rule',
  tags: ['scenarios'],
  params: ID_PARAMS,
  response: { 200: REMOVED_ID, ...REFUSALS },
} as const;

export const SET_ORDER_OUTCOME = {
  summary: 'Set the outcome of one order; play it now (delay 0) or after a delay',
  description: 'Without `delay` the outcome waits for the shopper at the bank page (which preselects it).',
  tags: ['scenarios'],
  params: ORDER_ID_PARAMS,
  body: {
    type: 'object',
    required: ['scenario'],
    additionalProperties: false,
    properties: { scenario: { type: 'string', 'x-error-code': 'unknown_scenario', enum: SCENARIOS }, delay: DURATION_OR_NULL },
  },
  response: {
    200: { type: 'object', required: ['played', 'order'], properties: { played: { type: 'boolean', description: 'true when the outcome was played now' }, order: ORDER_SUMMARY } },
    ...REFUSALS,
  },
} as const;

export const LIST_FAILURE_RULES = {
  summary: 'Failure rules still pending (API and notification), in the order they are tried',
  tags: ['failures'],
  querystring: FAILURES_QUERY_SCHEMA,
  response: { 200: { type: 'object', required: ['rules'], properties: { rules: { type: 'array', items: FAILURE_RULE_SCHEMA } } }, ...REFUSALS },
} as const;

export const ADD_FAILURE_RULE = {
  summary:
    'Add a failure rule: for the MultiSafepay API a catalogue error (1024 by default), HTTP 5xx, latency, a dropped connection or a timeout; for notifications (target "notification") drop, duplicate, reorder, delay, wrong_key or malformed',
  description:
    "An API call takes the first fitting rule (the site's own first, newest first). A notification takes every fitting rule of the most specific group that concerns its order: the site's rules naming the order (match.order_id), else the site's other rules, else sandbox-wide rules naming the order, else sandbox-wide rules.",
  tags: ['failures'],
  body: FAILURE_RULE_INPUT_SCHEMA,
  response: { 201: { type: 'object', required: ['rule'], properties: { rule: FAILURE_RULE_SCHEMA } }, ...REFUSALS },
} as const;

export const RESET_FAILURE_RULES = {
  summary: 'Reset failure rules (of the site, or all; of one target, or both); presets come back',
  tags: ['failures'],
  querystring: FAILURES_QUERY_SCHEMA,
  response: { 200: REMOVED_COUNT, ...REFUSALS },
} as const;

export const REMOVE_FAILURE_RULE = {
  summary: 'Remove one failure rule',
  tags: ['failures'],
  params: ID_PARAMS,
  response: { 200: REMOVED_ID, ...REFUSALS },
} as const;

export type RuleTarget = (typeof RULE_TARGETS)[number];
export type ApiFailureKind = (typeof API_FAILURE_KINDS)[number];
export type FailureRuleInput = FromSchema<typeof FAILURE_RULE_INPUT_SCHEMA>;
export type FailureRuleView = FromSchema<typeof FAILURE_RULE_SCHEMA>;
export type FailuresQuery = FromSchema<typeof FAILURES_QUERY_SCHEMA>;
export type ScenarioRuleView = FromSchema<typeof SCENARIO_RULE_SCHEMA>;
