// Bundles the CLI for a fast start (npm run bench -- api measures it), into dist/ or the
// directory given as the first argument:
//
// - sofort-sandbox-cli.cjs: src/cli.ts and its dependencies in one file. Node then reads and
//   compiles one file instead of resolving a few hundred modules (about 550 ms -> under 400 ms
//   when it was introduced). better-sqlite3 stays outside: it is a native addon, loaded from
//   node_modules only when --data-dir is used; so does nodemailer, imported only when Second
//   Chance sends over SMTP.
// - sofort-sandbox.mjs: the command (package bin, Docker CMD), scripts/cli-loader.mjs, which
//   runs the bundle with V8's code cache;
// - sofort-sandbox-cli.cache: that code cache, made here by starting the CLI once and asking
//   /health. Without it (say, the start failed here) the command still works, only slower.
//
// Start-up also pays for parsing every byte of the bundle, run or not. Fastify requires some
// packages only when a feature needs them: Ajv and fast-json-stringify (a route with a schema;
// none of the sandbox's has one), light-my-request (inject, which the CLI never calls) and pino
// (only with --log). They stay out of the bundle and are required, from Fastify's own
// dependencies, the first time Fastify asks for them: about 0.9 MB less to parse. Of semver,
// Fastify calls gt, coerce and satisfies: those come in without the rest of its 47 modules.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const outDir = resolve(process.argv[2] ?? 'dist');
const bundle = join(outDir, 'sofort-sandbox-cli.cjs');
const command = join(outDir, 'sofort-sandbox.mjs');
const cache = join(outDir, 'sofort-sandbox-cli.cache');

/** Packages Fastify requires lazily, loaded at run time the way Fastify itself resolves them. */
const LOADED_ON_DEMAND = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request', 'pino'];

const lean = {
  name: 'sandbox-lean-start',
  setup(b) {
    const names = new RegExp(`^(${LOADED_ON_DEMAND.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'on-demand' }));
    b.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => ({
      contents: `module.exports = __sandboxFastifyRequire(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^semver$/ }, (args) => ({ path: 'semver', namespace: 'semver-subset', pluginData: args.resolveDir }));
    b.onLoad({ filter: /.*/, namespace: 'semver-subset' }, (args) => ({
      contents:
        "module.exports = { gt: require('semver/functions/gt'), coerce: require('semver/functions/coerce'), satisfies: require('semver/functions/satisfies') };",
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

mkdirSync(outDir, { recursive: true });
rmSync(cache, { force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  // CommonJS, so that the command can run it through vm.Script with a code cache (Node 20 has
  // no code cache for ES modules).
  format: 'cjs',
  target: 'node20',
  external: ['better-sqlite3', 'nodemailer'],
  plugins: [lean],
  define: { 'import.meta.url': '__sandboxModuleUrl' },
  // The packages above resolve from Fastify's directory, as they would unbundled (npm may nest them there).
  banner: {
    js:
      "const __sandboxModuleUrl = require('node:url').pathToFileURL(__filename).href;" +
      " const __sandboxFastifyRequire = (id) => require('node:module').createRequire(require.resolve('fastify'))(id);",
  },
  legalComments: 'none',
  // Smaller package (about 1.9 MB to 0.9 MB unpacked) and a little less to parse at start.
  minify: true,
  logLevel: 'warning',
});
copyFileSync(new URL('./cli-loader.mjs', import.meta.url), command);

/** Start the command once (port 0, loopback), ask /health, stop it: it writes the code cache on exit. */
async function makeCodeCache() {
  const child = spawn(process.execPath, [command, '--port', '0', '--host', '127.0.0.1'], {
    // A bare environment: none of the sandbox's variables (DATA_DIR above all: this start must
    // not touch anybody's data) nor NODE_OPTIONS, whose V8 flags would not match a plain start.
    env: { PATH: process.env.PATH ?? '', SOFORT_SANDBOX_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  let out = '';
  const url = await Promise.race([
    new Promise((done) => child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]);
    })),
    exited.then(() => null),
    new Promise((done) => setTimeout(() => done(null), 30_000).unref()),
  ]);
  if (url) await fetch(`${url}/health`).then((r) => r.arrayBuffer()).catch(() => {});
  child.kill('SIGTERM');
  const end = await exited;
  if (!url || end.code !== 0) console.warn(`bundle-cli: no code cache made (the CLI did not start and stop cleanly: ${JSON.stringify(end)}); it runs without one`);
}
await makeCodeCache();
