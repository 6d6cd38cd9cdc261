/**
 * Where create-order's time goes: a sandbox process (the unbundled dist/src, so that every
 * function's file names its part) under `node --cpu-prof`, fed create-order requests over HTTP
 * by autocannon, then its profile summed up by part of the sandbox.
 *
 * Each sample is charged to the first frame on its stack, from the innermost out, that belongs
 * to a source file: the sandbox's own modules by what they do (validation, rendering, ids, the
 * expiry job, the journal...), libraries by package, Node's own modules as "Node core". Native
 * work with no file (JSON.parse, RegExp, string building) is charged to the code that called it.
 *
 * Run: `npm run bench -- profile`. Knobs: PROFILE_SECONDS (default 10), BENCH_CONNECTIONS (10),
 * PROFILE_KEEP=1 keeps the .cpuprofile (open it in Chrome DevTools or speedscope).
 */
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, ensureBuilt, spawnServer } from './helpers/processes.js';
import { orderBody } from './helpers/order-body.js';

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const API_KEY = 'bench-api-key-0001';

/** The sandbox's own modules, by what they do on the create-order path. */
const PARTS: Array<[RegExp, string]> = [
  [/\/src\/domain\/create-order\.js$/, 'request validation (domain/create-order)'],
  [/\/src\/domain\/advisor\.js$/, 'integration advisor (domain/advisor)'],
  [/\/src\/(domain\/render|domain\/msp-time|http\/respond|api\/orders)\.js$/, 'rendering the answer (domain/render, msp-time, http/respond, api/orders)'],
  [/\/src\/engine\/ids\.js$|\/nanoid\//, 'id generation (engine/ids, nanoid)'],
  [/\/src\/engine\/(jobs|clock)\.js$/, 'expiry job and clock queue (engine/jobs, engine/clock)'],
  [/\/src\/engine\/steps\.js$/, 'the engine step (follow-ups, settled work, news)'],
  [/\/src\/engine\/|\/src\/domain\//, 'engine, store and indexes (engine/*, domain/*)'],
  [/\/src\/api\/test-rule-hooks\.js$|\/src\/features\/(inspection|test-rules)\//, 'request journal, failure rules, API hooks'],
  [/\/src\/features\/webhooks\//, 'event listeners: webhooks (features/webhooks)'],
  [/\/src\/features\/(second-chance|refunds|recurring|after-payment)/, 'event listeners: after payment'],
  [/\/src\/features\/security\/|\/src\/api\/guards\.js$/, 'security checks (api/guards, features/security)'],
  [/\/src\/dashboard\/|\/src\/control\//, 'event listeners: dashboard live feed, control event stream'],
  [/\/src\/api\//, 'API routing (api/router, api/plugin)'],
  [/\/src\/http\//, 'body parser, API key, headers (http/*)'],
  [/\/src\//, 'other sandbox code'],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What a source file is: a part of the sandbox, a library by package name, or Node core. */
function partOf(url: string): string | null {
  if (url === '') return null;
  for (const [re, name] of PARTS) if (re.test(url)) return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `library: ${pkg[1]}`;
  if (url.startsWith('node:')) return 'Node core (http, net, streams, timers)';
  return `other: ${url.split('/').slice(-1)[0]}`;
}

export function summarise(profile: Profile): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string>();
  const charge = (id: number): string => {
    const known = cache.get(id);
    if (known !== undefined) return known;
    const name = byId.get(id)!.callFrame.functionName;
    let part: string;
    if (name === '(garbage collector)') part = 'garbage collection';
    else if (name === '(idle)') part = '(idle)';
    else if (name === '(program)') part = 'V8 and native code outside JavaScript (program)';
    else {
      part = 'native, no caller with a file';
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const p = partOf(byId.get(at)!.callFrame.url);
        if (p !== null) {
          part = p;
          break;
        }
      }
    }
    cache.set(id, part);
    return part;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = charge(id);
    totals.set(part, (totals.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  totals.delete('(idle)');
  return [...totals].sort((a, b) => b[1] - a[1]);
}

export default async function profileBench(): Promise<void> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sofort-bench-prof-'));
  const index = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;
  const script = `
const { startSandbox } = await import(${JSON.stringify(index)});
const s = await startSandbox({ port: 0, seed: 'bench', maxOrdersPerSite: 100_000_000 });
console.log('listening on ' + s.url);
process.stdin.resume();
process.stdin.on('end', () => s.close().then(() => process.exit(0)));
`;
  const server = await spawnServer(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250', '--input-type=module', '-e', script], {}, 30_000, true);
  let n = 0;
  let requests = 0;
  try {
    const res = await autocannon({
      url: `${server.url}/v1/json/orders`,
      method: 'POST',
      headers: { 'content-type': 'application/json', api_key: API_KEY },
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [{ setupRequest: (req) => ({ ...req, body: orderBody(`prof-${++n}`) }) }],
    });
    requests = res.requests.total;
    if (res.non2xx + res.errors > 0) throw new Error(`${res.non2xx} non-2xx answers and ${res.errors} errors`);
  } finally {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.stdin!.end();
    await exited;
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  const parts = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile);
  const busy = parts.reduce((s, [, us]) => s + us, 0);
  console.log(`\nCPU profile of create-order: ${requests} requests in ${SECONDS} s, ${CONNECTIONS} connections; busy time ${(busy / 1e6).toFixed(2)} s, ${(busy / requests).toFixed(0)} us per request (profiler on)`);
  const rows = [['part', 'share of busy time', 'us per request'], ...parts.map(([p, us]) => [p, `${((us / busy) * 100).toFixed(1)}%`, (us / requests).toFixed(1)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  if (process.env.PROFILE_KEEP === '1') console.log(`profile kept: ${join(dir, file)}`);
  else rmSync(dir, { recursive: true, force: true });
}
