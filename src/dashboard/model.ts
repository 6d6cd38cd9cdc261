/**
 * What the dashboard's pages show, built from the same services the control API reads
 * (engine, delivery log, refunds, Second Chance outbox, rules). Plain data only: the ejs
 * templates escape every value, and nothing here changes state.
 */
import { orderAdvice } from '../features/webhooks/order-advice.js';
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../domain/order.js';
import { renderOptionsOf, renderOrder } from '../domain/render.js';
import { remainingRefundable } from '../domain/order.js';
import { SCENARIOS, SCENARIO_LABELS } from '../domain/scenarios.js';
import { ORDER_STATUSES } from '../domain/statuses.js';
import { formatDuration } from '../options/duration.js';
import { listensOnLoopback } from '../http/origin-guard.js';
import { failureRuleView, scenarioRuleView } from '../http/control-views.js';
import type { AttemptRecord, NotificationRecord } from '../features/webhooks/delivery-log.js';
import type { FaultRule } from '../features/webhooks/faults.js';
import { scopeOfRule } from '../features/webhooks/faults.js';
import { age, millis, money, prettyBody, relative, when } from './format.js';

/** Orders shown on one list page (newest first); a filter narrows the rest. */
export const LIST_LIMIT = 200;

export function orderHref(site: string, transactionId: number): string {
  return `/dashboard/sites/${encodeURIComponent(site)}/orders/${transactionId}`;
}

export function listHref(site: string | null): string {
  return site === null ? '/dashboard' : `/dashboard?site=${encodeURIComponent(site)}`;
}

/** Sites the sandbox knows: configured API keys, sites with orders, sites with their own clock. */
export function knownSites(ctx: SandboxContext): string[] {
  const sites = new Set<string>(ctx.config.apiKeys);
  for (const o of ctx.engine.listOrders(null)) sites.add(o.site);
  for (const s of ctx.engine.siteClockNames()) sites.add(s);
  return [...sites].sort();
}

export interface ClockModel {
  readonly label: string;
  readonly now: string;
  readonly frozen: boolean;
  readonly scale: number;
  readonly pendingJobs: number;
  readonly nextJob: string;
  /** The site shown follows the shared sandbox clock (moving it moves other sites too). */
  readonly shared: boolean;
}

export function clockModel(ctx: SandboxContext, site: string | null): ClockModel {
  const { engine } = ctx;
  const own = site !== null && engine.hasOwnClock(site);
  const clock = site === null ? engine.clock : engine.clockFor(site);
  const jobs = engine.jobs.list((j) => (own ? j.site === site : !engine.hasOwnClock(j.site)));
  const now = clock.now();
  const next = jobs.reduce<number | null>((min, j) => (min === null || j.due < min ? j.due : min), null);
  return {
    label: own ? `clock of site ${site}` : 'sandbox clock',
    now: when(now),
    frozen: clock.frozen,
    scale: clock.scale,
    pendingJobs: jobs.length,
    nextJob: next === null ? 'none' : `${when(next)} (${relative(next, now)})`,
    shared: !own,
  };
}

export interface OrderRow {
  readonly site: string;
  readonly order_id: string;
  readonly transaction_id: number;
  readonly status: string;
  readonly financial_status: string;
  readonly amount: string;
  readonly description: string;
  readonly email: string;
  readonly created: string;
  readonly age: string;
  readonly href: string;
}

export function orderRow(ctx: SandboxContext, o: OrderRecord): OrderRow {
  return {
    site: o.site,
    order_id: String(o.order_id),
    transaction_id: o.transaction_id,
    status: o.status,
    financial_status: o.financial_status,
    amount: money(o.amount, o.currency),
    description: o.description,
    email: o.customer.email ?? '',
    created: when(o.created),
    age: age(ctx.engine.now(o.site) - o.created),
    href: orderHref(o.site, o.transaction_id),
  };
}

export interface ListQuery {
  readonly site: string | null;
  readonly status: string | null;
  readonly q: string | null;
}

export function listModel(ctx: SandboxContext, query: ListQuery) {
  const status = query.status !== null && (ORDER_STATUSES as readonly string[]).includes(query.status) ? query.status : null;
  const all = ctx.engine.listOrders(query.site, { ...(status ? { status } : {}), ...(query.q ? { q: query.q } : {}) });
  const siteOptions = siteCounts(ctx);
  return {
    sites: siteOptions.map((s) => s.site),
    siteOptions,
    statuses: ORDER_STATUSES,
    filter: { site: query.site, status, q: query.q ?? '' },
    total: all.length,
    rows: all.slice(0, LIST_LIMIT).map((o) => orderRow(ctx, o)),
    limit: LIST_LIMIT,
  };
}

