/**
 * Rendering a dashboard page: every page gets the same frame (navigation, the clock panel
 * with its advance buttons, the flash line after an action, the live-update stream to
 * follow) and the same headers. The site a page is about comes from `?site=` or the path.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { clockModel } from './model.js';

export interface Frame {
  readonly site: string | null;
  readonly nav: 'orders' | 'new' | 'problems' | 'outbox' | 'settings' | 'none';
  /** The SSE URL the page's script follows, or null for a page without live parts. */
  readonly events: string | null;
  readonly flash: string | null;
  readonly back: string;
  readonly tokenSet: boolean;
  readonly clock: ReturnType<typeof clockModel>;
}

/** A query parameter as one trimmed string (a repeated one takes the first), or null. */
export function queryParam(req: FastifyRequest, name: string): string | null {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first.trim() !== '' ? first.trim().slice(0, 300) : null;
}

/** What an action's redirect says on the page it lands on: fixed texts, the reference escaped by the template. */
const DONE: Readonly<Record<string, (ref: string) => string>> = {
  resent: (ref) => `Notification ${ref} was sent again: its newest attempt is at the top of its list.`,
  scenario_set: (ref) => `Scenario “${ref}” is set: the shopper's bank confirmation plays it.`,
  scenario_played: (ref) => `Scenario “${ref}” was played.`,
  scenario_scheduled: (ref) => `Scenario set; it plays ${ref}.`,
  expired: () => 'The order expired.',
  refund_accepted: (ref) => `Refund ${ref} was accepted: it is completed.`,
  refund_voided: (ref) => `Refund ${ref} was voided.`,
  advanced: (ref) => `The clock moved ${ref}.`,
  site_settings: (ref) => `Site notification URL: ${ref}.`,
  logged_in: () => 'Token accepted: this browser may use the dashboard.',
  created: (ref) => `Order ${ref} was created. Open its payment page to pay it as a shopper, or decide its outcome here.`,
  returned: (ref) => `Back from the payment pages: the order is ${ref}.`,
  cancelled: () => 'The order was cancelled.',
  refunded: (ref) => `Refund ${ref} was created: it is in the refunds list below.`,
  rule_added: (ref) => `Rule ${ref} was added.`,
  rule_edited: (ref) => `The rule was changed: it is now rule ${ref}.`,
  rule_removed: (ref) => `Rule ${ref} was removed.`,
  fault_added: (ref) => `Notification fault “${ref}” was added.`,
  fault_removed: (ref) => `Notification fault “${ref}” was removed.`,
  faults_cleared: (ref) => `Notification faults of ${ref} were cleared.`,
  preset_loaded: (ref) => `Preset ${ref} loaded.`,
  own_clock: (ref) => `This site has its own clock now${ref ? ` ${ref}` : ''}: moving it moves no other site's tests.`,
  reset: (ref) => `The site was reset: ${ref} forgotten.`,
};

export function flashOf(req: FastifyRequest): string | null {
  const done = queryParam(req, 'done');
  // Own keys only: `?done=__proto__` or `constructor` must not reach Object.prototype's members.
  const make = done === null || !Object.hasOwn(DONE, done) ? undefined : DONE[done];
  return make ? make((queryParam(req, 'ref') ?? '').slice(0, 120)) : null;
}

/** The path and query of this request, without the flash parameters (where an action returns to). */
export function backOf(req: FastifyRequest): string {
  const u = new URL(req.url, 'http://dashboard.local');
  for (const k of ['done', 'ref', 'token']) u.searchParams.delete(k);
  return u.pathname + u.search;
}

export function eventsUrl(site: string | null, transactionId: number | null = null): string {
  const q = new URLSearchParams();
  if (site !== null) q.set('site', site);
  if (transactionId !== null) q.set('tx', String(transactionId));
  const s = q.toString();
  return `/dashboard/events${s ? `?${s}` : ''}`;
}

export function frame(ctx: SandboxContext, req: FastifyRequest, site: string | null, nav: Frame['nav'], events: string | null): Frame {
  return { site, nav, events, flash: flashOf(req), back: backOf(req), tokenSet: ctx.config.controlToken !== null, clock: clockModel(ctx, site) };
}

export async function sendPage(reply: FastifyReply, status: number, template: string, data: object): Promise<FastifyReply> {
  const html = await reply.viewAsync(`dashboard/${template}`, data);
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}
