/**
 * Scenario rules, the outcome of one order, and failure rules. A call with an API key makes
 * rules for that site; without one, rules for every site. Lists show the rules still
 * pending, in the order they are tried.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { SCENARIOS, SCENARIO_LABELS } from '../domain/scenarios.js';
import { ControlError } from '../domain/control-error.js';
import { parseDuration } from '../options/duration.js';
import { parseScenario } from '../features/test-rules/scenario-rules.js';
import { targetOf } from '../features/test-rules/failure-rules.js';
import {
  ADD_FAILURE_RULE, ADD_SCENARIO_RULE, LIST_FAILURE_RULES, LIST_SCENARIOS, REMOVE_FAILURE_RULE, REMOVE_SCENARIO_RULE, RESET_FAILURE_RULES, RESET_SCENARIO_RULES,
  SET_ORDER_OUTCOME,
} from '../domain/wire/rules.js';
import type { SchemaTypes } from '../http/schema-types.js';
import { failureRuleView, findOrder, orderSummary, scenarioRuleView, siteOf } from '../http/control-views.js';

export function registerRuleRoutes(fastify: FastifyInstance, ctx: SandboxContext): void {
  const app = fastify.withTypeProvider<SchemaTypes>();
  const { engine, control } = ctx;
  const { scenarios, failures } = control;

  app.get('/scenarios', { schema: LIST_SCENARIOS }, async (req) => ({
    scenarios: SCENARIOS.map((s) => ({ name: s, label: SCENARIO_LABELS[s].en })),
    rules: scenarios.list(siteOf(req, ctx)).map(scenarioRuleView),
  }));

  // The rule book's parser judges the body (see domain/wire/rules.ts).
  app.post('/scenarios', { schema: ADD_SCENARIO_RULE }, async (req, reply) => {
    const rule = scenarios.add(scenarios.parse(req.body, siteOf(req, ctx)));
    reply.code(201);
    return { rule: scenarioRuleView(rule) };
  });

  // A site may remove its own rules and sandbox-wide ones (it sees both in its list), not another site's.
  app.delete('/scenarios/:id', { schema: REMOVE_SCENARIO_RULE }, async (req) => {
    const id = req.params.id;
    const site = siteOf(req, ctx);
    const rule = scenarios.get(id);
    if (!rule || (site !== null && rule.site !== null && rule.site !== site)) throw new ControlError(404, 'not_found', `no scenario rule ${id.slice(0, 40)}${site !== null ? ' of this site' : ''}; GET /_sandbox/scenarios lists them`);
    scenarios.remove(id);
    return { removed: id };
  });

  // Reset: drop runtime rules (of the site, or all) and restore the presets.
  app.delete('/scenarios', { schema: RESET_SCENARIO_RULES }, async (req) => ({ removed: scenarios.reset(siteOf(req, ctx)) }));

  // The outcome of one order: set it, and play it now (delay 0) or after a delay on the site clock.
  app.post('/orders/:id/scenario', { schema: SET_ORDER_OUTCOME }, async (req) => {
    const id = req.params.id;
    const site = siteOf(req, ctx);
    const body = req.body;
    const scenario = parseScenario(body.scenario);
    const delay = body.delay === undefined || body.delay === null ? null : parseDuration(body.delay, 'delay');
    const order = findOrder(engine, site, id);
    const { played, order: now } = scenarios.setOutcome(order, scenario, delay, 'the control plane');
    return { played, order: orderSummary(engine, now) };
  });

  // One book for the API and the notifications; `?target=api|notification` narrows a list or a reset.
  app.get('/failures', { schema: LIST_FAILURE_RULES }, async (req) => ({ rules: failures.listOf(siteOf(req, ctx), req.query.target ?? null).map(failureRuleView) }));

  app.post('/failures', { schema: ADD_FAILURE_RULE }, async (req, reply) => {
    const rule = failures.add(failures.parse(req.body, siteOf(req, ctx)));
    reply.code(201);
    return { rule: failureRuleView(rule) };
  });

  app.delete('/failures/:id', { schema: REMOVE_FAILURE_RULE }, async (req) => {
    const id = req.params.id;
    const site = siteOf(req, ctx);
    const rule = failures.get(id);
    if (!rule || (site !== null && rule.site !== null && rule.site !== site)) throw new ControlError(404, 'not_found', `no failure rule ${id.slice(0, 40)}${site !== null ? ' of this site' : ''}; GET /_sandbox/failures lists them`);
    failures.remove(id);
    return { removed: id };
  });

  app.delete('/failures', { schema: RESET_FAILURE_RULES }, async (req) => {
    const target = req.query.target ?? null;
    return { removed: failures.reset(siteOf(req, ctx), (r) => target === null || targetOf(r) === target) };
  });
}
