/**
 * What a scenario or failure rule matches, and how often it applies. Shared by both rule
 * kinds so a rule is written the same way everywhere:
 *
 *   match: { order_id: "fail-*" | "/^fail-\\d+$/", amount: {min, max}, email: "*@example.com",
 *            country: "DE" | ["DE","AT"], var1: "...", var2: "...", var3: "..." }
 *   once: true | times: n | (neither: persistent)
 *
 * Text patterns are globs (`*` any run, `?` one character, case-insensitive) unless written
 * as `/regex/flags`. A condition on a field the request lacks does not match.
 */
import type { SofortRules } from '../../domain/sofort-rules.js';
import { isSupportedCountry } from '../../domain/sofort-rules.js';
import type { Obj } from '../../domain/control-error.js';
import { badField, isObj, onlyFields } from '../../domain/control-error.js';
import type { RuleMatch } from '../../domain/control-wire.js';

export type { RuleMatch };

/** The fields of an order (or of a create-order request) a rule is matched against. */
export interface MatchSubject {
  order_id: string | null;
  amount: number | null;
  email: string | null;
  country: string | null;
  var1: string | null;
  var2: string | null;
  var3: string | null;
}

const TEXT_FIELDS = ['order_id', 'email', 'var1', 'var2', 'var3'] as const;
const MATCH_FIELDS = [...TEXT_FIELDS, 'amount', 'country'] as const;
const MAX_PATTERN = 300;

function escapeRegex(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** A glob or /regex/flags as a RegExp; throws a 400 naming `field` when it is not valid. */
export function compilePattern(pattern: string, field: string): RegExp {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    const flags = re[2] ?? '';
    if (!/^[imsu]*$/.test(flags)) throw badField(field, `regex flags may be i, m, s or u; got "${flags}"`, 'invalid_rule');
    try {
      return new RegExp(re[1] ?? '', flags);
    } catch (err) {
      throw badField(field, `"${pattern}" is not a valid regular expression (${(err as Error).message})`, 'invalid_rule');
    }
  }
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c))).join('');
  return new RegExp(`^${body}$`, 'is');
}

/** Validate the `match` object of a rule; `rules` lets it refuse what can never match. */
export function parseMatch(value: unknown, field: string, rules: SofortRules, opts: { sofortOnly: boolean }): RuleMatch {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) throw badField(field, 'must be an object such as {"order_id":"test-*","amount":{"min":1000}}', 'invalid_rule');
  onlyFields(value, MATCH_FIELDS, field);
  const out: RuleMatch = {};
  for (const f of TEXT_FIELDS) {
    const v = value[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw badField(`${field}.${f}`, 'must be a text pattern (glob like "test-*" or "/regex/")', 'invalid_rule');
    const s = String(v);
    if (s === '' || s.length > MAX_PATTERN) throw badField(`${field}.${f}`, `must be 1 to ${MAX_PATTERN} characters`, 'invalid_rule');
    compilePattern(s, `${field}.${f}`);
    out[f] = s;
  }
  if (value.amount !== undefined && value.amount !== null) out.amount = parseAmount(value.amount, `${field}.amount`, rules, opts.sofortOnly);
  if (value.country !== undefined && value.country !== null) out.country = parseCountries(value.country, `${field}.country`, rules, opts.sofortOnly);
  return out;
}

function parseAmount(v: unknown, field: string, rules: SofortRules, sofortOnly: boolean): { min?: number; max?: number } {
  if (typeof v === 'number') v = { min: v, max: v };
  if (!isObj(v)) throw badField(field, 'must be {"min": cents, "max": cents} (either may be left out) or one amount in cents', 'invalid_rule');
  onlyFields(v, ['min', 'max'], field);
  const out: { min?: number; max?: number } = {};
  for (const k of ['min', 'max'] as const) {
    const n = (v as Obj)[k];
    if (n === undefined || n === null) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw badField(`${field}.${k}`, 'must be a whole number of cents, zero or more', 'invalid_rule');
    out[k] = n;
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
    throw badField(field, `min ${out.min} is above max ${out.max}: the rule could never match`, 'invalid_rule');
  }
  // Orders outside Sofort's amount limits are refused at creation, so such a scenario rule would never apply.
  if (sofortOnly && out.max !== undefined && out.max < rules.minAmount) {
    throw badField(`${field}.max`, `${out.max} is below the Sofort minimum of ${rules.minAmount} cents: no order can match`, 'invalid_rule');
  }
  if (sofortOnly && out.min !== undefined && out.min > rules.maxAmount) {
    throw badField(`${field}.min`, `${out.min} is above the largest accepted amount of ${rules.maxAmount} cents: no order can match`, 'invalid_rule');
  }
  return out;
}

