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
import type { FaultScope } from '../features/webhooks/faults.js';
import type { NotificationState } from '../features/webhooks/delivery-log.js';
import type { FailureKind } from '../features/test-rules/failure-rules.js';
import type {
  ClockInfo, FailureRuleInput, FailureRuleView, JournalEntry, NotificationFaultKind, OrderDetail, OrderSummary, OrdersFilter, RequestFilter, ResetSummary, RuleMatch, RuleTarget,
  RuleView, Scenario, ScenarioRuleView, TimelineEntry, WaitAnswer, WaitStatus,
} from '../domain/control-wire.js';
import type { BodyOf, QueryOf, ReplyOf } from '../domain/schema-type.js';
import type {
  CLEAR_FAULT_SCOPE, FaultRuleView, LIST_DELIVERIES, LIST_FAULT_SCOPES, NotificationAttemptKind, NotificationAttemptView, NotificationRecordView, READ_DELIVERY,
  RESEND_DELIVERY, SET_FAULT_SCOPE,
} from '../domain/wire/webhooks.js';
import type { ACCEPT_REFUND, CLEAR_OUTBOX, LIST_OUTBOX, LIST_REFUNDS, LIST_TOKENS, VOID_REFUND } from '../domain/wire/after-payment.js';
import type { ADVANCE_CLOCK, DROP_OWN_CLOCK, FREEZE_CLOCK, LIST_CLOCKS, OWN_CLOCK, READ_CLOCK, SCALE_CLOCK, UNFREEZE_CLOCK } from '../domain/wire/clock.js';
import type {
  ADD_FAILURE_RULE, ADD_SCENARIO_RULE, LIST_FAILURE_RULES, LIST_SCENARIOS, REMOVE_FAILURE_RULE, REMOVE_SCENARIO_RULE, RESET_FAILURE_RULES, SET_ORDER_OUTCOME,
} from '../domain/wire/rules.js';

/** The wire shapes, declared once in wire.ts and shared with the server's views. */
export type {
  ClockInfo, FailureRuleView, JournalEntry, OrderDetail, OrderSummary, RequestFilter, ResetSummary, RuleMatch, RuleView, Scenario,
  ScenarioRuleView, TimelineEntry, WaitAnswer, WaitStatus, FailureKind, NotificationState, FaultScope,
  NotificationFaultKind, RuleTarget, FailureRuleInput,
};

/** A logged notification with its attempts, as the control API answers it (declared in domain/wire/webhooks.ts). */
export type NotificationRecord = NotificationRecordView;
export type AttemptRecord = NotificationAttemptView;
export type AttemptKind = NotificationAttemptKind;
/** A notification fault rule of the deprecated scope routes (declared in domain/wire/webhooks.ts). */
export type FaultRule = FaultRuleView;

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

/** How often a rule applies, and for which site: the fields every rule body shares (wire/rules.ts). */
export type RuleUses = Pick<FailureRuleInput, 'once' | 'times' | 'persist' | 'site'>;

/** What a scenario rule takes besides its scenario: the body of POST /_sandbox/scenarios. */
export type ScenarioRuleOptions = Omit<BodyOf<typeof ADD_SCENARIO_RULE>, 'scenario'>;

/**
 * What an API failure rule takes besides its kind: the fields of FailureRuleInput that concern
 * the API, with `on` spelled out as the routes it accepts.
 */
export type FailureRuleOptions = Pick<FailureRuleInput, 'match' | 'code' | 'status' | 'body' | 'latency' | 'after' | 'probability' | 'once' | 'times' | 'persist' | 'site'> & {
  on?: 'create_order' | 'any' | `${'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | '*'} /${string}`;
};

/**
 * What a notification rule takes besides its kind: the fields of FailureRuleInput, the JSON
 * Schema of POST /_sandbox/failures (src/domain/wire/rules.ts), that concern notifications.
 */
export type NotificationFaultOptions = Pick<FailureRuleInput, 'match' | 'statuses' | 'delay' | 'probability' | 'once' | 'times' | 'persist' | 'site'>;

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

/** Does `actual` contain every field of `expected` with an equal value (objects compared field by field)? */
export function containsDeep(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => containsDeep(actual[i], x));
  }
  return Object.entries(expected).every(([k, v]) => containsDeep((actual as Record<string, unknown>)[k], v));
}

