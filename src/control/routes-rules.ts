/**
 * Scenario rules, the outcome of one order, and failure rules. A call with an API key makes
 * rules for that site; without one, rules for every site. Lists show the rules still
 * pending, in the order they are tried.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { SCENARIOS, SCENARIO_LABELS } from '../domain/scenarios.js';
import { ControlError, bodyObject, onlyFields } from '../domain/control-error.js';
import { parseDuration } from '../options/duration.js';
import { parseScenario } from '../features/test-rules/scenario-rules.js';
import { targetOf } from '../features/test-rules/failure-rules.js';
import { FAILURES_QUERY_SCHEMA } from '../domain/control-schemas.js';
import type { FailuresQuery, RuleTarget } from '../domain/control-schemas.js';
import { failureRuleView, findOrder, orderSummary, scenarioRuleView, siteOf } from '../http/control-views.js';

/** `?target=`, validated by Fastify with FAILURES_QUERY_SCHEMA before the handler runs. */
function targetQuery(req: FastifyRequest): RuleTarget | null {
  return (req.query as FailuresQuery).target ?? null;
}

const FAILURES_QUERY = { schema: { querystring: FAILURES_QUERY_SCHEMA } };

export function registerRuleRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { engine, control } = ctx;
  const { scenarios, failures } = control;

  app.get('/scenarios', async (req) => ({
    scenarios: SCENARIOS.map((s) => ({ name: s, label: SCENARIO_LABELS[s].en })),
    rules: scenarios.list(siteOf(req, ctx)).map(scenarioRuleView),
  }));

  app.post('/scenarios', async (req, reply) => {
    const rule = scenarios.add(scenarios.parse(bodyObject(req.body), siteOf(req, ctx)));
    reply.code(201);
    return { rule: scenarioRuleView(rule) };
  });

  // A site may remove its own rules and sandbox-wide ones (it sees both in its list), not another site's.
  app.delete('/scenarios/:id', async (req) => {
    const id = (req.params as { id: string }).id;
    const site = siteOf(req, ctx);
    const rule = scenarios.get(id);
    if (!rule || (site !== null && rule.site !== null && rule.site !== site)) throw new ControlError(404, 'not_found', `no scenario rule ${id.slice(0, 40)}${site !== null ? ' of this site' : ''}; GET /_sandbox/scenarios lists them`);
    scenarios.remove(id);
    return { removed: id };
  });

  // Reset: drop runtime rules (of the site, or all) and restore the presets.
  app.delete('/scenarios', async (req) => ({ removed: scenarios.reset(siteOf(req, ctx)) }));

  // The outcome of one order: set it, and play it now (delay 0) or after a delay on the site clock.
  app.post('/orders/:id/scenario', async (req) => {
    const id = (req.params as { id: string }).id;
    const site = siteOf(req, ctx);
    const body = bodyObject(req.body);
    onlyFields(body, ['scenario', 'delay'], '');
    const scenario = parseScenario(body.scenario);
    const delay = body.delay === undefined || body.delay === null ? null : parseDuration(body.delay, 'delay');
    const order = findOrder(engine, site, id);
    const { played, order: now } = scenarios.setOutcome(order, scenario, delay, 'the control plane');
    return { played, order: orderSummary(engine, now) };
  });

  // One book for the API and the notifications; `?target=api|notification` narrows a list or a reset.
  app.get('/failures', FAILURES_QUERY, async (req) => ({ rules: failures.listOf(siteOf(req, ctx), targetQuery(req)).map(failureRuleView) }));

  app.post('/failures', async (req, reply) => {
    const rule = failures.add(failures.parse(bodyObject(req.body), siteOf(req, ctx)));
    reply.code(201);
    return { rule: failureRuleView(rule) };
  });

  app.delete('/failures/:id', async (req) => {
    const id = (req.params as { id: string }).id;
    const site = siteOf(req, ctx);
    const rule = failures.get(id);
    if (!rule || (site !== null && rule.site !== null && rule.site !== site)) throw new ControlError(404, 'not_found', `no failure rule ${id.slice(0, 40)}${site !== null ? ' of this site' : ''}; GET /_sandbox/failures lists them`);
    failures.remove(id);
    return { removed: id };
  });

  app.delete('/failures', FAILURES_QUERY, async (req) => {
    const target = targetQuery(req);
    return { removed: failures.reset(siteOf(req, ctx), (r) => target === null || targetOf(r) === target) };
  });
}