function parseCountries(v: unknown, field: string, rules: SofortRules, sofortOnly: boolean): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw badField(field, 'name at least one country', 'invalid_rule');
  const out: string[] = [];
  for (const c of list) {
    if (typeof c !== 'string' || !/^[A-Za-z]{2}$/.test(c.trim())) throw badField(field, `${JSON.stringify(c)} is not a two-letter country code such as "DE"`, 'invalid_rule');
    const code = c.trim().toUpperCase();
    // Orders from other countries are declined at creation (1024), so a scenario for them never plays.
    if (sofortOnly && !isSupportedCountry(rules, code)) {
      throw badField(field, `${code} is not a Sofort country of this sandbox (${rules.countries.join(', ')}); orders from it are refused with 1024, so the rule could never match`, 'invalid_rule');
    }
    out.push(code);
  }
  return out;
}

/** How many times a rule applies: `once`, `times: n`, or persistent (null). */
export function parseUses(body: Obj, where = ''): number | null {
  const at = (f: string): string => (where ? `${where}.${f}` : f);
  const once = body.once;
  const times = body.times;
  const persist = body.persist;
  if (once !== undefined && typeof once !== 'boolean') throw badField(at('once'), 'must be true or false', 'invalid_rule');
  if (persist !== undefined && typeof persist !== 'boolean') throw badField(at('persist'), 'must be true or false', 'invalid_rule');
  if (times !== undefined && times !== null && (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1_000_000)) {
    throw badField(at('times'), 'must be a whole number from 1 (a rule used 0 times could never apply)', 'invalid_rule');
  }
  const n = (once === true ? 1 : 0) + (typeof times === 'number' ? 1 : 0) + (persist === true ? 1 : 0);
  if (n > 1) throw badField(where || 'rule', 'give only one of once, times and persist', 'invalid_rule');
  if (once === true) return 1;
  if (typeof times === 'number') return times;
  return null;
}

/** Compiled patterns of one rule set, so an API call does not compile regexes (bounded). */
export class PatternCache {
  private readonly map = new Map<string, RegExp>();
  get(pattern: string): RegExp {
    let re = this.map.get(pattern);
    if (!re) {
      if (this.map.size >= 1000) this.map.clear();
      re = compilePattern(pattern, 'pattern');
      this.map.set(pattern, re);
    }
    return re;
  }
}

export function matches(match: RuleMatch, s: MatchSubject, cache?: PatternCache): boolean {
  for (const f of TEXT_FIELDS) {
    const p = match[f];
    if (p === undefined) continue;
    const v = s[f];
    if (v === null || !(cache ? cache.get(p) : compilePattern(p, f)).test(v)) return false;
  }
  if (match.amount) {
    if (s.amount === null) return false;
    if (match.amount.min !== undefined && s.amount < match.amount.min) return false;
    if (match.amount.max !== undefined && s.amount > match.amount.max) return false;
  }
  if (match.country) {
    if (s.country === null || !match.country.includes(s.country.toUpperCase())) return false;
  }
  return true;
}

/** The subject of a stored order or of a create-order body (read leniently: no validation here). */
export function subjectOf(o: Obj | null | undefined): MatchSubject {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
  const customer = o && isObj(o.customer) ? o.customer : {};
  const amount = o?.amount;
  const n = typeof amount === 'number' ? amount : typeof amount === 'string' && /^\d+$/.test(amount.trim()) ? Number(amount) : null;
  return {
    order_id: text(o?.order_id),
    amount: n,
    email: text(customer.email),
    country: text(customer.country),
    var1: text(o?.var1),
    var2: text(o?.var2),
    var3: text(o?.var3),
  };
}
