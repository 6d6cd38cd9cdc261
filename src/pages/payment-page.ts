/**
 * The payment page of the redirect flow (`/connect/{session}/`): the order summary, the
 * payment method (the shopper picks Sofort when the order named no gateway), and the
 * "Test platform" panel whose scenario decides what the bank answers at the end.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../domain/errors.js';
import type { OrderRecord } from '../domain/order.js';
import { SCENARIOS, SCENARIO_LABELS, isScenario } from '../domain/scenarios.js';
import { COUNTRY_NAMES, GATEWAY } from '../domain/sofort-rules.js';
import { formField } from '../http/format.js';
import { guarded, renderNotFound, sessionParam } from './guard.js';
import type { MessageKey } from './i18n.js';
import { leaveAfterCancel, renderResult, resultKindOf } from './outcome.js';
import type { PageKit } from './page-kit.js';
import { scenarioOf } from './page-kit.js';

interface PaymentFormState {
  error?: string;
  scenario?: string;
}

function renderPayment(kit: PageKit, reply: FastifyReply, order: OrderRecord, status: number, form: PaymentFormState = {}): Promise<FastifyReply> {
  const model = kit.model(order);
  return kit.send(reply, status, 'payment.ejs', {
    ...model,
    chooseGateway: order.gateway === null,
    scenarios: SCENARIOS.map((id) => ({ id, label: SCENARIO_LABELS[id][model.lang] })),
    selectedScenario: form.scenario !== undefined && isScenario(form.scenario) ? form.scenario : scenarioOf(order),
    error: form.error ?? null,
  });
}

function bankPath(order: OrderRecord): string {
  return `/bank/${order.session_id}/?lang=${encodeURIComponent(order.customer.locale)}`;
}

export function registerPaymentPage(app: FastifyInstance, kit: PageKit): void {
  const { engine } = kit.ctx;

  app.get('/connect/:session/', async (req, reply) => {
    const order = engine.findBySession(sessionParam(req));
    if (!order) return renderNotFound(kit, req, reply);
    const kind = resultKindOf(order);
    if (kind) return renderResult(kit, reply, order, kind);
    return renderPayment(kit, reply, order, 200);
  });

  // "Continue to your bank": store the scenario (and the chosen method), then go to the bank.
  app.post('/connect/:session/', async (req, reply) => {
    const order = engine.findBySession(sessionParam(req));
    if (!order) return renderNotFound(kit, req, reply);
    const kind = resultKindOf(order);
    if (kind) return renderResult(kit, reply, order, kind, true);
    const t = kit.model(order).t;
    const scenario = formField(req.body, 'scenario') || scenarioOf(order);
    if (!isScenario(scenario)) return renderPayment(kit, reply, order, 422, { error: t('test.unknown') });

    return guarded(kit, reply, order, async () => {
      // Choosing Sofort (or continuing with a preselected Sofort) starts the Sofort transaction.
      if (order.gateway === null || order.started_at === null) {
        if (order.gateway === null && formField(req.body, 'gateway') !== GATEWAY) return renderPayment(kit, reply, order, 422, { error: t('method.missing'), scenario });
        try {
          engine.transition(order.site, order.transaction_id, { kind: 'select_gateway', gateway: GATEWAY }, 'bank');
        } catch (err) {
          // The engine refuses Sofort for a customer country it does not serve (1024): say so on the page.
          if (!(err instanceof ApiError) || err.code !== 1024) throw err;
          const country = order.customer.country ?? '';
          const key: MessageKey = 'method.unavailable';
          const countries = engine.rules.countries.map((c) => COUNTRY_NAMES[c] ?? c).join(', ');
          return renderPayment(kit, reply, order, 422, { error: t(key, { country: COUNTRY_NAMES[country.toUpperCase()] ?? country, countries }), scenario });
        }
      }
      if (scenario !== order.scenario) engine.transition(order.site, order.transaction_id, { kind: 'update', scenario }, 'bank');
      // Coming (back) from the payment page starts the bank from its first step.
      kit.sessions.delete(order.session_id);
      return reply.header('cache-control', 'no-store').redirect(bankPath(order), 303);
    });
  });

  app.post('/connect/:session/cancel', async (req, reply) => {
    const order = engine.findBySession(sessionParam(req));
    if (!order) return renderNotFound(kit, req, reply);
    const kind = resultKindOf(order);
    if (kind) return renderResult(kit, reply, order, kind, true);
    return guarded(kit, reply, order, () => {
      const { order: cancelled } = engine.transition(order.site, order.transaction_id, { kind: 'cancel' }, 'bank');
      return leaveAfterCancel(kit, reply, cancelled);
    });
  });
}
