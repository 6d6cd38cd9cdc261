/**
 * Where the shopper is in the fake bank, kept server-side per payment session (collection
 * `bank-sessions` of the sandbox's store), so a refresh or the back button shows the step
 * the shopper really reached. A record lives only while its order is unpaid: the pages
 * plugin drops it as soon as the order's status changes.
 */
import type { Collection, Store } from '../engine/store.js';

export const BANK_STEPS = ['bank', 'login', 'account', 'tan'] as const;
export type BankStep = (typeof BANK_STEPS)[number];

export interface BankAccount {
  readonly kind: 'current' | 'savings';
  readonly iban: string;
}

export interface BankSession {
  readonly step: BankStep;
  /** Country and bank chosen on the first step. */
  readonly country: string | null;
  readonly bank_id: string | null;
  /** Filled by a successful login. */
  readonly holder: string | null;
  readonly accounts: readonly BankAccount[];
  /** Index into accounts, chosen on the account step. */
  readonly account: number | null;
}

export const FRESH_SESSION: BankSession = Object.freeze({ step: 'bank', country: null, bank_id: null, holder: null, accounts: [], account: null });

export function stepIndex(step: BankStep): number {
  return BANK_STEPS.indexOf(step);
}

export function isBankStep(v: string): v is BankStep {
  return (BANK_STEPS as readonly string[]).includes(v);
}

export function bankSessions(store: Store): Collection<BankSession> {
  return store.collection<BankSession>('bank-sessions');
}
