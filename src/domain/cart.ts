/**
 * The shopping cart an order was created with (`shopping_cart`, `checkout_options`), read
 * leniently and rendered in the shapes MultiSafepay answers with (recorded in php-sdk
 * `tests/fixture-data/order.json`, copied to test/fixtures/recorded/order.php-sdk.json):
 * every item carries the full set of keys, `unit_price` is a decimal string ("50.00"),
 * `checkout_options` comes back as `{alternate, default}` without the request's
 * `tax_tables` wrapper, and `order_total` / `order_adjustment` are decimal strings.
 * Sofort does not need a cart, but MultiSafepay's PHP SDK builds every refund from the
 * order's cart (`CheckoutData::generateFromShoppingCart`), so it must come back.
 */
import { ApiError } from './errors.js';

type Obj = Record<string, unknown>;

export interface CartItem {
  readonly name: string;
  readonly description: string | number;
  /** As sent: MultiSafepay echoes the decimal as a string with at least two decimals. */
  readonly unit_price: string;
  readonly quantity: number;
  readonly merchant_item_id: string;
  readonly tax_table_selector: string;
  readonly weight: { unit: string; value: number | string } | null;
  readonly image: string;
  readonly product_url: string;
  readonly options: readonly unknown[];
  readonly cashback: string;
}

export interface TaxRule {
  readonly country: string;
  readonly rate: number | string;
}

export interface CartData {
  readonly items: readonly CartItem[];
  readonly taxTables: {
    readonly default: { rate: number | string; shipping_taxed: boolean };
    readonly alternate: ReadonlyArray<{ name: string; standalone: unknown; rules: readonly TaxRule[] }>;
  } | null;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(field: string, fix: string): never {
  throw new ApiError('MISSING_DATA', `${field} ${fix}`);
}

function text(o: Obj, f: string, path: string, fallback = ''): string {
  const v = o[f];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') bad(path, `must be a string; got ${Array.isArray(v) ? 'an array' : typeof v}`);
  if (v.length > 2000) bad(path, `is ${v.length} characters long; the limit is 2000`);
  return v;
}

/** "50" -> "50.00", 8.2644628 -> "8.2644628": two decimals at least, never rounded. */
export function decimalText(v: number | string): string {
  const s = String(v);
  const m = /^(-?\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return s;
  const frac = m[2] ?? '';
  return `${m[1]}.${frac.length >= 2 ? frac : frac.padEnd(2, '0')}`;
}

function readPrice(v: unknown, path: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) return decimalText(v);
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return decimalText(v.trim());
  return bad(path, `must be a decimal price such as 10.00 (in the currency, not cents); got ${JSON.stringify(v ?? null).slice(0, 30)}`);
}

function readQuantity(v: unknown, path: string): number {
  const n = typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) bad(path, `must be a number such as 1; got ${JSON.stringify(v ?? null).slice(0, 30)}`);
  return n;
}

/** Cart lines of `shopping_cart` or of a refund's `checkout_data`. */
export function readCartItems(raw: unknown, path: string): CartItem[] {
  if (!isObj(raw)) bad(path, 'must be an object {"items":[{"name","unit_price","quantity",...}]}');
  const items = raw.items;
  if (!Array.isArray(items)) bad(`${path}.items`, 'must be an array of cart lines');
  if (items.length > 1000) bad(`${path}.items`, `has ${items.length} lines; the limit is 1000`);
  return items.map((it: unknown, i) => {
    const p = `${path}.items[${i}]`;
    if (!isObj(it)) bad(p, 'must be an object with name, unit_price and quantity');
    const w = it.weight;
    const desc = it.description;
    return {
      name: text(it, 'name', `${p}.name`),
      description: typeof desc === 'number' && Number.isFinite(desc) ? desc : text(it, 'description', `${p}.description`),
      unit_price: readPrice(it.unit_price, `${p}.unit_price`),
      quantity: readQuantity(it.quantity, `${p}.quantity`),
      merchant_item_id: text(it, 'merchant_item_id', `${p}.merchant_item_id`),
      tax_table_selector: text(it, 'tax_table_selector', `${p}.tax_table_selector`),
      weight: isObj(w) ? { unit: text(w, 'unit', `${p}.weight.unit`), value: typeof w.value === 'number' ? w.value : text(w, 'value', `${p}.weight.value`) } : null,
      image: text(it, 'image', `${p}.image`),
      product_url: text(it, 'product_url', `${p}.product_url`),
      options: Array.isArray(it.options) ? it.options.slice(0, 50) : [],
      cashback: text(it, 'cashback', `${p}.cashback`),
    };
  });
}

