/**
 * Typed client of the control API, for test suites (uses the global fetch):
 *
 *   const control = new SandboxControl({ url: sandbox.url, apiKey: 'my-key' });
 *   await control.scenario('declined', { match: { order_id: 'decline-*' }, once: true });
 *   await control.failure('error', { code: 1024, match: { amount: { min: 6600, max: 6699 } } });
 *   await control.advance('24h');
 *   await control.waitFor('order-1', 'completed');
 *
 * Every method throws a ControlClientError (with the HTTP status and the error code) when
 * the sandbox refuses the call.
 */
import type { Scenario } from '../domain/scenarios.js';
import type { FailureKind } from './failure-rules.js';
import type { JournalEntry } from './journal.js';
import type { ResetSummary } from './service.js';

export interface ControlClientOptions {
  /** Origin of the sandbox, e.g. http://127.0.0.1:8080 (a trailing path is ignored). */
  url: string;
  /** The site to act on (the website API key); without one, calls act sandbox-wide. */
  apiKey?: string | null;
  /** Control token, if the sandbox was started with one. */
  token?: string | null;
  /** Control API prefix (default /_sandbox). */
  prefix?: string;
}

export type Duration = string | number;

export interface RuleMatch {
  order_id?: string;
  amount?: { min?: number; max?: number } | number;
  email?: string;
  country?: string | string[];
  var1?: string;
  var2?: string;
  var3?: string;
}

export interface RuleUses {
  once?: boolean;
  times?: number;
  persist?: boolean;
  /** Make the rule for another site than the client's. */
  site?: string;
}

export interface ScenarioRuleOptions extends RuleUses {
  match?: RuleMatch;
  delay?: Duration;
}

export interface FailureRuleOptions extends RuleUses {
  on?: 'create_order' | 'any' | `${'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | '*'} /${string}`;
  match?: RuleMatch;
  code?: number;
  status?: 500 | 502 | 503 | 504;
  body?: 'json' | 'html' | 'empty';
  latency?: Duration;
  after?: boolean;
  probability?: number;
}

export interface ClockInfo {
  clock: 'sandbox' | 'site';
  site: string | null;
  now: string;
  now_ms: number;
  frozen: boolean;
  scale: number;
  pending_jobs: number;
  next_job_at: string | null;
  /** advance only */
  from?: string;
  fired?: number;
}

export interface OrderSummary {
  site: string;
  order_id: string | number;
  transaction_id: number;
  status: string;
  financial_status: string;
  amount: number;
  currency: string;
  description: string;
  customer_email: string | null;
  country: string | null;
  scenario: Scenario | null;
  scenario_plays_at: string | null;
  created: string;
  modified: string;
  expires_at: string | null;
  clears_at: string | null;
}

export interface TimelineEntry {
  at: string;
  cause: 'api' | 'bank' | 'control' | 'clock';
  action: string;
  from: { status: string; financial_status: string };
  to: { status: string; financial_status: string };
  note?: string;
}

export interface OrderDetail extends OrderSummary {
  timeline: TimelineEntry[];
  pending: Array<{ kind: string; due: string }>;
  /** The order as GET /v1/json/orders/{id} renders it. */
  order: Record<string, unknown>;
}

export interface RuleView {
  id: string;
  site: string | null;
  match: RuleMatch;
  remaining: number | null;
  applied: number;
  source: 'control' | 'preset';
  [k: string]: unknown;
}

/** What a reset removed: the control plane's own type (type-only import, no runtime coupling). */
export type { ResetSummary };

export interface WaitOptions {
  /** Real-time limit (default 30s, at most 2m). */
  timeout?: Duration;
  /** Also (or only, with status null) wait until a notification for the order was acknowledged. */
  webhookAcked?: boolean;
}

export class ControlClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ControlClientError';
  }
}

export class SandboxControl {
  readonly url: string;
  readonly apiKey: string | null;
  private readonly token: string | null;
  private readonly prefix: string;

  constructor(opts: ControlClientOptions) {
    this.url = new URL(opts.url).origin;
    this.apiKey = opts.apiKey ?? null;
    this.token = opts.token ?? null;
    this.prefix = opts.prefix ?? '/_sandbox';
  }

  /** The same client acting on another site (API key), or sandbox-wide with null. */
  forSite(apiKey: string | null): SandboxControl {
    return new SandboxControl({ url: this.url, apiKey, token: this.token, prefix: this.prefix });
  }

