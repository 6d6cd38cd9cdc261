/**
 * Tokens and notifications change through transitions with events, as orders do: a first
 * payment's token is made by the engine's follow-up step (not by a listener), so it is on the
 * order, in GET /recurring and in the payment's notification at once; every token and
 * notification change shows on the control event stream; listeners only observe.
 */
import t from 'tap';
import type { Test } from 'tap';
import { api, API_KEY, createOrder, start } from './helpers/build.js';
import { pay, receiver } from './helpers/webhooks.js';
import type { RunningSandbox } from '../src/index.js';

const START = '2026-03-10T15:00:00Z';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Follow GET /_sandbox/events for `types` until the test ends; `until` waits for a matching event. */
async function follow(t: Test, s: RunningSandbox, types: string) {
  const abort = new AbortController();
  const res = await fetch(`${s.url}/_sandbox/events?types=${types}`, { headers: { api_key: API_KEY }, signal: abort.signal });
  t.teardown(() => abort.abort());
  const events: StreamEvent[] = [];
  const waiters: Array<() => void> = [];
  let status = res.status;
  const ready = new Promise<void>((resolve) => {
    if (!res.ok || !res.body) {
      status = res.status;
      resolve();
      return;
    }
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (!type || !data) continue;
            if (type === 'ready') resolve();
            else events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
            for (const w of waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted at teardown
      }
    })();
  });
  await ready;
  const until = async (pred: (e: StreamEvent) => boolean): Promise<StreamEvent> => {
    if (status !== 200) throw new Error(`the event stream answered ${status}`);
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { status, events, until };
}

t.test("a first payment's token is on the order, in GET /recurring and in its notification at once, and both changes are events", async (t) => {
  const rx = await receiver(t);
  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0 } });
  const stream = await follow(t, s, 'status,token,notification_state');
  t.equal(stream.status, 200, 'token and notification_state are event types of the stream');

  const reference = 'customer-77';
  const { order_id } = await createOrder(s.app, {
    recurring_model: 'subscription',
    customer: { locale: 'de_DE', country: 'DE', reference },
    payment_options: { notification_url: rx.url },
  });
  pay(s.app, order_id);
  // Same tick: nothing has run on the clock yet.
  const order = (await api(s.app, 'GET', `/orders/${order_id}`)).json().data;
  const token = order.payment_details.recurring_id as string;
  t.match(token, /^[A-Za-z0-9]{10}$/, 'the token is on the order');
  t.same((await api(s.app, 'GET', `/recurring/${reference}`)).json().data.tokens.map((x: { token: string }) => x.token), [token]);
  const deliveries = (await s.app.inject({ method: 'GET', url: `/_sandbox/webhooks/deliveries?order_id=${order_id}`, headers: { api_key: API_KEY } })).json().deliveries;
  t.same(deliveries.map((d: { status: string; state: string }) => [d.status, d.state]), [['completed', 'pending']], 'the payment notification waits for the clock');
  t.equal(JSON.parse(deliveries[0].body).payment_details.recurring_id, token, 'and it carries the token');

  await s.app.sandbox.engine.clock.advance(0);
  await rx.received(1);
  t.equal(JSON.parse(rx.requests[0]!.body).payment_details.recurring_id, token, 'the shop receives the token with the payment');

  const created = await stream.until((e) => e.type === 'token');
  t.match(created.data, { site: API_KEY, event: 'token_created', reference, token, transaction_id: order.transaction_id, cause: 'bank', from: null, to: 'active' });
  await stream.until((e) => e.type === 'notification_state' && e.data.to === 'delivered');
  const states = stream.events.filter((e) => e.type === 'notification_state').map((e) => [e.data.action, e.data.from, e.data.to, e.data.status]);
  t.same(states, [['queue', null, 'pending', 'completed'], ['attempt', 'pending', 'delivered', 'completed']], 'queued, then delivered');
  const kinds = stream.events.map((e) => e.type);
  t.ok(kinds.indexOf('status') < kinds.indexOf('token'), 'the payment comes first, then the token it made');
  t.ok(kinds.indexOf('token') < kinds.indexOf('notification_state'), 'the notification is made once the token is on the order');
});

