/**
 * Sofort's product rules as data. Defaults follow the seed page MultiSafepay's Sofort
 * documentation was specified from; every one can be overridden through SandboxOptions.
 */
export interface SofortRules {
  /** ISO 3166-1 alpha-2 codes; any other customer country gets error 1024. */
  readonly countries: readonly string[];
  /** Currencies Sofort takes (EUR only). */
  readonly currencies: readonly string[];
  /** Minimum amount in cents. */
  readonly minAmount: number;
  /** Largest amount accepted, in cents (guards against absurd numbers; MultiSafepay has a per-site limit). */
  readonly maxAmount: number;
  /** A Sofort transaction not paid within this time expires. */
  readonly transactionLifetimeMs: number;
  /** Amounts at or above this (cents) go `uncleared` when the bank authorises. */
  readonly unclearedFromAmount: number;
  /** An uncleared payment completes this long after the bank authorised it. */
  readonly unclearedCompletesAfterMs: number;
  /** Lifetime of a redirect/payment link without a gateway, when the order gives none. */
  readonly defaultLinkLifetimeMs: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The seed's country list. MultiSafepay's current page adds FR and GB: pass them via options. */
export const SEED_COUNTRIES = ['AT', 'BE', 'DE', 'IT', 'ES', 'CH', 'PL'] as const;

export const DEFAULT_SOFORT_RULES: SofortRules = Object.freeze({
  countries: SEED_COUNTRIES,
  currencies: ['EUR'],
  minAmount: 10,
  maxAmount: 100_000_000, // 1,000,000.00 EUR
  transactionLifetimeMs: DAY_MS,
  unclearedFromAmount: 10_000,
  unclearedCompletesAfterMs: DAY_MS,
  defaultLinkLifetimeMs: 30 * DAY_MS,
});

export const GATEWAY = 'DIRECTBANK';
export const GATEWAY_DESCRIPTION = 'SOFORT Banking';
/** Later payments on a token made by a Sofort payment run as SEPA direct debit, as at MultiSafepay. */
export const RECURRING_GATEWAY = 'DIRDEB';
export const RECURRING_GATEWAY_DESCRIPTION = 'Direct Debit';

/** Country names for the `customer.country_name` field of order responses. */
export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  AT: 'Austria', BE: 'Belgium', CH: 'Switzerland', DE: 'Germany', ES: 'Spain', FR: 'France',
  GB: 'United Kingdom', UK: 'United Kingdom', IT: 'Italy', NL: 'The Netherlands', PL: 'Poland',
  US: 'United States', LU: 'Luxembourg', DK: 'Denmark', SE: 'Sweden', FI: 'Finland', PT: 'Portugal',
  IE: 'Ireland', CZ: 'Czech Republic', HU: 'Hungary', NO: 'Norway',
};

export function isSupportedCountry(rules: SofortRules, country: string): boolean {
  const c = country.toUpperCase();
  // MultiSafepay writes the United Kingdom as UK on its Sofort page; ISO says GB. Treat them alike.
  const alias = c === 'UK' ? 'GB' : c === 'GB' ? 'UK' : c;
  return rules.countries.includes(c) || rules.countries.includes(alias);
}
