/**
 * Request verification: the journal keeps each MultiSafepay API call's request and
 * response bodies (capped, keys and tokens masked), filterable over HTTP and through the
 * typed client, which can assert how many calls the shop made.
 */
import t from 'tap';
import { RequestVerificationError } from '../src/index.js';
import { OTHER_KEY, orderBody, sandbox } from './helpers/control.js';

t.test('what the shop sent and got back, filtered by method, path, order, field and site', async (t) => {
  const { s, control, api } = await sandbox(t);
  const cart = { items: [{ name: 'Book', unit_price: 10, quantity: 1, merchant_item_id: 'b-1' }] };
  await api('POST', '/orders', orderBody({ order_id: 'v-1', shopping_cart: cart }));
  await api('POST', '/orders', orderBody({ order_id: 'v-2' }));
  await api('PATCH', '/orders/v-2', { status: 'cancelled' });
  await api('GET', '/orders/v-1');
  await api('POST', '/orders', orderBody({ order_id: 'v-3' }), OTHER_KEY);

  const all = await control.requests();
  t.same(all.map((e) => `${e.method} ${e.path}`), ['POST /orders', 'POST /orders', 'PATCH /orders/v-2', 'GET /orders/v-1'], "oldest first, this site's only");
  t.match(all[0], {
    order_id: 'v-1',
    status: 200,
    request_body: { order_id: 'v-1', amount: 1000, shopping_cart: cart },
    request_truncated: false,
    response_body: { success: true, data: { order_id: 'v-1', payment_url: String } },
    response_truncated: false,
  });

  t.same((await control.requests({ has: 'shopping_cart' })).map((e) => e.order_id), ['v-1'], 'which calls sent a shopping_cart');
  t.same((await control.requests({ path: '/orders/*' })).map((e) => e.method), ['PATCH', 'GET'], 'a path with *');
  t.same((await control.requests({ method: 'patch', order_id: 'v-2' })).map((e) => e.request_body), [{ status: 'cancelled' }]);
  t.equal((await control.requests({ status: 200 })).length, 4);
  t.equal((await control.forSite(OTHER_KEY).requests()).length, 1, 'another site sees its own calls');
  t.equal((await control.forSite(null).requests()).length, 5, 'sandbox-wide without a key');

  // Over plain HTTP, with the count.
  const res = await fetch(`${s.url}/_sandbox/journal?method=POST&path=/orders&has=shopping_cart`, { headers: { api_key: control.apiKey! } });
  t.match(await res.json(), { count: 1, entries: [{ order_id: 'v-1' }] });
  const bad = await fetch(`${s.url}/_sandbox/journal?status=ok`);
  t.match({ status: bad.status, body: await bad.json() }, { status: 400, body: { error: { code: 'bad_request', message: /^status: must be an HTTP status/ } } });
});

t.test('verify: exactly n matching calls, or an error that lists the calls made', async (t) => {
  const { control, api } = await sandbox(t);
  await api('POST', '/orders', orderBody({ order_id: 'c-1' }));
  await api('PATCH', '/orders/c-1', { status: 'cancelled' });

  const [cancel] = await control.verifyRequests({ method: 'PATCH', order_id: 'c-1', body: { status: 'cancelled' } }, 1);
  t.equal(cancel?.status, 200, 'the shop cancelled exactly once');
  await control.verifyRequests({ method: 'POST', has: 'shopping_cart' }, 0);

  await api('PATCH', '/orders/c-1', { status: 'cancelled' });
  const err = await control.verifyRequests({ method: 'PATCH', body: { status: 'cancelled' } }, 1).catch((e: unknown) => e);
  t.type(err, RequestVerificationError);
  t.match((err as RequestVerificationError).message, /expected 1 call matching .*found 2\. Calls made \(oldest first\):\n {2}POST \/orders \(order c-1\) -> 200\n {2}PATCH \/orders\/c-1 \(order c-1\) -> 200\n {2}PATCH \/orders\/c-1 \(order c-1\) -> 4\d\d/);
});

t.test('keys and tokens are masked, and big bodies capped', async (t) => {
  const { s, control, api } = await sandbox(t);
  await fetch(`${s.url}/v1/json/orders/x-1?api_key=${control.apiKey!}`);
  await api('GET', '/recurring/cust-9/token/SECRETTOKEN1');
  await api('POST', '/orders', { type: 'direct', order_id: 'tok-1', currency: 'EUR', amount: 100, description: 'x', recurring_id: 'SECRETTOKEN2', customer: { reference: 'cust-9' } });
  const big = 'x'.repeat(20_000);
  await api('POST', '/orders', orderBody({ order_id: 'big-1', description: big }));

  const [byQuery, byPath, byBody, large] = await control.requests();
  t.equal(byQuery?.url, '/v1/json/orders/x-1?api_key=***');
  t.equal(byPath?.url, '/v1/json/recurring/cust-9/token/SECR***');
  t.match(byBody?.request_body, { recurring_id: 'SECR***' });
  t.notMatch(JSON.stringify(await control.requests()), /SECRETTOKEN/, 'no token anywhere in the journal, not even where an answer quotes it');
  t.notMatch(JSON.stringify(await control.requests()), /api_key=test-api-key/, 'no API key in a logged URL');
  t.equal(large?.request_truncated, true);
  t.equal((large?.request_body as string).length, 16_384);
});
