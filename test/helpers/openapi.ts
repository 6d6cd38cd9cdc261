/**
 * Response validation against MultiSafepay's own OpenAPI description (bundled, prose
 * stripped, in fixtures/multisafepay-openapi.schemas.json so a fresh clone has it).
 *
 * Use it in any API test:
 *
 *   import { assertOpenApi, validateResponse } from './helpers/openapi.js';
 *   const res = await api(app, 'GET', `/orders/${id}`);
 *   assertOpenApi(t, 'GET', `/orders/${id}`, res);               // tap assertion
 *   const r = validateResponse('GET', `/orders/${id}`, 200, body); // or the raw result
 *
 * `path` is the request path with or without the `/v1/json` prefix and query string; the
 * helper finds the OpenAPI operation whose template matches (literal segments win over
 * `{params}`), takes the response schema for the status (exact, then `4XX`, then
 * `default`) and validates the body with ajv (strict:false, ajv-formats).
 *
 * Where the OpenAPI has no schema for an error status (it documents few), the body is
 * checked against MultiSafepay's error envelope {success:false, data:{}, error_code,
 * error_info} instead, and `documented` says so. A success status without a schema, or a
 * path the OpenAPI does not describe (and that is not in EXTRA_OPERATIONS), is a test
 * failure: add the endpoint's schema to EXTRA_OPERATIONS with the source it comes from.
 *
 * The OpenAPI and MultiSafepay's documented responses disagree in places; the sandbox
 * follows the documented responses. Each such place is ONE entry in OPENAPI_ERRATA, with
 * the reason, and the README's API section names them. Add to that list, never patch the
 * fixture file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Test } from 'tap';
import addFormatsImport from 'ajv-formats';
import { FIXTURES_DIR } from '../../src/paths.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv) => Ajv;

export const OPENAPI_FILE = join(FIXTURES_DIR, 'multisafepay-openapi.schemas.json');

type Json = Record<string, unknown>;

/** A place where the sandbox follows MultiSafepay's documented responses rather than the OpenAPI schema. */
export interface OpenApiErratum {
  /** Short stable name, used in the README. */
  readonly id: string;
  /** The operations it affects, as "METHOD /template" (for the README and for reviewers). */
  readonly operations: readonly string[];
  /**
   * JSON pointers into the OpenAPI document whose schema is replaced by `schema`. Pointers
   * are where the schema is written (follow `$ref`s to find them), so every operation that
   * refers to that schema gets the same correction.
   */
  readonly pointers: readonly string[];
  /** The corrected schema, or a function of the schema it replaces. */
  readonly schema: Json | ((original: Json) => Json);
  /** Why: which documented responses or clients contradict the schema. */
  readonly reason: string;
}

/**
 * Whole-document corrections that no single pointer can express, applied before the
 * pointer errata. Each is named and explained like the pointer errata.
 */
export interface OpenApiGlobalErratum {
  readonly id: string;
  readonly apply: (schema: Json) => void;
  readonly reason: string;
}

const ORDER_DATA = '/paths/~1orders~1{psp_id}/get/responses/200/content/application~1json/schema/properties/data/properties';

