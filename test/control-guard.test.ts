/**
 * Who may use the control plane (loopback, token), its error shape, and presets loaded at
 * start (`--scenarios`): shipped ones load, bad ones stop the start with a clear message,
 * reset brings them back.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readdirSync } from 'node:fs';
import { buildApp, ConfigError, SandboxControl } from '../src/index.js';
import { parseCli } from '../src/options/cli-options.js';
import { API_KEY, build } from './helpers/build.js';
import { refusal, sandbox } from './helpers/control.js';

const TOKEN = 'sesame-open-42';

t.test('loopback only, unless allowed', async (t) => {
  const app = await build(t);
  const remote = await app.inject({ method: 'GET', url: '/_sandbox/clock', remoteAddress: '10.1.2.3' });
  t.equal(remote.statusCode, 403);
  t.match(remote.json(), { error: { code: 'forbidden', message: /loopback only.*--control-allow-remote.*CONTROL_ALLOW_REMOTE=1/ } });
  for (const addr of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    t.equal((await app.inject({ method: 'GET', url: '/_sandbox/clock', remoteAddress: addr })).statusCode, 200, addr);
  }
  const scenario = await app.inject({ method: 'POST', url: '/_sandbox/scenarios', remoteAddress: '10.1.2.3', payload: { scenario: 'declined' } });
  t.equal(scenario.statusCode, 403);
  t.equal(app.sandbox.control.scenarios.list(null).length, 0, 'a refused call changes nothing');
  t.equal((await app.inject({ method: 'GET', url: '/_sandbox/webhooks/stats', remoteAddress: '10.1.2.3' })).statusCode, 403, 'extension routes are guarded too');
  t.equal((await app.inject({ method: 'POST', url: '/v1/json/orders', remoteAddress: '10.1.2.3', headers: { api_key: API_KEY }, payload: {} })).statusCode, 400, 'the MultiSafepay API is not affected');

  const open = await build(t, { controlAllowRemote: true, controlOpen: true });
  t.equal((await open.inject({ method: 'GET', url: '/_sandbox/clock', remoteAddress: '10.1.2.3' })).statusCode, 200, 'open only by an explicit choice');
});

t.test('a control token, in x-sandbox-token or ?token=, never in Authorization', async (t) => {
  const app = await build(t, { controlToken: TOKEN });
  const none = await app.inject({ method: 'GET', url: '/_sandbox/clock' });
  t.equal(none.statusCode, 401);
  t.match(none.json(), { error: { code: 'unauthorized', message: /x-sandbox-token header or \?token=/ } });
  t.equal((await app.inject({ method: 'GET', url: '/_sandbox/clock', headers: { 'x-sandbox-token': 'wrong-token-1' } })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/_sandbox/clock', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 401, 'Bearer is the API key channel, not the token');
  t.equal((await app.inject({ method: 'GET', url: '/_sandbox/clock', headers: { 'x-sandbox-token': TOKEN } })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: `/_sandbox/clock?token=${TOKEN}` })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/_sandbox/no-such-thing' })).statusCode, 401, 'unknown paths are guarded as well');

  const { s } = await sandbox(t, { controlToken: TOKEN, apiKeys: [API_KEY] });
  t.equal(s.control.apiKey, API_KEY, 'sandbox.control acts on the only configured key');
  t.match(await s.control.clock(), { clock: 'sandbox' }, 'sandbox.control carries the token');
  const stranger = new SandboxControl({ url: s.url });
  t.match(await refusal(t, () => stranger.clock()), { status: 401, code: 'unauthorized' });
  t.match(await refusal(t, () => s.control.forSite('not-a-configured-key').orders()), { status: 404, code: 'unknown_site' });

  await t.rejects(buildApp({ controlToken: 'short' }), ConfigError);
  await t.rejects(buildApp({ controlToken: 'has space in it' }), { name: 'ConfigError', message: /controlToken: must be 8 to 256 visible ASCII/ });
});

t.test('errors: unknown endpoints and engine refusals have the control error shape', async (t) => {
  const app = await build(t);
  const nf = await app.inject({ method: 'GET', url: '/_sandbox/nope' });
  t.equal(nf.statusCode, 404);
  t.match(nf.json(), { error: { code: 'not_found', message: /no control endpoint GET \/_sandbox\/nope.*openapi\.json/ } });
  const index = await app.inject({ method: 'GET', url: '/_sandbox' });
  t.match(index.json(), { openapi: '/_sandbox/openapi.json' });
});

t.test('presets: shipped files load, flags and env select them, reset restores them', async (t) => {
  const shipped = readdirSync(join(import.meta.dirname, '..', 'fixtures', 'scenarios')).filter((f) => f.endsWith('.json'));
  t.ok(shipped.length >= 3);
  const app = await build(t, { scenarioFiles: shipped.map((f) => join('fixtures', 'scenarios', f)) });
  t.ok(app.sandbox.control.scenarios.list(null).length > 0);

  t.same(parseCli(['--scenarios', 'a.json', '--scenarios', 'b.json'], {}).scenarioFiles, ['a.json', 'b.json']);
  t.same(parseCli([], { SCENARIOS_FILE: 'a.json, ci-outcomes' }).scenarioFiles, ['a.json', 'ci-outcomes']);
  t.match(parseCli(['--control-token', TOKEN, '--control-allow-remote'], {}), { controlToken: TOKEN, controlAllowRemote: true });
  t.match(parseCli([], { CONTROL_TOKEN: TOKEN, CONTROL_ALLOW_REMOTE: '1' }), { controlToken: TOKEN, controlAllowRemote: true });

  const { control, createOrder } = await sandbox(t, { scenarioFiles: ['ci-outcomes'] });
  const id = await createOrder({ order_id: 'ci-declined-1' });
  t.equal((await control.order(id)).status, 'declined', 'a shipped preset by name');
  const before = (await control.scenarios()).map((r) => r.id);
  t.ok(before.every((id) => id.startsWith('preset:ci-outcomes:')));
  await control.removeScenario(before[0]!);
  await control.scenario('completed');
  await control.forSite(null).request('DELETE', '/scenarios');
  t.same((await control.scenarios()).map((r) => r.id).sort(), [...before].sort(), 'reset brings the presets back, and only them');
});

t.test('a bad preset file stops the start with a message naming the file and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'presets-'));
  const write = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };
  const cases: Array<[string, RegExp]> = [
    [write('broken.json', '{"scenarios": ['), /broken\.json: not valid JSON/],
    [write('shape.json', '[]'), /shape\.json: must be a JSON object/],
    [write('field.json', '{"scenario": []}'), /unknown top-level field "scenario"/],
    [write('rule.json', '{"scenarios": [{"scenario": "completed"}, {"scenario": "won"}]}'), /rule\.json: scenarios\[1\]\.scenario: "won" is not a scenario/],
    [write('fail.json', '{"failures": [{"kind": "error", "code": 77}]}'), /failures\[0\]\.code: 77 is not in the sandbox's error catalogue/],
    [join(dir, 'missing.json'), /missing\.json: no such file/],
  ];
  for (const [file, message] of cases) {
    await t.rejects(buildApp({ scenarioFiles: [file] }), { name: 'ConfigError', message }, file);
  }
});
