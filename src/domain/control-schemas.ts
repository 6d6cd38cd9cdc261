/**
 * The failure rule routes' wire shapes, declared once as JSON Schema: Fastify validates the
 * query of GET/DELETE /_sandbox/failures with them (compiled on first use), the served OpenAPI
 * takes its FailureRuleInput, FailureRule and parameters from them, and the typed client's
 * types come from them (FromSchema). In the lowest layer so the server's views, the OpenAPI
 * and the client all read the one declaration.
 *
 * The rule body itself is checked by the rule book's parser (features/test-rules): it names
 * the field and the fix, knows which fields go with which kind and target, and refuses
 * unknown fields where Ajv (as Fastify configures it) would silently drop them.
 */
import { ERROR_CATALOGUE } from './errors.js';
import { ORDER_STATUSES } from './statuses.js';
import { FAULT_KINDS } from './webhook-faults.js';
import type { FromSchema } from './schema-type.js';

export const API_FAILURE_KINDS = ['error', 'http', 'latency', 'drop', 'timeout'] as const;
export const RULE_TARGETS = ['api', 'notification'] as const;
const HTTP_STATUSES = [500, 502, 503, 504] as const;
const ERROR_BODIES = ['json', 'html', 'empty'] as const;

const DURATION = {
  oneOf: [{ type: 'string', example: '1d2h' }, { type: 'integer', minimum: 0 }],
  description: '"90s", "15m", "24h", "1d2h", "500ms" or milliseconds',
} as const;

export const RULE_MATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: 'Conditions, all of which must hold. Text fields take a glob (`*`, `?`, case-insensitive) or `/regex/flags`.',
  properties: {
    order_id: { type: 'string', example: 'decline-*' },
    amount: { type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } }, description: 'cents, inclusive' },
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
    status: { type: 'integer', enum: HTTP_STATUSES, nullable: true, description: 'target api, kind http' },
    body: { type: 'string', enum: ERROR_BODIES, nullable: true, description: 'target api, kind http' },
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

export type RuleTarget = (typeof RULE_TARGETS)[number];
export type ApiFailureKind = (typeof API_FAILURE_KINDS)[number];
export type FailureRuleInput = FromSchema<typeof FAILURE_RULE_INPUT_SCHEMA>;
export type FailureRuleView = FromSchema<typeof FAILURE_RULE_SCHEMA>;
export type FailuresQuery = FromSchema<typeof FAILURES_QUERY_SCHEMA>;
