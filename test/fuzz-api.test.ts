/**
 * Fuzz: several hundred malformed requests from a seeded generator (the same requests on
 * every run). Every answer must be a 4xx with MultiSafepay's error envelope, or a 200 with
 * its success envelope, never a 5xx; afterwards the sandbox still serves a valid request.
 */
import { connect } from 'node:net';
import t from 'tap';
import type { Test } from 'tap';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { seededRandom } from '../src/engine/ids.js';
import { API_KEY, build, orderBody, start } from './helpers/build.js';

const rand = seededRandom('fuzz-api-v1');
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** Values of every wrong kind a field can get. */
const NASTY: readonly unknown[] = [
  null, true, false, 0, -1, -0, 1.5, 0.1, 1e308, -1e308, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e-320,
  '', ' ', 'x'.repeat(300), 'y'.repeat(70_000), 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', '1_000', '١٢٣', '10.00', '-5',
  '\u0000', 'a\u0000b', '\ud800', '\u202e', '😀'.repeat(60), 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
  'http://', 'https://exa mple.com', '//evil.example', 'file:///etc/passwd', '<script>alert(1)</script>', '${7*7}', '%00', '../../etc/passwd',
  [], [1, 2], [null], {}, { a: 1 }, { toString: 'x' }, { __proto__: { polluted: true } }, [[[[[]]]]],
];

/** Every field path of a create-order body, including nested ones. */
const PATHS: readonly string[] = [
  'type', 'gateway', 'order_id', 'currency', 'amount', 'description', 'items', 'var1', 'var2', 'var3', 'manual',
  'days_active', 'seconds_active', 'recurring_model', 'recurring_id', 'recurring', 'recurring.model', 'recurring.id',
  'payment_options', 'payment_options.notification_url', 'payment_options.notification_method', 'payment_options.redirect_url',
  'payment_options.cancel_url', 'payment_options.close_window', 'customer', 'customer.locale', 'customer.ip_address',
  'customer.forwarded_ip', 'customer.first_name', 'customer.firstname', 'customer.country', 'customer.email', 'customer.reference',
  'customer.phone', 'delivery', 'delivery.country', 'delivery.first_name', 'second_chance', 'second_chance.send_email',
  'second_chance.send_mail', 'custom_info', 'custom_info.custom_1', 'plugin', 'gateway_info', 'shopping_cart', 'checkout_options',
];

function setPath(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
  return copy;
}

/** JSON with some values JSON.stringify cannot write (NaN, undefined, functions become null/absent). */
function encode(body: unknown): string {
  return JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 'NaN' : v));
}

const BAD_JSON: readonly string[] = [
  '{', '}', '{"type":', '{"type":"redirect",}', "{'type':'redirect'}", '{"amount": NaN}', '{"amount": Infinity}', '{"amount": 1e999999}',
  '{"amount": -}', '{"a":1}{"b":2}', 'null', 'true', '42', '"a string"', '[]', '[{}]', '\uFEFF{"type":"redirect"}', '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}', '{"customer":{"__proto__":{"country":"NL"}}}', '{"x":"\\ud800"}', '{"x":"\\u00"}', 'undefined',
  '{"type":"redirect","amount":1000,"amount":"x"}', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
  'type=redirect&amount=1000', 'amount[]=1&amount[]=2', '\u0000\u0000', '<xml><order/></xml>',
];

interface Case {
  label: string;
  req: InjectOptions;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { api_key: API_KEY, 'content-type': 'application/json', ...extra };
}