/** A request verification that did not hold: how many calls were expected, and which were made. */
export class RequestVerificationError extends Error {
  constructor(
    readonly filter: RequestFilter & { body?: Record<string, unknown> },
    readonly expected: number,
    readonly matched: JournalEntry[],
    readonly made: JournalEntry[],
  ) {
    const calls = made.slice(-20).map((e) => `  ${e.method} ${e.path}${e.order_id ? ` (order ${e.order_id})` : ''} -> ${e.status ?? e.outcome}`).join('\n');
    super(`expected ${expected} call${expected === 1 ? '' : 's'} matching ${JSON.stringify(filter)}, found ${matched.length}. Calls made (oldest first${made.length > 20 ? ', the last 20' : ''}):\n${calls || '  none'}`);
    this.name = 'RequestVerificationError';
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

  clock(): Promise<ReplyOf<typeof READ_CLOCK>> {
    return this.request('GET', '/clock');
  }

  /** The sandbox clock and every site's own clock. */
  async clocks(): Promise<ReplyOf<typeof LIST_CLOCKS>['clocks']> {
    return (await this.request<ReplyOf<typeof LIST_CLOCKS>>('GET', '/clocks')).clocks;
  }

  /** Advance by a duration ('90s', '15m', '24h', '1d2h', ms); everything due fires before it resolves. */
  advance(by: Duration): Promise<ReplyOf<typeof ADVANCE_CLOCK>> {
    return this.request('POST', '/clock/advance', { by });
  }

  advanceTo(to: Date | string | number): Promise<ReplyOf<typeof ADVANCE_CLOCK>> {
    return this.request('POST', '/clock/advance', { to: to instanceof Date ? to.toISOString() : to });
  }

  freeze(): Promise<ReplyOf<typeof FREEZE_CLOCK>> {
    return this.request('POST', '/clock/freeze');
  }

  unfreeze(): Promise<ReplyOf<typeof UNFREEZE_CLOCK>> {
    return this.request('POST', '/clock/unfreeze');
  }

  setScale(scale: number): Promise<ReplyOf<typeof SCALE_CLOCK>> {
    return this.request('POST', '/clock/scale', { scale });
  }

  /** Give this client's site a clock of its own (parallel suites travel in time independently). */
  ownClock(opts: { start?: Date | string | number; scale?: number; frozen?: boolean } = {}): Promise<ReplyOf<typeof OWN_CLOCK>> {
    const start = opts.start instanceof Date ? opts.start.toISOString() : opts.start;
    return this.request('POST', '/clock/own', { ...opts, ...(start !== undefined ? { start } : {}) });
  }

  dropOwnClock(): Promise<ReplyOf<typeof DROP_OWN_CLOCK>> {
    return this.request('DELETE', '/clock/own');
  }

  // ---- scenarios and failures ---------------------------------------------------------

  /** Add a scenario rule: every new order it matches gets this outcome. */
  async scenario(scenario: Scenario, opts: ScenarioRuleOptions = {}): Promise<ScenarioRuleView> {
    const r = await this.request<ReplyOf<typeof ADD_SCENARIO_RULE>>('POST', '/scenarios', { scenario, ...opts } satisfies BodyOf<typeof ADD_SCENARIO_RULE>);
    return r.rule;
  }

  /** Set the outcome of one order; with `delay` (0 = now) it plays out without a shopper. */
  outcome(orderId: string | number, scenario: Scenario, opts: { delay?: Duration } = {}): Promise<ReplyOf<typeof SET_ORDER_OUTCOME>> {
    return this.request('POST', `/orders/${encodeURIComponent(String(orderId))}/scenario`, { scenario, ...opts } satisfies BodyOf<typeof SET_ORDER_OUTCOME>);
  }

  async scenarios(): Promise<ScenarioRuleView[]> {
    return (await this.request<ReplyOf<typeof LIST_SCENARIOS>>('GET', '/scenarios')).rules;
  }

  removeScenario(id: string): Promise<ReplyOf<typeof REMOVE_SCENARIO_RULE>> {
    return this.request('DELETE', `/scenarios/${encodeURIComponent(id)}`);
  }

  /**
   * Make notifications misbehave: a failure rule with target "notification", matched like
   * any rule (site, `match`, `statuses`) and used `once`, `times` or until removed.
   */
  async notificationFault(kind: NotificationFaultKind, opts: NotificationFaultOptions = {}): Promise<FailureRuleView> {
    const r = await this.request<ReplyOf<typeof ADD_FAILURE_RULE>>('POST', '/failures', { target: 'notification', kind, ...opts } satisfies BodyOf<typeof ADD_FAILURE_RULE>);
    return r.rule;
  }

  /** Add a failure rule for the MultiSafepay API (default: create-order answers 1024). */
  async failure(kind: FailureKind = 'error', opts: FailureRuleOptions = {}): Promise<FailureRuleView> {
    const r = await this.request<ReplyOf<typeof ADD_FAILURE_RULE>>('POST', '/failures', { kind, ...opts } satisfies BodyOf<typeof ADD_FAILURE_RULE>);
    return r.rule;
  }

  /** Failure rules still pending, API and notification ones (or those of one target), in the order they are tried. */
  async failures(filter: { target?: RuleTarget } = {}): Promise<FailureRuleView[]> {
    return (await this.request<ReplyOf<typeof LIST_FAILURE_RULES>>('GET', '/failures', undefined, { target: filter.target })).rules;
  }

  /** Remove the runtime failure rules of the site (of one target, or all); presets come back. */
  resetFailures(filter: { target?: RuleTarget } = {}): Promise<ReplyOf<typeof RESET_FAILURE_RULES>> {
    return this.request('DELETE', '/failures', undefined, { target: filter.target });
  }

  removeFailure(id: string): Promise<ReplyOf<typeof REMOVE_FAILURE_RULE>> {
    return this.request('DELETE', `/failures/${encodeURIComponent(id)}`);
  }

  // ---- inspection ---------------------------------------------------------------------

  async orders(filter: OrdersFilter = {}): Promise<OrderSummary[]> {
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
  waitFor(orderId: string | number, status: WaitStatus | null, opts: WaitOptions = {}): Promise<WaitAnswer> {
    return this.request('GET', `/orders/${encodeURIComponent(String(orderId))}/wait`, undefined, {
      status: status ?? undefined,
      webhook: opts.webhookAcked ? 'acked' : undefined,
      timeout: opts.timeout === undefined ? undefined : String(opts.timeout),
    });
  }

  /** The request journal, newest first (the same entries as `requests`, in the journal's order). */
  async journal(filter: RequestFilter = {}): Promise<JournalEntry[]> {
    const query = {
      method: filter.method,
      path: filter.path,
      order_id: filter.order_id,
      has: filter.has,
      status: filter.status === undefined ? undefined : String(filter.status),
      limit: filter.limit === undefined ? undefined : String(filter.limit),
    };
    return (await this.request<{ entries: JournalEntry[] }>('GET', '/journal', undefined, query)).entries;
  }

  /**
   * What the shop sent to the MultiSafepay API, oldest first: each call with its request
   * and response bodies (keys and tokens masked). `body` keeps the calls whose request
   * body contains these fields with these values (a deep partial match).
   */
  async requests(filter: RequestFilter & { body?: Record<string, unknown> } = {}): Promise<JournalEntry[]> {
    const { body, ...server } = filter;
    const entries = (await this.journal(server)).reverse();
    return body === undefined ? entries : entries.filter((e) => containsDeep(e.request_body, body));
  }

  /**
   * Verify the shop made exactly `times` calls that match (as WireMock's verify): resolves
   * with them, or rejects with a RequestVerificationError that lists what was made.
   *
   *   await control.verifyRequests({ method: 'PATCH', order_id: 'order-1', body: { status: 'cancelled' } }, 1);
   *   await control.verifyRequests({ method: 'POST', path: '/orders', has: 'shopping_cart' });
   */
  async verifyRequests(filter: RequestFilter & { body?: Record<string, unknown> }, times = 1): Promise<JournalEntry[]> {
    const found = await this.requests(filter);
    if (found.length !== times) throw new RequestVerificationError(filter, times, found, await this.requests({}));
    return found;
  }

  /** Reset this client's site (or, without an API key, the whole sandbox). */
  async reset(): Promise<ResetSummary> {
    return (await this.request<{ reset: ResetSummary }>('POST', '/reset')).reset;
  }

  // ---- webhooks (routes of the webhook dispatcher) --------------------------------------

  /** The notification delivery log of the client's site, or of one order (oldest first). Needs an API key. */
  async webhooks(orderId?: string | number, filter: { state?: NotificationState; limit?: number } = {}): Promise<ReplyOf<typeof LIST_DELIVERIES>['deliveries']> {
    const r = await this.request<ReplyOf<typeof LIST_DELIVERIES>>('GET', '/webhooks/deliveries', undefined, {
      order_id: orderId === undefined ? undefined : String(orderId),
      state: filter.state,
      limit: filter.limit === undefined ? undefined : String(filter.limit),
    });
    return r.deliveries;
  }

  /** One logged notification with its attempts. */
  webhook(deliveryId: string): Promise<ReplyOf<typeof READ_DELIVERY>> {
    return this.request('GET', `/webhooks/deliveries/${encodeURIComponent(deliveryId)}`);
  }

  /** Send a logged notification again now (its id from `webhooks()`). */
  resend(deliveryId: string): Promise<ReplyOf<typeof RESEND_DELIVERY>> {
    return this.request('POST', `/webhooks/deliveries/${encodeURIComponent(deliveryId)}/resend`);
  }

  /**
   * @deprecated since the one rule book: use `notificationFault()`. Kept for one minor version.
   * Set the notification fault rules of a scope: one order (`order_id`), the client's site
   * (the default), or the whole sandbox (`scope: 'sandbox'`). An empty list clears them.
   */
  webhookFaults(
    faults: BodyOf<typeof SET_FAULT_SCOPE>['faults'],
    opts: { order_id?: string | number; scope?: BodyOf<typeof SET_FAULT_SCOPE>['scope'] } = {},
  ): Promise<ReplyOf<typeof SET_FAULT_SCOPE>> {
    const body = { faults, ...(opts.order_id !== undefined ? { order_id: String(opts.order_id) } : {}), ...(opts.scope ? { scope: opts.scope } : {}) };
    return this.request('PUT', '/webhooks/faults', body);
  }

  /** @deprecated use `failures({ target: 'notification' })`. The notification fault rules that concern the client's site, by scope. */
  webhookFaultRules(): Promise<ReplyOf<typeof LIST_FAULT_SCOPES>> {
    return this.request('GET', '/webhooks/faults');
  }

  /** @deprecated use `removeFailure(id)` or `resetFailures({ target: 'notification' })`. Clear the notification fault rules of a scope. */
  clearWebhookFaults(opts: { order_id?: string | number; scope?: QueryOf<typeof CLEAR_FAULT_SCOPE>['scope'] } = {}): Promise<ReplyOf<typeof CLEAR_FAULT_SCOPE>> {
    return this.request('DELETE', '/webhooks/faults', undefined, {
      order_id: opts.order_id === undefined ? undefined : String(opts.order_id),
      scope: opts.scope,
    });
  }

  // ---- after payment (routes of src/control/after-payment-routes.ts) ----------------------

  /** Refunds of the client's site (every site without a key), newest first; `settles_at` says when midnight settles one. */
  async refunds(status?: QueryOf<typeof LIST_REFUNDS>['status']): Promise<ReplyOf<typeof LIST_REFUNDS>['refunds']> {
    return (await this.request<ReplyOf<typeof LIST_REFUNDS>>('GET', '/refunds', undefined, { status })).refunds;
  }

  /** The test dashboard's "Accept": a reserved refund completes now. */
  async acceptRefund(refundId: number): Promise<ReplyOf<typeof ACCEPT_REFUND>['refund']> {
    return (await this.request<ReplyOf<typeof ACCEPT_REFUND>>('POST', `/refunds/${refundId}/accept`)).refund;
  }

  /** Cancel a reserved refund (as PATCH /orders/{id}/refunds/{refund_id} {"status":"void"} does). */
  async voidRefund(refundId: number): Promise<ReplyOf<typeof VOID_REFUND>['refund']> {
    return (await this.request<ReplyOf<typeof VOID_REFUND>>('POST', `/refunds/${refundId}/void`)).refund;
  }

  /** Second Chance outbox: emails sent and reminders suppressed (with the reason), oldest first. */
  async outbox(filter: { order_id?: string | number; status?: 'sent' | 'suppressed' } = {}): Promise<ReplyOf<typeof LIST_OUTBOX>['emails']> {
    const query = { order_id: filter.order_id === undefined ? undefined : String(filter.order_id), status: filter.status };
    return (await this.request<ReplyOf<typeof LIST_OUTBOX>>('GET', '/second-chance/outbox', undefined, query)).emails;
  }

  async clearOutbox(): Promise<number> {
    return (await this.request<ReplyOf<typeof CLEAR_OUTBOX>>('DELETE', '/second-chance/outbox')).removed;
  }

  /** Recurring tokens of the client's site (of one customer reference if given). */
  async tokens(reference?: QueryOf<typeof LIST_TOKENS>['reference']): Promise<ReplyOf<typeof LIST_TOKENS>['tokens']> {
    return (await this.request<ReplyOf<typeof LIST_TOKENS>>('GET', '/recurring/tokens', undefined, { reference })).tokens;
  }
}
