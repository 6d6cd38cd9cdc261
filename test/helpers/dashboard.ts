/**
 * Helpers for dashboard tests at inject level: GET a page, POST a form as a browser does
 * (urlencoded), and read what a user sees (text of an element by data-testid, with the
 * HTML entities decoded).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export async function page(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });
}

export async function post(app: FastifyInstance, url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(fields) });
}

export function decode(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Text inside the first element carrying data-testid="id" (nested tags stripped), or null. */
export function testid(html: string, id: string): string | null {
  const start = html.indexOf(`data-testid="${id}"`);
  if (start < 0) return null;
  const open = html.indexOf('>', start);
  const tag = /<([a-z0-9]+)[^<]*$/i.exec(html.slice(0, start))?.[1] ?? 'div';
  // Find the matching close tag, counting nested tags of the same name.
  let depth = 1;
  let i = open + 1;
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  re.lastIndex = i;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return decode(html.slice(i, m.index));
    i = open + 1;
  }
  return null;
}

export function countTestid(html: string, id: string): number {
  return html.split(`data-testid="${id}"`).length - 1;
}

/** The link of the first order row whose order id is `orderId`. */
export function orderLink(html: string, orderId: string): string | null {
  const re = /<a href="([^"]+)" data-testid="order-link">([^<]*)<\/a>/g;
  for (const m of html.matchAll(re)) if (decode(m[2] ?? '') === orderId) return decode(m[1] ?? '');
  return null;
}
