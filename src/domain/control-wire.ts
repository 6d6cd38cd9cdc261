/**
 * The control API's wire shapes, declared once: the server's views (http/control-views.ts, features/inspection/journal.ts,
 * features/test-rules/service.ts) return these types and the typed client (client/control-client.ts) reads them, so the two
 * cannot drift apart. Types only: nothing here exists at run time.
 */
import type { Scenario } from './scenarios.js';
import type { FinancialStatus, OrderStatus } from './statuses.js';
import type { ApiFailureKind, FailureRuleInput, FailureRuleView, RuleTarget, ScenarioRuleView } from './wire/rules.js';
import type { AdvancedClock, ClockView } from './wire/clock.js';
import type { OrderDetail, OrderSummary, OrdersQuery, TimelineEntry, WaitAnswer } from './wire/orders.js';
import type { JournalEntry, RequestFilter } from './wire/journal.js';
import type { ResetSummary } from './wire/reset.js';
import type { FaultKind } from './webhook-faults.js';

export type { Scenario, OrderStatus, FinancialStatus };

/** What `wait` and the order filters take: an order status or a transaction (financial) status. */
export type WaitStatus = OrderStatus | FinancialStatus;

export type { ClockView, AdvancedClock, OrderSummary, ScenarioRuleView };

/** A clock as the time-travel calls answer it (`from` and `fired` come with an advance). */
export type ClockInfo = ClockView & Partial<Pick<AdvancedClock, 'from' | 'fired'>>;

/** Timeline, order detail and wait answers: declared once as JSON Schema in wire/orders.ts. */
export type { TimelineEntry, OrderDetail, WaitAnswer };

/** What the order list filters by: the query of GET /_sandbox/orders, its statuses narrowed to those that exist. */
export type OrdersFilter = Omit<OrdersQuery, 'status' | 'financial_status'> & { status?: WaitStatus; financial_status?: WaitStatus };

/** Failure rules (API and notification): their shapes are declared once as JSON Schema in wire/rules.ts. */
export type { ApiFailureKind, FailureRuleInput, FailureRuleView, RuleTarget };
export type NotificationFaultKind = FaultKind;

export type RuleView = ScenarioRuleView | FailureRuleView;

/** What a reset forgot (wire/reset.ts), and the request journal's entries and filter (wire/journal.ts). */
export type { ResetSummary, JournalEntry, RequestFilter };

export interface RuleMatch {
  order_id?: string;
  amount?: { min?: number; max?: number };
  email?: string;
  country?: string[];
  var1?: string;
  var2?: string;
  var3?: string;
}