function attemptModel(a: AttemptRecord) {
  return {
    n: a.n,
    kind: a.kind,
    at: when(a.at),
    duration: millis(a.duration_ms),
    outcome: a.response ? `HTTP ${a.response.status}` : (a.error ?? 'no answer'),
    acknowledged: a.acknowledged,
    error: a.error,
    request: {
      line: `${a.request.method} ${a.request.url}`,
      headers: Object.entries(a.request.headers),
      body: prettyBody(a.request.body),
    },
    response: a.response ? { status: a.response.status, body: a.response.body, truncated: a.response.truncated } : null,
  };
}

export function notificationModel(n: NotificationRecord, now: number) {
  const faults = Object.entries(n.faults).map(([k, v]) => (v === true ? k : `${k} ${formatDuration(Number(v))}`));
  return {
    id: n.id,
    event: n.event,
    status: n.status,
    financial_status: n.financial_status,
    state: n.state,
    created: when(n.created_at),
    method: n.method,
    url: n.url,
    next: n.next_attempt_at === null ? null : `${when(n.next_attempt_at)} (${relative(n.next_attempt_at, now)})`,
    attemptsMade: n.attempts_made,
    attemptsTotal: n.attempts_total,
    faults,
    attempts: n.attempts.map(attemptModel),
  };
}

export function detailModel(ctx: SandboxContext, o: OrderRecord) {
  const { engine } = ctx;
  const now = engine.now(o.site);
  const play = ctx.control.scenarios.pendingPlay(o.site, o.transaction_id);
  const refunds = o.refunds.map((r) => {
    const settles = ctx.refunds.settlesAt(o.site, r.refund_id);
    return {
      refund_id: r.refund_id,
      amount: money(r.amount, r.currency),
      description: r.description,
      status: r.status,
      created: when(r.created),
      settles: settles === null ? (r.status === 'reserved' ? 'when accepted' : '') : `${when(settles)} (${relative(settles, now)})`,
    };
  });
  const pending = engine.jobs
    .list((j) => j.site === o.site && j.data.transaction_id === o.transaction_id)
    .map((j) => ({ kind: j.kind, due: when(j.due), in: relative(j.due, now) }));
  const outbox = ctx.secondChance.list(o.site, { order_id: String(o.order_id) }).filter((e) => e.transaction_id === o.transaction_id);
  const notifications = ctx.webhooks
    .deliveries(o.site, o.order_id)
    .filter((n) => n.transaction_id === o.transaction_id)
    .reverse()
    .map((n) => notificationModel(n, now));
  return {
    advice: orderAdvice(ctx.webhooks, o),
    row: orderRow(ctx, o),
    facts: [
      ['Site (API key)', o.site],
      ['Order id', String(o.order_id)],
      ['Transaction id', String(o.transaction_id)],
      ['Type', o.type],
      ['Gateway', o.gateway ?? 'not chosen yet'],
      ['Amount', money(o.amount, o.currency)],
      ['Refunded', money(o.amount_refunded, o.currency)],
      ['Description', o.description],
      ['Customer', [o.customer.first_name, o.customer.last_name].filter(Boolean).join(' ') || '–'],
      ['Email', o.customer.email ?? '–'],
      ['Country', o.customer.country ?? '–'],
      ['Notification URL', o.payment_options.notification_url ?? '–'],
      ['Created', `${when(o.created)} (${age(now - o.created)} ago)`],
      ['Modified', when(o.modified)],
      ['Expires', o.expires_at === null ? '–' : `${when(o.expires_at)} (${relative(o.expires_at, now)})`],
      ['Uncleared completes', o.clears_at === null ? '–' : `${when(o.clears_at)} (${relative(o.clears_at, now)})`],
      ['Scenario', o.scenario ?? 'none (the shopper decides at the bank)'],
      ['Scenario plays', play ? `${when(play.due)} (${relative(play.due, now)})` : '–'],
    ] as Array<[string, string]>,
    timeline: o.timeline.map((e) => ({
      at: when(e.at),
      cause: e.cause,
      action: e.action,
      from: `${e.from.status} / ${e.from.financial_status}`,
      to: `${e.to.status} / ${e.to.financial_status}`,
      changed: e.from.status !== e.to.status || e.from.financial_status !== e.to.financial_status,
      note: e.note ?? '',
    })),
    refunds,
    notifications,
    outbox: outbox.map(outboxModel),
    pending,
    hasNotifyUrl: o.payment_options.notification_url !== null,
    canDecide: o.status === 'initialized',
    canCancel: o.status === 'initialized',
    refundable: o.financial_status === 'completed' && ['completed', 'shipped', 'partial_refunded'].includes(o.status) ? money(remainingRefundable(o), o.currency) : null,
    scenarios: SCENARIOS.map((id) => ({ id, label: SCENARIO_LABELS[id].en })),
    currentScenario: o.scenario ?? 'completed',
    json: JSON.stringify(renderOrder(o, renderOptionsOf(ctx.config)), null, 2),
  };
}

