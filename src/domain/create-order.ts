/**
 * Reads a create-order request the way MultiSafepay does, including the quirks of real
 * clients (amounts as numeric strings, `firstname`, `send_mail`, nested `recurring`), and
 * turns it into a validated input or an ApiError that names the field and the fix.
 */
import { isIP } from 'node:net';
import type { CartData } from './cart.js';
import { readCart } from './cart.js';
import { ApiError } from './errors.js';
import type { Customer, OrderType, PaymentOptions, RecurringModel } from './order.js';
import type { SofortRules } from './sofort-rules.js';
import { COUNTRY_NAMES, GATEWAY, RECURRING_GATEWAY, isSupportedCountry } from './sofort-rules.js';

export interface CreateOrderInput {
  type: OrderType;
  gateway: string | null;
  order_id: string | number;
  currency: string;
  amount: number;
  description: string;
  items: string | null;
  var1: string | null;
  var2: string | null;
  var3: string | null;
  custom_info: { custom_1: string | null; custom_2: string | null; custom_3: string | null };
  customer: Customer;
  delivery: Record<string, string | null> | null;
  payment_options: PaymentOptions;
  second_chance: boolean;
  recurring_model: RecurringModel | null;
  recurring_id: string | null;
  /** Lifetime of the payment link from `seconds_active` / `days_active`, in ms (null: default). */
  link_lifetime_ms: number | null;
  plugin: Record<string, unknown> | null;
  /** shopping_cart / checkout_options as sent (echoed back in MultiSafepay's shapes). */
  cart?: CartData | null;
}

type Obj = Record<string, unknown>;

const MAX_TEXT = 255;
const ORDER_TYPES: readonly OrderType[] = ['redirect', 'direct', 'paymentlink', 'checkout'];
const RECURRING_MODELS: readonly RecurringModel[] = ['cardOnFile', 'subscription', 'unscheduled'];

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function missing(field: string, fix: string): never {
  throw new ApiError('MISSING_DATA', `${field} ${fix}`);
}

/** Optional object field: absent/null gives {}, anything but an object is refused. */
function optionalObject(body: Obj, field: string, path = field): Obj {
  const v = body[field];
  if (v === undefined || v === null || v === '') return {};
  if (!isObject(v)) missing(path, 'must be a JSON object');
  return v;
}

/** Optional text field: strings and numbers are accepted (clients send both), others refused. */
export function optionalText(obj: Obj, field: string, path: string, max = MAX_TEXT): string | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') missing(path, `must be a string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  if (v.length > max) missing(path, `is ${v.length} characters long; the limit is ${max}`);
  return v;
}

function httpUrl(obj: Obj, field: string, path: string): string | null {
  const v = optionalText(obj, field, path, 2048);
  if (v === null || v === '') return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    missing(path, `must be an absolute http(s) URL such as https://shop.example/return, got "${v.slice(0, 60)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    missing(path, `must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  return v;
}

function readBoolean(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

/** Amount in cents: an integer or a string of digits (the Node client's README sends "1000"). */
export function readAmount(v: unknown, field = 'amount'): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) n = Number(v);
  else if (v === undefined || v === null || v === '') throw new ApiError('INVALID_AMOUNT', `${field} is required: a whole number of cents, e.g. 1000 for 10.00 EUR`);
  else throw new ApiError('INVALID_AMOUNT', `${field} must be a whole number of cents, e.g. 1000 for 10.00 EUR; got ${JSON.stringify(v).slice(0, 40)}`);
  if (!Number.isSafeInteger(n)) throw new ApiError('INVALID_AMOUNT', `${field} must be a whole number of cents (10.00 EUR is 1000, not 10.00); got ${String(v).slice(0, 40)}`);
  if (n < 0) throw new ApiError('INVALID_AMOUNT', `${field} must not be negative; got ${n}`);
  return n;
}

function readCustomer(body: Obj, rules: SofortRules): Customer {
  const c = optionalObject(body, 'customer');
  const t = (f: string, alt?: string): string | null =>
    optionalText(c, f, `customer.${f}`) ?? (alt ? optionalText(c, alt, `customer.${alt}`) : null);
  const locale = t('locale') ?? 'en_US';
  if (!/^[a-zA-Z]{2}([_-][a-zA-Z]{2})?$/.test(locale)) missing('customer.locale', `must look like de_DE or en_US; got "${locale.slice(0, 20)}"`);
  let country = t('country');
  if (country !== null && country !== '') {
    if (!/^[a-zA-Z]{2}$/.test(country)) throw new ApiError('INVALID_COUNTRY', `customer.country must be a two-letter ISO 3166 code such as DE; got "${country.slice(0, 20)}"`);
    country = country.toUpperCase();
  } else country = null;
  for (const f of ['ip_address', 'forwarded_ip']) {
    const ip = t(f);
    if (ip !== null && ip !== '' && isIP(ip) === 0) throw new ApiError('INVALID_IP', `customer.${f} must be an IPv4 or IPv6 address; got "${ip.slice(0, 45)}"`);
  }
  const email = t('email');
  if (email !== null && email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) missing('customer.email', `must be an email address; got "${email.slice(0, 60)}"`);
  void rules;
  return {
    locale: locale.replace('-', '_'),
    first_name: t('first_name', 'firstname'),
    last_name: t('last_name', 'lastname'),
    company_name: t('company_name'),
    address1: t('address1'),
    address2: t('address2'),
    house_number: t('house_number'),
    zip_code: t('zip_code'),
    city: t('city'),
    state: t('state'),
    country,
    country_name: country ? (COUNTRY_NAMES[country] ?? null) : null,
    phone1: t('phone', 'phone1'),
    phone2: t('phone2'),
    email: email === '' ? null : email,
    ip_address: t('ip_address'),
    forwarded_ip: t('forwarded_ip'),
    reference: t('reference'),
  };
}