function readRate(v: unknown, path: string): number | string {
  if (v === undefined || v === null || v === '') return '0.00';
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return v.trim();
  return bad(path, `must be a tax rate such as 0.21; got ${JSON.stringify(v).slice(0, 30)}`);
}

function readTaxTables(raw: unknown): CartData['taxTables'] {
  if (raw === undefined || raw === null) return null;
  if (!isObj(raw)) bad('checkout_options', 'must be an object {"tax_tables":{"default":{...},"alternate":[...]}}');
  // Requests wrap the tables in `tax_tables`; accept them unwrapped too (the answer's shape).
  const t = isObj(raw.tax_tables) ? raw.tax_tables : raw;
  const d = isObj(t.default) ? t.default : {};
  const alt = t.alternate === undefined || t.alternate === null ? [] : t.alternate;
  if (!Array.isArray(alt)) bad('checkout_options.tax_tables.alternate', 'must be an array of {name, rules:[{rate, country}]}');
  return {
    default: { rate: readRate(d.rate, 'checkout_options.tax_tables.default.rate'), shipping_taxed: d.shipping_taxed === undefined ? true : d.shipping_taxed === true || d.shipping_taxed === 'true' || d.shipping_taxed === 1 },
    alternate: alt.slice(0, 100).map((a: unknown, i) => {
      const p = `checkout_options.tax_tables.alternate[${i}]`;
      if (!isObj(a)) bad(p, 'must be an object {name, rules:[{rate, country}]}');
      const rules = Array.isArray(a.rules) ? a.rules : [];
      return {
        name: text(a, 'name', `${p}.name`),
        standalone: a.standalone ?? '',
        rules: rules.slice(0, 300).map((r: unknown, j) => {
          const rp = `${p}.rules[${j}]`;
          if (!isObj(r)) bad(rp, 'must be an object {rate, country}');
          return { country: text(r, 'country', `${rp}.country`), rate: readRate(r.rate, `${rp}.rate`) };
        }),
      };
    }),
  };
}

/** The cart of a create-order body, or null when it sent none. */
export function readCart(body: Obj): CartData | null {
  const sc = body.shopping_cart;
  const co = body.checkout_options;
  const hasCart = sc !== undefined && sc !== null;
  const hasOptions = co !== undefined && co !== null;
  if (!hasCart && !hasOptions) return null;
  return { items: hasCart ? readCartItems(sc, 'shopping_cart') : [], taxTables: readTaxTables(co) };
}

function renderItem(item: CartItem, currency: string): Obj {
  return {
    cashback: item.cashback,
    currency,
    description: item.description,
    image: item.image,
    merchant_item_id: item.merchant_item_id,
    name: item.name,
    options: [...item.options],
    product_url: item.product_url,
    quantity: item.quantity,
    tax_table_selector: item.tax_table_selector,
    unit_price: item.unit_price,
    weight: item.weight ? { ...item.weight } : { unit: null, value: null },
  };
}

/** Tax rate of a line: its alternate table's first rule, else the default table's rate. */
function rateOf(cart: CartData, item: CartItem): number {
  const tables = cart.taxTables;
  if (!tables) return 0;
  const alt = item.tax_table_selector ? tables.alternate.find((a) => a.name === item.tax_table_selector) : undefined;
  const rate = alt ? (alt.rules[0]?.rate ?? 0) : tables.default.rate;
  return Number(rate) || 0;
}

/** The fields MultiSafepay adds to an order with a cart (none without one). */
export function renderCart(cart: CartData | null | undefined, amount: number, currency: string): Obj {
  if (!cart) return {};
  const tax = cart.items.reduce((s, it) => s + Number(it.unit_price) * it.quantity * rateOf(cart, it), 0);
  const out: Obj = {
    order_adjustment: { total_adjustment: '0.00', total_tax: tax.toFixed(2) },
    order_total: (amount / 100).toFixed(2),
  };
  if (cart.items.length > 0) out.shopping_cart = { items: cart.items.map((i) => renderItem(i, currency)) };
  if (cart.taxTables) {
    out.checkout_options = {
      alternate: cart.taxTables.alternate.map((a) => ({ name: a.name, rules: a.rules.map((r) => ({ country: r.country, rate: r.rate })), standalone: a.standalone })),
      default: { rate: cart.taxTables.default.rate, shipping_taxed: cart.taxTables.default.shipping_taxed },
    };
  }
  return out;
}
