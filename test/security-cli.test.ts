/**
 * The CLI as a shared container runs it: with CONTROL_ALLOW_REMOTE=1 and no token it prints the
 * dashboard address with a token it made, and refuses control calls without it (what the Docker
 * smoke test checks on the image); --log never writes ?token= or ?api_key= in clear.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { childEnv } from './helpers/child-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OWN_VARS = ['PORT', 'HOST', 'API_KEYS', 'SEED', 'PUBLIC_URL', 'LOG', 'DATA_DIR', 'CONTROL_TOKEN', 'CONTROL_ALLOW_REMOTE', 'CONTROL_OPEN', 'ALLOWED_HOSTS'];

function runCli(t: Test, args: string[], extra: Record<string, string> = {}) {
  const env = childEnv();
  for (const k of OWN_VARS) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', ...args], { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  const check = (): void => {
    waiters = waiters.filter((w) => {
      const m = w.re.exec(out);
      if (m) w.resolve(m);
      return !m;
    });
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    check();
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    out: () => out,
    waitFor: (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        waiters.push({ re, resolve });
        check();
        child.once('exit', () => reject(new Error(`the CLI exited before printing ${re}\n${out}`)));
      }),
  };
}

t.test('CONTROL_ALLOW_REMOTE=1 without a token: a token is made, printed with the dashboard address, and required', async (t) => {
  const cli = runCli(t, [], { CONTROL_ALLOW_REMOTE: '1' });
  const [, dashboard, token] = await cli.waitFor(/Dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard\?token=([A-Za-z0-9]{32}))\n/);
  const base = new URL(dashboard!).origin;
  await cli.waitFor(new RegExp(`Control token \\(x-sandbox-token header or \\?token=\\): ${token}\n`));
  t.equal((await fetch(`${base}/_sandbox/reset`, { method: 'POST' })).status, 401, 'no token: refused');
  t.equal((await fetch(`${base}/_sandbox/reset`, { method: 'POST', headers: { 'x-sandbox-token': token! } })).status, 200, 'the printed token works');
  const opened = await fetch(dashboard!, { redirect: 'manual' });
  t.equal(opened.status, 303, 'the printed address logs the browser in');
  t.match(opened.headers.get('set-cookie'), /^sandbox_dashboard=\w+/);
});

t.test('--log redacts ?token= and ?api_key=', async (t) => {
  const cli = runCli(t, ['--log', '--control-token', 'log-secret-token-1']);
  const [, base] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
  await cli.waitFor(/Dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard \(log in with the control token\)\n/);
  await fetch(`${base}/_sandbox/clock?token=log-secret-token-1`);
  await fetch(`${base}/v1/json/orders/x?api_key=log-secret-api-key`);
  await cli.waitFor(/api_key=\[redacted\]/);
  await cli.waitFor(/token=\[redacted\]/);
  t.notMatch(cli.out(), 'log-secret-token-1', 'the control token is not in the log');
  t.notMatch(cli.out(), 'log-secret-api-key', 'nor the API key');
});
