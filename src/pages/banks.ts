/**
 * The fake bank's directory (fixtures/banks.json) and the test accounts a login shows.
 * IBANs carry valid ISO 13616 check digits, so a shop that validates IBANs accepts them;
 * national check digits inside the BBAN are not computed (no client looks at those).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../paths.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import { COUNTRY_NAMES, isSupportedCountry } from '../domain/sofort-rules.js';

export interface BankEntry {
  readonly id: string;
  readonly name: string;
  /** National bank code as a shopper knows it (BLZ, clearing number, sort code). */
  readonly bank_code: string;
  readonly bic: string;
  /** Start of the BBAN that names the bank; account digits fill the rest. */
  readonly bban_prefix: string;
}

export interface BankCountry {
  readonly code: string;
  readonly name: { readonly en: string; readonly de: string };
  readonly bban_length: number;
  readonly banks: readonly BankEntry[];
}

export interface BankDirectory {
  /** Countries offered, in the order of the rules' country list. */
  readonly countries: readonly BankCountry[];
  country(code: string): BankCountry | undefined;
  bank(id: string): { bank: BankEntry; country: BankCountry } | undefined;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`fixtures/banks.json: ${where} must be a non-empty string`);
  return v;
}

/** Parse and check the fixture file; a broken fixture fails at start, not mid-payment. */
export function parseBankFixture(json: unknown): BankCountry[] {
  const countries = (json as { countries?: unknown } | null)?.countries;
  if (!countries || typeof countries !== 'object') throw new Error('fixtures/banks.json: missing "countries" object');
  const out: BankCountry[] = [];
  for (const [code, raw] of Object.entries(countries as Record<string, unknown>)) {
    const c = raw as { name?: { en?: unknown; de?: unknown }; bban_length?: unknown; banks?: unknown };
    const bbanLength = c.bban_length;
    if (typeof bbanLength !== 'number' || !Number.isInteger(bbanLength) || bbanLength < 8 || bbanLength > 30) {
      throw new Error(`fixtures/banks.json: countries.${code}.bban_length must be a whole number from 8 to 30`);
    }
    if (!Array.isArray(c.banks) || c.banks.length === 0) throw new Error(`fixtures/banks.json: countries.${code}.banks must list at least one bank`);
    const banks = c.banks.map((b: Record<string, unknown>, i: number): BankEntry => {
      const where = `countries.${code}.banks[${i}]`;
      const bank = { id: str(b.id, `${where}.id`), name: str(b.name, `${where}.name`), bank_code: str(b.bank_code, `${where}.bank_code`), bic: str(b.bic, `${where}.bic`), bban_prefix: str(b.bban_prefix, `${where}.bban_prefix`) };
      if (!/^[A-Z0-9]+$/.test(bank.bban_prefix) || bank.bban_prefix.length >= bbanLength) throw new Error(`fixtures/banks.json: ${where}.bban_prefix must be upper-case letters/digits, shorter than bban_length`);
      return bank;
    });
    out.push({ code, name: { en: str(c.name?.en, `countries.${code}.name.en`), de: str(c.name?.de, `countries.${code}.name.de`) }, bban_length: bbanLength, banks });
  }
  return out;
}

/** A bank for a configured country the fixture does not know, so every Sofort country can pay. */
function fallbackCountry(code: string): BankCountry {
  const name = COUNTRY_NAMES[code] ?? code;
  return {
    code,
    name: { en: name, de: name },
    bban_length: 16,
    banks: [{ id: `${code.toLowerCase()}-sandbox`, name: 'Sandbox Test Bank', bank_code: '00000', bic: `SNDB${code}XXXXX`.slice(0, 11), bban_prefix: '00000' }],
  };
}

export function loadBankDirectory(rules: SofortRules, file = join(FIXTURES_DIR, 'banks.json')): BankDirectory {
  const known = parseBankFixture(JSON.parse(readFileSync(file, 'utf8')));
  const byCode = new Map(known.map((c) => [c.code, c]));
  const countries = rules.countries.map((code) => byCode.get(code) ?? byCode.get(code === 'UK' ? 'GB' : code) ?? fallbackCountry(code));
  const banks = new Map<string, { bank: BankEntry; country: BankCountry }>();
  for (const country of countries) for (const bank of country.banks) banks.set(bank.id, { bank, country });
  return {
    countries,
    country: (code) => countries.find((c) => c.code === code.toUpperCase()),
    bank: (id) => banks.get(id),
  };
}

/** The country the bank step opens with: the shopper's own when Sofort serves it. */
export function defaultCountry(dir: BankDirectory, rules: SofortRules, customerCountry: string | null): BankCountry {
  if (customerCountry && isSupportedCountry(rules, customerCountry)) {
    const c = dir.country(customerCountry) ?? dir.country(customerCountry.toUpperCase() === 'UK' ? 'GB' : 'UK');
    if (c) return c;
  }
  return dir.country('DE') ?? dir.countries[0]!;
}

/** ISO 13616 check digits: move country+"00" to the end, letters to numbers, 98 - mod 97. */
export function ibanCheckDigits(country: string, bban: string): string {
  const digits = `${bban}${country}00`.toUpperCase().replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rem = 0;
  for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  return String(98 - rem).padStart(2, '0');
}

export function isValidIban(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  return ibanCheckDigits(s.slice(0, 2), s.slice(4)) === s.slice(2, 4);
}

export function makeIban(country: BankCountry, bank: BankEntry, random: () => number): string {
  let account = '';
  while (bank.bban_prefix.length + account.length < country.bban_length) account += String(Math.floor(random() * 10));
  const bban = bank.bban_prefix + account;
  const cc = country.code === 'UK' ? 'GB' : country.code;
  return `${cc}${ibanCheckDigits(cc, bban)}${bban}`;
}

/** "DE89 •••• •••• 3000": enough for a shopper to recognise an account, not to copy it. */
export function maskIban(iban: string): string {
  if (iban.length < 10) return iban;
  return `${iban.slice(0, 4)} •••• •••• ${iban.slice(-4)}`;
}
