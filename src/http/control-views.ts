/**
 * Shared pieces of the control routes: which site a call acts on, finding an order, and
 * the JSON shapes the control API answers with (times as ISO 8601 strings).
 */
import type { FastifyRequest } from 'fastify';
import { readApiKey } from './api-key.js';
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../domain/order.js';
import { isScenario } from '../domain/scenarios.js';
import type { Engine } from '../engine/engine.js';
import { ControlError } from '../domain/control-error.js';
import type { ScenarioRule } from '../features/test-rules/scenario-rules.js';
import type { FailureRule } from '../features/test-rules/failure-rules.js';
import { targetOf } from '../features/test-rules/failure-rules.js';
import { formatDuration } from '../options/duration.js';
import type { ClockView, FailureRuleView, OrderSummary, ScenarioRuleView, TimelineEntry } from '../domain/control-wire.js';

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The site a control call names with its API key (same header / query / bearer as the API),
 * or null when it sends none (sandbox-wide). The one site resolution of every control route:
 * no key where a site is needed is 400 site_required, a key of the wrong length 400
 * invalid_api_key, a key outside the configured list 404 unknown_site.
 */
export function siteOf(req: FastifyRequest, ctx: SandboxContext, required = false): string | null {
  const key = readApiKey(req);
  if (key === null) {
    if (required) throw new ControlError(400, 'site_required', "this call acts on one site: send its API key in the api_key header, ?api_key= or Authorization: Bearer");
    return null;
  }
  if (key.length < 5 || key.length > 256) throw new ControlError(400, 'invalid_api_key', `api_key: must be 5 to 256 characters long, as on the MultiSafepay API; got ${key.length}`);
  const keys = ctx.config.apiKeys;
  if (keys.length > 0 && !keys.includes(key)) {
    throw new ControlError(404, 'unknown_site', `api_key: ${key.slice(0, 4)}… is not one of the keys this sandbox was started with (--api-key), so no such site exists`);
  }
  return key;
}

/** siteOf for a call that acts on one site. */
export function requireSite(req: FastifyRequest, ctx: SandboxContext): string {
  return siteOf(req, ctx, true) as string;
}

/** An order by order_id or transaction_id; without a site, searched across all sites (must be unique). */
export function findOrder(engine: Engine, site: string | null, id: string): OrderRecord {
  if (site !== null) {
    const o = engine.findOrder(site, id);
    if (!o) throw new ControlError(404, 'order_not_found', `no order ${id.slice(0, 60)} on this site (looked up by order_id, then transaction_id)`);
    return o;
  }
  const found = findAnySite(engine, id);
  if (found.length === 0) throw new ControlError(404, 'order_not_found', `no order ${id.slice(0, 60)} on any site (looked up by order_id, then transaction_id)`);
  if (found.length > 1) {
    throw new ControlError(409, 'ambiguous_order', `order ${id.slice(0, 60)} exists on ${found.length} sites; send the site's API key (api_key header) to say which`);
  }
  return found[0]!;
}

export function findAnySite(engine: Engine, id: string): OrderRecord[] {
  const sites = new Set(engine.listOrders(null).map((o) => o.site));
  const out: OrderRecord[] = [];
  for (const s of sites) {
    const o = engine.findOrder(s, id);
    if (o) out.push(o);
  }
  return out;
}

export function orderSummary(engine: Engine, o: OrderRecord): OrderSummary {
  const play = engine.jobs.get(`scenario_play:${o.site}:${o.transaction_id}`);
  return {
    site: o.site,
    order_id: o.order_id,
    transaction_id: o.transaction_id,
    status: o.status,
    financial_status: o.financial_status,
    amount: o.amount,
    currency: o.currency,
    description: o.description,
    customer_email: o.customer.email,
    country: o.customer.country,
    scenario: isScenario(o.scenario) ? o.scenario : null,
    scenario_plays_at: play ? iso(play.due) : null,
    created: iso(o.created),
    modified: iso(o.modified),
    expires_at: iso(o.expires_at),
    clears_at: iso(o.clears_at),
  };
}

export function timelineView(o: OrderRecord): TimelineEntry[] {
  return o.timeline.map((e) => ({ ...e, at: iso(e.at) }));
}

export function scenarioRuleView(r: ScenarioRule): ScenarioRuleView {
  return {
    id: r.id,
    site: r.site,
    scenario: r.scenario,
    match: r.match,
    delay: r.delay_ms === null ? null : formatDuration(r.delay_ms),
    delay_ms: r.delay_ms,
    remaining: r.remaining,
    applied: r.applied,
    source: r.source,
  };
}

export function failureRuleView(r: FailureRule): FailureRuleView {
  if (targetOf(r) === 'notification') {
    return {
      id: r.id,
      site: r.site,
      target: 'notification',
      kind: r.kind,
      match: r.match,
      statuses: r.statuses ? [...r.statuses] : null,
      ...(r.kind === 'delay' || r.kind === 'reorder' ? { delay: r.delay_ms == null ? null : formatDuration(r.delay_ms), delay_ms: r.delay_ms ?? null } : {}),
      probability: r.probability,
      remaining: r.remaining,
      applied: r.applied,
      source: r.source,
    };
  }
  return {
    id: r.id,
    site: r.site,
    target: 'api',
    kind: r.kind,
    on: r.on,
    match: r.match,
    ...(r.kind === 'error' ? { code: r.error_code } : {}),
    ...(r.kind === 'http' ? { status: r.status, body: r.body } : {}),
    ...(r.kind === 'latency' ? { latency_ms: r.latency_ms } : {}),
    ...(r.kind === 'drop' ? { after: r.after } : {}),
    probability: r.probability,
    remaining: r.remaining,
    applied: r.applied,
    source: r.source,
  };
}

export function clockView(engine: Engine, site: string | null): ClockView {
  const own = site !== null && engine.hasOwnClock(site);
  const clock = site === null ? engine.clock : engine.clockFor(site);
  const jobs = engine.jobs.list((j) => (own ? j.site === site : !engine.hasOwnClock(j.site)));
  const now = clock.now();
  return {
    clock: own ? 'site' : 'sandbox',
    site: own ? site : null,
    now: iso(now),
    now_ms: now,
    frozen: clock.frozen,
    scale: clock.scale,
    pending_jobs: jobs.length,
    next_job_at: jobs[0] ? iso(jobs[0].due) : null,
  };
}

/** A query value as text; arrays (a repeated parameter) take the first. */