export function outboxModel(e: ReturnType<SandboxContext['secondChance']['list']>[number]) {
  return {
    id: e.id,
    site: e.site,
    order_id: String(e.order_id),
    href: orderHref(e.site, e.transaction_id),
    reminder: e.reminder,
    created: e.created.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    status: e.status,
    reason: e.reason ?? '',
    detail: e.detail ?? '',
    to: e.to ?? '',
    subject: e.subject ?? '',
    text: e.text ?? '',
    link: e.link ?? '',
    smtp: e.smtp ? `${e.smtp.status}${e.smtp.detail ? `: ${e.smtp.detail}` : ''}` : '',
  };
}

/** Orders a scenario rule decided (their timelines name the rule), newest first, at most five. */
function decidedBy(ctx: SandboxContext, ruleId: string, site: string | null): Array<{ order_id: string; href: string }> {
  const note = `scenario rule ${ruleId}`;
  return ctx.engine
    .listOrders(site)
    .filter((o) => o.timeline.some((e) => e.note?.includes(note) === true))
    .slice(0, 5)
    .map((o) => ({ order_id: String(o.order_id), href: orderHref(o.site, o.transaction_id) }));
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

/** The options in force, grouped, as text (the control token itself is never shown). */
export function settingsModel(ctx: SandboxContext, site: string | null, liveConnections: number) {
  const c = ctx.config;
  const w = c.webhooks;
  const ap = c.afterPayment;
  const rules = Object.entries(c.rules).map(([k, v]): [string, string] => [
    `rules.${k}`,
    Array.isArray(v) ? v.join(', ') : k.endsWith('Ms') ? formatDuration(Number(v)) : String(v),
  ]);
  const groups: Array<{ title: string; rows: Array<[string, string]> }> = [
    {
      title: 'Sandbox',
      rows: [
        ['API keys', c.apiKeys.length > 0 ? c.apiKeys.join(', ') : 'any key of 5 or more characters'],
        ['Store', c.dataDir === null ? 'in memory (lost at stop)' : `SQLite in ${c.dataDir}`],
        ['Retention', c.retentionDays === null ? 'keep every order' : `${c.retentionDays} days of sandbox time`],
        ['Seed', c.seed === null ? 'none (random ids)' : String(c.seed)],
        ['Public URL', c.publicUrl ?? 'taken from each request’s Host'],
        ['Time scale at start', String(c.timeScale)],
        ['Manual clock at start', yesNo(c.manualClock)],
        ['Start time', c.startTime === null ? 'now' : when(c.startTime)],
        ['Body limit', `${c.bodyLimit} bytes`],
        ['Journal size', String(c.journalSize)],
        ['Scenario files', c.scenarioFiles.length > 0 ? c.scenarioFiles.join(', ') : 'none'],
      ],
    },
    {
      title: 'Control plane and dashboard',
      rows: [
        ['Control token', tokenRow(c)],
        ['Callers from other hosts', c.controlAllowRemote ? (c.controlToken === null ? 'allowed without a token (--control-open): anyone who reaches the port may act' : 'allowed with the token') : 'refused (loopback only)'],
        ['Host names answered', listensOnLoopback(c) ? ['localhost', 'loopback addresses', ...c.allowedHosts].join(', ') : 'any (the sandbox listens beyond loopback)'],
        ['Orders per site', `at most ${c.maxOrdersPerSite}`],
        ['Live dashboard connections', String(liveConnections)],
      ],
    },
    { title: 'Sofort rules', rows: rules },
    {
      title: 'Webhooks',
      rows: [
        ['Delay', w.delayMs[0] === w.delayMs[1] ? formatDuration(w.delayMs[0]) : `${formatDuration(w.delayMs[0])} to ${formatDuration(w.delayMs[1])}`],
        ['Retries', String(w.retries)],
        ['Retry interval', formatDuration(w.retryIntervalMs)],
        ['Timeout', formatDuration(w.timeoutMs)],
        ['Notify on create', yesNo(w.notifyOnCreate)],
        ['Initialized notifications', yesNo(c.initializedNotifications)],
        ['Site notification URL at start', c.siteNotificationUrl ?? 'none'],
        ['Mask IBANs', yesNo(w.maskIbans)],
        ['Concurrency', `${w.concurrency} overall, ${w.perReceiverConcurrency} per receiver`],
        ['Delivery log per site', String(w.logLimit)],
        ['Start-up fault rules', w.faults.length > 0 ? JSON.stringify(w.faults) : 'none'],
      ],
    },
    {
      title: 'After the payment',
      rows: [
        ['Refunds settle', ap.refundSettle === 'midnight' ? 'at the next midnight UTC (sandbox clock)' : ap.refundSettle === 'manual' ? 'only when accepted' : 'at once'],
        ['Recurring charge delay', formatDuration(ap.recurringChargeDelayMs)],
        ['Second Chance', ap.secondChance.enabled ? `on, from ${ap.secondChance.from}` : 'off'],
        ['SMTP hand-over', ap.smtp === null ? 'off (outbox only)' : `${ap.smtp.host}:${ap.smtp.port}`],
      ],
    },
  ];
  const faults = site === null ? { sandbox: ctx.webhooks.faults.get({ kind: 'sandbox' }), site: [], orders: {} } : ctx.webhooks.faults.list(site);
  // One row per scope, one line per rule with its place in the scope's list (what the remove button names).
  const text = (r: FaultRule): string => JSON.stringify(r);
  const faultRows: Array<{ scope: string; kind: 'sandbox' | 'site' | 'order'; order_id: string; rules: Array<{ index: number; text: string }> }> = [];
  const rows = (list: FaultRule[]) => list.map((r, index) => ({ index, text: text(r) }));
  if (faults.sandbox.length > 0) faultRows.push({ scope: 'every site', kind: 'sandbox', order_id: '', rules: rows(faults.sandbox) });
  if (faults.site.length > 0) faultRows.push({ scope: `site ${site ?? ''}`, kind: 'site', order_id: '', rules: rows(faults.site) });
  for (const [orderId, r] of Object.entries(faults.orders)) faultRows.push({ scope: `order ${orderId}`, kind: 'order', order_id: orderId, rules: rows(r) });
  // Notification rules no scope can name (written on /_sandbox/failures with other match fields): listed by id.
  const matchedFaults = ctx.control.failures
    .listOf(site, 'notification')
    .filter((r) => scopeOfRule(r) === null)
    .map((r) => {
      const v = failureRuleView(r);
      const text = JSON.stringify({ kind: v.kind, statuses: v.statuses, ...(v.delay ? { delay: v.delay } : {}), match: v.match });
      return { id: r.id, site: r.site ?? 'every site', text, uses: r.remaining === null ? 'always' : `${r.remaining} left`, applied: r.applied };
    });
  // What the fault rules did: the site's notifications that had a fault applied, newest first.
  const faulted = site === null ? [] : ctx.webhooks.deliveries(site).filter((n) => Object.keys(n.faults).length > 0).reverse();
  const faultsApplied = {
    count: faulted.length,
    latest: faulted.slice(0, 5).map((n) => ({ id: n.id, order_id: String(n.order_id), href: `${orderHref(n.site, n.transaction_id)}#webhook-${n.id}`, faults: notificationModel(n, 0).faults.join(', '), state: n.state })),
  };
  return {
    groups,
    faultsApplied,
    scenarioRules: ctx.control.scenarios.list(site).map((r) => {
      const v = scenarioRuleView(r);
      return { id: r.id, site: r.site ?? 'every site', siteKey: r.site ?? '', scenario: r.scenario, match: JSON.stringify(v.match), delay: r.delay_ms === null ? 'at the bank' : formatDuration(r.delay_ms), uses: r.remaining === null ? 'always' : `${r.remaining} left`, applied: r.applied, source: r.source, matched: decidedBy(ctx, r.id, r.site) };
    }),
    // The book holds notification rules too; they show with the notification faults below.
    failureRules: ctx.control.failures.listOf(site, 'api').map((r) => {
      const v = failureRuleView(r);
      const detail = r.kind === 'error' ? `code ${String(v.code)}` : r.kind === 'http' ? `HTTP ${String(v.status)}` : r.kind === 'latency' ? `${String(v.latency_ms)} ms` : r.kind === 'drop' ? `drop ${String(v.after)}` : '';
      const matched = ctx.control.journal.list({}).filter((e) => e.failure === r.id).slice(0, 3).map((e) => `${e.method} ${e.url.split('?')[0] ?? ''} → ${e.status === null ? e.outcome : `HTTP ${e.status}`}${e.error_code === null ? '' : ` (${e.error_code})`}`);
      return { id: r.id, site: r.site ?? 'every site', siteKey: r.site ?? '', kind: r.kind, detail, on: JSON.stringify(v.on), match: JSON.stringify(v.match), probability: String(r.probability), uses: r.remaining === null ? 'always' : `${r.remaining} left`, applied: r.applied, source: r.source, matched };
    }),
    faultRows,
    matchedFaults,
    siteSettings: site === null ? null : ctx.siteSettings.view(site),
    clocks: [clockModel(ctx, null), ...ctx.engine.siteClockNames().map((s) => clockModel(ctx, s))],
  };
}

/** Sites with orders, each with its count, for the site pickers ("shop-key (3 orders)"). */
export function siteCounts(ctx: SandboxContext): Array<{ site: string; orders: number; label: string }> {
  // One pass over the orders (the same sites as knownSites): the list page renders this on every refresh.
  const counts = new Map<string, number>();
  for (const s of ctx.config.apiKeys) counts.set(s, 0);
  for (const s of ctx.engine.siteClockNames()) counts.set(s, 0);
  for (const o of ctx.engine.listOrders(null)) counts.set(o.site, (counts.get(o.site) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([site, orders]) => ({ site, orders, label: `${site} (${orders} order${orders === 1 ? '' : 's'})` }));
}

/** Sites that follow the shared sandbox clock and have something on it (orders or timed jobs): whose tests a move of it moves. */
export function clockSharers(ctx: SandboxContext): Array<{ site: string; orders: number; jobs: number }> {
  const { engine } = ctx;
  const out = new Map<string, { site: string; orders: number; jobs: number }>();
  const entry = (site: string) => out.get(site) ?? out.set(site, { site, orders: 0, jobs: 0 }).get(site)!;
  for (const o of engine.listOrders(null)) if (!engine.hasOwnClock(o.site)) entry(o.site).orders++;
  for (const j of engine.jobs.list((j) => !engine.hasOwnClock(j.site))) entry(j.site).jobs++;
  return [...out.values()].sort((a, b) => (a.site < b.site ? -1 : 1));
}

/** What a reset of a site (or of everything) would forget, for the confirmation page. */
export function resetModel(ctx: SandboxContext, site: string | null) {
  const own = <R extends { site: string | null }>(rules: R[]): number => rules.filter((r) => site === null || r.site === site).length;
  return {
    target: site,
    counts: [
      ['order', ctx.engine.listOrders(site).length],
      ['scenario rule', own(ctx.control.scenarios.list(site))],
      ['API failure rule', own(ctx.control.failures.listOf(site, 'api'))],
      ['notification fault rule', site === null ? 0 : own(ctx.control.failures.listOf(site, 'notification'))],
      ['journal entry', ctx.control.journal.list({ site }).length],
    ].map(([what, n]) => `${n} ${n === 1 ? String(what) : String(what).replace(/y$/, 'ie') + 's'}`),
    ownClock: site === null ? ctx.engine.siteClockNames().length > 0 : ctx.engine.hasOwnClock(site),
  };
}

/** What the settings page says about the control token: true whatever way the sandbox runs. */
function tokenRow(c: SandboxContext['config']): string {
  if (c.controlToken === null) {
    return c.controlAllowRemote ? 'not set: anyone who reaches the port may act (--control-open)' : 'not set: any program on this machine may act (loopback only)';
  }
  if (c.controlTokenSource === 'generated' || c.controlTokenSource === 'stored') return 'made by the sandbox (kept in the data directory when there is one; printed at start)';
  return 'set';
}