function readDelivery(body: Obj): Record<string, string | null> | null {
  const d = optionalObject(body, 'delivery');
  const keys = Object.keys(d);
  if (keys.length === 0) return null;
  const out: Record<string, string | null> = {};
  for (const k of ['first_name', 'last_name', 'address1', 'address2', 'house_number', 'zip_code', 'city', 'state', 'country', 'phone', 'email']) {
    out[k] = optionalText(d, k, `delivery.${k}`);
  }
  out.first_name ??= optionalText(d, 'firstname', 'delivery.firstname');
  out.last_name ??= optionalText(d, 'lastname', 'delivery.lastname');
  return out;
}

function readPaymentOptions(body: Obj): PaymentOptions {
  const p = optionalObject(body, 'payment_options');
  const method = optionalText(p, 'notification_method', 'payment_options.notification_method') ?? 'POST';
  const upper = method.toUpperCase();
  if (upper !== 'POST' && upper !== 'GET') missing('payment_options.notification_method', `must be POST or GET; got "${method.slice(0, 20)}"`);
  return {
    notification_url: httpUrl(p, 'notification_url', 'payment_options.notification_url'),
    notification_method: upper,
    redirect_url: httpUrl(p, 'redirect_url', 'payment_options.redirect_url'),
    cancel_url: httpUrl(p, 'cancel_url', 'payment_options.cancel_url'),
    close_window: readBoolean(p.close_window),
  };
}

/** var1-3: free text up to 500 characters (error 1010), in orders and refunds alike. */
export function readVar(body: Obj, field: 'var1' | 'var2' | 'var3'): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw new ApiError('INVALID_VARIABLE', `${field} must be a string; got ${Array.isArray(v) ? 'an array' : typeof v}`);
  if (v.length > 500) throw new ApiError('INVALID_VARIABLE', `${field} is ${v.length} characters long; the limit is 500`);
  return v;
}

function readLifetime(body: Obj): number | null {
  const s = body.seconds_active;
  const d = body.days_active;
  const int = (v: unknown, f: string, max: number): number | null => {
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > max) missing(f, `must be a whole number from 1 to ${max}; got ${JSON.stringify(v).slice(0, 30)}`);
    return n;
  };
  const secs = int(s, 'seconds_active', 31_536_000);
  if (secs !== null) return secs * 1000;
  const days = int(d, 'days_active', 365);
  return days === null ? null : days * 86_400_000;
}

