/**
 * The CLI as a process: it prints the API base URL and a curl line that works, answers
 * /health, stops cleanly on SIGTERM and SIGINT, and exits 2 with help on a bad flag.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { childEnv } from './helpers/child-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The environment without the sandbox's own variables, so the machine's settings do not leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = childEnv();
  for (const k of ['PORT', 'HOST', 'API_KEYS', 'TIME_SCALE', 'CLOCK', 'START_TIME', 'COUNTRIES', 'SEED', 'PUBLIC_URL', 'LOG', 'DATA_DIR', 'CONTROL_TOKEN', 'SCENARIOS_FILE']) delete env[k];
  return { ...env, ...extra };
}

interface Cli {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves when stdout matches, with the match. */
  waitFor: (re: RegExp) => Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(t: Test, args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    check();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        check();
        void exited.then(() => reject(new Error(`the CLI exited before printing ${re}\nstdout: ${out}\nstderr: ${err}`)));
      }),
  };
}

/** The curl line the CLI prints, turned into a fetch call: proves the line a newcomer copies works. */
function curlToFetch(line: string): { url: string; init: RequestInit } {
  const url = /-X POST (\S+)/.exec(line)?.[1];
  const headers = Object.fromEntries([...line.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
  const body = /-d '([^']*)'/.exec(line)?.[1];
  if (!url || !body) throw new Error(`cannot read the curl line: ${line}`);
  return { url, init: { method: 'POST', headers, body } };
}

t.test('starts on port 0, prints the API base and a working curl line, serves, stops on SIGTERM', async (t) => {
  const cli = runCli(t, ['--port', '0', '--api-key', 'cli-test-key-1']);
  const [, base] = await cli.waitFor(/MultiSafepay API base: (http:\/\/127\.0\.0\.1:\d+\/v1\/json\/)\n/);
  const [curl] = await cli.waitFor(/ {2}curl [^\n]+\n/);
  t.match(cli.out(), /sofort-sandbox listening on http:\/\/127\.0\.0\.1:\d+\n/);

  const origin = new URL(base!).origin;
  const health = await fetch(`${origin}/health`);
  t.equal(health.status, 200, '/health answers once the URL is printed');

  const { url, init } = curlToFetch(curl);
  t.equal(url, `${base}orders`);
  t.equal((init.headers as Record<string, string>).api_key, 'cli-test-key-1', 'the curl line uses the configured key');
  const created = await fetch(url, init);
  t.equal(created.status, 200);
  const body = (await created.json()) as { success: boolean; data: { payment_url: string } };
  t.equal(body.success, true);
  t.match(body.data.payment_url, new RegExp(`^${origin}/connect/`));

  cli.child.kill('SIGTERM');
  const { code } = await cli.exited;
  t.equal(code, 0, 'exit code 0');
  t.match(cli.out(), /SIGTERM received, closing/);
  t.equal(cli.err(), '', 'nothing on stderr');
  await t.rejects(fetch(`${origin}/health`), 'the port is closed');
});

t.test('SIGINT stops it too; PORT and HOST come from the environment', async (t) => {
  const cli = runCli(t, [], { PORT: '0', HOST: '127.0.0.1' });
  const [, base] = await cli.waitFor(/MultiSafepay API base: (http:\/\/127\.0\.0\.1:(\d+)\/v1\/json\/)/);
  t.not(new URL(base!).port, '8080', 'PORT=0 picked a free port');
  cli.child.kill('SIGINT');
  t.equal((await cli.exited).code, 0);
  t.match(cli.out(), /SIGINT received/);
});

t.test('a bad flag exits 2 with the reason and the help', async (t) => {
  const cli = runCli(t, ['--port', 'eighty']);
  const { code } = await cli.exited;
  t.equal(code, 2);
  t.match(cli.err(), /--port: "eighty" is not a number/);
  t.match(cli.err(), /Usage: sofort-sandbox \[options\]/);
  t.equal(cli.out(), '');
});

t.test('an invalid option value exits 2 with the option named', async (t) => {
  const cli = runCli(t, ['--port', '0', '--countries', 'Germany']);
  const { code } = await cli.exited;
  t.equal(code, 2);
  t.match(cli.err(), /cannot start: countries: "GERMANY" is not a two-letter country code/);
});

t.test('--help prints the help and exits 0', async (t) => {
  const cli = runCli(t, ['--help']);
  const { code } = await cli.exited;
  t.equal(code, 0);
  t.match(cli.out(), /^sofort-sandbox: a local MultiSafepay API/);
  t.match(cli.out(), /--api-key <key>/);
});
