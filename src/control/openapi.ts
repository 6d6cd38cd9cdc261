/**
 * The OpenAPI 3 document of the control API, served at /_sandbox/openapi.json, generated from
 * the route declarations Fastify validates with (domain/wire/): what @fastify/swagger does,
 * in the part of it the sandbox needs, without loading a YAML library and a schema resolver
 * at every start. Schemas with a `title` become named components. A control route registered
 * without a declaration still appears, marked `x-undocumented` (test/control-openapi.test.ts
 * fails on those).
 */
import type { ControlRouteSchema } from '../domain/schema-type.js';
import { CONTROL_ERROR } from '../domain/wire/common.js';

type Json = Record<string, unknown>;

/** A control route as Fastify registered it (collected by the control plugin's onRoute hook). */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema?: ControlRouteSchema;
}

/** Fastify's `/:id` to OpenAPI's `/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/\/$/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
}

const SITE_TEXT = 'The site (website API key) the call acts on, as in the MultiSafepay API (also `?api_key=` or `Authorization: Bearer`).';

function siteParameter(site: ControlRouteSchema['site']): Json[] {
  if (site === 'none') return [];
  const required = site === 'required';
  const description = required ? `${SITE_TEXT} Required: the call acts on one site.` : `${SITE_TEXT} Without it the call acts sandbox-wide.`;
  return [{ name: 'api_key', in: 'header', required, description, schema: { type: 'string' } }];
}

/** Query or path parameters from the object schema Fastify validates that part with. */
function parametersOf(schema: object | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = schema as { properties?: Record<string, Json>; required?: readonly string[] };
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, in: where, required: where === 'path' || required.includes(name), ...(typeof description === 'string' ? { description } : {}), schema: rest };
  });
}

/** Copies a schema, moving every titled sub-schema into `components` and leaving a $ref. */
class Components {
  readonly schemas: Record<string, Json> = {};
  private readonly seen = new Map<string, string>();

  hoist(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.hoist(s));
    if (typeof schema !== 'object' || schema === null) return schema;
    const copy: Json = {};
    for (const [k, v] of Object.entries(schema)) copy[k] = k === 'enum' || k === 'required' || k === 'example' ? v : this.hoist(v);
    const title = copy.title;
    if (typeof title !== 'string') return copy;
    const text = JSON.stringify(copy);
    const before = this.seen.get(title);
    // Two different schemas under one name would make the document lie about one of them.
    if (before !== undefined && before !== text) throw new Error(`two control schemas are titled ${title}; give one another title`);
    this.seen.set(title, text);
    this.schemas[title] = copy;
    return { $ref: `#/components/schemas/${title}` };
  }
}

function operation(route: RegisteredRoute, components: Components): Json {
  const s = route.schema;
  if (!s) {
    const path = [...openApiPath(route.url).matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    return { summary: 'Control route without a declaration yet', tags: ['extensions'], parameters: path, responses: { 200: { description: 'OK' } }, 'x-undocumented': true };
  }
  const responses: Json = {};
  for (const [code, schema] of Object.entries(s.response)) {
    if (code === '4XX') {
      responses[code] = { $ref: '#/components/responses/ControlError' };
      continue;
    }
    const { description, ...rest } = schema as Json;
    const media = s.produces ?? 'application/json';
    responses[code] = { description: typeof description === 'string' ? description : code === '201' ? 'Created' : 'OK', content: { [media]: { schema: components.hoist(rest) } } };
  }
  const required = Array.isArray((s.body as { required?: unknown } | undefined)?.required) && ((s.body as { required: unknown[] }).required.length > 0);
  return {
    summary: s.summary,
    ...(s.description ? { description: s.description } : {}),
    tags: [...s.tags],
    parameters: [...siteParameter(s.site), ...parametersOf(s.params, 'path'), ...parametersOf(s.querystring, 'query')],
    ...(s.body ? { requestBody: { required, content: { 'application/json': { schema: components.hoist(s.body) } } } } : {}),
    responses,
    ...(s.deprecated ? { deprecated: true } : {}),
  };
}

export function buildOpenApi(routes: readonly RegisteredRoute[]): Json {
  const components = new Components();
  components.hoist(CONTROL_ERROR);
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation(route, components);
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
      schemas: components.schemas,
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
