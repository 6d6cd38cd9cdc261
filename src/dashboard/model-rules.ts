/**
 * What the settings page's rule forms offer (scenarios, failure kinds, error codes, fault
 * kinds, presets) and, for "edit", a rule's fields written back as the form's values.
 */
import type { SandboxContext } from '../context.js';
import { formatDuration } from '../options/duration.js';
import { FAILURE_KINDS } from '../features/test-rules/failure-rules.js';
import type { RuleMatch } from '../features/test-rules/match.js';
import { ERROR_CATALOGUE } from '../domain/errors.js';
import { SCENARIOS, SCENARIO_LABELS } from '../domain/scenarios.js';
import { FAULT_KINDS } from '../features/webhooks/faults.js';
import { presetNames } from './routes-rules.js';

function euros(cents: number | undefined): string {
  return cents === undefined ? '' : (cents / 100).toFixed(2);
}

function matchFields(m: RuleMatch): Record<string, string> {
  return {
    order_id: m.order_id ?? '',
    email: m.email ?? '',
    amount_min: euros(m.amount?.min),
    amount_max: euros(m.amount?.max),
    country: Array.isArray(m.country) ? m.country.join(', ') : '',
  };
}

function usesOf(remaining: number | null): string {
  return remaining === null ? 'always' : remaining === 1 ? 'once' : String(remaining);
}

export function rulesFormModel(ctx: SandboxContext, site: string | null) {
  const faults = site === null ? null : ctx.webhooks.faults.list(site);
  return {
    scenarioChoices: SCENARIOS.map((id) => ({ id, label: SCENARIO_LABELS[id].en })),
    failureKinds: FAILURE_KINDS,
    errorCodes: Object.values(ERROR_CATALOGUE).map((e) => ({ code: e.code, title: e.title })),
    faultKinds: FAULT_KINDS,
    presets: presetNames(),
    siteFaults: faults === null ? [] : faults.site,
    sandboxFaults: ctx.webhooks.faults.get({ kind: 'sandbox' }),
  };
}

/** The form values of rule `id` for the edit form, or null (no such rule: the add forms show). */
export function editModel(ctx: SandboxContext, id: string | null) {
  if (id === null) return null;
  const s = ctx.control.scenarios.get(id);
  if (s) {
    return { kind: 'scenario' as const, id, fields: { site: s.site ?? '', scenario: s.scenario, delay: s.delay_ms === null ? '' : formatDuration(s.delay_ms), uses: usesOf(s.remaining), ...matchFields(s.match) } };
  }
  const f = ctx.control.failures.get(id);
  if (f) {
    return {
      kind: 'failure' as const,
      id,
      fields: {
        site: f.site ?? '',
        kind: f.kind,
        on: f.on,
        code: f.error_code === null ? '' : String(f.error_code),
        status: f.status === null ? '' : String(f.status),
        latency: f.latency_ms === null ? '' : formatDuration(f.latency_ms),
        probability: String(f.probability),
        uses: usesOf(f.remaining),
        ...matchFields(f.match),
      },
    };
  }
  return null;
}
