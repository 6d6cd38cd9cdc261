/**
 * Failure rules: make the MultiSafepay API misbehave on purpose, so a shop's error paths
 * can be tested. Matched like scenario rules (order_id, amount, email, country, var1-3),
 * on create-order by default or on any /v1/json route, applied `once`, `times: n` or
 * persistently, optionally with a seeded `probability`.
 *
 *   error    answer a catalogue error (default 1024 "Transaction declined")
 *   http     answer HTTP 500/502/503/504 (JSON envelope, an HTML error page, or empty)
 *   latency  answer normally, but only after `latency`
 *   drop     close the connection without an answer (before the handler, or `after` it ran:
 *            the order exists but the client never hears so)
 *   timeout  never answer; the client gives up (or the sandbox closes the connection at stop)
 */
import { ERROR_CATALOGUE, errorNameByCode } from '../../domain/errors.js';
import type { Engine } from '../../engine/engine.js';
import type { Obj } from '../../domain/control-error.js';
import { badField, isObj, onlyFields } from '../../domain/control-error.js';
import { parseDuration } from '../../options/duration.js';
import type { MatchSubject, RuleMatch } from './match.js';
import { PatternCache, compilePattern, matches, parseMatch, parseUses } from './match.js';
import { RuleBook } from './rule-book.js';

