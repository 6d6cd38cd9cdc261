/**
 * The website API key, from wherever a client puts it: the `api_key` header (docs, PHP,
 * Node, Java, .NET), `?api_key=` (OpenAPI default), or `Authorization: Bearer` (Python).
 * Each key is its own site: orders of one key are invisible to another.
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../options/config.js';
import { ApiError } from '../domain/errors.js';

export function readApiKey(req: FastifyRequest): string | null {
  const h = req.headers;
  const header = h['api_key'] ?? h['api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const auth = h.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  const q = (req.query as Record<string, unknown> | undefined)?.api_key;
  if (typeof q === 'string' && q.trim() !== '') return q.trim();
  return null;
}

/** The site (API key) of a request, or a 1032 error that says how to send one. */
export function requireSite(req: FastifyRequest, config: SandboxConfig): string {
  const key = readApiKey(req);
  if (key === null) {
    throw new ApiError('INVALID_API_KEY', 'no API key sent; put your website API key in the api_key header, ?api_key= or Authorization: Bearer');
  }
  if (key.length < 5 || key.length > 256) {
    throw new ApiError('INVALID_API_KEY', `the API key must be 5 to 256 characters long; got ${key.length}`);
  }
  if (config.apiKeys.length > 0 && !config.apiKeys.includes(key)) {
    throw new ApiError('INVALID_API_KEY', `API key ${key.slice(0, 4)}… is not one of the keys this sandbox was started with (--api-key)`);
  }
  return key;
}
