/**
 * Route schemas compile on a route's first request (src/http/lazy-compilers.ts): declaring
 * schemas on control routes costs no start-up time. Its own file: whether Ajv is loaded is
 * per process, and another test here would have loaded it.
 */
import t from 'tap';
import { createRequire } from 'node:module';
import { buildApp } from '../src/index.js';

const loaded = (pkg: string): boolean => {
  const require = createRequire(import.meta.url);
  return Object.keys(require.cache).some((file) => file.includes(`/node_modules/${pkg}/`));
};

t.test('a route with a schema compiles it on its first request, not when the app gets ready', async (t) => {
  const app = await buildApp({ seed: 'lazy' });
  t.teardown(() => app.close());
  app.get('/schema-later', { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } }, handler: async (req) => req.query });
  await app.ready();
  t.notOk(loaded('@fastify/ajv-compiler'), 'ready without compiling');
  const res = await app.inject({ method: 'GET', url: '/schema-later?n=7' });
  t.same(res.json(), { n: 7 }, 'validated and coerced on the first request');
  t.equal((await app.inject({ method: 'GET', url: '/schema-later?n=x' })).statusCode, 400);
});
