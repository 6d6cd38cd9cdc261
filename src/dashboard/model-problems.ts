/**
 * "What went wrong": the API calls the sandbox refused or could not answer (from the
 * control plane's request journal) and the notifications that failed or still wait, across
 * every order of a site. A tester who sees "0 orders" after a create-order call finds the
 * refused call here, with its MultiSafepay error, instead of in a log.
 */
import type { SandboxContext } from '../context.js';
import type { JournalEntry } from '../features/inspection/journal.js';
import { findErrorByCode } from '../domain/errors.js';
import { when, relative, prettyBody } from './format.js';
import { knownSites, orderHref } from './model.js';
import { orderAdvice } from '../features/webhooks/order-advice.js';

/** Entries the journal may carry beyond the base fields (request/response bodies, advice, ...): shown when present. */
const BASE_FIELDS = new Set(['seq', 'at', 'method', 'url', 'status', 'outcome', 'duration_ms', 'site', 'order_id', 'error_code', 'failure']);

export function isFailedCall(e: JournalEntry): boolean {
  return e.outcome !== 'answered' || e.status === null || e.status >= 400;
}

/** How many API calls of a site (or all) the sandbox refused or did not answer. */
export function failedCallCount(ctx: SandboxContext, site: string | null): number {
  return ctx.control.journal.list({ site }).filter(isFailedCall).length;
}

function shown(v: unknown): string {
  if (typeof v === 'string') return prettyBody(v);
  return JSON.stringify(v, null, 2) ?? '';
}

export function callModel(e: JournalEntry) {
  const spec = e.error_code === null ? undefined : findErrorByCode(e.error_code);
  const extra = Object.entries(e as unknown as Record<string, unknown>)
    .filter(([k, v]) => !BASE_FIELDS.has(k) && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => ({ name: k.replace(/_/g, ' '), text: shown(v) }));
  return {
    seq: e.seq,
    at: e.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    method: e.method,
    url: e.url,
    status: e.status === null ? e.outcome : `HTTP ${e.status}`,
    error: e.error_code === null ? '' : `${e.error_code}${spec ? ` ${spec.title}` : ''}`,
    failure: e.failure ?? '',
    site: e.site ?? 'no valid API key',
    order_id: e.order_id ?? '',
    extra,
  };
}

export function problemsModel(ctx: SandboxContext, site: string | null) {
  const calls = ctx.control.journal.list({ site }).filter(isFailedCall).slice(0, 200).map(callModel);
  const sites = site === null ? knownSites(ctx) : [site];
  const notifications = sites
    .flatMap((s) => ctx.webhooks.deliveries(s).filter((n) => n.state !== 'delivered'))
    .sort((a, b) => b.created_at - a.created_at)
    .slice(0, 200)
    .map((n) => {
      const now = ctx.engine.now(n.site);
      const last = n.attempts[n.attempts.length - 1];
      return {
        id: n.id,
        site: n.site,
        order_id: String(n.order_id),
        href: orderHref(n.site, n.transaction_id),
        anchor: `webhook-${n.id}`,
        state: n.state,
        change: `${n.event} → ${n.status}`,
        url: n.url,
        attempts: `${n.attempts_made} automatic attempt${n.attempts_made === 1 ? '' : 's'}`,
        last: last ? `${last.response ? `HTTP ${last.response.status}` : (last.error ?? 'no answer')} at ${when(last.at)}` : 'no attempt yet',
        next: n.next_attempt_at === null ? '' : `${when(n.next_attempt_at)} (${relative(n.next_attempt_at, now)})`,
      };
    });
  // Orders the sandbox has advice about (a request it accepted but a real shop should not send, ...), newest first.
  const advised = ctx.engine
    .listOrders(site)
    .map((o) => ({ o, advice: orderAdvice(ctx.webhooks, o) }))
    .filter((x) => x.advice.length > 0)
    .slice(0, 100)
    .map(({ o, advice }) => ({ order_id: String(o.order_id), href: orderHref(o.site, o.transaction_id), site: o.site, advice }));
  return { calls, notifications, advised, capacity: ctx.control.journal.capacity };
}
