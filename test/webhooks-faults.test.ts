/**
 * Configurable failures for testing merchant code: drop, duplicate, reorder, delay,
 * wrong-key signature, malformed body; per sandbox, per site, per order; seeded.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { verifyAuth } from '../src/features/webhooks/signer.js';
import { api, API_KEY, build, createOrder } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';
import type { Receiver } from './helpers/webhooks.js';

const MIN = 60_000;

function setFaults(app: FastifyInstance, body: unknown, key: string | null = API_KEY) {
  return app.inject({ method: 'PUT', url: '/_sandbox/webhooks/faults', headers: key ? { api_key: key } : {}, payload: body as object });
}

/** An order that goes initialized -> completed -> shipped: two notifications. */
async function paidAndShipped(app: FastifyInstance, rx: Receiver, overrides: Record<string, unknown> = {}): Promise<string> {
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url }, ...overrides });
  pay(app, order_id);
  const res = await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped', tracktrace_code: 'T1' });
  if (res.statusCode !== 200) throw new Error(res.body);
  return order_id;
}

const statuses = (rx: Receiver): string[] => rx.requests.map((r) => (JSON.parse(r.body) as { status: string }).status);

t.test('drop: the notification is never sent, stays in the log as dropped, and can be re-sent', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const put = await setFaults(app, { order_id, faults: [{ fault: 'drop', statuses: ['completed'] }] });
  t.equal(put.statusCode, 200);
  t.same(put.json(), { scope: 'order', order_id, faults: [{ fault: 'drop', statuses: ['completed'] }] });
  pay(app, order_id);
  await api(app, 'PATCH', `/orders/${order_id}`, { status: 'shipped' });
  await app.sandbox.engine.clock.advance(24 * 60 * MIN);
  t.same(statuses(rx), ['shipped'], 'completed was dropped, shipped was not');
  const [dropped] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.equal(dropped?.state, 'dropped');
  t.same(dropped?.faults, { drop: true });
  const res = await app.inject({ method: 'POST', url: `/_sandbox/webhooks/deliveries/${dropped?.id}/resend`, headers: { api_key: API_KEY } });
  t.equal(res.json().state, 'delivered');
  t.same(statuses(rx), ['shipped', 'completed']);
});

t.test('duplicate: the same request arrives twice, byte for byte', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  t.equal((await setFaults(app, { faults: [{ fault: 'duplicate', times: 1 }] })).statusCode, 200);
  const order_id = await paidAndShipped(app, rx);
  await app.sandbox.engine.clock.advance(0);
  t.same(statuses(rx), ['completed', 'completed', 'shipped'], 'only the first notification (times: 1) is doubled');
  t.equal(rx.requests[0]?.url, rx.requests[1]?.url);
  t.equal(rx.requests[0]?.headers.auth, rx.requests[1]?.headers.auth);
  t.equal(rx.requests[0]?.body, rx.requests[1]?.body);
  const [rec] = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.same(rec?.attempts.map((a) => a.kind), ['first', 'duplicate']);
  t.same((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY } })).json().site, [], 'the rule is spent');
});

t.test('reorder: a notification is held back until the next one of its order went out', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 1000 } });
  await setFaults(app, { faults: [{ fault: 'reorder', statuses: ['completed'] }] });
  const order_id = await paidAndShipped(app, rx);
  await app.sandbox.engine.clock.advance(5000);
  t.same(statuses(rx), ['shipped', 'completed']);
  const recs = app.sandbox.webhooks.deliveries(API_KEY, order_id);
  t.same(recs.map((r) => r.state), ['delivered', 'delivered']);
});

t.test('reorder with no later notification: sent when the hold ends', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  await setFaults(app, { faults: [{ fault: 'reorder', ms: 60_000 }] });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(59_999);
  t.equal(rx.requests.length, 0);
  t.equal(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.state, 'held');
  await app.sandbox.engine.clock.advance(1);
  t.equal(rx.requests.length, 1);
});

t.test('delay: a notification leaves later by the given sandbox time; later ones are not held up', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  await setFaults(app, { faults: [{ fault: 'delay', ms: 10 * MIN, statuses: ['completed'] }] });
  await paidAndShipped(app, rx);
  await app.sandbox.engine.clock.advance(10 * MIN - 1);
  t.same(statuses(rx), ['shipped']);
  await app.sandbox.engine.clock.advance(1);
  t.same(statuses(rx), ['shipped', 'completed']);
});

t.test('wrong_key: the signature does not verify with the API key (and the merchant refusing it causes retries)', async (t) => {
  const rx = await receiver(t, (r) => (verifyAuth(API_KEY, String(r.headers.auth), r.body).valid ? { body: 'OK' } : { status: 403, body: 'ng: bad signature' }));
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  await setFaults(app, { order_id, faults: [{ fault: 'wrong_key' }] });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  t.equal(rx.requests.length, 1);
  t.equal(verifyAuth(API_KEY, String(rx.requests[0]?.headers.auth), rx.requests[0]?.body ?? '').valid, false);
  JSON.parse(rx.requests[0]?.body ?? '');
  t.equal(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.state, 'pending');
});

t.test('malformed: the body is cut short (not JSON) but correctly signed', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  const { order_id } = await createOrder(app, { payment_options: { notification_url: rx.url } });
  await setFaults(app, { order_id, faults: [{ fault: 'malformed' }] });
  pay(app, order_id);
  await app.sandbox.engine.clock.advance(0);
  const body = rx.requests[0]?.body ?? '';
  t.throws(() => JSON.parse(body));
  t.ok(body.startsWith('{"amount":1000,'));
  t.ok(verifyAuth(API_KEY, String(rx.requests[0]?.headers.auth), body).valid);
});

