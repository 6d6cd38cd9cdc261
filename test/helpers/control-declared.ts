/**
 * Hold the control plane's answers to its own declarations: the served OpenAPI document
 * (GET /_sandbox/openapi.json, generated from src/domain/wire/) says what every route answers,
 * and these helpers check real answers against it with Ajv.
 *
 *   const declared = await declaredRoutes(t, app, ['time']);      // the routes tagged "time"
 *   await declared.call('POST', '/_sandbox/clock/advance', { by: '1h' }, { api_key: KEY });
 *   declared.assertAllCalled();                                  // each of them was called
 *
 * `call` injects the request, checks the answer against the schema of its status (exact,
 * else 4XX) and returns it. A route's answers that the declaration does not describe fail.
 */
import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;
type Operation = { tags?: string[]; responses: Record<string, { content?: Record<string, { schema?: Json }>; $ref?: string }> };

export interface Declared {
  /** Call a control route (inject) and check its answer against the declaration. */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Check an answer already received. */
  check(method: string, url: string, res: { statusCode: number; body: string; headers: Record<string, unknown> }): void;
  /** Every route with one of the tags was called (and answered as declared) at least once. */
  assertAllCalled(): void;
}

function templateOf(paths: string[], url: string): string | null {
  const segs = (url.split('?')[0] ?? '').replace(/\/$/, '').split('/');
  let best: { path: string; literals: number } | null = null;
  for (const path of paths) {
    const p = path.split('/');
    if (p.length !== segs.length) continue;
    let literals = 0;
    let fits = true;
    for (let i = 0; i < p.length; i++) {
      if (/^\{.+\}$/.test(p[i]!)) continue;
      if (p[i] !== segs[i]) {
        fits = false;
        break;
      }
      literals++;
    }
    if (fits && (best === null || literals > best.literals)) best = { path, literals };
  }
  return best?.path ?? null;
}

export async function declaredRoutes(t: Test, app: FastifyInstance, tags: readonly string[]): Promise<Declared> {
  const doc = (await app.inject({ method: 'GET', url: '/_sandbox/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>>; components: Json };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'control', components: doc.components });
  const paths = Object.keys(doc.paths);
  const wanted = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) if ((op.tags ?? []).some((tag) => tags.includes(tag))) wanted.add(`${method.toUpperCase()} ${path}`);
  }
  const called = new Set<string>();

  const check: Declared['check'] = (method, url, res) => {
    const path = templateOf(paths, url);
    const op = path === null ? undefined : doc.paths[path]?.[method.toLowerCase()];
    if (!op || path === null) {
      t.fail(`${method} ${url} is not declared`);
      return;
    }
    called.add(`${method.toUpperCase()} ${path}`);
    const code = String(res.statusCode);
    const answer = op.responses[code] ?? (code.startsWith('4') ? op.responses['4XX'] : undefined);
    if (!answer) {
      t.fail(`${method} ${path} answered ${code}, which its declaration does not list`);
      return;
    }
    const schema = answer.$ref ? { $ref: 'control#/components/schemas/ControlError' } : answer.content?.['application/json']?.schema;
    if (!schema) {
      t.ok(answer.content, `${method} ${path} ${code} is declared as ${Object.keys(answer.content ?? {}).join(', ')}`);
      return;
    }
    const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"control#/components/')) as Json;
    const validate = ajv.compile(rewritten);
    const body: unknown = res.body === '' ? null : JSON.parse(res.body);
    const ok = validate(body);
    t.ok(ok, `${method} ${path} ${code} answers as declared`, ok ? {} : { errors: validate.errors?.slice(0, 5), body: res.body.slice(0, 600) });
  };

  return {
    check,
    async call(method, url, body, headers = {}) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      check(method, url, res);
      return res;
    },
    assertAllCalled() {
      const missing = [...wanted].filter((r) => !called.has(r));
      t.same(missing, [], `every route tagged ${tags.join(', ')} was called and answered as declared`);
    },
  };
}
