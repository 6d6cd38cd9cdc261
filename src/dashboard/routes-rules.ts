/**
 * The settings page's rule forms: scenario rules, API failure rules (1024 and the others),
 * notification faults, and the shipped presets. Each form builds the JSON a control call
 * would send and hands it to the same rule book parser, so a form is refused with the same
 * message naming the field as the control API (shown as an error page, nothing changed).
 * An edit is "add the new one, then drop the old one", in that order: a refused edit
 * leaves the old rule in place.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError, isObj } from '../domain/control-error.js';
import { parseDuration } from '../options/duration.js';
import { PRESETS_DIR } from '../features/test-rules/presets.js';
import type { RuleBook, BookRule } from '../features/test-rules/rule-book.js';
import type { FaultScope } from '../features/webhooks/faults.js';
import { readFaultRules } from '../features/webhooks/faults.js';
import { formField } from '../http/format.js';
import { euroCents, siteField } from './routes-create.js';
import { done } from './redirect.js';

type Obj = Record<string, unknown>;

/** The presets shipped in fixtures/scenarios/, by name (the file name without .json). */
export function presetNames(): string[] {
  try {
    return readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** The rule's site: the form's site field, '' meaning every site. */
function ruleSite(ctx: SandboxContext, req: FastifyRequest): string | null {
  const s = siteField(ctx, req.body);
  return s === '' ? null : s;
}

function settingsOf(site: string | null): string {
  return site === null ? '/dashboard/settings' : `/dashboard/settings?site=${encodeURIComponent(site)}`;
}

/** once / always / a number of uses, as the control API's once / persist / times. */
function uses(req: FastifyRequest): Obj {
  const u = formField(req.body, 'uses') || 'always';
  if (u === 'always') return {};
  if (u === 'once') return { once: true };
  if (/^\d{1,7}$/.test(u)) return { times: Number(u) };
  throw new ControlError(400, 'bad_request', `uses: choose once, always, or a number of orders or calls; got "${u.slice(0, 20)}"`);
}

/** The match fields of the form (order_id / email patterns, amount range in euros, countries). */
function matchOf(req: FastifyRequest): Obj {
  const f = (n: string): string => formField(req.body, n);
  const match: Obj = {};
  if (f('order_id') !== '') match.order_id = f('order_id');
  if (f('email') !== '') match.email = f('email');
  const amount: Obj = {};
  if (f('amount_min') !== '') amount.min = euroCents(f('amount_min'), 'amount_min');
  if (f('amount_max') !== '') amount.max = euroCents(f('amount_max'), 'amount_max');
  if (Object.keys(amount).length > 0) match.amount = amount;
  if (f('country') !== '') match.country = f('country').split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase());
  return match;
}

/** Drop rule `id` of the book, if the form's site may (its own or a sandbox-wide rule). */
function removeRule<R extends BookRule>(book: RuleBook<R>, id: string, site: string | null, what: string): R {
  const rule = book.get(id);
  if (!rule || (site !== null && rule.site !== null && rule.site !== site)) {
    throw new ControlError(404, 'not_found', `No ${what} ${id.slice(0, 40)}: it was removed meanwhile, or used up. The settings page lists the rules still in force.`);
  }
  book.remove(id);
  return rule;
}

function faultScope(ctx: SandboxContext, req: FastifyRequest): FaultScope {
  const scope = formField(req.body, 'scope') || 'site';
  if (scope === 'sandbox') return { kind: 'sandbox' };
  const site = siteField(ctx, req.body);
  const orderId = formField(req.body, 'order_id');
  if (scope === 'order' && site !== '' && orderId !== '') return { kind: 'order', site, order_id: orderId };
  if (scope !== 'site' || site === '') throw new ControlError(400, 'bad_request', 'scope: "site" (with a site picked), "order" (with a site and order_id) or "sandbox" (every site)');
  return { kind: 'site', site };
}

export function registerRules(app: FastifyInstance, ctx: SandboxContext): void {
  const { scenarios, failures } = ctx.control;

  app.post('/dashboard/rules/scenarios', async (req, reply) => {
    const site = ruleSite(ctx, req);
    const delay = formField(req.body, 'delay');
    const raw: Obj = { scenario: formField(req.body, 'scenario'), match: matchOf(req), ...uses(req) };
    if (delay !== '') raw.delay = delay;
    const parsed = scenarios.parse(raw, site);
    const replace = formField(req.body, 'replace');
    if (replace !== '' && !scenarios.get(replace)) throw new ControlError(404, 'not_found', `No scenario rule ${replace.slice(0, 40)} to edit: it was removed meanwhile, or used up.`);
    const rule = scenarios.add(parsed);
    if (replace !== '') removeRule(scenarios, replace, site, 'scenario rule');
    return done(reply, req, settingsOf(site), replace !== '' ? 'rule_edited' : 'rule_added', rule.id, settingsOf(site));
  });

  app.post('/dashboard/rules/scenarios/:id/remove', async (req, reply) => {
    const rule = removeRule(scenarios, (req.params as { id: string }).id, ruleSite(ctx, req), 'scenario rule');
    return done(reply, req, settingsOf(rule.site), 'rule_removed', rule.id);
  });

  app.post('/dashboard/rules/failures', async (req, reply) => {
    const site = ruleSite(ctx, req);
    const f = (n: string): string => formField(req.body, n);
    const kind = f('kind') || 'error';
    const raw: Obj = { kind, on: f('on') || 'create_order', match: matchOf(req), ...uses(req) };
    if (kind === 'error') raw.code = f('code') || '1024';
    if (kind === 'http') {
      raw.status = /^\d{3}$/.test(f('status')) ? Number(f('status')) : f('status') || 503;
      raw.body = f('body') || 'json';
    }
    if (kind === 'latency') raw.latency = f('latency');
    if (kind === 'drop') raw.after = f('after') === 'yes';
    if (f('probability') !== '') {
      const p = Number(f('probability'));
      raw.probability = Number.isFinite(p) ? p : f('probability');
    }
    const parsed = failures.parse(raw, site);
    const replace = f('replace');
    if (replace !== '' && !failures.get(replace)) throw new ControlError(404, 'not_found', `No failure rule ${replace.slice(0, 40)} to edit: it was removed meanwhile, or used up.`);
    const rule = failures.add(parsed);
    if (replace !== '') removeRule(failures, replace, site, 'failure rule');
    return done(reply, req, settingsOf(site), replace !== '' ? 'rule_edited' : 'rule_added', rule.id, settingsOf(site));
  });

  app.post('/dashboard/rules/failures/:id/remove', async (req, reply) => {
    const rule = removeRule(failures, (req.params as { id: string }).id, ruleSite(ctx, req), 'failure rule');
    return done(reply, req, settingsOf(rule.site), 'rule_removed', rule.id);
  });

  // A notification fault is added to the rules of its scope (site or every site).
  app.post('/dashboard/rules/faults', async (req, reply) => {
    const scope = faultScope(ctx, req);
    const f = (n: string): string => formField(req.body, n);
    const raw: Obj = { fault: f('fault') };
    if (f('ms') !== '') raw.ms = parseDuration(f('ms'), 'ms');
    if (f('times') !== '') raw.times = /^\d+$/.test(f('times')) ? Number(f('times')) : f('times');
    if (f('probability') !== '') raw.probability = Number(f('probability'));
    if (f('statuses') !== '') raw.statuses = f('statuses').split(/[\s,]+/).filter(Boolean);
    const rules = readFaultRules([...ctx.webhooks.faults.get(scope), raw]);
    if (typeof rules === 'string') throw new ControlError(400, 'bad_request', rules.replace(/faults\[\d+\]\./, ''));
    ctx.webhooks.faults.set(scope, rules);
    return done(reply, req, settingsOf(scope.kind === 'site' ? scope.site : null), 'fault_added', String(raw.fault));
  });

  // One fault of a scope, by its place in the list the page showed; a list changed meanwhile is refused, not guessed at.
  app.post('/dashboard/rules/faults/remove', async (req, reply) => {
    const scope = faultScope(ctx, req);
    const index = formField(req.body, 'index');
    const rules = ctx.webhooks.faults.get(scope);
    if (!/^\d{1,2}$/.test(index) || Number(index) >= rules.length) {
      throw new ControlError(409, 'conflict', `index: the faults of this scope changed (now ${rules.length}); reload the settings page and remove again`);
    }
    const [removed] = rules.splice(Number(index), 1);
    ctx.webhooks.faults.set(scope, rules);
    return done(reply, req, settingsOf(scope.kind === 'sandbox' ? null : scope.site), 'fault_removed', removed?.fault ?? '');
  });

  app.post('/dashboard/rules/faults/clear', async (req, reply) => {
    const scope = faultScope(ctx, req);
    ctx.webhooks.faults.clear(scope);
    return done(reply, req, settingsOf(scope.kind === 'site' ? scope.site : null), 'faults_cleared', scope.kind === 'site' ? `site ${scope.site}` : 'every site');
  });

  // A preset's rules become the tester's own rules of the chosen site (a reset drops them).
  app.post('/dashboard/rules/preset', async (req, reply) => {
    const site = ruleSite(ctx, req);
    const name = formField(req.body, 'preset');
    if (!presetNames().includes(name)) throw new ControlError(400, 'bad_request', `preset: choose one of ${presetNames().join(', ')}; got "${name.slice(0, 40)}"`);
    const data = JSON.parse(readFileSync(join(PRESETS_DIR, `${name}.json`), 'utf8')) as unknown;
    const obj = isObj(data) ? data : {};
    const s = Array.isArray(obj.scenarios) ? (obj.scenarios as unknown[]).map((r, i) => scenarios.parse(r, site, `${name}.scenarios[${i}]`)) : [];
    const f = Array.isArray(obj.failures) ? (obj.failures as unknown[]).map((r, i) => failures.parse(r, site, `${name}.failures[${i}]`)) : [];
    // Parsed first, added after: a preset that does not fit this sandbox adds nothing.
    for (const r of s) scenarios.add(r);
    for (const r of f) failures.add(r);
    return done(reply, req, settingsOf(site), 'preset_loaded', `${name} (${s.length + f.length} rule${s.length + f.length === 1 ? '' : 's'})`);
  });
}
