/**
 * Where an action's form sends the browser after it worked: back to the page it came from
 * (its `back` field, kept inside the dashboard) with the flash parameters, and to the same
 * spot on that page (`#refunds`, `#webhook-...`), so a tester who refunded at the bottom of a
 * long order page is not thrown to the top.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../http/format.js';
import { safeBack } from './access.js';

/** Only a plain anchor name: nothing a browser could read as a script or another address. */
function anchorOf(back: string): string {
  const m = /#([A-Za-z][\w-]{0,80})$/.exec(back);
  return m ? `#${m[1]}` : '';
}

/** Redirect (303) to `back` (or `to`, or `fallback`) with ?done=code&ref=ref. */
export function done(reply: FastifyReply, req: FastifyRequest, fallback: string, code: string, ref = '', to?: string): FastifyReply {
  const back = formField(req.body, 'back');
  const u = new URL(to ?? safeBack(back, fallback), 'http://dashboard.local');
  u.searchParams.set('done', code);
  if (ref !== '') u.searchParams.set('ref', ref);
  else u.searchParams.delete('ref');
  return reply.header('cache-control', 'no-store').redirect(u.pathname + u.search + (to === undefined ? anchorOf(back) : ''), 303);
}