function* cases(): Generator<Case> {
  // 1. Wrong values at every field path.
  for (const path of PATHS) {
    for (let i = 0; i < 6; i++) {
      const value = pick(NASTY);
      yield { label: `${path}=${encode(value)?.slice(0, 40)}`, req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: encode(setPath(orderBody(), path, value)) } };
    }
  }
  // 2. Malformed JSON under each content type clients use.
  for (const text of BAD_JSON) {
    const ct = pick(['application/json', 'application/json; charset=UTF-8;', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream']);
    yield { label: `bad JSON ${text.slice(0, 30)} as ${ct}`, req: { method: 'POST', url: '/v1/json/orders', headers: headers({ 'content-type': ct }), payload: text } };
    yield { label: `bad JSON on PATCH ${text.slice(0, 30)}`, req: { method: 'PATCH', url: '/v1/json/orders/some-order', headers: headers(), payload: text } };
  }
  // 3. Invalid UTF-8 and null bytes in the raw body.
  const valid = Buffer.from(encode(orderBody()));
  for (let i = 0; i < 20; i++) {
    const bytes = Buffer.from(valid);
    for (let j = 0; j < 4; j++) bytes[Math.floor(rand() * bytes.length)] = pick([0x00, 0xff, 0xfe, 0xc0, 0x80, 0xed, 0x22, 0x5c]);
    yield { label: `corrupted bytes #${i}`, req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: bytes } };
  }
  // 4. Odd methods, paths and headers.
  const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'] as const;
  const paths = [
    '/v1/json/orders', '/v1/json/orders/', '/v1/json/orders/%', '/v1/json/orders/%E0%A4%A', '/v1/json/orders/%00', `/v1/json/orders/${'a'.repeat(600)}`,
    '/v1/json/orders/x/y/z', '/v1/json/gateways/%2e%2e%2f', '/v1/json/payment-methods/' + '%F0%9F%98%80', '/v1/json/issuers/', '/v1/json/issuers/%ZZ',
    '/v1/json/orders?api_key=&api_key=x', '/v1/json/gateways?amount=-1&currency[]=EUR&country=%00', '/v1/json/../../etc/passwd', '/v1/json/orders/1e309',
    '/v1/json/orders/9007199254740993', '/v1/json/orders/-1', '/v1/json//orders//', '/v1/json/ORDERS', '/v1/json/orders/__proto__', '/v1/json/orders/constructor',
  ];
  for (let i = 0; i < 90; i++) {
    const method = pick(methods);
    const url = pick(paths);
    const h: Record<string, string> = headers();
    const variant = Math.floor(rand() * 8);
    if (variant === 0) h['x-http-method-override'] = pick(['DELETE', 'GET', 'POST', 'garbage', '', 'PATCH, GET']);
    if (variant === 1) h['content-type'] = pick(['multipart/form-data; boundary=x', 'application/json; charset=latin1', 'text/html', '*/*', ';;;']);
    if (variant === 2) h.authorization = pick(['Bearer', 'Bearer ', 'Basic abc', 'Bearer \u0001x', `Bearer ${'k'.repeat(5000)}`]);
    if (variant === 3) delete h.api_key;
    if (variant === 4) h['content-encoding'] = pick(['gzip', 'br', 'identity', 'x-unknown']);
    if (variant === 5) h.accept = pick(['text/html', 'application/xml', '*/*;q=0']);
    const payload = method === 'GET' || method === 'HEAD' ? undefined : pick(['', '{}', encode(orderBody()), '[', 'null']);
    yield { label: `${method} ${url.slice(0, 50)} v${variant}`, req: { method, url, headers: h, ...(payload !== undefined ? { payload } : {}) } };
  }
  // 5. Prototype poisoning in nested places and huge/deep structures.
  const poison = ['{"customer":{"__proto__":{"country":"NL"},"country":"DE"}}', '{"payment_options":{"constructor":{"prototype":{"x":1}}}}'];
  for (const p of poison) {
    const merged = { ...orderBody(), ...(JSON.parse(p) as object) };
    yield { label: `poison ${p.slice(0, 30)}`, req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: JSON.stringify(merged).replace('"customer":{', '"customer":{"__proto__":{"polluted":true},') } };
  }
  yield { label: 'many keys', req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: encode({ ...orderBody(), ...Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }) } };
  yield { label: 'deep customer', req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: encode(setPath(orderBody(), Array.from({ length: 2000 }, () => 'customer').join('.'), 1)) } };
  yield { label: 'body over the limit', req: { method: 'POST', url: '/v1/json/orders', headers: headers(), payload: encode({ ...orderBody(), items: 'z'.repeat(1024 * 1024 + 10) }) } };
}