export const OPENAPI_ERRATA: readonly OpenApiErratum[] = [
  {
    id: 'costs-is-an-array',
    operations: ['GET /orders/{psp_id}', 'POST /orders (direct)'],
    pointers: [`${ORDER_DATA}/costs`],
    schema: { type: 'array', items: { type: 'object' } },
    reason:
      "The schema types `costs` as an object; MultiSafepay's documented order responses (the OpenAPI's own orderDetails example, the Sofort direct example) and the clients that parse them use an array of cost lines.",
  },
  {
    id: 'related-transactions-null',
    operations: ['GET /orders/{psp_id}', 'POST /orders (direct)'],
    pointers: [`${ORDER_DATA}/related_transactions`],
    schema: { type: 'array', nullable: true, items: { type: 'object' } },
    reason:
      'The schema types `related_transactions` as a non-null array; documented responses send null when an order has no refunds or other related transactions.',
  },
  {
    id: 'external-transaction-id-is-a-string',
    operations: ['GET /orders/{psp_id}', 'POST /orders (direct)'],
    pointers: [`${ORDER_DATA}/payment_details/properties/external_transaction_id`],
    schema: { type: ['string', 'integer'], nullable: true },
    reason:
      "The schema types payment_details.external_transaction_id as an integer; the OpenAPI's own orderDetails examples send a string (\"812312381624212\"), and a bank's reference is not always numeric.",
  },
  {
    id: 'payment-detail-codes-are-strings',
    operations: ['GET /orders/{psp_id}'],
    pointers: [`${ORDER_DATA}/payment_details/properties/response_code`, `${ORDER_DATA}/payment_details/properties/authorization_code`],
    schema: { type: ['string', 'integer'], nullable: true },
    reason: "The schema types payment_details.response_code and authorization_code as integers; the OpenAPI's own orderDetails3DS examples send strings. (Card fields: Sofort orders leave them null.)",
  },
  {
    id: 'transactions-data-is-a-list',
    operations: ['GET /transactions'],
    pointers: ['/paths/~1transactions/get/responses/200/content/application~1json/schema/properties/data'],
    // `properties` stays in place because other schemas $ref into it; on an array it is inert.
    schema: (orig) => ({ ...orig, type: 'array', nullable: false, items: { type: 'object', properties: orig.properties } }),
    reason: "The schema describes `data` as one transaction object; the OpenAPI's own example (and MultiSafepay's docs) answer a list of transactions.",
  },
  {
    id: 'one-transaction-is-an-object',
    operations: ['GET /transactions/{transaction_id}'],
    pointers: ['/paths/~1transactions~1{transaction_id}/get/responses/200/content/application~1json/schema/properties/data'],
    // Its schema is a $ref to the list's `data`, which the erratum above turned into a list: point it at one item.
    schema: { $ref: '#/paths/~1transactions/get/responses/200/content/application~1json/schema/properties/data/items' },
    reason: 'GET /transactions/{transaction_id} answers one transaction; its schema borrows the list\'s `data`, so it follows the item, not the list.',
  },
  {
    id: 'transaction-status-partial-refunded',
    operations: ['GET /transactions', 'GET /transactions/{transaction_id}'],
    pointers: ['/paths/~1transactions/get/responses/200/content/application~1json/schema/properties/data/properties/status'],
    schema: (orig) => ({ ...orig, enum: [...((orig.enum as unknown[]) ?? []).filter((v) => v !== null), 'partial_refunded', null] }),
    reason:
      "A transaction's `status` is the order status, and the OpenAPI's own `status` filter of GET /transactions (and its order Status enum) include `partial_refunded`; the item schema's enum leaves it out.",
  },
  {
    id: 'token-card-fields-numeric',
    operations: ['GET /recurring/{reference}', 'GET /recurring/{reference}/token/{token}'],
    pointers: [
      '/paths/~1recurring~1{your_customer_reference}~1token~1{your_token}/get/responses/200/content/application~1json/schema/properties/data/properties/last4',
      '/paths/~1recurring~1{your_customer_reference}~1update~1{your_token}/patch/requestBody/content/application~1json/schema/properties/expiry_date',
    ],
    schema: { type: ['string', 'integer'], nullable: true },
    reason: "The schema types a token's last4 and expiry_date as strings; the OpenAPI's own GET /recurring example sends numbers (\"last4\":1111, \"expiry_date\":1234).",
  },
];

/** Walk every schema object of the document (not into examples, which are data). */
function walkSchemas(node: unknown, visit: (schema: Json) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walkSchemas(n, visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  visit(node as Json);
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'examples') continue;
    walkSchemas(v, visit);
  }
}

const NULLABLE_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object']);

