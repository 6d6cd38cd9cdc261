/**
 * Safe to share: who may drive the control plane and the dashboard. A sandbox answering beyond
 * loopback makes and keeps a token; no web page can drive a local sandbox (cross-origin
 * requests, text/plain writes, rebound Host names); session ids are not predictable from the
 * seeded business ids; dashboard sessions are revocable and token guesses are throttled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { RealTime } from '../src/engine/clock.js';
import { buildApp, startSandbox } from '../src/index.js';
import type { SandboxOptions } from '../src/index.js';
import { parseCli } from '../src/options/cli-options.js';
import { API_KEY, api, build, createOrder } from './helpers/build.js';
import { countTestid, page, post, testid } from './helpers/dashboard.js';

const FAR = '10.1.2.3';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-security-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function started(t: Test, options: SandboxOptions) {
  const s = await startSandbox({ seed: 'test', ...options });
  t.teardown(() => s.close());
  return s;
}

t.test('answering beyond loopback without a token: the sandbox makes one, keeps it, and refuses strangers', async (t) => {
  const dir = tempDir(t);
  const warned: string[] = [];
  const s = await started(t, { controlAllowRemote: true, dataDir: dir });
  t.match(s.controlToken, /^[A-Za-z0-9]{32}$/, 'a token was made');
  t.equal(s.dashboardUrl, `${s.url}/dashboard?token=${s.controlToken}`, 'the address to open, with its token');
  t.equal(readFileSync(join(dir, 'control-token'), 'utf8').trim(), s.controlToken, 'kept in the data directory');

  const reset = await s.app.inject({ method: 'POST', url: '/_sandbox/reset', remoteAddress: FAR });
  t.equal(reset.statusCode, 401, 'POST /_sandbox/reset without the token is refused');
  t.match(reset.json(), { error: { code: 'unauthorized' } });
  t.equal((await s.app.inject({ url: '/_sandbox/orders', remoteAddress: FAR })).statusCode, 401, 'so is reading every site');
  const login = await s.app.inject({ url: '/dashboard', remoteAddress: FAR, headers: { accept: 'text/html' } });
  t.equal(login.statusCode, 401, 'and the dashboard');
  t.match(login.body, /made it at its first start: it is printed in its log/, 'which says where the token is');
  const withToken = await s.app.inject({ method: 'POST', url: '/_sandbox/reset', remoteAddress: FAR, headers: { 'x-sandbox-token': s.controlToken! } });
  t.equal(withToken.statusCode, 200, 'the printed token works');
  t.match(await s.control.clock(), { clock: 'sandbox' }, 'sandbox.control carries the made token');
  await s.close();

  const again = await started(t, { controlAllowRemote: true, dataDir: dir });
  t.equal(again.controlToken, s.controlToken, 'the same token after a restart');
  await again.close();
  const chosen = await started(t, { controlAllowRemote: true, dataDir: dir, controlToken: 'chosen-by-ci-42' });
  t.equal(chosen.controlToken, 'chosen-by-ci-42', 'CONTROL_TOKEN wins');
  t.match(parseCli([], { CONTROL_OPEN: '1', ALLOWED_HOSTS: 'sandbox.test,.qa.example' }), { controlOpen: true, allowedHosts: ['sandbox.test', '.qa.example'] });

  const origWarn = console.warn;
  console.warn = (m: string) => void warned.push(m);
  t.teardown(() => void (console.warn = origWarn));
  const open = await build(t, { controlAllowRemote: true, controlOpen: true });
  console.warn = origWarn;
  t.equal((await open.inject({ method: 'POST', url: '/_sandbox/reset', remoteAddress: FAR })).statusCode, 200, 'open only when chosen');
  t.match(warned.join('\n'), /WARNING: .*without a token.*anyone who reaches this port/, 'and loudly warned');
});

t.test('the settings page tells the truth about who may act', async (t) => {
  const local = await build(t);
  t.match((await page(local, '/dashboard/settings')).body, /any program on this machine may act/);
  const remote = await build(t, { controlAllowRemote: true });
  const body = (await page(remote, '/dashboard/settings', { 'x-sandbox-token': remote.sandbox.config.controlToken! })).body;
  t.notMatch(body, /anyone on loopback may act/, 'no claim that only loopback callers can act');
  t.match(body, /made by the sandbox/);
  t.match(body, /allowed with the token/);
});

t.test('a web page cannot drive a local sandbox: other origins, text/plain writes, rebound host names', async (t) => {
  const app = await build(t);
  const forged = await app.inject({
    method: 'POST',
    url: '/_sandbox/failures',
    headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    payload: JSON.stringify({ error_code: 1024 }),
  });
  t.equal(forged.statusCode, 403, 'a cross-site text/plain POST is refused');
  t.match(forged.json(), { error: { code: 'forbidden', message: /https:\/\/evil\.example/ } });
  const fromOtherPort = await app.inject({ method: 'POST', url: '/_sandbox/reset', headers: { origin: 'http://localhost:3000' } });
  t.equal(fromOtherPort.statusCode, 403, 'another port of this machine is another origin');
  t.equal((await app.inject({ method: 'POST', url: '/_sandbox/reset', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 403);
  const plain = await app.inject({ method: 'POST', url: '/_sandbox/failures', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ error_code: 1024 }) });
  t.equal(plain.statusCode, 415, 'a control write must be application/json');
  t.match(plain.json(), { error: { code: 'invalid_body', message: /Content-Type: application\/json/ } });
  const form = await app.inject({ method: 'POST', url: '/_sandbox/failures', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'error_code=1024' });
  t.equal(form.statusCode, 415);
  const rules = await app.inject({ url: '/_sandbox/failures' });
  t.equal(rules.statusCode, 200);
  t.same(rules.json().rules, [], 'no rule was created');
  t.equal((await app.inject({ method: 'POST', url: '/_sandbox/reset' })).statusCode, 200, 'a program without a body or Origin still may');
  t.equal((await app.inject({ method: 'POST', url: '/_sandbox/reset', headers: { origin: 'http://localhost:80' } })).statusCode, 200, 'and the sandbox’s own pages');

  const rebound = await app.inject({ url: '/dashboard', headers: { host: 'rebind.attacker.example', accept: 'text/html' } });
  t.equal(rebound.statusCode, 403, 'a rebound host name is not served');
  t.match(testid(rebound.body, 'error'), /DNS rebinding.*--allowed-host rebind\.attacker\.example/);
  const reboundControl = await app.inject({ url: '/_sandbox/clock', headers: { host: 'rebind.attacker.example:80' } });
  t.equal(reboundControl.statusCode, 403);
  t.match(reboundControl.json(), { error: { code: 'forbidden', message: /DNS rebinding/ } });
  t.equal((await app.inject({ url: '/dashboard/login', headers: { host: 'rebind.attacker.example' } })).statusCode, 403, 'the open pages too');
  for (const host of ['localhost:8080', '127.0.0.1:9', 'app.localhost', '[::1]:8080']) {
    t.equal((await app.inject({ url: '/_sandbox/clock', headers: { host } })).statusCode, 200, host);
  }
  t.equal((await api(app, 'GET', '/gateways')).statusCode, 200, 'the MultiSafepay API is not affected');
  t.equal((await app.inject({ url: '/v1/json/gateways', headers: { host: 'shop.test', api_key: API_KEY } })).statusCode, 200, 'whatever its Host');

  const allowed = await build(t, { allowedHosts: ['sandbox.test', '.qa.example'], publicUrl: 'http://public.example:8080' });
  for (const host of ['sandbox.test:8080', 'team1.qa.example', 'public.example:8080']) {
    t.equal((await allowed.inject({ url: '/_sandbox/clock', headers: { host } })).statusCode, 200, `${host} is allowed`);
  }
  const everywhere = await build(t, { host: '0.0.0.0', controlToken: 'shared-token-1' });
  t.equal((await everywhere.inject({ url: '/_sandbox/clock', headers: { host: 'qa-box.internal:8080', 'x-sandbox-token': 'shared-token-1' } })).statusCode, 200, 'listening beyond loopback, any name (the token protects it)');
});

t.test('session ids are secrets: a seed repeats the business ids, never the session ids', async (t) => {
  const a = await build(t, { seed: 'same-seed' });
  const b = await build(t, { seed: 'same-seed' });
  const one = await createOrder(a, { order_id: 'same-1' });
  const two = await createOrder(b, { order_id: 'same-1' });
  const txA = (await api(a, 'GET', '/orders/same-1')).json().data.transaction_id;
  const txB = (await api(b, 'GET', '/orders/same-1')).json().data.transaction_id;
  t.equal(txA, txB, '--seed keeps transaction ids reproducible');
  t.not(one.data.session_id, two.data.session_id, 'but not the session id, the key to the payment page');
  t.match(one.data.session_id, /^[A-Za-z0-9]{35}$/, 'still MultiSafepay’s shape');
  const other = await createOrder(a, { order_id: 'same-2' }, 'another-api-key-2');
  t.equal((await a.inject({ url: `/connect/${other.data.session_id}/` })).statusCode, 200, 'the page opens with the real one');
});

t.test('dashboard sessions: revocable, gone after a restart; token guesses are throttled', async (t) => {
  const token = 'qa-secret-token';
  let now = Date.parse('2026-03-02T10:00:00Z');
  const realTime: RealTime = { now: () => now, setTimeout: () => null, clearTimeout: () => {} };
  const app = await build(t, { controlToken: token, realTime });
  const login = await post(app, '/dashboard/login', { token, next: '/dashboard' });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  t.not(cookie.split('=')[1], '', 'a session cookie');
  t.equal((await page(app, '/dashboard', { cookie })).statusCode, 200);
  const restarted = await build(t, { controlToken: token });
  t.equal((await page(restarted, '/dashboard', { cookie })).statusCode, 401, 'a restart ends every session (no cookie derived from the token)');
  await post(app, '/dashboard/logout', {}, { cookie });
  t.equal((await page(app, '/dashboard', { cookie })).statusCode, 401, '"Log out" ends it on the sandbox too');

  for (let i = 0; i < 10; i++) t.equal((await post(app, '/dashboard/login', { token: `guess-${i}-xxxx` })).statusCode, 401);
  const locked = await post(app, '/dashboard/login', { token });
  t.equal(locked.statusCode, 429, 'after 10 wrong tokens even the right one waits');
  t.match(testid(locked.body, 'error'), /Too many wrong tokens.*try again in 60 s/);
  t.equal(locked.headers['retry-after'], '60');
  const control = await app.inject({ url: '/_sandbox/clock', headers: { 'x-sandbox-token': token } });
  t.equal(control.statusCode, 429, 'the control plane shares the count');
  t.match(control.json(), { error: { code: 'too_many_guesses' } });
  t.equal((await app.inject({ url: '/_sandbox/clock', headers: { 'x-sandbox-token': token }, remoteAddress: '127.0.0.2' })).statusCode, 200, 'another address is not affected');
  now += 60_000;
  t.equal((await post(app, '/dashboard/login', { token })).statusCode, 303, 'a minute later the right token works');
  t.equal(countTestid(locked.body, 'login-form'), 1);
});

t.test('dashboard flash: only its own messages, whatever ?done= says', async (t) => {
  const app = await build(t);
  for (const done of ['__proto__', 'valueOf', 'hasOwnProperty', 'toString', 'constructor', 'isPrototypeOf']) {
    const res = await page(app, `/dashboard?done=${done}&ref=${encodeURIComponent('Your account is locked, call +1 555')}`);
    t.equal(res.statusCode, 200, done);
    t.notMatch(res.body, 'account is locked', `${done}: no text of the address in the banner`);
  }
  t.match((await page(app, '/dashboard?done=advanced&ref=1h')).body, 'The clock moved 1h.', 'real messages still show');
});

t.test('buildApp without listening also makes the token', async (t) => {
  const app = await buildApp({ controlAllowRemote: true });
  t.teardown(() => app.close());
  t.match(app.sandbox.config.controlToken, /^[A-Za-z0-9]{32}$/);
  t.equal(app.sandbox.config.controlTokenSource, 'generated');
});
