/**
 * Reset of a site or of the whole sandbox, declared once; see schema-type.ts.
 */
import type { FromSchema } from '../schema-type.js';
import { REFUSALS } from './common.js';

const count = (what: string) => ({ type: 'integer', description: what }) as const;

/**
 * What a reset forgot, per feature: every count is the number of things of that kind the
 * site (or, with `site` null, the sandbox) no longer has.
 */
export const RESET_SUMMARY = {
  title: 'ResetSummary',
  type: 'object',
  required: ['site', 'orders', 'scenario_rules', 'failure_rules', 'journal', 'site_clocks', 'notifications', 'recurring_tokens', 'refund_ids', 'second_chance_emails'],
  properties: {
    site: { type: 'string', nullable: true, description: 'the site reset; null: the whole sandbox' },
    orders: count('orders, with their timers'),
    scenario_rules: count('runtime scenario rules (presets come back)'),
    failure_rules: count('runtime failure rules (presets come back)'),
    journal: count('request journal entries'),
    site_clocks: count('site clocks dropped'),
    notifications: count('notifications in the webhook log'),
    recurring_tokens: count('recurring tokens'),
    refund_ids: count('refund ids'),
    second_chance_emails: count('Second Chance emails'),
    bank_sessions: count('bank page sessions; absent when the sandbox serves no payment pages'),
  },
} as const;

export const RESET = {
  summary: 'Reset the site (or, without api_key, everything): orders, timers, rules (presets come back), its own clock, journal, webhook log',
  tags: ['reset'],
  body: { type: 'object', additionalProperties: false, properties: {}, description: 'a reset takes no fields: send no body' },
  response: { 200: { type: 'object', required: ['reset'], properties: { reset: RESET_SUMMARY } }, ...REFUSALS },
} as const;

export type ResetSummary = FromSchema<typeof RESET_SUMMARY>;
