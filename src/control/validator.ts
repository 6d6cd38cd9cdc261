/**
 * How the control plane validates what its route declarations (domain/wire/) say, and how it
 * words a refusal. Fastify's defaults suit a form, not a test suite's control calls: Ajv as
 * Fastify sets it up coerces "5" into 5 in a body, fills in defaults and silently drops
 * unknown fields, where a control call with a typo (`orderId`) must be refused. So bodies and
 * headers are checked as sent; query strings and path parameters, which are text on the
 * wire, are coerced to the declared types. Ajv is loaded and a schema compiled on a route's
 * first request (http/lazy-compilers.ts), so declaring schemas costs no start-up time.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { ControlError, type ControlErrorCode } from '../domain/control-error.js';
import { parseDuration, parseInstant } from '../options/duration.js';
import { compiledOnFirstUse, fastifyRequire } from '../http/lazy-compilers.js';

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };
type CompilerFactory = (externalSchemas: object, options: { customOptions: object }) => (route: { schema: object }) => Validate;

const AJV_OPTIONS = {
  useDefaults: false,
  removeAdditional: false,
  allErrors: false,
  // verbose: a refusal can name the fields the object takes and quote the value sent.
  verbose: true,
  // OpenAPI annotations the declarations carry; Ajv's strict mode would refuse them as typos.
  keywords: ['example', 'x-error-code', 'x-checked-by', 'x-grammar'],
} as const;

/** A body schema marked `x-checked-by` is judged by the domain parser it names (rules). */
function checkedElsewhere(schema: object): boolean {
  return typeof (schema as Record<string, unknown>)['x-checked-by'] === 'string';
}

/** The control plane's validator compiler: one per app, Ajv loaded on first use. */
export function controlValidatorCompiler(): FastifySchemaCompiler<object> {
  let factory: CompilerFactory | null = null;
  const compilers = new Map<string, ReturnType<CompilerFactory>>();
  const compilerFor = (coerce: boolean): ReturnType<CompilerFactory> => {
    const key = coerce ? 'text' : 'json';
    let c = compilers.get(key);
    if (!c) {
      factory ??= (fastifyRequire('@fastify/ajv-compiler') as () => CompilerFactory)();
      c = factory({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: coerce ? 'array' : false } });
      compilers.set(key, c);
    }
    return c;
  };
  return ({ schema, httpPart }) => {
    if (httpPart === 'body' && checkedElsewhere(schema)) return () => true;
    return compiledOnFirstUse(() => compilerFor(httpPart === 'querystring' || httpPart === 'params')({ schema }));
  };
}

interface SchemaIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** The refusal the grammar of a duration or an instant gives for this value (its advice is better than Ajv's). */
function grammarRefusal(field: string, schema: Record<string, unknown> | undefined, value: unknown): ControlError | null {
  const grammar = schema?.['x-grammar'];
  const parse = grammar === 'duration' ? parseDuration : grammar === 'instant' ? parseInstant : null;
  if (parse === null) return null;
  try {
    parse(value, field);
  } catch (err) {
    if (err instanceof ControlError) return err;
  }
  return null;
}

/**
 * A schema refusal as the control plane answers it: `{error: {code, message}}`, the message
 * naming the field (`match.amount.min`) and what it takes. The first issue Ajv found decides.
 */
export function schemaError(errors: readonly SchemaIssue[], dataVar: string): ControlError {
  const issue = errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ?? errors[0] ?? {};
  const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const params = issue.params ?? {};
  const schema = issue.parentSchema;
  // A field's mistake is bad_request wherever it is (docs/control-plane.md); invalid_body is for a body that is no object.
  const code: ControlErrorCode = (schema?.['x-error-code'] as ControlErrorCode | undefined) ?? 'bad_request';
  const at = (name: string): string => (path ? `${path}.${name}` : name);
  const field = path || (dataVar === 'querystring' ? 'query' : dataVar);

  const grammar = grammarRefusal(field, schema, issue.data);
  if (grammar) return grammar;
  switch (issue.keyword) {
    case 'type':
      if (path === '' && dataVar === 'body') return new ControlError(400, 'invalid_body', 'the request body must be a JSON object');
      return new ControlError(400, code, `${field}: must be ${typeWords(params.type)}`);
    case 'additionalProperties': {
      const known = Object.keys((schema?.properties as object | undefined) ?? {});
      const where = at(String(params.additionalProperty));
      const fix = known.length > 0 ? `unknown field; known fields: ${known.join(', ')}` : 'this call takes no fields';
      return new ControlError(400, code, `${where}: ${fix}`);
    }
    case 'required':
      return new ControlError(400, code, `${at(String(params.missingProperty))}: is required`);
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String).join(', ') : '';
      return new ControlError(400, code, `${field}: ${JSON.stringify(issue.data)?.slice(0, 40)} is not one of ${allowed}`);
    }
    case 'anyOf':
    case 'oneOf': {
      const options = ((schema?.[issue.keyword] as Array<{ type?: unknown }> | undefined) ?? []).map((s) => typeWords(s.type));
      return new ControlError(400, code, `${field}: must be ${[...new Set(options)].join(' or ')}`);
    }
    default:
      return new ControlError(400, code, `${field}: ${issue.message ?? 'is not valid'}`);
  }
}
