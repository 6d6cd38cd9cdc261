/**
 * What every page handler needs, made once per sandbox: the context, the bank directory,
 * the bank-session collection, and the rendering of a page model (language, formatted
 * order summary) into a response with the pages' headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../domain/order.js';
import { SCENARIO_LABELS, isScenario } from '../domain/scenarios.js';
import type { Scenario } from '../domain/scenarios.js';
import type { Collection } from '../engine/store.js';
import type { BankDirectory } from './banks.js';
import { maskIban } from './banks.js';
import type { BankSession } from './bank-session.js';
import { formatAmount, formatDateTime, intlLocale } from '../http/format.js';
import type { Lang, Translate } from './i18n.js';
import { langOf, translator } from './i18n.js';

export interface OrderView {
  readonly order_id: string;
  readonly description: string;
  readonly amount: string;
  readonly expires: string | null;
  readonly session: string;
}

export interface BaseModel {
  readonly lang: Lang;
  readonly locale: string;
  readonly t: Translate;
  readonly order: OrderView | null;
  /** Label of the scenario that will play at the bank, in the page's language. */
  readonly scenarioLabel: string | null;
}

export interface PageKit {
  readonly ctx: SandboxContext;
  readonly banks: BankDirectory;
  readonly sessions: Collection<BankSession>;
  model(order: OrderRecord | null, localeHint?: string): BaseModel;
  send<T extends BaseModel>(reply: FastifyReply, status: number, template: string, data: T): Promise<FastifyReply>;
  maskIban(iban: string): string;
  formatDate(ms: number, locale: string): string;
}

/** The scenario an order plays: the one stored on it, else Completed. */
export function scenarioOf(order: OrderRecord): Scenario {
  return isScenario(order.scenario) ? order.scenario : 'completed';
}

/** The ?lang= of a URL, for pages that have no order to take the language from. */
export function langHint(req: FastifyRequest): string | undefined {
  const lang = (req.query as Record<string, unknown> | undefined)?.lang;
  return typeof lang === 'string' ? lang : undefined;
}

export function createPageKit(ctx: SandboxContext, banks: BankDirectory, sessions: Collection<BankSession>): PageKit {
  return {
    ctx,
    banks,
    sessions,
    model(order, localeHint) {
      const rawLocale = order?.customer.locale ?? localeHint ?? 'en_US';
      const locale = intlLocale(rawLocale);
      const lang = langOf(rawLocale);
      const view: OrderView | null = order
        ? {
            order_id: String(order.order_id),
            description: order.description,
            amount: formatAmount(order.amount, order.currency, locale),
            expires: order.expires_at !== null ? formatDateTime(order.expires_at, locale) : null,
            session: order.session_id,
          }
        : null;
      return { lang, locale, t: translator(lang), order: view, scenarioLabel: order ? SCENARIO_LABELS[scenarioOf(order)][lang] : null };
    },
    async send(reply, status, template, data) {
      const html = await reply.viewAsync(template, data);
      return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    },
    maskIban,
    formatDate: formatDateTime,
  };
}
