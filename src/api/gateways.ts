/** GET /gateways, /gateways/{id}, /payment-methods[/{id}], /issuers/{gateway}. */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ApiError } from '../domain/errors.js';
import type { SofortRules } from '../domain/sofort-rules.js';
import { GATEWAY, GATEWAY_DESCRIPTION, isSupportedCountry } from '../domain/sofort-rules.js';
import { requireSite } from '../http/api-key.js';
import { ok } from '../http/respond.js';
import type { ApiRouter } from './router.js';

/** Whether Sofort is offered for the filters a client sends (country, currency, amount). */
function offered(req: FastifyRequest, rules: SofortRules): boolean {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const country = typeof q.country === 'string' && q.country !== '' ? q.country : null;
  const currency = typeof q.currency === 'string' && q.currency !== '' ? q.currency.toUpperCase() : null;
  const amount = typeof q.amount === 'string' && /^\d+$/.test(q.amount) ? Number(q.amount) : null;
  if (country && !isSupportedCountry(rules, country)) return false;
  if (currency && !rules.currencies.includes(currency)) return false;
  if (amount !== null && (amount < rules.minAmount || amount > rules.maxAmount)) return false;
  return true;
}

export function paymentMethod(rules: SofortRules, base: string): Record<string, unknown> {
  return {
    additional_data: {},
    allowed_amount: { max: rules.maxAmount, min: rules.minAmount },
    allowed_countries: [...rules.countries],
    allowed_currencies: [...rules.currencies],
    apps: {
      fastcheckout: { is_enabled: false },
      payment_components: { has_fields: false, is_enabled: true, qr: { supported: false } },
    },
    brands: [],
    icon_urls: {
      large: `${base}/static/sofort.svg`,
      medium: `${base}/static/sofort.svg`,
      vector: `${base}/static/sofort.svg`,
    },
    id: GATEWAY,
    label: GATEWAY_DESCRIPTION,
    name: 'Sofort',
    preferred_countries: [...rules.countries],
    required_customer_data: [],
    shopping_cart_required: false,
    tokenization: { is_enabled: true, models: { cardonfile: true, subscription: true, unscheduled: true } },
    type: 'payment-method',
  };
}

/** iDEAL issuers as MultiSafepay lists them: the Node client always asks for these. */
const IDEAL_ISSUERS = [
  { code: '0031', description: 'ABN AMRO' },
  { code: '0761', description: 'ASN Bank' },
  { code: '0021', description: 'Rabobank' },
  { code: '0721', description: 'ING' },
];

export function registerGatewayRoutes(router: ApiRouter, ctx: SandboxContext): void {
  const rules = ctx.engine.rules;
  const base = (req: FastifyRequest): string => ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;

  router.route('GET', '/gateways', async (req) => {
    requireSite(req, ctx.config);
    return ok(offered(req, rules) ? [{ id: GATEWAY, description: GATEWAY_DESCRIPTION }] : []);
  });

  router.route('GET', '/gateways/:id', async (req) => {
    requireSite(req, ctx.config);
    const id = (req.params as { id: string }).id;
    if (id.toUpperCase() !== GATEWAY) throw new ApiError('GATEWAY_UNAVAILABLE', `gateway ${id.slice(0, 30)} is not available in this sandbox; it offers DIRECTBANK (Sofort)`);
    return ok({ id: GATEWAY, description: GATEWAY_DESCRIPTION });
  });

  router.route('GET', '/payment-methods', async (req) => {
    requireSite(req, ctx.config);
    return ok(offered(req, rules) ? [paymentMethod(rules, base(req))] : []);
  });

  router.route('GET', '/payment-methods/:id', async (req) => {
    requireSite(req, ctx.config);
    const id = (req.params as { id: string }).id;
    if (id.toUpperCase() !== GATEWAY) throw new ApiError('GATEWAY_UNAVAILABLE', `payment method ${id.slice(0, 30)} is not available in this sandbox; it offers DIRECTBANK (Sofort)`);
    return ok(paymentMethod(rules, base(req)));
  });

  router.route('GET', '/issuers/:gateway', async (req) => {
    requireSite(req, ctx.config);
    const gw = (req.params as { gateway: string }).gateway.toLowerCase();
    if (gw === 'ideal') return ok(IDEAL_ISSUERS);
    if (gw === 'directbank') return ok([]);
    throw new ApiError('GATEWAY_UNAVAILABLE', `no issuers for gateway ${gw.slice(0, 30)}; Sofort (DIRECTBANK) has none, iDEAL is listed for client compatibility`);
  });
}
