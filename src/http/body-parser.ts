/**
 * One lenient body parser for every content type, because real MultiSafepay clients send:
 * `application/json; charset=UTF-8;` (Node wrapper, trailing semicolon), JSON with
 * `Content-Type: application/x-www-form-urlencoded` (Java client), `Content-Type:
 * application/json` with an empty body (PHP SDK on GET/DELETE). Browser forms of the
 * payment pages send real urlencoded bodies, which are parsed as such.
 */
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance } from 'fastify';

export class BodyParseError extends Error {
  readonly statusCode = 400;
  readonly code = 'SANDBOX_BAD_BODY';
}

/**
 * JSON.parse that refuses prototype poisoning keys rather than silently keeping them. A reviver
 * makes JSON.parse about three times slower, so it runs only when such a key can be present
 * (spelled out, or hidden behind \u escapes).
 */
function parseJson(text: string): unknown {
  if (!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__' || key === 'constructor') return undefined;
    return value;
  });
}

/** Deepest nesting of objects and arrays a body may have. */
export const MAX_DEPTH = 64;

/**
 * How deep `text` nests, stopping once past MAX_DEPTH. Strings are skipped, so brackets in
 * them do not count. One pass of charCodeAt: about a microsecond for an order's body. Without
 * it a body nested thousands deep was kept in memory (200) but ran JSON.stringify out of stack
 * when written to the data file with --data-dir (500): now both answer the same 400.
 */
function tooDeep(text: string): boolean {
  if (text.length < MAX_DEPTH * 2) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

export function installBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    const looksJson = text.startsWith('{') || text.startsWith('[');
    if (ct.startsWith('application/x-www-form-urlencoded') && !looksJson) {
      return done(null, { ...parseQuery(text) });
    }
    if (looksJson && tooDeep(text)) {
      return done(new BodyParseError(`the request body nests objects or arrays deeper than ${MAX_DEPTH} levels; send a flatter JSON object`), undefined);
    }
    try {
      done(null, parseJson(text));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      done(new BodyParseError(`the request body is not valid JSON (${reason}); send a JSON object`), undefined);
    }
  });
}
