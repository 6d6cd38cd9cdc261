/**
 * The control API's wire shapes, declared once: the server's views (http/control-views.ts, features/inspection/journal.ts,
 * features/test-rules/service.ts) return these types and the typed client (client/control-client.ts) reads them, so the two
 * cannot drift apart. Types only: nothing here exists at run time.
 */
import type { Scenario } from './scenarios.js';
import type { FinancialStatus, OrderStatus } from './statuses.js';
import type { ApiFailureKind, FailureRuleInput, FailureRuleView, RuleTarget, ScenarioRuleView } from './wire/rules.js';
import type { AdvancedClock, ClockView } from './wire/clock.js';
import type { OrderSummary } from './wire/orders.js';

export type { Scenario, OrderStatus, FinancialStatus };

/** What `wait` and the order filters take: an order status or a transaction (financial) status. */
export type WaitStatus = OrderStatus | FinancialStatus;

export type { ClockView, AdvancedClock, OrderSummary, ScenarioRuleView };

/** A clock as the time-travel calls answer it (`from` and `fired` come with an advance). */
export type ClockInfo = ClockView & Partial<Pick<AdvancedClock, 'from' | 'fired'>>;

export interface TimelineEntry {
  at: string;
  cause: 'api' | 'bank' | 'control' | 'clock';
  action: string;
  from: { status: OrderStatus; financial_status: FinancialStatus };
  to: { status: OrderStatus; financial_status: FinancialStatus };
  note?: string;
}

export interface OrderDetail extends OrderSummary {
  timeline: TimelineEntry[];
  pending: Array<{ kind: string; due: string }>;
  /** The order as GET /v1/json/orders/{id} renders it. */
  order: Record<string, unknown>;
}

/** A wait that was answered: the order as it is now. */
export type WaitAnswer = OrderSummary & { reached: true; waited_ms: number };

/** Failure rules (API and notification): their shapes are declared once as JSON Schema in wire/rules.ts. */
export type { ApiFailureKind, FailureRuleInput, FailureRuleView, RuleTarget };
export type NotificationFaultKind = 'drop' | 'duplicate' | 'reorder' | 'delay' | 'wrong_key' | 'malformed';

export type RuleView = ScenarioRuleView | FailureRuleView;

/**
 * What a reset forgot, per feature: every count is the number of things of that kind the
 * site (or, with `site` null, the sandbox) no longer has.
 */
export interface ResetSummary {
  site: string | null;
  orders: number;
  scenario_rules: number;
  failure_rules: number;
  journal: number;
  site_clocks: number;
  notifications: number;
  recurring_tokens: number;
  refund_ids: number;
  second_chance_emails: number;
  /** Absent when the sandbox serves no payment pages. */
  bank_sessions?: number;
}

/** One call to the MultiSafepay API as the journal keeps it (request verification). */
export interface JournalEntry {
  readonly seq: number;
  /** Sandbox time of the call on the site's clock (ISO 8601). */
  readonly at: string;
  /** The method the API acted on (a POST with X-HTTP-Method-Override counts as that method). */
  readonly method: string;
  /** Path and query, with an `api_key` query value and a token in the path masked. */
  readonly url: string;
  /** The path under /v1/json, without the query: `/orders`, `/orders/order-1/refunds`. */
  readonly path: string;
  /** HTTP status sent; null when the connection was dropped or never answered. */
  readonly status: number | null;
  readonly outcome: 'answered' | 'dropped' | 'timeout';
  /** Real milliseconds from receiving the request to the answer (or the drop). */
  readonly duration_ms: number;
  readonly site: string | null;
  readonly order_id: string | null;
  /** MultiSafepay error_code of the answer, if it was an error envelope. */
  readonly error_code: number | null;
  /** Failure rule that shaped this call, if any. */
  readonly failure: string | null;
  /**
   * The request body the shop sent: parsed JSON (tokens and keys masked), or its text; null
   * when it sent none. Over the size cap, the first bytes as text with `request_truncated`.
   */
  readonly request_body: unknown;
  readonly request_truncated: boolean;
  /** The answer's body, likewise (null when there was no answer). */
  readonly response_body: unknown;
  readonly response_truncated: boolean;
  /** The sandbox's explanation of an error answer (`sandbox_hint`), if any. */
  readonly hint?: string | null;
  /** Where live MultiSafepay would refuse this call or the shop is fragile (integration advisor). */
  readonly advice?: readonly string[];
}

/** How the journal is filtered (over HTTP: query parameters of GET /_sandbox/journal). */
export interface RequestFilter {
  method?: string;
  /** The path under /v1/json: exact (`/orders`), or with `*` for any run of characters (`/orders/*`). */
  path?: string;
  order_id?: string;
  /** A top-level field the request body has (`shopping_cart`). */
  has?: string;
  /** HTTP status of the answer. */
  status?: number;
  limit?: number;
}

export interface RuleMatch {
  order_id?: string;
  amount?: { min?: number; max?: number };
  email?: string;
  country?: string[];
  var1?: string;
  var2?: string;
  var3?: string;
}
