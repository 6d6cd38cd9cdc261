/**
 * The control API's OpenAPI document describes every /_sandbox route, extensions included,
 * and nothing that does not exist.
 */
import t from 'tap';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv) => Ajv;
import { build } from './helpers/build.js';
import { openApiPath } from '../src/control/openapi.js';

t.test('every registered control route is described, and every described route exists', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'GET', url: '/_sandbox/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { summary?: string; 'x-undocumented'?: boolean; parameters: Array<{ in: string; name: string }> }>> };
  t.match(doc.openapi, /^3\./);

  const registered = app.sandbox.control.routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`);
  t.ok(registered.length > 30, 'routes were collected');
  for (const r of registered) {
    const [method = '', path = ''] = r.split(' ');
    const op = doc.paths[path]?.[method];
    t.ok(op && !op['x-undocumented'], `${r} is described`);
    for (const p of path.matchAll(/\{([^}]+)\}/g)) t.ok(op?.parameters.some((x) => x.in === 'path' && x.name === p[1]), `${r} documents its path parameter ${p[1]}`);
  }
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) t.ok(registered.includes(`${method} ${path}`), `${method} ${path} exists`);
  }
  // Every $ref points at something that is there.
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([A-Za-z]+)"/g)) {
    t.ok((doc as unknown as { components: Record<string, Record<string, unknown>> }).components[m[1]!]?.[m[2]!], `${m[1]}/${m[2]} is defined`);
  }
});

t.test('every declared schema compiles under strict Ajv, so no control route fails on its first request and the document says what it means', async (t) => {
  const app = await build(t);
  const doc = (await app.inject({ method: 'GET', url: '/_sandbox/openapi.json' })).json() as {
    components: Record<string, unknown>;
    paths: Record<string, Record<string, { parameters: Array<{ name: string; schema: unknown }>; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  };
  // 'components' only holds the named schemas the $refs point at.
  const ajv = new Ajv({ strict: true, keywords: ['example', 'x-error-code', 'x-checked-by', 'x-grammar', 'components'] });
  addFormats(ajv);
  ajv.addSchema({ $id: 'control', components: doc.components });
  const local = (schema: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"control#/components/')) as Record<string, unknown>;
  let compiled = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const parts = [...op.parameters.map((p) => [`parameter ${p.name}`, p.schema] as const), ...Object.values(op.requestBody?.content ?? {}).map((c) => ['body', c.schema] as const),
        ...Object.entries(op.responses).flatMap(([code, r]) => Object.values(r.content ?? {}).map((c) => [`answer ${code}`, c.schema] as const)),
      ];
      for (const [what, schema] of parts) {
        t.doesNotThrow(() => ajv.compile(local(schema)), `${method} ${path} ${what}`);
        compiled++;
      }
    }
  }
  t.ok(compiled > 40, `${compiled} schemas compiled`);
});
