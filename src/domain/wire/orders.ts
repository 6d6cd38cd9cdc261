/**
 * How the control plane shows an order (declared once; see schema-type.ts).
 */
import { FINANCIAL_STATUSES, ORDER_STATUSES } from '../statuses.js';
import { SCENARIOS } from '../scenarios.js';
import type { FromSchema } from '../schema-type.js';
import { TIME, TIME_OR_NULL } from './common.js';

export const ORDER_SUMMARY_PROPERTIES = {
  site: { type: 'string', description: 'the API key of the site the order belongs to' },
  order_id: { oneOf: [{ type: 'string' }, { type: 'integer' }], description: "the shop's order_id, as it sent it" },
  transaction_id: { type: 'integer', description: "MultiSafepay's transaction id (PSP id)" },
  status: { type: 'string', enum: ORDER_STATUSES },
  financial_status: { type: 'string', enum: FINANCIAL_STATUSES },
  amount: { type: 'integer', description: 'cents' },
  currency: { type: 'string' },
  description: { type: 'string' },
  customer_email: { type: 'string', nullable: true },
  country: { type: 'string', nullable: true },
  scenario: { type: 'string', enum: SCENARIOS, nullable: true, description: 'the outcome chosen for it, if any' },
  scenario_plays_at: { ...TIME_OR_NULL, description: 'when the chosen outcome plays on its own; null: at the bank page, or played' },
  created: TIME,
  modified: TIME,
  expires_at: TIME_OR_NULL,
  clears_at: { ...TIME_OR_NULL, description: 'when an uncleared payment completes' },
} as const;

export const ORDER_SUMMARY_REQUIRED = [
  'site', 'order_id', 'transaction_id', 'status', 'financial_status', 'amount', 'currency', 'description', 'customer_email', 'country', 'scenario',
  'scenario_plays_at', 'created', 'modified', 'expires_at', 'clears_at',
] as const;

export const ORDER_SUMMARY = { title: 'OrderSummary', type: 'object', required: ORDER_SUMMARY_REQUIRED, properties: ORDER_SUMMARY_PROPERTIES } as const;

export type OrderSummary = FromSchema<typeof ORDER_SUMMARY>;
