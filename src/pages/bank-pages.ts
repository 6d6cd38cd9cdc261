/**
 * The fake Sofort bank (`/bank/{session}/`): choose bank, log in, pick an account, confirm
 * with a TAN. Every step is a plain POST form (works without JavaScript) answered with a
 * redirect back to the one bank URL (post/redirect/get), so a refresh never re-submits.
 * Steps only move forward from the step the shopper reached; a form from an earlier step
 * (the back button) restarts from there; nothing is paid before the TAN step, and the
 * engine refuses a second payment, so going back and confirming again never pays twice.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrderRecord } from '../domain/order.js';
import { scenarioAction } from '../domain/scenarios.js';
import type { BankCountry } from './banks.js';
import { defaultCountry, makeIban } from './banks.js';
import type { BankSession, BankStep } from './bank-session.js';
import { BANK_STEPS, FRESH_SESSION, isBankStep, stepIndex } from './bank-session.js';
import { formField } from '../http/format.js';
import { guarded, renderNotFound, sessionParam } from './guard.js';
import type { MessageKey } from './i18n.js';
import { leaveAfterCancel, renderResult, resultKindOf, returnTarget } from './outcome.js';
import type { PageKit } from './page-kit.js';
import { scenarioOf } from './page-kit.js';

/** Documented test inputs (README): every other user ID, PIN and TAN passes. */
export const TEST_CREDENTIALS = Object.freeze({ wrongPasswordUser: 'wrongpassword', lockedUser: 'locked', wrongTan: '000000' });

const TEMPLATES: Record<BankStep, string> = { bank: 'bank-choose.ejs', login: 'bank-login.ejs', account: 'bank-account.ejs', tan: 'bank-tan.ejs' };

function bankUrl(order: OrderRecord): string {
  return `/bank/${order.session_id}/?lang=${encodeURIComponent(order.customer.locale)}`;
}