t.test("a token's expiry change and its removal are events; the default stream stays as it was", async (t) => {
  const s = await start(t, { manualClock: true, startTime: START });
  const stream = await follow(t, s, 'token');
  const all = await follow(t, s, '');
  const reference = 'customer-78';
  const { order_id } = await createOrder(s.app, { recurring_model: 'cardOnFile', customer: { locale: 'de_DE', country: 'DE', reference } });
  pay(s.app, order_id);
  const token = (await api(s.app, 'GET', `/orders/${order_id}`)).json().data.payment_details.recurring_id as string;

  t.equal((await api(s.app, 'PATCH', `/recurring/${reference}/update/${token}`, { expiry_date: '3012' })).statusCode, 200);
  t.equal((await api(s.app, 'DELETE', `/recurring/${reference}/remove/${token}`)).statusCode, 200);
  t.equal((await api(s.app, 'DELETE', `/recurring/${reference}/remove/${token}`)).statusCode, 404, 'a removed token is gone');
  await stream.until((e) => e.data.event === 'token_removed');
  t.same(
    stream.events.map((e) => [e.data.event, e.data.from, e.data.to, e.data.expiry_date, e.data.cause]),
    [['token_created', null, 'active', '', 'bank'], ['token_updated', 'active', 'active', '3012', 'api'], ['token_removed', 'active', 'removed', '3012', 'api']],
  );
  await all.until((e) => e.type === 'status');
  t.notOk(all.events.some((e) => e.type === 'token' || e.type === 'notification_state'), 'new event types are asked for by name');
});

t.test('notification states over the control API and the event stream: dropped, then failed on a resend that is not acknowledged', async (t) => {
  const rx = await receiver(t, () => ({ status: 500, body: 'no' }));
  const s = await start(t, { manualClock: true, startTime: START, webhooks: { delayMs: 0, retries: 0 } });
  const stream = await follow(t, s, 'notification_state');
  const { order_id } = await createOrder(s.app, { payment_options: { notification_url: rx.url } });
  const put = await s.app.inject({ method: 'PUT', url: '/_sandbox/webhooks/faults', headers: { api_key: API_KEY }, payload: { order_id, faults: [{ fault: 'drop', statuses: ['completed'] }] } });
  t.equal(put.statusCode, 200);
  pay(s.app, order_id);
  const list = async () => (await s.app.inject({ method: 'GET', url: `/_sandbox/webhooks/deliveries?order_id=${order_id}`, headers: { api_key: API_KEY } })).json().deliveries;
  const [dropped] = await list();
  t.equal(dropped.state, 'dropped');
  const resent = await s.app.inject({ method: 'POST', url: `/_sandbox/webhooks/deliveries/${dropped.id}/resend`, headers: { api_key: API_KEY } });
  t.equal(resent.json().state, 'failed', 'a resend that is not acknowledged fails the dropped notification');
  await stream.until((e) => e.data.to === 'failed');
  t.same(stream.events.map((e) => [e.data.id, e.data.action, e.data.from, e.data.to]), [[dropped.id, 'queue', null, 'dropped'], [dropped.id, 'resend', 'dropped', 'failed']]);
});

t.test('a listener observes: starting a transition from one is refused and changes nothing', async (t) => {
  const s = await start(t, { manualClock: true, startTime: START });
  const engine = s.app.sandbox.engine;
  const refused: string[] = [];
  const error = console.error;
  console.error = () => {};
  t.teardown(() => {
    console.error = error;
  });
  const off = engine.onEvent((event) => {
    if (event.type !== 'order_created') return;
    try {
      engine.transition(event.site, event.transaction_id, { kind: 'cancel' }, 'control');
    } catch (err) {
      refused.push((err as Error).message);
    }
  });
  t.teardown(off);
  const { order_id } = await createOrder(s.app);
  t.equal((await api(s.app, 'GET', `/orders/${order_id}`)).json().data.status, 'initialized', 'the order was not cancelled');
  t.match(refused, [/listener/], 'the engine says why');
});
