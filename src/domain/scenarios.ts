/**
 * Test scenarios: what happens to a payment, chosen on the payment page's "Test platform"
 * panel, by a control-plane rule, or by a marker in the request. One list for all doors.
 */
import type { BankDetails } from './order.js';
import type { Action } from './transitions.js';

export const SCENARIOS = ['completed', 'uncleared', 'declined', 'cancelled', 'expired', 'abandoned'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_LABELS: Readonly<Record<Scenario, { en: string; de: string }>> = {
  completed: { en: 'Completed', de: 'Erfolgreich' },
  uncleared: { en: 'Uncleared then completed', de: 'Unbestätigt, dann erfolgreich' },
  declined: { en: 'Declined', de: 'Abgelehnt' },
  cancelled: { en: 'Cancelled', de: 'Abgebrochen' },
  expired: { en: 'Expired', de: 'Abgelaufen' },
  abandoned: { en: 'Customer never comes back', de: 'Kunde kehrt nie zurück' },
};

export function isScenario(v: unknown): v is Scenario {
  return typeof v === 'string' && (SCENARIOS as readonly string[]).includes(v);
}

/**
 * The transition a scenario makes when it plays out (the shopper confirms at the bank, or a
 * control rule's delay runs out). `abandoned` makes none: the 1-day expiry takes over.
 */
export function scenarioAction(scenario: Scenario, payer: { bank: BankDetails; external_transaction_id: string }): Action | null {
  switch (scenario) {
    case 'completed':
      return { kind: 'authorise', ...payer };
    case 'uncleared':
      return { kind: 'authorise', ...payer, forceUncleared: true };
    case 'declined':
      return { kind: 'decline', reason: 'Declined by the test scenario' };
    case 'cancelled':
      return { kind: 'cancel' };
    case 'expired':
      return { kind: 'expire' };
    case 'abandoned':
      return null;
  }
}
