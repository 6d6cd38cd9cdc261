/**
 * startSandbox(): the programmatic front door for test suites. Port 0 by default, the URLs
 * it reports work, and two sandboxes in one process share nothing.
 */
import t from 'tap';
import { startSandbox } from '../src/index.js';
import { API_KEY, orderBody } from './helpers/build.js';

async function post(apiUrl: string, body: unknown): Promise<Response> {
  return fetch(`${apiUrl}orders`, { method: 'POST', headers: { api_key: API_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

t.test('two sandboxes in one process are independent', async (t) => {
  const a = await startSandbox({ manualClock: true, startTime: '2026-01-01T00:00:00Z' });
  const b = await startSandbox({ manualClock: true, startTime: '2026-01-01T00:00:00Z' });
  t.teardown(() => Promise.all([a.close(), b.close()]));

  t.match(a.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback, a port the OS picked');
  t.equal(a.apiUrl, `${a.url}/v1/json/`);
  t.not(a.url, b.url);

  t.equal((await post(a.apiUrl, orderBody({ order_id: 'same', amount: 1000, type: 'direct' }))).status, 200);
  t.equal((await post(b.apiUrl, orderBody({ order_id: 'same', amount: 2000, type: 'direct' }))).status, 200);
  const get = async (apiUrl: string) => ((await (await fetch(`${apiUrl}orders/same`, { headers: { api_key: API_KEY } })).json()) as { data: { amount: number; status: string } }).data;
  t.equal((await get(a.apiUrl)).amount, 1000);
  t.equal((await get(b.apiUrl)).amount, 2000);

  await a.app.sandbox.engine.clock.advance(86_400_000);
  t.equal((await get(a.apiUrl)).status, 'expired', "a's clock moved");
  t.equal((await get(b.apiUrl)).status, 'initialized', "b's clock did not");
  t.not(a.app.sandbox.engine, b.app.sandbox.engine);

  await a.close();
  await t.rejects(fetch(`${a.url}/health`), 'a is closed');
  t.equal((await fetch(`${b.url}/health`)).status, 200, 'b still serves');
  await a.close();
  t.pass('close() twice is harmless');
});
