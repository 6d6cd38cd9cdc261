/**
 * Fastify's schema compilers load lazily (src/http/lazy-compilers.ts): a sandbox starts without
 * Ajv, and a route that does declare a schema still validates and serialises as usual.
 */
import t from 'tap';
import { createRequire } from 'node:module';
import { buildApp } from '../src/index.js';

const loaded = (pkg: string): boolean => {
  const require = createRequire(import.meta.url);
  return Object.keys(require.cache).some((file) => file.includes(`/node_modules/${pkg}/`));
};

t.test('a sandbox starts without loading Ajv or fast-json-stringify', async (t) => {
  const app = await buildApp({ seed: 'lazy' });
  t.teardown(() => app.close());
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/health' });
  t.equal(res.statusCode, 200);
  t.notOk(loaded('@fastify/ajv-compiler'), 'Ajv compiler not loaded by start-up');
  t.notOk(loaded('@fastify/fast-json-stringify-compiler'), 'serializer compiler not loaded by start-up');
});

t.test('a route with a schema still validates its body and serialises its answer', async (t) => {
  const app = await buildApp({ seed: 'lazy' });
  t.teardown(() => app.close());
  app.post('/schema-check', {
    schema: {
      body: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { doubled: { type: 'integer' } } } },
    },
    handler: async (req) => ({ doubled: (req.body as { n: number }).n * 2, hidden: 'not in the schema' }),
  });
  await app.ready();

  const ok = await app.inject({ method: 'POST', url: '/schema-check', payload: { n: 21 } });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { doubled: 42 }, 'the response schema drops fields it does not list');

  const bad = await app.inject({ method: 'POST', url: '/schema-check', payload: { n: 0 } });
  t.equal(bad.statusCode, 400, 'a body that breaks the schema is refused');
  t.ok(loaded('@fastify/ajv-compiler'), 'the compiler was loaded once needed');
});