export function registerBankPages(app: FastifyInstance, kit: PageKit): void {
  const { engine } = kit.ctx;
  const rules = engine.rules;

  function sessionOf(order: OrderRecord): BankSession {
    return kit.sessions.get(order.session_id) ?? FRESH_SESSION;
  }

  function countryFor(order: OrderRecord, s: BankSession, asked: string): BankCountry {
    return (asked ? kit.banks.country(asked) : undefined) ?? (s.country ? kit.banks.country(s.country) : undefined) ?? defaultCountry(kit.banks, rules, order.customer.country);
  }

  function renderStep(req: FastifyRequest, reply: FastifyReply, order: OrderRecord, s: BankSession, status = 200, extra: { error?: MessageKey; username?: string } = {}): Promise<FastifyReply> {
    const model = kit.model(order);
    const asked = (req.query as Record<string, unknown> | undefined)?.country;
    const country = countryFor(order, s, typeof asked === 'string' ? asked : '');
    const chosen = s.bank_id ? kit.banks.bank(s.bank_id) : undefined;
    const account = s.account !== null ? s.accounts[s.account] : undefined;
    return kit.send(reply, status, TEMPLATES[s.step], {
      ...model,
      step: s.step,
      steps: BANK_STEPS.map((id, i) => ({ id, label: model.t(`bank.step.${id}` as MessageKey), state: i < stepIndex(s.step) ? 'done' : i === stepIndex(s.step) ? 'current' : 'todo' })),
      countries: kit.banks.countries.map((c) => ({ code: c.code, name: c.name[model.lang] })),
      country: { code: country.code, name: country.name[model.lang], banks: country.banks },
      selectedBank: s.bank_id,
      bank: chosen ? { ...chosen.bank, country: chosen.country.name[model.lang] } : null,
      holder: s.holder,
      accounts: s.accounts.map((a, i) => ({ index: i, label: model.t(a.kind === 'current' ? 'bank.account.current' : 'bank.account.savings'), masked: kit.maskIban(a.iban) })),
      account: account ? { masked: kit.maskIban(account.iban) } : null,
      credentials: TEST_CREDENTIALS,
      username: extra.username ?? '',
      error: extra.error ? model.t(extra.error) : null,
    });
  }

  function save(order: OrderRecord, s: BankSession): void {
    kit.sessions.set(order.session_id, s);
  }

  /** The order of the session, or the page to show instead (404, result, payment page). */
  async function payable(req: FastifyRequest, reply: FastifyReply, lateStep: boolean): Promise<OrderRecord | FastifyReply> {
    const order = engine.findBySession(sessionParam(req));
    if (!order) return renderNotFound(kit, req, reply);
    const kind = resultKindOf(order);
    if (kind) return renderResult(kit, reply, order, kind, lateStep);
    // A gateway-less order reached the bank URL without choosing Sofort: that choice is the payment page's.
    if (order.gateway === null) return reply.redirect(`/connect/${order.session_id}/?lang=${encodeURIComponent(order.customer.locale)}`, 303);
    return order;
  }

  app.get('/bank/:session/', async (req, reply) => {
    const found = await payable(req, reply, false);
    if (!('site' in found)) return found;
    let order = found;
    if (order.started_at === null && order.gateway !== null) {
      // A link to the bank opened without the payment page: the Sofort transaction starts here.
      order = engine.transition(order.site, order.transaction_id, { kind: 'select_gateway', gateway: order.gateway }, 'bank').order;
    }
    return renderStep(req, reply, order, sessionOf(order));
  });

  app.post('/bank/:session/cancel', async (req, reply) => {
    const order = await payable(req, reply, true);
    if (!('site' in order)) return order;
    return guarded(kit, reply, order, () => {
      const { order: cancelled } = engine.transition(order.site, order.transaction_id, { kind: 'cancel' }, 'bank');
      return leaveAfterCancel(kit, reply, cancelled);
    });
  });

  app.post('/bank/:session/:step', async (req, reply) => {
    const step = (req.params as { step: string }).step;
    if (!isBankStep(step)) return renderNotFound(kit, req, reply);
    const order = await payable(req, reply, true);
    if (!('site' in order)) return order;
    const s = sessionOf(order);
    const next = () => reply.header('cache-control', 'no-store').redirect(bankUrl(order), 303);
    // A form of a step not reached yet (hand-made request, stale tab): show where the shopper is.
    if (stepIndex(step) > stepIndex(s.step)) return next();
    const body = req.body;

    switch (step) {
      case 'bank': {
        const found = kit.banks.bank(formField(body, 'bank'));
        if (!found) return renderStep(req, reply, order, { ...FRESH_SESSION, country: formField(body, 'country') || s.country }, 422, { error: 'bank.choose.missing' });
        save(order, { ...FRESH_SESSION, step: 'login', country: found.country.code, bank_id: found.bank.id });
        return next();
      }
      case 'login': {
        const back = { ...s, step: 'login' as const, holder: null, accounts: [], account: null };
        const username = formField(body, 'username');
        const pin = formField(body, 'pin');
        if (username === '' || pin === '') return renderStep(req, reply, order, back, 422, { error: 'bank.login.missing', username });
        const user = username.toLowerCase();
        if (user === TEST_CREDENTIALS.wrongPasswordUser) return renderStep(req, reply, order, back, 422, { error: 'bank.login.wrong', username });
        if (user === TEST_CREDENTIALS.lockedUser) return renderStep(req, reply, order, back, 423, { error: 'bank.login.locked', username });
        const found = s.bank_id ? kit.banks.bank(s.bank_id) : undefined;
        if (!found) {
          save(order, FRESH_SESSION);
          return next();
        }
        const random = engine.ids.random;
        const name = [order.customer.first_name, order.customer.last_name].filter((p) => p).join(' ');
        save(order, {
          ...back,
          step: 'account',
          holder: name || 'Max Mustermann',
          accounts: [
            { kind: 'current', iban: makeIban(found.country, found.bank, random) },
            { kind: 'savings', iban: makeIban(found.country, found.bank, random) },
          ],
        });
        return next();
      }
      case 'account': {
        const raw = formField(body, 'account');
        const index = /^\d$/.test(raw) ? Number(raw) : -1;
        if (!s.accounts[index]) return renderStep(req, reply, order, { ...s, step: 'account', account: null }, 422, { error: 'bank.account.missing' });
        save(order, { ...s, step: 'tan', account: index });
        return next();
      }
      case 'tan': {
        const tan = formField(body, 'tan');
        if (tan === '') return renderStep(req, reply, order, s, 422, { error: 'bank.tan.missing' });
        if (tan === TEST_CREDENTIALS.wrongTan) return renderStep(req, reply, order, s, 422, { error: 'bank.tan.wrong' });
        return confirm(req, reply, order, s);
      }
    }
  });

  /** The TAN was right: the order's test scenario decides what the bank answers. */
  function confirm(req: FastifyRequest, reply: FastifyReply, order: OrderRecord, s: BankSession): Promise<FastifyReply> {
    const found = s.bank_id ? kit.banks.bank(s.bank_id) : undefined;
    const account = s.account !== null ? s.accounts[s.account] : undefined;
    if (!found || !account) {
      save(order, FRESH_SESSION);
      return renderStep(req, reply, order, FRESH_SESSION, 409);
    }
    const payer = {
      bank: { account_holder_name: s.holder ?? 'Max Mustermann', account_iban: account.iban, account_bic: found.bank.bic, bank_name: found.bank.name },
      external_transaction_id: engine.ids.bankReference(),
    };
    const action = scenarioAction(scenarioOf(order), payer);
    if (!action) {
      // "Customer never comes back": nothing happens; the order waits for its expiry.
      kit.sessions.delete(order.session_id);
      return renderResult(kit, reply, order, 'abandoned');
    }
    return guarded(kit, reply, order, async () => {
      const { order: after } = engine.transition(order.site, order.transaction_id, action, 'bank');
      // Paid: straight back to the shop's redirect_url?transactionid=..., as MultiSafepay
      // redirects (no extra click), unless the sandbox was asked for a confirmation page.
      const target = resultKindOf(after) === 'paid' ? returnTarget(after, 'paid') : null;
      if (target?.url && !target.closeWindow && !kit.ctx.config.confirmationPage) {
        return reply.header('cache-control', 'no-store').redirect(target.url, 303);
      }
      return reply.header('cache-control', 'no-store').redirect(bankUrl(order), 303);
    });
  }
}