export const OPENAPI_GLOBAL_ERRATA: readonly OpenApiGlobalErratum[] = [
  {
    id: 'null-for-absent-values',
    reason:
      "The schema never marks a field nullable, yet MultiSafepay's documented responses (the OpenAPI's own orderDetails and payment-methods examples) send null for every value not set: customer fields, var1-3, items, recurring_id, response_code, allowed_amount.max, tokenization.models. Scalars and objects may therefore be null; arrays may not (except related_transactions, above).",
    apply: (doc) =>
      walkSchemas(doc.paths, (s) => {
        if (typeof s.type !== 'string' || !NULLABLE_TYPES.has(s.type)) return;
        s.nullable = true;
        if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...(s.enum as unknown[]), null];
      }),
  },
  {
    id: 'one-of-alternatives-overlap',
    reason:
      "The response alternatives (direct vs redirect order, cancel vs ship, the refund answers) require no fields, so a valid body matches several of them and `oneOf` rejects every valid body, the OpenAPI's own examples included. They are checked as `anyOf`; pass `{variant}` to check one alternative.",
    apply: (doc) =>
      walkSchemas(doc.paths, (s) => {
        if (Array.isArray(s.oneOf)) {
          s.anyOf = s.oneOf;
          delete s.oneOf;
        }
        // $refs that pass through a renamed oneOf follow it.
        if (typeof s.$ref === 'string') s.$ref = s.$ref.replace(/\/oneOf\//g, '/anyOf/');
      }),
  },
];

/**
 * Endpoints MultiSafepay's clients call that the bundled OpenAPI does not describe. Each
 * gives the response schema for 200 and where the shape comes from.
 */
export interface ExtraOperation {
  readonly method: string;
  readonly template: string;
  readonly schema: Json;
  readonly source: string;
}

export const EXTRA_OPERATIONS: readonly ExtraOperation[] = [
  {
    method: 'GET',
    template: '/issuers/{gateway_code}',
    source:
      "Not in the OpenAPI; the Node client's issuers.get() and the PHP SDK's IssuerManager call it. Shape from MultiSafepay's older API docs and the PHP SDK's Issuer class: a list of {code, description}.",
    schema: {
      type: 'object',
      required: ['success', 'data'],
      properties: {
        success: { type: 'boolean', const: true },
        data: {
          type: 'array',
          items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
        },
      },
    },
  },
];

/** MultiSafepay's error envelope, for error statuses the OpenAPI does not describe. */
export const ERROR_ENVELOPE_SCHEMA: Json = {
  type: 'object',
  additionalProperties: false,
  required: ['success', 'data', 'error_code', 'error_info'],
  properties: {
    success: { const: false },
    data: { type: 'object', maxProperties: 0 },
    error_code: { type: 'integer' },
    error_info: { type: 'string', minLength: 1 },
  },
};

export interface ValidateOptions {
  /**
   * Check against one alternative of a response that has several (the OpenAPI's oneOf):
   * its title (e.g. 'Direct order', 'Redirect order', 'Cancel order') or its index.
   */
  variant?: string | number;
}

export interface ResponseCheck {
  valid: boolean;
  /** "GET /orders/{psp_id} 200", or "error envelope" when the OpenAPI has no schema for the status. */
  checkedAgainst: string;
  /** Whether the OpenAPI (or EXTRA_OPERATIONS) describes this status of this operation. */
  documented: boolean;
  errors: string[];
}

// ---- loading ------------------------------------------------------------------------

