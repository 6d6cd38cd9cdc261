/**
 * What a notification looks like on the wire: URL, method, headers and the exact bytes of
 * the body, signed as MultiSafepay documents (checked against the docs' worked example).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { authHeader, notificationTarget, signatureHex, verifyAuth } from '../src/features/webhooks/signer.js';
import { api, API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/webhooks/docs-signature-example.json', import.meta.url), 'utf8')) as {
  api_key: string;
  timestamp: string;
  payload: string;
  signature: string;
  auth: string;
};

/** The docs' recipe, written out independently of the sandbox's signer. */
function merchantVerifies(apiKey: string, auth: string, rawBody: string): { ok: boolean; ts: string } {
  const [ts = '', sig = ''] = Buffer.from(auth, 'base64').toString('utf8').split(':');
  const expected = createHmac('sha512', apiKey.trim()).update(`${ts}:${rawBody}`).digest('hex');
  return { ok: expected === sig, ts };
}

t.test("the docs' worked example is reproduced byte for byte", async (t) => {
  t.equal(signatureHex(example.api_key, example.timestamp, example.payload), example.signature);
  t.equal(authHeader(example.api_key, example.timestamp, example.payload), example.auth);
  t.equal(authHeader(` ${example.api_key}\n`, example.timestamp, example.payload), example.auth, 'the key is trimmed, as the PHP SDK does');
  t.same(verifyAuth(example.api_key, example.auth, example.payload), { valid: true, timestamp: 1641218884 });
  // The stray space in the printed payload is part of the signed bytes: re-serialising breaks the signature.
  const compact = JSON.stringify(JSON.parse(example.payload));
  t.not(compact, example.payload);
  t.equal(verifyAuth(example.api_key, example.auth, compact).valid, false);
  t.match(verifyAuth(example.api_key, example.auth, example.payload, { nowSeconds: 1641218884 + 601 }), { valid: false, reason: /too old/ });
  t.match(verifyAuth(example.api_key, Buffer.from('nonsense').toString('base64'), example.payload), { valid: false });
  t.match(verifyAuth(example.api_key, Buffer.from('abc:def').toString('base64'), example.payload), { valid: false, reason: /not a number/ });
});

t.test('transactionid and timestamp are appended to the merchant URL, its own query kept as written', async (t) => {
  t.equal(notificationTarget('https://shop.example/hook', 'A 1', 5), 'https://shop.example/hook?transactionid=A%201&timestamp=5');
  t.equal(notificationTarget('https://shop.example/hook?x=a+b&y', 7, 5), 'https://shop.example/hook?x=a+b&y&transactionid=7&timestamp=5');
  t.equal(notificationTarget('https://shop.example/hook?', 7, 5), 'https://shop.example/hook?transactionid=7&timestamp=5');
  t.equal(notificationTarget('https://shop.example/hook?a=1&#frag', 7, 5), 'https://shop.example/hook?a=1&transactionid=7&timestamp=5');
});

t.test('a POST notification carries the order as GET /orders returns it, signed with the API key', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, startTime: '2026-03-01T10:00:00Z', webhooks: { delayMs: 1000 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: `${rx.url}?shop=42&lang=de` } });
  pay(app, order_id);
  t.equal(rx.requests.length, 0, 'nothing leaves before the delay');
  await app.sandbox.engine.clock.advance(999);
  t.equal(rx.requests.length, 0);
  await app.sandbox.engine.clock.advance(1);
  t.equal(rx.requests.length, 1);
  const req = rx.requests[0]!;

  t.equal(req.method, 'POST');
  const sentAt = Date.parse('2026-03-01T10:00:01Z') / 1000;
  t.equal(req.url, `/webhook?shop=42&lang=de&transactionid=${order_id}&timestamp=${sentAt}`);
  t.equal(req.headers['content-type'], 'application/json');
  t.match(req.headers['user-agent'], /^sofort-sandbox\/\d+\.\d+\.\d+ \(MultiSafepay notification emulator\)$/);
  t.ok(req.rawHeaderNames.includes('Auth'), 'the header is sent as Auth');

  const verified = merchantVerifies(API_KEY, String(req.headers.auth), req.body);
  t.ok(verified.ok, 'the documented recipe verifies the raw body');
  t.equal(verified.ts, String(sentAt), 'one timestamp in the URL and the signature');
  t.notOk(merchantVerifies('another-key-00', String(req.headers.auth), req.body).ok);

  // The body is the order as GET /orders/{id} returns it (IBANs masked), compact JSON.
  const order = (await api(app, 'GET', `/orders/${order_id}`)).json().data;
  const body = JSON.parse(req.body);
  t.equal(body.status, 'completed');
  t.equal(body.payment_details.account_iban, '*** 3000');
  t.equal(order.payment_details.account_iban, 'DE89370400440532013000');
  t.same(body, { ...order, payment_details: { ...order.payment_details, account_iban: '*** 3000', account_id: '*** 3000' }, payment_methods: body.payment_methods });
  t.equal(req.body, JSON.stringify(body), 'compact JSON, the bytes a re-serialising verifier (Python SDK) rebuilds');
});

t.test('maskIbans: false sends IBANs in full; non-ASCII text is sent as raw UTF-8', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, maskIbans: false } });
  const { order_id } = await createOrder(app, { description: 'Bücher & Söhne / 🍺', payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const req = rx.requests[0]!;
  t.ok(req.body.includes('"description":"Bücher & Söhne / 🍺"'));
  t.ok(req.body.includes('"account_iban":"DE89370400440532013000"'));
  t.ok(merchantVerifies(API_KEY, String(req.headers.auth), req.body).ok);
});

t.test('a GET notification has the same query and no body; its Auth signs the empty body', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url, notification_method: 'GET' } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(rx.requests.length, 1);
  const req = rx.requests[0]!;
  t.equal(req.method, 'GET');
  t.equal(req.body, '');
  t.equal(req.query.get('transactionid'), order_id);
  t.match(req.query.get('timestamp'), /^\d{10}$/);
  t.equal(req.headers['content-type'], undefined);
  const v = merchantVerifies(API_KEY, String(req.headers.auth), '');
  t.ok(v.ok);
  t.equal(v.ts, req.query.get('timestamp'));
});
