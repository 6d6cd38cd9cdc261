/**
 * Scenario presets: JSON files of scenario and failure rules loaded at start
 * (`--scenarios file.json`, env SCENARIOS_FILE, option `scenarioFiles`). They are the
 * sandbox's defaults: a reset brings them back. A name without a path (`declines`) is
 * looked up among the presets shipped in fixtures/scenarios/.
 *
 *   { "scenarios": [ {"scenario": "declined", "match": {"amount": {"min": 6600, "max": 6699}}} ],
 *     "failures":  [ {"kind": "error", "code": 1024, "match": {"order_id": "fail-1024-*"}} ] }
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../../options/config.js';
import { FIXTURES_DIR } from '../../paths.js';
import { ControlError, isObj } from '../../domain/control-error.js';
import type { FailureRules } from './failure-rules.js';
import type { ScenarioRules } from './scenario-rules.js';

export const PRESETS_DIR = join(FIXTURES_DIR, 'scenarios');

export function resolvePresetPath(file: string): string {
  const direct = resolve(file);
  if (existsSync(direct)) return direct;
  if (!/[\\/]/.test(file)) {
    const shipped = join(PRESETS_DIR, file.endsWith('.json') ? file : `${file}.json`);
    if (existsSync(shipped)) return shipped;
  }
  return direct;
}

export function loadPresets(files: readonly string[], target: { scenarios: ScenarioRules; failures: FailureRules }): void {
  for (const file of files) {
    const path = resolvePresetPath(file);
    const fail = (msg: string): never => {
      throw new ConfigError(`scenarioFiles: ${file}: ${msg}`);
    };
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      fail(e.code === 'ENOENT' ? `no such file (looked at ${path}); give a path to a JSON file or the name of a shipped preset` : `not valid JSON (${e.message})`);
    }
    if (!isObj(data)) fail('must be a JSON object with "scenarios" and/or "failures" lists');
    const obj = data as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (!['scenarios', 'failures', '$comment', 'description'].includes(k)) fail(`unknown top-level field "${k}"; use "scenarios" and "failures"`);
    }
    const name = basename(path, '.json');
    for (const [field, list] of [['scenarios', obj.scenarios], ['failures', obj.failures]] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) fail(`"${field}" must be a list of rules`);
      (list as unknown[]).forEach((raw, i) => {
        const where = `${field}[${i}]`;
        try {
          if (field === 'scenarios') target.scenarios.addPreset(target.scenarios.parse(raw, null, where), `preset:${name}:s${i}`);
          else target.failures.addPreset(target.failures.parse(raw, null, where), `preset:${name}:f${i}`);
        } catch (err) {
          if (err instanceof ControlError) fail(err.message);
          throw err;
        }
      });
    }
  }
}
