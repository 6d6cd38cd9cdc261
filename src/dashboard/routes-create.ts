/**
 * Creating an order from the dashboard: a plain form (amount, country, locale, flow,
 * description, notification URL, an outcome) that builds the same JSON body a shop sends to
 * POST /v1/json/orders, checks it with the API's own reader, and creates the order through
 * the engine. "Copy as curl" shows that request instead of making it, so a tester can move
 * what they tried by hand into a script.
 *
 * The order is created by the control door (cause `control`): API failure rules and the
 * request journal concern the shop's calls, not the tester's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ControlError } from '../domain/control-error.js';
import { parseScenario } from '../features/test-rules/scenario-rules.js';
import { readCreateOrder } from '../domain/create-order.js';
import { SCENARIOS, SCENARIO_LABELS } from '../domain/scenarios.js';
import { publicBase } from '../http/respond.js';
import { formField } from '../http/format.js';
import { knownSites, orderHref } from './model.js';
import { done } from './redirect.js';
import { frame, queryParam, sendPage } from './page.js';

export const LOCALES = ['de_DE', 'de_AT', 'de_CH', 'nl_BE', 'fr_BE', 'it_IT', 'es_ES', 'pl_PL', 'en_US', 'en_GB'] as const;

export interface NewOrderForm {
  site: string;
  order_id: string;
  amount: string;
  country: string;
  locale: string;
  type: string;
  description: string;
  notification_url: string;
  outcome: string;
}

function defaults(ctx: SandboxContext, site: string | null): NewOrderForm {
  return {
    site: site ?? ctx.config.apiKeys[0] ?? '',
    order_id: ctx.engine.ids.shortId('dash'),
    amount: '24.95',
    country: 'DE',
    locale: 'de_DE',
    type: 'redirect',
    description: 'Order from the sandbox dashboard',
    notification_url: '',
    outcome: '',
  };
}

/** A form field read whole up to `max` characters (formField stops at 200; a URL may be longer), trimmed. */
function longField(body: unknown, name: string, max: number): string {
  const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

function readForm(body: unknown): NewOrderForm {
  const f = (name: string): string => formField(body, name);
  // Longer than the API allows is cut one character past the limit, so the API reader refuses it with its own message.
  return { site: f('site'), order_id: f('order_id'), amount: f('amount'), country: f('country'), locale: f('locale'), type: f('type'), description: longField(body, 'description', 201), notification_url: longField(body, 'notification_url', 2049), outcome: f('outcome') };
}

/** Euros as a tester types them ("24.95", "24,95", "24") to cents. */
export function euroCents(text: string, field = 'amount'): number {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new ControlError(400, 'bad_request', `${field}: write the amount in euros, such as 24.95; got "${text.slice(0, 30)}"`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/**
 * The site (API key) a form names in field `name`, checked as the API checks a key; '' when
 * the form left it empty. Read whole: formField cuts at 200 characters, a key may have 256.
 */
export function siteField(ctx: SandboxContext, body: unknown, name = 'site'): string {
  const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  const site = typeof first === 'string' ? first.trim() : '';
  if (site === '') return '';
  if (site.length < 5 || site.length > 256) throw new ControlError(400, 'bad_request', `${name}: an API key of 5 to 256 characters; pick one of the sites or type your shop’s key`);
  if (ctx.config.apiKeys.length > 0 && !ctx.config.apiKeys.includes(site)) {
    throw new ControlError(400, 'bad_request', `${name}: ${site.slice(0, 4)}… is not one of the API keys this sandbox was started with (${ctx.config.apiKeys.length} configured)`);
  }
  return site;
}

function checkSite(ctx: SandboxContext, body: unknown): string {
  const site = siteField(ctx, body);
  if (site === '') throw new ControlError(400, 'bad_request', 'site: an API key of 5 to 256 characters; pick one of the sites or type your shop’s key');
  return site;
}

/** The JSON body a shop would send for this form; the shopper comes back to the dashboard's order page. */
export function requestBody(form: NewOrderForm, base: string): Record<string, unknown> {
  const back = `${base}/dashboard/return?site=${encodeURIComponent(form.site)}`;
  return {
    type: form.type === 'direct' ? 'direct' : 'redirect',
    gateway: 'DIRECTBANK',
    order_id: form.order_id,
    currency: 'EUR',
    amount: euroCents(form.amount),
    description: form.description,
    payment_options: {
      ...(form.notification_url !== '' ? { notification_url: form.notification_url } : {}),
      redirect_url: back,
      cancel_url: back,
    },
    customer: { locale: form.locale, country: form.country },
  };
}

/** A curl line a POSIX shell runs as shown: single quotes, with any single quote in the data closed and reopened. */
export function curlOf(base: string, site: string, body: Record<string, unknown>): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `curl -sS -X POST ${q(`${base}/v1/json/orders`)} -H ${q(`api_key: ${site}`)} -H 'content-type: application/json' -d ${q(JSON.stringify(body))}`;
}

function formModel(ctx: SandboxContext, form: NewOrderForm, curl: string | null) {
  return {
    form,
    curl,
    sites: knownSites(ctx),
    countries: ctx.engine.rules.countries,
    locales: LOCALES,
    outcomes: SCENARIOS.map((id) => ({ id, label: SCENARIO_LABELS[id].en })),
  };
}

export function registerCreate(app: FastifyInstance, ctx: SandboxContext): void {
  const { engine } = ctx;

  app.get('/dashboard/orders/new', async (req, reply) => {
    const site = queryParam(req, 'site');
    return sendPage(reply, 200, 'new-order.ejs', { ...frame(ctx, req, site, 'new', null), ...formModel(ctx, defaults(ctx, site), null) });
  });

  app.post('/dashboard/orders', async (req: FastifyRequest, reply) => {
    const form = readForm(req.body);
    const site = checkSite(ctx, req.body);
    form.site = site;
    if (form.order_id === '') form.order_id = engine.ids.shortId('dash');
    const outcome = form.outcome === '' ? null : parseScenario(form.outcome, 'outcome');
    const base = publicBase(req, ctx.config.publicUrl);
    const body = requestBody(form, base);
    // The API's own reader: the same checks and messages a shop gets (amount, country, URLs...).
    const input = readCreateOrder(body, engine.rules);
    if (formField(req.body, 'action') === 'curl') {
      return sendPage(reply, 200, 'new-order.ejs', { ...frame(ctx, req, site, 'new', null), ...formModel(ctx, form, curlOf(base, site, body)) });
    }
    const order = engine.createOrder(site, input, {}, 'control');
    ctx.recurring.afterCreate(site, order);
    if (outcome !== null) {
      const now = engine.getOrder(site, order.transaction_id) ?? order;
      // A scenario rule may have decided it already; the tester's choice wins only while it is unpaid.
      if (now.status === 'initialized') ctx.control.scenarios.setOutcome(now, outcome, 0, 'the dashboard');
    }
    return done(reply, req, orderHref(site, order.transaction_id), 'created', String(order.order_id), orderHref(site, order.transaction_id));
  });

  // Where the shopper lands after the payment or cancel of a dashboard-made order: its page.
  app.get('/dashboard/return', async (req, reply) => {
    const site = queryParam(req, 'site');
    const id = queryParam(req, 'transactionid');
    const order = site !== null && id !== null ? engine.findOrder(site, id) : undefined;
    if (!order) throw new ControlError(404, 'order_not_found', `No order ${String(id ?? '').slice(0, 60)} on site ${String(site ?? '').slice(0, 60)} to come back to.`);
    return reply.redirect(`${orderHref(order.site, order.transaction_id)}?done=returned&ref=${order.status}`, 303);
  });
}
