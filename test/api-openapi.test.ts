/**
 * The OpenAPI response helper itself: it accepts MultiSafepay's own documented examples
 * (with the errata applied), it can fail, and every erratum points at a real schema.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { EXTRA_OPERATIONS, OPENAPI_ERRATA, OPENAPI_FILE, OPENAPI_GLOBAL_ERRATA, findOperation, validateResponse } from './helpers/openapi.js';

interface Content {
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface OperationDoc {
  responses?: Record<string, { content?: Record<string, Content> }>;
}
const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, OperationDoc>> };

// The operations the sandbox serves (core, refunds, transactions, recurring).
const SERVED: Array<[string, string]> = [
  ['/orders', 'post'],
  ['/orders/{psp_id}', 'get'],
  ['/orders/{order_id}', 'patch'],
  ['/gateways', 'get'],
  ['/gateways/{gateway_id}', 'get'],
  ['/payment-methods', 'get'],
  ['/payment-methods/{payment_method_id}', 'get'],
  ['/orders/{order_id}/refunds', 'post'],
  ['/transactions', 'get'],
  ['/recurring/{your_customer_reference}', 'get'],
];

t.test("MultiSafepay's own response examples pass their schemas once the errata are applied", async (t) => {
  let checked = 0;
  for (const [template, method] of SERVED) {
    const op = doc.paths[template]?.[method];
    t.ok(op, `${method} ${template} is in the bundled OpenAPI`);
    for (const [status, r] of Object.entries(op?.responses ?? {})) {
      const c = r.content?.['application/json'];
      if (!c) continue;
      const examples: Array<[string, unknown]> = [];
      if (c.example !== undefined) examples.push(['example', c.example]);
      for (const [name, e] of Object.entries(c.examples ?? {})) examples.push([name, e.value]);
      for (const [name, body] of examples) {
        const path = template.replace(/\{[^}]+\}/g, 'some-id');
        const res = validateResponse(method, path, Number(status), body);
        t.ok(res.valid, `${method.toUpperCase()} ${template} ${status} example ${name}`, { errors: res.errors });
        checked++;
      }
    }
  }
  t.ok(checked >= 10, `checked ${checked} documented examples`);
});

t.test('the helper rejects bodies that break the schema', async (t) => {
  const order = { success: true, data: { amount: '1000', status: 'initialized' } };
  const r = validateResponse('GET', '/v1/json/orders/123?locale=en_US', 200, order);
  t.notOk(r.valid, 'amount as a string fails GET /orders/{psp_id}');
  t.match(r.errors.join('\n'), /\/data\/amount/);
  t.equal(r.checkedAgainst, 'GET /orders/{psp_id} 200');

  const badStatus = validateResponse('GET', '/orders/123', 200, { success: true, data: { status: 'paid' } });
  t.notOk(badStatus.valid, 'a status outside the enum fails');

  const costsObject = validateResponse('GET', '/orders/123', 200, { success: true, data: { costs: { amount: 1 } } });
  t.notOk(costsObject.valid, 'costs as an object now fails (erratum costs-is-an-array)');

  const gateways = validateResponse('GET', '/gateways', 200, { success: true, data: { id: 'DIRECTBANK' } });
  t.notOk(gateways.valid, 'a gateway list that is not a list fails');
});

t.test('error bodies are held to the MultiSafepay envelope', async (t) => {
  const good = { success: false, data: {}, error_code: 1006, error_info: 'Invalid transaction ID: no order x' };
  t.ok(validateResponse('GET', '/orders/x', 404, good).valid, 'documented 404 with the envelope passes');
  const undocumented = validateResponse('POST', '/orders', 400, good);
  t.ok(undocumented.valid);
  t.equal(undocumented.documented, false, 'the OpenAPI documents no 400 for POST /orders');
  t.equal(undocumented.checkedAgainst, 'error envelope');
  for (const bad of [
    { success: false, data: {}, error_code: '1006', error_info: 'x' },
    { success: false, data: { x: 1 }, error_code: 1006, error_info: 'x' },
    { success: false, data: {}, error_info: 'x' },
    { success: true, data: {}, error_code: 1006, error_info: 'x' },
    { success: false, data: {}, error_code: 1006, error_info: '' },
  ]) {
    t.notOk(validateResponse('GET', '/orders/x', 404, bad).valid, `rejects ${JSON.stringify(bad)}`);
    t.notOk(validateResponse('POST', '/orders', 400, bad).valid, `rejects (undocumented status) ${JSON.stringify(bad)}`);
  }
});

t.test('variants pick one alternative of a oneOf response', async (t) => {
  const redirect = { success: true, data: { order_id: 'a', payment_url: 'http://x/connect/s/', session_id: 's' } };
  t.ok(validateResponse('POST', '/orders', 200, redirect, { variant: 'Redirect order' }).valid);
  const direct = { success: true, data: { order_id: 'a', amount: 'ten' } };
  t.notOk(validateResponse('POST', '/orders', 200, direct, { variant: 'Direct order' }).valid, 'amount must be an integer in a direct order');
  t.throws(() => validateResponse('POST', '/orders', 200, redirect, { variant: 'Nope' }), /no alternative Nope/);
});

t.test('paths match templates; unknown endpoints are an error, not a pass', async (t) => {
  t.same(findOperation('GET', '/v1/json/orders/abc'), { method: 'GET', template: '/orders/{psp_id}' });
  t.same(findOperation('PATCH', '/orders/abc'), { method: 'PATCH', template: '/orders/{order_id}' });
  t.same(findOperation('POST', '/orders/abc/refunds'), { method: 'POST', template: '/orders/{order_id}/refunds' });
  t.same(findOperation('GET', '/issuers/ideal'), { method: 'GET', template: '/issuers/{gateway_code}' });
  t.equal(findOperation('GET', '/nothing/here'), null);
  t.throws(() => validateResponse('GET', '/nothing/here', 200, {}), /no operation GET \/nothing\/here/);
  t.throws(() => validateResponse('PUT', '/orders/1', 200, {}), /no operation/);
});

t.test('every erratum is named, explained, and points at a schema', async (t) => {
  const ids = [...OPENAPI_ERRATA.map((e) => e.id), ...OPENAPI_GLOBAL_ERRATA.map((e) => e.id)];
  t.equal(new Set(ids).size, ids.length, 'erratum ids are unique');
  for (const e of OPENAPI_ERRATA) {
    t.ok(e.reason.length > 40, `${e.id} says why`);
    t.ok(e.pointers.length > 0, `${e.id} points somewhere`);
  }
  for (const e of OPENAPI_GLOBAL_ERRATA) t.ok(e.reason.length > 40, `${e.id} says why`);
  for (const x of EXTRA_OPERATIONS) t.ok(x.source.length > 40, `${x.method} ${x.template} names its source`);
  // Loading applies every erratum and throws on a pointer that does not exist; the tests above loaded it.
  t.ok(validateResponse('GET', '/gateways', 200, { success: true, data: [] }).valid);
});