  /** Any control call; the typed methods below are thin over it. */
  async request<T = unknown>(method: string, path: string, body?: unknown, query: Record<string, string | undefined> = {}): Promise<T> {
    const u = new URL(`${this.prefix}${path}`, this.url);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey !== null) headers.api_key = this.apiKey;
    if (this.token !== null) headers['x-sandbox-token'] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(u, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let data: unknown = undefined;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = text;
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ControlClientError(res.status, err?.code ?? 'http_error', `${method} ${u.pathname}: ${res.status} ${err?.message ?? text.slice(0, 200)}`, data);
    }
    return data as T;
  }

  // ---- time ---------------------------------------------------------------------------

  clock(): Promise<ClockInfo> {
    return this.request('GET', '/clock');
  }

  /** Advance by a duration ('90s', '15m', '24h', '1d2h', ms); everything due fires before it resolves. */
  advance(by: Duration): Promise<ClockInfo> {
    return this.request('POST', '/clock/advance', { by });
  }

  advanceTo(to: Date | string | number): Promise<ClockInfo> {
    return this.request('POST', '/clock/advance', { to: to instanceof Date ? to.toISOString() : to });
  }

  freeze(): Promise<ClockInfo> {
    return this.request('POST', '/clock/freeze');
  }

  unfreeze(): Promise<ClockInfo> {
    return this.request('POST', '/clock/unfreeze');
  }

  setScale(scale: number): Promise<ClockInfo> {
    return this.request('POST', '/clock/scale', { scale });
  }

  /** Give this client's site a clock of its own (parallel suites travel in time independently). */
  ownClock(opts: { start?: Date | string | number; scale?: number; frozen?: boolean } = {}): Promise<ClockInfo> {
    const start = opts.start instanceof Date ? opts.start.toISOString() : opts.start;
    return this.request('POST', '/clock/own', { ...opts, ...(start !== undefined ? { start } : {}) });
  }

  dropOwnClock(): Promise<ClockInfo & { removed: boolean }> {
    return this.request('DELETE', '/clock/own');
  }

  // ---- scenarios and failures ---------------------------------------------------------

  /** Add a scenario rule: every new order it matches gets this outcome. */
  async scenario(scenario: Scenario, opts: ScenarioRuleOptions = {}): Promise<RuleView & { scenario: Scenario }> {
    const r = await this.request<{ rule: RuleView & { scenario: Scenario } }>('POST', '/scenarios', { scenario, ...opts });
    return r.rule;
  }

  /** Set the outcome of one order; with `delay` (0 = now) it plays out without a shopper. */
  outcome(orderId: string | number, scenario: Scenario, opts: { delay?: Duration } = {}): Promise<{ played: boolean; order: OrderSummary }> {
    return this.request('POST', `/orders/${encodeURIComponent(String(orderId))}/scenario`, { scenario, ...opts });
  }

  async scenarios(): Promise<RuleView[]> {
    return (await this.request<{ rules: RuleView[] }>('GET', '/scenarios')).rules;
  }

  removeScenario(id: string): Promise<{ removed: string }> {
    return this.request('DELETE', `/scenarios/${encodeURIComponent(id)}`);
  }

  /** Add a failure rule for the MultiSafepay API (default: create-order answers 1024). */
  async failure(kind: FailureKind = 'error', opts: FailureRuleOptions = {}): Promise<RuleView & { kind: FailureKind }> {
    const r = await this.request<{ rule: RuleView & { kind: FailureKind } }>('POST', '/failures', { kind, ...opts });
    return r.rule;
  }

  async failures(): Promise<RuleView[]> {
    return (await this.request<{ rules: RuleView[] }>('GET', '/failures')).rules;
  }

  removeFailure(id: string): Promise<{ removed: string }> {
    return this.request('DELETE', `/failures/${encodeURIComponent(id)}`);
  }

  // ---- inspection ---------------------------------------------------------------------

  async orders(filter: { status?: string; financial_status?: string; q?: string; limit?: number } = {}): Promise<OrderSummary[]> {
    const query = { ...filter, limit: filter.limit === undefined ? undefined : String(filter.limit) };
    return (await this.request<{ orders: OrderSummary[] }>('GET', '/orders', undefined, query)).orders;
  }

  order(orderId: string | number): Promise<OrderDetail> {
    return this.request('GET', `/orders/${encodeURIComponent(String(orderId))}`);
  }

  async timeline(orderId: string | number): Promise<TimelineEntry[]> {
    return (await this.request<{ timeline: TimelineEntry[] }>('GET', `/orders/${encodeURIComponent(String(orderId))}/timeline`)).timeline;
  }

  /**
   * Resolve when the order reaches `status` (order or transaction status), and, with
   * `webhookAcked`, once a notification for it was acknowledged. Rejects with a
   * ControlClientError (status 408, code wait_timeout) when the timeout runs out.
   */
  waitFor(orderId: string | number, status: string | null, opts: WaitOptions = {}): Promise<OrderSummary & { reached: true; waited_ms: number }> {
    return this.request('GET', `/orders/${encodeURIComponent(String(orderId))}/wait`, undefined, {
      status: status ?? undefined,
      webhook: opts.webhookAcked ? 'acked' : undefined,
      timeout: opts.timeout === undefined ? undefined : String(opts.timeout),
    });
  }

  async journal(filter: { method?: string; path?: string; order_id?: string; limit?: number } = {}): Promise<JournalEntry[]> {
    const query = { ...filter, limit: filter.limit === undefined ? undefined : String(filter.limit) };
    return (await this.request<{ entries: JournalEntry[] }>('GET', '/journal', undefined, query)).entries;
  }

  /** Reset this client's site (or, without an API key, the whole sandbox). */
  async reset(): Promise<ResetSummary> {
    return (await this.request<{ reset: ResetSummary }>('POST', '/reset')).reset;
  }

  // ---- webhooks (routes of the webhook dispatcher) --------------------------------------

  /** The notification delivery log of the client's site, or of one order (oldest first). Needs an API key. */
  async webhooks(orderId?: string | number): Promise<Array<Record<string, unknown>>> {
    const r = await this.request<{ deliveries: Array<Record<string, unknown>> }>('GET', '/webhooks/deliveries', undefined, {
      order_id: orderId === undefined ? undefined : String(orderId),
    });
    return r.deliveries;
  }

  /** Send a logged notification again now (its id from `webhooks()`). */
  resend(deliveryId: string): Promise<Record<string, unknown>> {
    return this.request('POST', `/webhooks/deliveries/${encodeURIComponent(deliveryId)}/resend`);
  }

  // ---- after payment (routes of src/control/after-payment-routes.ts) ----------------------

  /** Refunds of the client's site (every site without a key), newest first; `settles_at` says when midnight settles one. */
  async refunds(status?: 'reserved' | 'completed' | 'void'): Promise<Array<Record<string, unknown>>> {
    return (await this.request<{ refunds: Array<Record<string, unknown>> }>('GET', '/refunds', undefined, { status })).refunds;
  }

  /** The test dashboard's "Accept": a reserved refund completes now. */
  async acceptRefund(refundId: number): Promise<Record<string, unknown>> {
    return (await this.request<{ refund: Record<string, unknown> }>('POST', `/refunds/${refundId}/accept`)).refund;
  }

  /** Cancel a reserved refund (as PATCH /orders/{id}/refunds/{refund_id} {"status":"void"} does). */
  async voidRefund(refundId: number): Promise<Record<string, unknown>> {
    return (await this.request<{ refund: Record<string, unknown> }>('POST', `/refunds/${refundId}/void`)).refund;
  }

  /** Second Chance outbox: emails sent and reminders suppressed (with the reason), oldest first. */
  async outbox(filter: { order_id?: string | number; status?: 'sent' | 'suppressed' } = {}): Promise<Array<Record<string, unknown>>> {
    const query = { order_id: filter.order_id === undefined ? undefined : String(filter.order_id), status: filter.status };
    return (await this.request<{ emails: Array<Record<string, unknown>> }>('GET', '/second-chance/outbox', undefined, query)).emails;
  }

  async clearOutbox(): Promise<number> {
    return (await this.request<{ removed: number }>('DELETE', '/second-chance/outbox')).removed;
  }

  /** Recurring tokens of the client's site (of one customer reference if given). */
  async tokens(reference?: string): Promise<Array<Record<string, unknown>>> {
    return (await this.request<{ tokens: Array<Record<string, unknown>> }>('GET', '/recurring/tokens', undefined, { reference })).tokens;
  }
}