export const FAILURE_KINDS = ['error', 'http', 'latency', 'drop', 'timeout'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
const HTTP_STATUSES = [500, 502, 503, 504] as const;
const BODIES = ['json', 'html', 'empty'] as const;
/** Latency is real time a client waits; more than two minutes is beyond any client's timeout. */
const MAX_LATENCY_MS = 120_000;

export interface FailureRule {
  readonly id: string;
  readonly site: string | null;
  readonly kind: FailureKind;
  /** `create_order`, `any`, or `METHOD /path-glob` under /v1/json (e.g. `GET /orders/*`). */
  readonly on: string;
  readonly match: RuleMatch;
  readonly error_code: number | null;
  readonly status: number | null;
  readonly body: (typeof BODIES)[number] | null;
  readonly latency_ms: number | null;
  /** drop only: after the handler ran (the change is made, the answer is lost). */
  readonly after: boolean;
  readonly probability: number;
  readonly remaining: number | null;
  readonly applied: number;
  readonly source: 'control' | 'preset';
  readonly seq: number;
}

type RuleInput = Omit<FailureRule, 'id' | 'seq' | 'source' | 'applied'>;
const RULE_FIELDS = ['kind', 'on', 'match', 'code', 'error_code', 'status', 'body', 'latency', 'after', 'probability', 'once', 'times', 'persist', 'site'] as const;

function parseOn(v: unknown, field: string): string {
  if (v === undefined || v === null || v === 'create_order') return 'create_order';
  if (v === 'any') return 'any';
  if (typeof v === 'string') {
    const m = /^(GET|POST|PATCH|PUT|DELETE|\*)\s+(\/\S*)$/i.exec(v.trim());
    if (m) {
      compilePattern(m[2] ?? '/', field);
      return `${(m[1] ?? '*').toUpperCase()} ${m[2] ?? '/'}`;
    }
  }
  throw badField(field, `${JSON.stringify(v)?.slice(0, 40)} is not a route; use "create_order" (default), "any", or "METHOD /path" under /v1/json such as "GET /orders/*"`, 'invalid_rule');
}

/** Does a rule's `on` cover this API call? `path` is relative to /v1/json, without the query. */
export function coversRoute(on: string, method: string, path: string, cache?: PatternCache): boolean {
  if (on === 'any') return true;
  if (on === 'create_order') return method === 'POST' && /^\/orders\/?$/.test(path);
  const [m = '*', glob = '/'] = on.split(' ');
  return (m === '*' || m === method) && (cache ? cache.get(glob) : compilePattern(glob, 'on')).test(path);
}

export class FailureRules extends RuleBook<FailureRule> {
  private readonly patterns = new PatternCache();

  constructor(engine: Engine) {
    super(engine, 'control-failure-rules', 'fr');
  }

  parse(body: unknown, site: string | null, where = ''): RuleInput {
    const at = (f: string): string => (where ? `${where}.${f}` : f);
    if (!isObj(body)) throw badField(where || 'body', 'a failure rule is an object such as {"kind":"error","code":1024,"match":{"order_id":"fail-*"}}', 'invalid_rule');
    onlyFields(body, RULE_FIELDS, where);
    const kind = body.kind ?? 'error';
    if (typeof kind !== 'string' || !(FAILURE_KINDS as readonly string[]).includes(kind)) {
      throw badField(at('kind'), `${JSON.stringify(kind)?.slice(0, 30)} is not a failure kind; use one of ${FAILURE_KINDS.join(', ')}`, 'invalid_rule');
    }
    const k = kind as FailureKind;
    const only = (field: string, kinds: readonly FailureKind[]): void => {
      if (body[field] !== undefined && !kinds.includes(k)) throw badField(at(field), `applies to kind ${kinds.join('/')} only, not ${k}`, 'invalid_rule');
    };
    only('code', ['error']);
    only('error_code', ['error']);
    only('status', ['http']);
    only('body', ['http']);
    only('latency', ['latency']);
    only('after', ['drop']);

    let errorCode: number | null = null;
    if (k === 'error') {
      const raw = body.code ?? body.error_code ?? ERROR_CATALOGUE.DECLINED.code;
      const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof code !== 'number' || errorNameByCode(code) === undefined) {
        const known = Object.values(ERROR_CATALOGUE).map((e) => e.code).join(', ');
        throw badField(at('code'), `${JSON.stringify(raw)?.slice(0, 20)} is not in the sandbox's error catalogue; use one of ${known}`, 'invalid_rule');
      }
      errorCode = code;
    }
    let status: number | null = null;
    let errBody: FailureRule['body'] = null;
    if (k === 'http') {
      const s = body.status ?? 503;
      if (typeof s !== 'number' || !(HTTP_STATUSES as readonly number[]).includes(s)) throw badField(at('status'), `must be one of ${HTTP_STATUSES.join(', ')}`, 'invalid_rule');
      status = s;
      const b = body.body ?? 'json';
      if (typeof b !== 'string' || !(BODIES as readonly string[]).includes(b)) throw badField(at('body'), `must be one of ${BODIES.join(', ')}`, 'invalid_rule');
      errBody = b as FailureRule['body'];
    }
    let latency: number | null = null;
    if (k === 'latency') {
      if (body.latency === undefined) throw badField(at('latency'), 'a latency rule needs how long to wait, e.g. "2s"', 'invalid_rule');
      latency = parseDuration(body.latency, at('latency'));
      if (latency > MAX_LATENCY_MS) throw badField(at('latency'), 'must be at most 2 minutes; use kind "timeout" for an answer that never comes', 'invalid_rule');
    }
    if (body.after !== undefined && typeof body.after !== 'boolean') throw badField(at('after'), 'must be true or false', 'invalid_rule');
    const p = body.probability ?? 1;
    if (typeof p !== 'number' || !(p > 0) || p > 1) throw badField(at('probability'), 'must be a number above 0 and at most 1 (the share of matching calls that fail)', 'invalid_rule');
    let ruleSite = site;
    if (body.site !== undefined && body.site !== null) {
      if (typeof body.site !== 'string' || body.site.trim().length < 5) throw badField(at('site'), 'must be an API key of 5 or more characters', 'invalid_rule');
      ruleSite = body.site.trim();
    }
    return {
      site: ruleSite,
      kind: k,
      on: parseOn(body.on, at('on')),
      match: parseMatch(body.match, at('match'), this.engine.rules, { sofortOnly: false }),
      error_code: errorCode,
      status,
      body: errBody,
      latency_ms: latency,
      after: body.after === true,
      probability: p,
      remaining: parseUses(body as Obj, where),
    };
  }

  /** Cheap test used on every API call: is there any rule at all? */
  get size(): number {
    return this.rules.size;
  }

  /**
   * The failure for one API call, if a rule takes it: the first rule (site's own first,
   * newest first) whose route and match fit and whose seeded draw says yes. Consumes a use.
   */
  pick(site: string | null, method: string, path: string, subject: () => MatchSubject): FailureRule | null {
    let s: MatchSubject | null = null;
    for (const rule of this.list(site)) {
      if (rule.site !== null && rule.site !== site) continue;
      if (!coversRoute(rule.on, method, path, this.patterns)) continue;
      s ??= subject();
      if (!matches(rule.match, s, this.patterns)) continue;
      if (rule.probability < 1 && this.engine.ids.random() >= rule.probability) continue;
      this.engine.store.transaction(() => {
        const left = rule.remaining === null ? null : rule.remaining - 1;
        if (left === 0) this.rules.delete(rule.id);
        else this.rules.set(rule.id, { ...rule, remaining: left, applied: rule.applied + 1 });
      });
      return rule;
    }
    return null;
  }
}