t.test('scopes: the order rule wins over the site rule, the site rule over the sandbox rule; clearing restores the next', async (t) => {
  const rx = await receiver(t);
  const other = 'other-site-key-02';
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0, faults: [{ fault: 'delay', ms: 1000 }] } });
  t.equal((await setFaults(app, { faults: [{ fault: 'drop' }] })).statusCode, 200);
  const a = await createOrder(app, { payment_options: { notification_url: rx.url } });
  await setFaults(app, { order_id: a.order_id, faults: [{ fault: 'duplicate' }] });
  const b = await createOrder(app, { payment_options: { notification_url: rx.url } });
  const c = await createOrder(app, { payment_options: { notification_url: rx.url } }, other);
  pay(app, a.order_id);
  pay(app, b.order_id);
  pay(app, c.order_id, other);
  await app.sandbox.engine.clock.advance(1000);
  const hooks = app.sandbox.webhooks;
  t.same(hooks.deliveries(API_KEY, a.order_id)[0]?.faults, { duplicate: true }, 'order scope');
  t.same(hooks.deliveries(API_KEY, b.order_id)[0]?.faults, { drop: true }, 'site scope');
  t.same(hooks.deliveries(other, c.order_id)[0]?.faults, { delay_ms: 1000 }, 'sandbox scope from the options');

  const listed = (await app.inject({ method: 'GET', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY } })).json();
  t.same(listed, { sandbox: [{ fault: 'delay', ms: 1000 }], site: [{ fault: 'drop' }], orders: { [a.order_id]: [{ fault: 'duplicate' }] } });

  const del = await app.inject({ method: 'DELETE', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY } });
  t.same(del.json(), { scope: 'site', cleared: true });
  const delSandbox = await app.inject({ method: 'DELETE', url: '/_sandbox/webhooks/faults?scope=sandbox' });
  t.same(delSandbox.json(), { scope: 'sandbox', cleared: true });
  const d = await createOrder(app, { payment_options: { notification_url: rx.url } });
  pay(app, d.order_id);
  await app.sandbox.engine.clock.advance(0);
  t.same(hooks.deliveries(API_KEY, d.order_id)[0]?.faults, {}, 'no rule left for a new order');
});

t.test('probability is drawn from the seeded generator: the same seed repeats the same choices', async (t) => {
  const run = async (seed: string): Promise<string[]> => {
    const rx = await receiver(t);
    const app = await build(t, { seed, manualClock: true, webhooks: { delayMs: [0, 500], faults: [{ fault: 'drop', probability: 0.5 }] } });
    const out: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { order_id } = await createOrder(app, { order_id: `p-${i}`, payment_options: { notification_url: rx.url } });
      pay(app, order_id);
      out.push(app.sandbox.webhooks.deliveries(API_KEY, order_id)[0]?.state ?? '');
    }
    await app.close();
    return out;
  };
  const first = await run('fault-seed');
  t.same(await run('fault-seed'), first);
  t.ok(first.includes('dropped') && first.includes('pending'), 'some dropped, some not');
  t.not((await run('another-seed')).join(), first.join());
});

t.test('fault rules are validated: a 400 that names the field', async (t) => {
  const app = await build(t, { manualClock: true });
  // The same codes as every control route: a bad rule is invalid_rule, a bad field bad_request.
  const bad: Array<[unknown, string, RegExp]> = [
    [{ faults: [{ fault: 'explode' }] }, 'invalid_rule', /faults\[0\]\.fault must be one of drop, duplicate, reorder, delay, wrong_key, malformed/],
    [{ faults: [{ fault: 'delay' }] }, 'invalid_rule', /needs ms/],
    [{ faults: [{ fault: 'drop', probability: 2 }] }, 'invalid_rule', /probability must be a number from 0 to 1/],
    [{ faults: [{ fault: 'drop', times: 0 }] }, 'invalid_rule', /times must be a whole number/],
    [{ faults: [{ fault: 'drop', statuses: 'completed' }] }, 'invalid_rule', /statuses must be a list/],
    [{ faults: [{ fault: 'drop', when: 1 }] }, 'invalid_rule', /when is not a fault option/],
    [{ faults: 'drop' }, 'invalid_rule', /faults must be a list/],
    [{ faults: [], orderId: 'x' }, 'bad_request', /orderId: unknown field/],
    [{ faults: [], scope: 'planet' }, 'bad_request', /scope: must be sandbox, site or order/],
    [{ faults: [], scope: 'order' }, 'bad_request', /scope order needs order_id/],
    [[1], 'invalid_body', /must be a JSON object/],
  ];
  for (const [body, code, msg] of bad) {
    const res = await setFaults(app, body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.equal(res.json().error.code, code);
    t.match(res.json().error.message, msg);
  }
  const noKey = await setFaults(app, { faults: [] }, null);
  t.equal(noKey.statusCode, 400);
  t.match(noKey.json().error, { code: 'site_required', message: /API key/ });
  const sandbox = await setFaults(app, { scope: 'sandbox', faults: [{ fault: 'drop', times: 2 }] }, null);
  t.same(sandbox.json(), { scope: 'sandbox', faults: [{ fault: 'drop', times: 2 }] });
});

t.test('the dispatcher API sets faults programmatically', async (t) => {
  const rx = await receiver(t);
  const app = await build(t, { manualClock: true, webhooks: { delayMs: 0 } });
  app.sandbox.webhooks.faults.set({ kind: 'site', site: API_KEY }, [{ fault: 'drop', times: 1 }]);
  await paidAndShipped(app, rx);
  await app.sandbox.engine.clock.advance(0);
  t.same(statuses(rx), ['shipped']);
});