function unescapePointer(token: string): string {
  return decodeURIComponent(token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function setAtPointer(doc: Json, pointer: string, value: OpenApiErratum['schema']): void {
  const tokens = pointer.split('/').slice(1).map(unescapePointer);
  const last = tokens.pop();
  if (last === undefined) throw new Error(`erratum pointer ${pointer} is empty`);
  let node: unknown = doc;
  for (const t of tokens) {
    node = (node as Json | undefined)?.[t];
    if (typeof node !== 'object' || node === null) throw new Error(`erratum pointer ${pointer} does not exist in the OpenAPI (at ${t})`);
  }
  const parent = node as Json;
  const original = parent[last];
  if (typeof original !== 'object' || original === null) throw new Error(`erratum pointer ${pointer} does not exist in the OpenAPI (no ${last})`);
  parent[last] = typeof value === 'function' ? (value as (o: Json) => Json)(original as Json) : value;
}

interface Operation {
  method: string;
  template: string;
  segments: string[];
  /** Response status -> ajv schema ref (or inline schema for extras). */
  responses: Map<string, { ref: string } | { schema: Json }>;
}

interface Loaded {
  doc: Json;
  ajv: Ajv;
  operations: Operation[];
  compiled: Map<string, ValidateFunction>;
}

let loaded: Loaded | null = null;

const SPEC_ID = 'msp-openapi';

function load(): Loaded {
  if (loaded) return loaded;
  const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
  for (const g of OPENAPI_GLOBAL_ERRATA) g.apply(doc);
  for (const e of OPENAPI_ERRATA) for (const p of e.pointers) setAtPointer(doc, p, e.schema);

  // ajv warns about the OpenAPI's free-text formats ("IP address", "iban"); they carry no rule.
  const quiet = { log: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) };
  const ajv = new Ajv({ strict: false, allErrors: true, logger: quiet, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: SPEC_ID });

  const operations: Operation[] = [];
  const paths = doc.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  for (const [template, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = new Map<string, { ref: string }>();
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        if (r.content?.['application/json']?.schema === undefined) continue;
        const ptr = ['paths', template, method, 'responses', status, 'content', 'application/json', 'schema'].map(escapePointer).join('/');
        responses.set(status, { ref: `${SPEC_ID}#/${ptr}` });
      }
      operations.push({ method: method.toUpperCase(), template, segments: template.split('/').filter(Boolean), responses });
    }
  }
  for (const x of EXTRA_OPERATIONS) {
    operations.push({ method: x.method, template: x.template, segments: x.template.split('/').filter(Boolean), responses: new Map([['200', { schema: x.schema }]]) });
  }
  loaded = { doc, ajv, operations, compiled: new Map() };
  return loaded;
}

/** The OpenAPI operation for a request path (literal segments beat `{params}`). */
export function findOperation(method: string, path: string): { method: string; template: string } | null {
  const op = matchOperation(load(), method, path);
  return op ? { method: op.method, template: op.template } : null;
}

function matchOperation(l: Loaded, method: string, path: string): Operation | null {
  const clean = path.split('?')[0]!.replace(/^\/v1\/json(?=\/|$)/, '');
  const segs = clean.split('/').filter(Boolean);
  let best: Operation | null = null;
  let bestScore = -1;
  for (const op of l.operations) {
    if (op.method !== method.toUpperCase() || op.segments.length !== segs.length) continue;
    let score = 0;
    let okMatch = true;
    for (let i = 0; i < segs.length; i++) {
      const want = op.segments[i]!;
      if (want.startsWith('{')) continue;
      if (want !== segs[i]) {
        okMatch = false;
        break;
      }
      score++;
    }
    if (okMatch && score > bestScore) {
      best = op;
      bestScore = score;
    }
  }
  return best;
}

function getAtPointer(doc: Json, pointer: string): Json | undefined {
  let node: unknown = doc;
  for (const t of pointer.split('/').slice(1).map(unescapePointer)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Json)[t];
  }
  return typeof node === 'object' && node !== null ? (node as Json) : undefined;
}