function checkAnswer(t: Test, c: Case, res: { statusCode: number; body: string; headers: Record<string, unknown> }): boolean {
  if (res.statusCode >= 500) {
    t.fail(`${c.label}: ${res.statusCode}`, { body: res.body.slice(0, 500) });
    return false;
  }
  if (c.req.method === 'HEAD' || res.statusCode === 204) return true;
  let body: { success?: unknown; data?: unknown; error_code?: unknown; error_info?: unknown };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    t.fail(`${c.label}: answer is not JSON`, { status: res.statusCode, body: res.body.slice(0, 300) });
    return false;
  }
  if (res.statusCode < 300) {
    if (body.success !== true) t.fail(`${c.label}: 2xx without success:true`, { body });
    return body.success === true;
  }
  // A path that normalises to outside the API (/v1/json/../x) is Fastify's 404, not MultiSafepay's.
  if (!new URL(String(c.req.url), 'http://sandbox').pathname.startsWith('/v1/json')) return true;
  const envelope = body.success === false && typeof body.error_code === 'number' && typeof body.error_info === 'string' && body.error_info.length > 0
    && typeof body.data === 'object' && body.data !== null && Object.keys(body.data).length === 0;
  if (!envelope) t.fail(`${c.label}: ${res.statusCode} without MultiSafepay's error envelope`, { body });
  return envelope;
}

async function runAll(t: Test, app: FastifyInstance): Promise<number> {
  let n = 0;
  let failures = 0;
  const statuses: Record<number, number> = {};
  for (const c of cases()) {
    n++;
    const res = await app.inject(c.req);
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (!checkAnswer(t, c, res)) failures++;
  }
  t.comment(`statuses: ${JSON.stringify(statuses)}`);
  t.equal(failures, 0, `${n} malformed requests, none answered with a 5xx or without an envelope`, { statuses });
  // Most must be refused: a generator whose requests mostly pass would test nothing.
  t.ok((statuses[200] ?? 0) < n / 2, 'most malformed requests are refused', { statuses });
  return n;
}

t.test('hundreds of malformed requests: no 5xx, always an envelope, and the sandbox keeps serving', async (t) => {
  const app = await build(t);
  const n = await runAll(t, app);
  t.ok(n >= 300, `sent ${n} requests`);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype not polluted');

  const res = await app.inject({ method: 'POST', url: '/v1/json/orders', headers: headers(), payload: encode(orderBody({ order_id: 'after-fuzz' })) });
  t.equal(res.statusCode, 200, 'a valid order still goes through');
  const get = await app.inject({ method: 'GET', url: '/v1/json/orders/after-fuzz', headers: headers() });
  t.equal(get.json().data.customer.country, 'DE');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});

/** Raw bytes over a socket: things inject cannot send (bad UTF-8 in the request line, odd methods). */
function raw(port: number, request: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => sock.end(request));
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

t.test('raw-socket oddities: no 5xx and the server still answers', async (t) => {
  const s = await start(t);
  const port = Number(new URL(s.url).port);
  const body = encode(orderBody());
  const requests: Array<Buffer | string> = [
    `PROPFIND /v1/json/orders HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nConnection: close\r\n\r\n`,
    `SEARCH /v1/json/orders HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nConnection: close\r\n\r\n`,
    Buffer.concat([Buffer.from('GET /v1/json/orders/'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nConnection: close\r\n\r\n`)]),
    `POST /v1/json/orders HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"typ\r\n0\r\n\r\n`,
    `POST /v1/json/orders HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\nConnection: close\r\n\r\n${body}`,
    `POST http://[::1]:1/v1/json/orders HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{`,
    `GET /v1/json/orders/x HTTP/1.1\r\nHost: x\r\napi_key: ${API_KEY}\r\napi_key: other-key\r\nConnection: close\r\n\r\n`,
    `GET /v1/json/gateways HTTP/1.0\r\napi_key: ${API_KEY}\r\n\r\n`,
    'GARBAGE\r\n\r\n',
  ];
  for (const r of requests) {
    const answer = await raw(port, r);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
    const head = (typeof r === 'string' ? r : r.toString('latin1')).split('\r\n')[0]!.slice(0, 50);
    // Node may close a connection whose body never arrives (the short Content-Length) without answering.
    t.ok(status === 0 || status < 500, `${head}: ${status || 'closed'}`, { answer: answer.slice(0, 300) });
  }
  const res = await fetch(`${s.apiUrl}gateways`, { headers: { api_key: API_KEY } });
  t.equal(res.status, 200, 'still serving');
});
