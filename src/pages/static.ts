/**
 * The pages' few static files (stylesheet, Sofort icon, a small script), read once at start
 * and served from memory: the pages work offline and load nothing from elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { VIEWS_DIR } from '../paths.js';

const FILES: ReadonlyArray<[name: string, type: string]> = [
  ['sandbox.css', 'text/css; charset=utf-8'],
  ['sofort.svg', 'image/svg+xml'],
  ['pages.js', 'text/javascript; charset=utf-8'],
  ['dashboard.js', 'text/javascript; charset=utf-8'],
];

export function registerStatic(app: FastifyInstance): void {
  for (const [name, type] of FILES) {
    const body = readFileSync(join(VIEWS_DIR, 'static', name));
    app.get(`/static/${name}`, async (_req, reply) => reply.type(type).header('cache-control', 'public, max-age=300').send(body));
  }
}