/** The ajv ref of one alternative (by title or index) of a response schema's anyOf/oneOf. */
function variantRef(l: Loaded, ref: string, variant: string | number, label: string): string {
  let pointer = ref.slice(ref.indexOf('#') + 1);
  for (let hops = 0; hops < 20; hops++) {
    const node = getAtPointer(l.doc, pointer);
    if (!node) break;
    if (typeof node.$ref === 'string') {
      pointer = node.$ref.slice(node.$ref.indexOf('#') + 1);
      continue;
    }
    const alts = node.anyOf;
    if (!Array.isArray(alts)) break;
    const i = typeof variant === 'number' ? variant : alts.findIndex((a) => (a as Json).title === variant);
    if (i < 0 || i >= alts.length) {
      throw new Error(`${label} has no alternative ${String(variant)}; it has ${alts.map((a, j) => String((a as Json).title ?? j)).join(', ')}`);
    }
    return `${SPEC_ID}#${pointer}/anyOf/${i}`;
  }
  throw new Error(`${label} has no alternatives to choose a variant from`);
}

function compile(l: Loaded, key: string, schema: Json): ValidateFunction {
  let v = l.compiled.get(key);
  if (!v) {
    v = l.ajv.compile(schema);
    l.compiled.set(key, v);
  }
  return v;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/**
 * Validate a response body against the OpenAPI response schema of `method path` for
 * `status`. Throws when the operation is unknown or a success status has no schema.
 */
export function validateResponse(method: string, path: string, status: number, raw: unknown, opts: ValidateOptions = {}): ResponseCheck {
  const l = load();
  // `sandbox_hint` is the sandbox's one addition to MultiSafepay's error envelope (its
  // explanation; error_info stays MultiSafepay's text). Clients ignore unknown keys, so the
  // body is checked against MultiSafepay's schemas without it.
  const body = withoutHint(raw);
  const op = matchOperation(l, method, path);
  if (!op) throw new Error(`no operation ${method} ${path} in the bundled OpenAPI or EXTRA_OPERATIONS; add it to EXTRA_OPERATIONS with its source`);
  const s = String(status);
  const entry = op.responses.get(s) ?? op.responses.get(`${s[0]}XX`) ?? op.responses.get('default');
  const label = `${op.method} ${op.template} ${s}`;
  if (!entry) {
    if (status < 400) throw new Error(`the OpenAPI has no response schema for ${label}`);
    const v = compile(l, 'error-envelope', ERROR_ENVELOPE_SCHEMA);
    const valid = v(body);
    return { valid, checkedAgainst: 'error envelope', documented: false, errors: describe(v.errors) };
  }
  let key = label;
  let schema: Json;
  if ('ref' in entry) {
    const ref = opts.variant === undefined ? entry.ref : variantRef(l, entry.ref, opts.variant, label);
    schema = { $ref: ref };
    key = ref;
  } else schema = entry.schema;
  const v = compile(l, key, schema);
  const valid = v(body);
  const errors = describe(v.errors);
  // The OpenAPI's error schemas are loose (no required fields): hold errors to the envelope as well.
  if (status >= 400) {
    const env = compile(l, 'error-envelope', ERROR_ENVELOPE_SCHEMA);
    if (!env(body)) return { valid: false, checkedAgainst: label, documented: true, errors: [...errors, ...describe(env.errors)] };
  }
  return { valid, checkedAgainst: label, documented: true, errors };
}

function withoutHint(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('sandbox_hint' in body)) return body;
  const { sandbox_hint: hint, ...rest } = body as Record<string, unknown>;
  return typeof hint === 'string' ? rest : body;
}

interface InjectLike {
  statusCode: number;
  body: string;
}

/** tap assertion: the response's JSON body matches the OpenAPI schema for its status. */
export function assertOpenApi(t: Test, method: string, path: string, res: InjectLike, opts: ValidateOptions = {}): ResponseCheck {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    t.ok(false, `${method} ${path} ${res.statusCode}: body is not JSON`, { body: res.body.slice(0, 300) });
    return { valid: false, checkedAgainst: 'json', documented: false, errors: ['not JSON'] };
  }
  const r = validateResponse(method, path, res.statusCode, body, opts);
  const which = opts.variant === undefined ? '' : ` (${String(opts.variant)})`;
  t.ok(r.valid, `${method} ${path} ${res.statusCode} matches ${r.checkedAgainst}${which}`, { errors: r.errors, body });
  return r;
}
