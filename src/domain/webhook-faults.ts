/**
 * Notification fault rules as the merchant writes them (drop, duplicate, reorder, delay,
 * wrong_key, malformed) and their validation: pure data, read by the options at start and by
 * the control plane; the webhooks feature stores and applies them (features/webhooks/faults.ts).
 */
export const FAULT_KINDS = ['drop', 'duplicate', 'reorder', 'delay', 'wrong_key', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  fault: FaultKind;
  /** Chance per notification from 0 to 1 (default 1), drawn from the seeded generator. */
  probability?: number;
  /** Apply to this many notifications, then the rule is spent (default: no limit). */
  times?: number;
  /** delay: extra sandbox milliseconds (required). reorder: longest hold if no later notification comes (default 5 minutes). */
  ms?: number;
  /** Only notifications whose order status (after the change) is one of these, e.g. ["completed"]. */
  statuses?: string[];
}

/** What was decided for one notification; kept on its record so a restart replays the same. */
export interface AppliedFaults {
  drop?: true;
  duplicate?: true;
  /** Held until the next notification of the order went out, at most this long. */
  reorder_hold_ms?: number;
  delay_ms?: number;
  wrong_key?: true;
  malformed?: true;
}

export type FaultScope = { kind: 'sandbox' } | { kind: 'site'; site: string } | { kind: 'order'; site: string; order_id: string };


export const DEFAULT_REORDER_HOLD_MS = 5 * 60_000;


/** Validate rules from JSON or options: the rules, or a message that names the field and the fix. */
export function readFaultRules(input: unknown): FaultRule[] | string {
  if (!Array.isArray(input)) return 'faults must be a list, e.g. [{"fault":"drop"}]';
  if (input.length > 50) return 'at most 50 fault rules per scope';
  const out: FaultRule[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `faults[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${at} must be an object such as {"fault":"drop"}`;
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (!['fault', 'probability', 'times', 'ms', 'statuses'].includes(k)) return `${at}.${k} is not a fault option; use fault, probability, times, ms, statuses`;
    }
    if (typeof r.fault !== 'string' || !(FAULT_KINDS as readonly string[]).includes(r.fault)) {
      return `${at}.fault must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(r.fault ?? null)}`;
    }
    const rule: FaultRule = { fault: r.fault as FaultKind };
    if (r.probability !== undefined) {
      if (typeof r.probability !== 'number' || !(r.probability >= 0 && r.probability <= 1)) return `${at}.probability must be a number from 0 to 1`;
      rule.probability = r.probability;
    }
    if (r.times !== undefined) {
      if (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 1) return `${at}.times must be a whole number of 1 or more`;
      rule.times = r.times;
    }
    if (r.ms !== undefined) {
      if (typeof r.ms !== 'number' || !Number.isInteger(r.ms) || r.ms < 0 || r.ms > 30 * 24 * 3600_000) return `${at}.ms must be a whole number of milliseconds from 0 to 30 days`;
      rule.ms = r.ms;
    }
    if (rule.fault === 'delay' && rule.ms === undefined) return `${at}: a delay fault needs ms, e.g. {"fault":"delay","ms":60000}`;
    if (r.statuses !== undefined) {
      if (!Array.isArray(r.statuses) || r.statuses.some((s) => typeof s !== 'string')) return `${at}.statuses must be a list of order statuses, e.g. ["completed"]`;
      rule.statuses = [...(r.statuses as string[])];
    }
    out.push(rule);
  }
  return out;
}
