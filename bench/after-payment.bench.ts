/**
 * After-payment figures: refunds per second through the API, and GET /transactions (first
 * page and a deep cursor page) as a site's history grows. In-process (`inject`), memory store,
 * manual clock, so the numbers are the sandbox's own cost without the network.
 */
import { buildApp } from '../src/index.js';
import { simulatedPayer } from '../src/engine/payer.js';

const KEY = 'bench-after-payment';

function ms(n: number): string {
  return n < 10 ? n.toFixed(2) : n.toFixed(0);
}

export default async function (): Promise<void> {
  const rows: string[] = [];
  for (const size of [1_000, 10_000, 50_000]) {
    const app = await buildApp({ manualClock: true, seed: 'bench', startTime: '2026-01-01T00:00:00Z', webhooks: { delayMs: 0 } });
    await app.ready();
    const { engine } = app.sandbox;
    // History: `size` paid orders a second apart, built through the engine (the API path is measured below).
    for (let i = 0; i < size; i++) {
      const o = engine.createOrder(KEY, {
        type: 'redirect', gateway: 'DIRECTBANK', order_id: `o-${i}`, currency: 'EUR', amount: 1000, description: 'bench', items: null,
        var1: null, var2: null, var3: null, custom_info: { custom_1: null, custom_2: null, custom_3: null },
        customer: { locale: 'en_US', first_name: null, last_name: null, company_name: null, address1: null, address2: null, house_number: null, zip_code: null, city: null, state: null, country: 'DE', country_name: 'Germany', phone1: null, phone2: null, email: null, ip_address: null, forwarded_ip: null, reference: null },
        delivery: null, payment_options: { notification_url: null, notification_method: 'POST', redirect_url: null, cancel_url: null, close_window: false },
        second_chance: false, recurring_model: null, recurring_id: null, link_lifetime_ms: null, plugin: null,
      });
      engine.transition(KEY, o.transaction_id, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'bank');
      await engine.clock.advance(1000);
    }
    // Refunds through the API: one per order, for 1,000 orders.
    const refunds = Math.min(1000, size);
    let t0 = performance.now();
    for (let i = 0; i < refunds; i++) {
      const r = await app.inject({ method: 'POST', url: `/v1/json/orders/o-${i}/refunds`, headers: { api_key: KEY, 'content-type': 'application/json' }, payload: '{"currency":"EUR","amount":100}' });
      if (r.statusCode !== 200) throw new Error(`refund failed: ${r.body}`);
    }
    const refundMs = (performance.now() - t0) / refunds;
    const get = async (url: string) => {
      const r = await app.inject({ method: 'GET', url, headers: { api_key: KEY } });
      if (r.statusCode !== 200) throw new Error(r.body);
      return r.json() as { pager: { cursor: { after?: string } } };
    };
    const runs = 20;
    t0 = performance.now();
    let page = await get('/v1/json/transactions?limit=100');
    for (let i = 1; i < runs; i++) page = await get('/v1/json/transactions?limit=100');
    const firstMs = (performance.now() - t0) / runs;
    // Walk 10 pages deep, then time that page.
    let cursor = page.pager.cursor.after;
    for (let i = 0; i < 9 && cursor; i++) cursor = (await get(`/v1/json/transactions?limit=100&after=${cursor}`)).pager.cursor.after;
    t0 = performance.now();
    for (let i = 0; i < runs; i++) await get(`/v1/json/transactions?limit=100&after=${cursor ?? ''}`);
    const deepMs = (performance.now() - t0) / runs;
    t0 = performance.now();
    for (let i = 0; i < runs; i++) await get('/v1/json/transactions?limit=100&type=refund&financial_status=reserved');
    const filteredMs = (performance.now() - t0) / runs;
    rows.push(`| ${size.toLocaleString('en')} | ${ms(refundMs)} | ${ms(firstMs)} | ${ms(deepMs)} | ${ms(filteredMs)} |`);
    await app.close();
  }
  console.log('| paid orders on the site | POST refund (ms each) | GET /transactions first page of 100 (ms) | 11th page via cursor (ms) | refunds only, filtered (ms) |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}
