/**
 * The package installs the ways a team installs it, into a fresh project: from an `npm pack`
 * tarball (what the registry would serve) and from a git URL (which needs the prepare
 * script to build dist/). Each install gives a working `sofort-sandbox` binary, the
 * `sofort-sandbox` and `sofort-sandbox/playwright` imports, and their types.
 *
 * Offline-friendly: --prefer-offline takes every package from the npm cache when it is
 * there (the git route installs the devDependencies it builds with, as npm does for any git
 * dependency). Optional dependencies are left out, which is also the check that the
 * in-memory default needs no native addon.
 */
import t from 'tap';
import type { Test } from 'tap';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childEnv } from './helpers/child-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const exec = promisify(execFile);
// npm installs and a TypeScript build on a shared machine: minutes, not seconds.
t.setTimeout(900_000);

const work = mkdtempSync(join(tmpdir(), 'sofort-install-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// npm_config_omit reaches the npm that prepares a git dependency, too.
const npmEnv = childEnv({ npm_config_omit: 'optional', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('npm', args, { cwd, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function freshProject(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `shop-${name}`, version: '1.0.0', private: true, type: 'module' }));
  return dir;
}

/** Start the installed binary on a free port; resolves with its URL once it says it listens. */
function runBinary(dir: string, args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(join(dir, 'node_modules', '.bin', 'sofort-sandbox'), ['--port', '0', ...args], { cwd: dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => (child.kill('SIGTERM'), exited) });
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    void exited.then((code) => reject(new Error(`sofort-sandbox exited with ${code}: ${err}${out}`)));
  });
}

/** What a shop's code does with the package: start it, create an order, and import the Playwright helper. */
const SHOP_SCRIPT = `
import { startSandbox } from 'sofort-sandbox';
import { payAs } from 'sofort-sandbox/playwright';
const s = await startSandbox({ apiKeys: ['install-test-key'] });
const res = await fetch(s.apiUrl + 'orders', {
  method: 'POST',
  headers: { api_key: 'install-test-key', 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'redirect', gateway: 'DIRECTBANK', order_id: 'install-1', currency: 'EUR', amount: 1000, description: 'Install test', customer: { country: 'DE', locale: 'de_DE' } }),
});
const body = await res.json();
await s.close();
console.log(JSON.stringify({ success: body.success, order_id: body.data.order_id, payAs: typeof payAs }));
`;

/** The same in TypeScript, type-checked against the installed declarations. */
const SHOP_TS = `
import { startSandbox, type RunningSandbox, type OrderSummary } from 'sofort-sandbox';
import { payAs, type PayOutcome } from 'sofort-sandbox/playwright';
const outcome: PayOutcome = 'completed';
export async function run(): Promise<OrderSummary[]> {
  const s: RunningSandbox = await startSandbox({ apiKeys: ['k-12345'] });
  void payAs; void outcome;
  return s.control.orders();
}
`;

async function checkInstalled(t: Test, dir: string): Promise<void> {
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules', 'sofort-sandbox', 'package.json'), 'utf8')) as { version: string };
  t.ok(installed.version, `sofort-sandbox ${installed.version} is in node_modules`);

  const bin = await runBinary(dir, []);
  const health = await fetch(`${bin.url}/health`);
  t.equal(health.status, 200, 'the installed binary serves /health');
  t.equal(await bin.stop(), 0, 'and stops cleanly on SIGTERM');

  writeFileSync(join(dir, 'shop.mjs'), SHOP_SCRIPT);
  const { stdout } = await exec(process.execPath, ['shop.mjs'], { cwd: dir, env: childEnv() });
  t.same(JSON.parse(stdout.trim()), { success: true, order_id: 'install-1', payAs: 'function' }, 'import { startSandbox } works and sofort-sandbox/playwright loads without Playwright installed');

  writeFileSync(join(dir, 'shop.ts'), SHOP_TS);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const typed = await exec(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'shop.ts'], { cwd: dir, env: childEnv() }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );
  t.equal(typed, '', 'the exports carry types a strict TypeScript project accepts');

  const dataDir = join(dir, 'data');
  const durable = await exec(join(dir, 'node_modules', '.bin', 'sofort-sandbox'), ['--port', '0', '--data-dir', dataDir], { cwd: dir, env: childEnv() }).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code?: number; stderr?: string }) => ({ code: err.code ?? null, stderr: err.stderr ?? '' }),
  );
  t.not(durable.code, 0, 'without the optional better-sqlite3, --data-dir refuses to start');
  t.match(durable.stderr, /optional package better-sqlite3, which is not installed.*npm install better-sqlite3.*leave out --data-dir/s, 'and says what to install or leave out');
}

const packed = (async () => {
  const dest = join(work, 'pack');
  mkdirSync(dest);
  const out = await npm(ROOT, ['pack', '--json', '--pack-destination', dest]);
  const info = (JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>)[0]!;
  return { ...info, tarball: join(dest, info.filename) };
})();

t.test('npm pack: what a publish would upload', async (t) => {
  const info = await packed;
  const paths = info.files.map((f) => f.path);
  t.ok(paths.includes('dist/sofort-sandbox.mjs'), 'the binary');
  t.ok(paths.includes('dist/src/index.d.ts') && paths.includes('dist/src/playwright.d.ts'), 'the declarations of both entry points');
  t.ok(paths.includes('CHANGELOG.md'), 'a changelog');
  t.same(paths.filter((p) => p.endsWith('.map')), [], 'no source maps (the sources they point at are not shipped)');
  t.same(paths.filter((p) => /openapi\.schemas|docs-signature|^test\/|^src\//.test(p)), [], 'no test-only fixtures, tests or TypeScript sources');
  t.ok(info.size < 600_000, `packed ${Math.round(info.size / 1000)} kB (was 670 kB)`);
  t.ok(info.unpackedSize < 2_500_000, `unpacked ${Math.round(info.unpackedSize / 1000)} kB (was 3.3 MB)`);
});

t.test('from a tarball (npm install ./sofort-sandbox-x.y.z.tgz)', async (t) => {
  const info = await packed;
  const dir = freshProject('tarball');
  await npm(dir, ['install', '--prefer-offline', info.tarball]);
  await checkInstalled(t, dir);
});

t.test('from a git URL (npm install git+file://...#commit runs prepare)', async (t) => {
  const commit = (await exec('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim();
  const dir = freshProject('git');
  await npm(dir, ['install', '--prefer-offline', `git+file://${ROOT.replace(/\/$/, '')}#${commit}`]);
  await checkInstalled(t, dir);
});