export function readCreateOrder(raw: unknown, rules: SofortRules): CreateOrderInput {
  if (!isObject(raw)) {
    throw new ApiError('MISSING_DATA', 'the request body must be a JSON object with type, order_id, currency, amount and description');
  }
  const body = raw;

  const typeRaw = body.type;
  if (typeRaw === undefined || typeRaw === null || typeRaw === '') missing('type', 'is required: one of redirect, direct, paymentlink');
  if (typeof typeRaw !== 'string' || !ORDER_TYPES.includes(typeRaw.toLowerCase() as OrderType)) {
    missing('type', `must be one of redirect, direct, paymentlink, checkout; got ${JSON.stringify(typeRaw).slice(0, 30)}`);
  }
  const type = typeRaw.toLowerCase() as OrderType;

  // order_id: string or number, at most 50 characters.
  const oid = body.order_id;
  if (oid === undefined || oid === null || oid === '') throw new ApiError('INVALID_ORDER_ID', 'order_id is required: your own unique reference for the order, at most 50 characters');
  if (typeof oid !== 'string' && !(typeof oid === 'number' && Number.isSafeInteger(oid))) {
    throw new ApiError('INVALID_ORDER_ID', `order_id must be a string (or whole number) of at most 50 characters; got ${Array.isArray(oid) ? 'an array' : typeof oid}`);
  }
  if (String(oid).length > 50) throw new ApiError('INVALID_ORDER_ID', `order_id is ${String(oid).length} characters long; the limit is 50`);

  // recurring: top level (SDKs) or nested {recurring:{model,id}} (OpenAPI Banking schema).
  const nested = optionalObject(body, 'recurring');
  const modelRaw = body.recurring_model ?? nested.model ?? null;
  let recurring_model: RecurringModel | null = null;
  if (modelRaw !== null && modelRaw !== '') {
    if (typeof modelRaw !== 'string' || !RECURRING_MODELS.includes(modelRaw as RecurringModel)) {
      missing('recurring_model', `must be one of cardOnFile, subscription, unscheduled; got ${JSON.stringify(modelRaw).slice(0, 30)}`);
    }
    recurring_model = modelRaw as RecurringModel;
  }
  const recurring_id = optionalText(body, 'recurring_id', 'recurring_id') ?? optionalText(nested, 'id', 'recurring.id');

  // gateway: DIRECTBANK; absent allowed for redirect-like orders; DIRDEB for token payments.
  const gwRaw = body.gateway;
  let gateway: string | null = null;
  if (gwRaw !== undefined && gwRaw !== null && gwRaw !== '') {
    if (typeof gwRaw !== 'string') throw new ApiError('GATEWAY_UNAVAILABLE', `gateway must be a string such as DIRECTBANK; got ${typeof gwRaw}`);
    gateway = gwRaw.toUpperCase();
    const allowed = recurring_id ? [GATEWAY, RECURRING_GATEWAY] : [GATEWAY];
    if (!allowed.includes(gateway)) {
      throw new ApiError('GATEWAY_UNAVAILABLE', `gateway ${gwRaw.slice(0, 30)} is not available in this sandbox; use DIRECTBANK (Sofort)`);
    }
  }
  if (type === 'direct' && gateway === null && !recurring_id) {
    throw new ApiError('GATEWAY_UNAVAILABLE', 'a direct order needs gateway DIRECTBANK; for the payment page, send type redirect');
  }
  if (recurring_id) gateway = RECURRING_GATEWAY;

  const curRaw = body.currency;
  if (typeof curRaw !== 'string' || curRaw === '') throw new ApiError('INVALID_CURRENCY', 'currency is required: Sofort takes EUR');
  const currency = curRaw.toUpperCase();
  if (!rules.currencies.includes(currency)) {
    throw new ApiError('INVALID_CURRENCY', `currency ${curRaw.slice(0, 10)} is not supported for Sofort; use ${rules.currencies.join(', ')}`);
  }

  const amount = readAmount(body.amount);
  if (amount < rules.minAmount) {
    throw new ApiError('INVALID_AMOUNT', `amount ${amount} is below the Sofort minimum of ${rules.minAmount} cents (${(rules.minAmount / 100).toFixed(2)} EUR)`);
  }
  if (amount > rules.maxAmount) {
    throw new ApiError('INVALID_AMOUNT', `amount ${amount} is above the largest amount this sandbox accepts, ${rules.maxAmount} cents`);
  }

  const desc = body.description;
  if (desc === undefined || desc === null || desc === '') throw new ApiError('INVALID_DESCRIPTION', 'description is required: a text of at most 200 characters shown to the shopper');
  if (typeof desc !== 'string') throw new ApiError('INVALID_DESCRIPTION', `description must be a string; got ${Array.isArray(desc) ? 'an array' : typeof desc}`);
  if (desc.length > 200) throw new ApiError('INVALID_DESCRIPTION', `description is ${desc.length} characters long; the limit is 200`);

  const customer = readCustomer(body, rules);
  if (gateway === GATEWAY && customer.country && !isSupportedCountry(rules, customer.country)) {
    throw new ApiError('DECLINED', `Sofort is not available in customer.country ${customer.country}; supported: ${rules.countries.join(', ')}`);
  }

  const sc = optionalObject(body, 'second_chance');
  const ci = optionalObject(body, 'custom_info');
  const plugin = isObject(body.plugin) ? body.plugin : null;
  const items = body.items === undefined || body.items === null ? null : optionalText(body, 'items', 'items', 20_000);

  return {
    type,
    gateway,
    order_id: oid,
    currency,
    amount,
    description: desc,
    items,
    var1: readVar(body, 'var1'),
    var2: readVar(body, 'var2'),
    var3: readVar(body, 'var3'),
    custom_info: {
      custom_1: optionalText(ci, 'custom_1', 'custom_info.custom_1'),
      custom_2: optionalText(ci, 'custom_2', 'custom_info.custom_2'),
      custom_3: optionalText(ci, 'custom_3', 'custom_info.custom_3'),
    },
    customer,
    delivery: readDelivery(body),
    payment_options: readPaymentOptions(body),
    second_chance: readBoolean(sc.send_email) || readBoolean(sc.send_mail),
    recurring_model,
    recurring_id,
    link_lifetime_ms: readLifetime(body),
    plugin,
    cart: readCart(body),
  };
}
