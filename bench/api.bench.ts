/**
 * API benchmark: every figure of the speed-and-footprint goals, each beside its baseline
 * measured in the same run on the same machine, in memory and again with --data-dir:
 *
 * - create-order and get-order throughput of the built CLI beside a bare Fastify route that
 *   answers a JSON body of the same size (share of the bare route's req/s, and of its CPU time
 *   per request, which barely moves when other work shares the machine);
 * - memory of a sandbox process after BENCH_ORDERS orders created over HTTP (RSS as `ps` shows
 *   it, heap per order after a full GC), beside the same process empty;
 * - start-up: spawn of the CLI to its first answered /health, beside a bare node:http server.
 *
 * The run ends with one table of every figure, its baseline, the ratio and the goal.
 *
 * Knobs (environment): BENCH_LONG=1 (or `npm run bench -- api --long`) for longer, steadier
 * runs; BENCH_DURATION seconds per measurement (default 5, long 15), BENCH_ROUNDS alternating
 * rounds per pair (2, long 3), BENCH_CONNECTIONS (10), BENCH_ORDERS (100000), BENCH_STARTS
 * start-up samples (9, long 21), BENCH_ONLY a comma-separated subset of
 * startup,throughput,memory, BENCH_MODES a subset of memory,data-dir.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, ROOT, ask, cpuSecondsOf, ensureBuilt, median, rssOf, spawnServer } from './helpers/processes.js';
import type { Server } from './helpers/processes.js';
import { orderBody } from './helpers/order-body.js';

const LONG = process.env.BENCH_LONG === '1' || process.argv.includes('--long');
const DURATION = Number(process.env.BENCH_DURATION ?? (LONG ? 15 : 5));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (LONG ? 3 : 2));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const STARTS = Number(process.env.BENCH_STARTS ?? (LONG ? 21 : 9));
const API_KEY = 'bench-api-key-0001';

/** The goals (docs/benchmarks.md): shares of a bare route, resident memory, start-up. */
const GOAL = { createShare: 0.7, getShare: 0.9, rssMb: 150, heapKbPerOrder: 1, startMs: 100 };

/** In memory (the default) or with --data-dir (SQLite in a fresh temporary directory). */
type Mode = 'memory' | 'data-dir';

/** One line of the closing table. */
interface Figure {
  mode: Mode;
  what: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: boolean | null;
}
const figures: Figure[] = [];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sofort-bench-api-'));
}

/** CLI arguments for a mode; the directory is removed by `done`. */
function modeArgs(mode: Mode): { args: string[]; dir: string | null; done: () => void } {
  if (mode === 'memory') return { args: [], dir: null, done: () => {} };
  const dir = tempDir();
  return { args: ['--data-dir', dir], dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

// ---- start-up -----------------------------------------------------------------------------

/** Wall time from spawn to the first answered /health, and the CPU time the process used by then. */
async function timeToHealth(args: string[]): Promise<{ ms: number; cpuMs: number | null }> {
  const t0 = performance.now();
  const server = await spawnServer(args);
  try {
    for (;;) {
      const res = await fetch(`${server.url}/health`).catch(() => null);
      if (res?.ok) {
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        const cpu = cpuSecondsOf(server.child.pid);
        return { ms, cpuMs: cpu === null ? null : cpu * 1000 };
      }
    }
  } finally {
    await server.stop();
  }
}

async function startup(modes: Mode[]): Promise<void> {
  // The baseline: the same measurement for a Node http server that does nothing.
  const bareNode = [
    '-e',
    "require('http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})",
  ];
  type Sample = { ms: number; cpuMs: number | null };
  const runs = modes.map((mode) => ({ mode, ...modeArgs(mode), samples: [] as Sample[] }));
  const node: Sample[] = [];
  try {
    await timeToHealth([CLI, '--port', '0']); // warm the file cache
    // Interleaved, so that other work on the machine falls on every kind alike.
    for (let i = 0; i < STARTS; i++) {
      for (const r of runs) r.samples.push(await timeToHealth([CLI, '--port', '0', ...r.args]));
      node.push(await timeToHealth(bareNode));
    }
  } finally {
    for (const r of runs) r.done();
  }
  const fmt = (xs: Sample[]): string[] => {
    const ms = xs.map((x) => x.ms);
    const cpu = xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs!)).toFixed(0) : 'n/a';
    return [median(ms).toFixed(0), Math.min(...ms).toFixed(0), Math.max(...ms).toFixed(0), cpu];
  };
  console.log(`\nStart-up: spawn of the process to the first answered GET /health (${STARTS} runs each, interleaved, ms)`);
  table([
    ['process', 'median', 'min', 'max', 'CPU used (median)'],
    ...runs.map((r) => [`node dist/sofort-sandbox.mjs --port 0 ${r.mode === 'data-dir' ? '--data-dir (empty)' : ''}`.trim(), ...fmt(r.samples)]),
    ['bare node:http server (baseline)', ...fmt(node)],
  ]);
  const bare = median(node.map((x) => x.ms));
  for (const r of runs) {
    const med = median(r.samples.map((x) => x.ms));
    figures.push({
      mode: r.mode,
      what: 'start-up to first /health (median)',
      value: `${med.toFixed(0)} ms`,
      baseline: `${bare.toFixed(0)} ms bare node:http`,
      ratio: `${(med / bare).toFixed(2)}x`,
      goal: `<= ${GOAL.startMs} ms`,
      met: med <= GOAL.startMs,
    });
  }
}

// ---- throughput ---------------------------------------------------------------------------

interface Target {
  name: string;
  /** The server process, whose CPU time per request is measured. */
  pid: number | undefined;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Body per request (create-order needs a fresh order_id each time). */
  body?: () => string;
}

function cannon(t: Target, seconds: number): Promise<Result> {
  return autocannon({
    url: t.url,
    method: t.method,
    headers: t.headers,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    ...(t.body ? { requests: [{ setupRequest: (req) => ({ ...req, body: t.body!() }) }] } : {}),
  });
}

interface Tally {
  requests: number;
  seconds: number;
  /** CPU seconds the server process used during the measured runs (null: not measurable here). */
  cpu: number | null;
  p99: number[];
  non2xx: number;
  errors: number;
}

async function pair(label: string, bare: Target, sandbox: Target): Promise<{ bare: Tally; sandbox: Tally }> {
  const fresh = (): Tally => ({ requests: 0, seconds: 0, cpu: 0, p99: [], non2xx: 0, errors: 0 });
  const tallies = { bare: fresh(), sandbox: fresh() };
  // Warm both up (JIT), then alternate so that noise from other work on the machine falls on both.
  await cannon(bare, 3);
  await cannon(sandbox, 3);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [key, t] of [['bare', bare], ['sandbox', sandbox]] as const) {
      const cpu0 = cpuSecondsOf(t.pid);
      const res = await cannon(t, DURATION);
      const cpu1 = cpuSecondsOf(t.pid);
      const tally = tallies[key];
      tally.cpu = cpu0 === null || cpu1 === null || tally.cpu === null ? null : tally.cpu + (cpu1 - cpu0);
      tally.requests += res.requests.total;
      tally.seconds += res.duration;
      tally.p99.push(res.latency.p99);
      tally.non2xx += res.non2xx;
      tally.errors += res.errors + res.timeouts;
    }
  }
  const rps = (x: Tally): number => x.requests / x.seconds;
  // CPU time per request of the server process: unlike req/s, it hardly moves when other work
  // shares the machine, so it is the steadier figure on a busy host.
  const cpuUs = (x: Tally): string => (x.cpu === null ? 'n/a' : ((x.cpu / x.requests) * 1e6).toFixed(0));
  console.log(`\n${label}: ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s each, alternating`);
  table([
    ['server', 'req/s', 'p99 ms', 'CPU us/req', 'non-2xx', 'errors'],
    ...(['bare', 'sandbox'] as const).map((k) => {
      const x = tallies[k];
      return [(k === 'bare' ? bare : sandbox).name, rps(x).toFixed(0), median(x.p99).toFixed(1), cpuUs(x), String(x.non2xx), String(x.errors)];
    }),
  ]);
  const ratio = rps(tallies.sandbox) / rps(tallies.bare);
  const b = tallies.bare;
  const sb = tallies.sandbox;
  const cpuRatio = b.cpu !== null && sb.cpu !== null ? b.cpu / b.requests / (sb.cpu / sb.requests) : null;
  console.log(
    `${label}: sandbox / bare route = ${(ratio * 100).toFixed(0)}% by req/s` +
      (cpuRatio === null ? '' : `, ${(cpuRatio * 100).toFixed(0)}% by CPU time per request`),
  );
  return tallies;
}

async function throughput(mode: Mode): Promise<void> {
  const m = modeArgs(mode);
  const sandbox = await spawnServer([CLI, '--port', '0', '--max-orders-per-site', '100000000', ...m.args]);
  let bare: Server | null = null;
  const label = mode === 'data-dir' ? ' with --data-dir' : '';
  try {
    const headers = { 'content-type': 'application/json', api_key: API_KEY, accept: 'application/json' };
    // One order to read back, and the sizes of both answers, for the bare route to match.
    const created = await fetch(`${sandbox.url}/v1/json/orders`, { method: 'POST', headers, body: orderBody('bench-get') });
    const createText = await created.text();
    if (created.status !== 200) throw new Error(`create-order answered ${created.status}: ${createText}`);
    const got = await fetch(`${sandbox.url}/v1/json/orders/bench-get`, { headers });
    const getText = await got.text();
    if (got.status !== 200) throw new Error(`get-order answered ${got.status}: ${getText}`);
    const createBytes = Buffer.byteLength(createText);
    const getBytes = Buffer.byteLength(getText);

    bare = await spawnServer(['--import', 'tsx', join(ROOT, 'bench', 'helpers', 'bare-server.ts')], {
      BARE_CREATE_BYTES: String(createBytes),
      BARE_GET_BYTES: String(getBytes),
    });
    const bareCreate = Buffer.byteLength(await (await fetch(`${bare.url}/bare/orders`, { method: 'POST', headers, body: orderBody('x') })).text());
    const bareGet = Buffer.byteLength(await (await fetch(`${bare.url}/bare/orders/x`)).text());
    console.log(`\nAnswer sizes${label}: create-order ${createBytes} B (bare ${bareCreate} B), get-order ${getBytes} B (bare ${bareGet} B)`);

    let n = 0;
    const fresh = (): string => orderBody(`bench-${++n}`);
    const c = await pair(
      `create-order (POST /v1/json/orders)${label}`,
      { name: 'bare Fastify POST route', pid: bare.child.pid, url: `${bare.url}/bare/orders`, method: 'POST', headers, body: fresh },
      { name: 'sandbox POST /v1/json/orders', pid: sandbox.child.pid, url: `${sandbox.url}/v1/json/orders`, method: 'POST', headers, body: fresh },
    );
    const g = await pair(
      `get-order (GET /v1/json/orders/{id})${label}`,
      { name: 'bare Fastify GET route', pid: bare.child.pid, url: `${bare.url}/bare/orders/bench-get`, method: 'GET', headers },
      { name: 'sandbox GET /v1/json/orders/{id}', pid: sandbox.child.pid, url: `${sandbox.url}/v1/json/orders/bench-get`, method: 'GET', headers },
    );
    const rps = (x: Tally): number => x.requests / x.seconds;
    const cpuUs = (x: Tally): number | null => (x.cpu === null ? null : (x.cpu / x.requests) * 1e6);
    for (const [what, x, goal] of [
      ['create-order, share of a bare route', c, GOAL.createShare],
      ['get-order, share of a bare route', g, GOAL.getShare],
    ] as const) {
      const share = rps(x.sandbox) / rps(x.bare);
      const sc = cpuUs(x.sandbox);
      const bc = cpuUs(x.bare);
      // CPU time per request (one server thread): the share an otherwise idle machine would
      // show, whatever else runs here now. It decides the verdict where /proc has it.
      const cpuShare = sc === null || bc === null ? null : bc / sc;
      figures.push({
        mode,
        what: `${what}, by req/s`,
        value: `${rps(x.sandbox).toFixed(0)} req/s`,
        baseline: `${rps(x.bare).toFixed(0)} req/s`,
        ratio: share.toFixed(2),
        goal: `>= ${goal}`,
        met: cpuShare === null ? share >= goal : null,
      });
      if (cpuShare !== null) {
        figures.push({
          mode,
          what: `${what}, by CPU time per request`,
          value: `${sc!.toFixed(0)} us`,
          baseline: `${bc!.toFixed(0)} us`,
          ratio: cpuShare.toFixed(2),
          goal: `>= ${goal}`,
          met: cpuShare >= goal,
        });
      }
    }
  } finally {
    await bare?.stop();
    await sandbox.stop();
    m.done();
  }
}

// ---- memory -------------------------------------------------------------------------------

/**
 * A sandbox process (plain JS from dist/, --expose-gc) that listens like the CLI and, when
 * told "mem" on stdin, prints its memory before and after a full garbage collection.
 */
function memoryServerScript(): string {
  const index = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;
  return `
const { startSandbox } = await import(${JSON.stringify(index)});
const dataDir = process.env.BENCH_DATA_DIR || undefined;
const s = await startSandbox({ port: 0, seed: 'bench', maxOrdersPerSite: 100_000_000, ...(dataDir ? { dataDir } : {}) });
console.log('listening on ' + s.url);
process.stdin.setEncoding('utf8');
process.stdin.on('data', () => {
  const before = process.memoryUsage();
  globalThis.gc(); globalThis.gc();
  console.log('MEM ' + JSON.stringify({ before, after: process.memoryUsage() }));
});
process.stdin.on('end', () => s.close().then(() => process.exit(0)));
process.on('SIGTERM', () => s.close().then(() => process.exit(0)));
`;
}

interface MemReport {
  before: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
}

async function memory(mode: Mode): Promise<void> {
  const m = modeArgs(mode);
  const server = await spawnServer(['--expose-gc', '--input-type=module', '-e', memoryServerScript()], { BENCH_DATA_DIR: m.dir ?? '' }, 30_000, true);
  try {
    const empty = JSON.parse(await ask(server, 'mem', 'MEM ')) as MemReport;
    const emptyIdleRss = rssOf(server.child.pid) ?? empty.after.rss;
    let n = 0;
    const t0 = performance.now();
    const res = await autocannon({
      url: `${server.url}/v1/json/orders`,
      method: 'POST',
      headers: { 'content-type': 'application/json', api_key: API_KEY },
      connections: CONNECTIONS,
      amount: ORDERS,
      requests: [{ setupRequest: (req) => ({ ...req, body: orderBody(`mem-${++n}`) }) }],
    });
    const seconds = (performance.now() - t0) / 1000;
    if (res.non2xx + res.errors > 0) throw new Error(`${res.non2xx} non-2xx answers and ${res.errors} errors while creating orders`);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { orders: number };
    // What `ps` shows a user: the process left to itself (no forced GC) for a few seconds.
    await new Promise((r) => setTimeout(r, 5000));
    const idleRss = rssOf(server.child.pid) ?? null;
    const full = JSON.parse(await ask(server, 'mem', 'MEM ')) as MemReport;
    console.log(`\nMemory${mode === 'data-dir' ? ' with --data-dir' : ''}: one sandbox process, ${health.orders} orders created over HTTP (POST /v1/json/orders, ${seconds.toFixed(0)} s)`);
    table([
      ['', 'rss', 'heap used', 'heap total', 'external'],
      ['empty sandbox, after full GC', mb(empty.after.rss), mb(empty.after.heapUsed), mb(empty.after.heapTotal), mb(empty.after.external)],
      [`${health.orders} orders, idle 5 s`, idleRss === null ? mb(full.before.rss) : mb(idleRss), mb(full.before.heapUsed), mb(full.before.heapTotal), mb(full.before.external)],
      [`${health.orders} orders, after full GC`, mb(full.after.rss), mb(full.after.heapUsed), mb(full.after.heapTotal), mb(full.after.external)],
    ]);
    const heapKb = (full.after.heapUsed - empty.after.heapUsed) / health.orders / 1024;
    const rss = idleRss ?? full.before.rss;
    figures.push({
      mode,
      what: `resident memory after ${health.orders} orders (idle 5 s)`,
      value: mb(rss),
      baseline: `${mb(emptyIdleRss)} empty`,
      ratio: `${((rss - emptyIdleRss) / health.orders / 1024).toFixed(2)} KB/order`,
      goal: `<= ${GOAL.rssMb} MB`,
      met: rss <= GOAL.rssMb * 2 ** 20,
    });
    figures.push({
      mode,
      what: 'heap per order after a full GC',
      value: `${heapKb.toFixed(2)} KB`,
      baseline: `${mb(empty.after.heapUsed)} empty`,
      ratio: '',
      goal: `<= ${GOAL.heapKbPerOrder} KB`,
      met: heapKb <= GOAL.heapKbPerOrder,
    });
  } finally {
    await server.stop();
    m.done();
  }
}

/** The closing table: every figure of the goals beside its baseline from this run. */
function summary(): void {
  if (figures.length === 0) return;
  const load = loadavg()[0]!;
  console.log(`\nSummary (load average ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ': the machine is busy, trust the ratios and CPU times more than req/s and ms' : ''})`);
  // The goals are those of the default (in memory); --data-dir figures are shown for comparison.
  const rows = [
    ['mode', 'figure', 'sandbox', 'baseline (same run)', 'ratio', 'goal', ''],
    ...figures.map((f) => [f.mode, f.what, f.value, f.baseline, f.ratio, f.mode === 'memory' ? f.goal : '', f.mode !== 'memory' || f.met === null ? '' : f.met ? 'met' : 'MISSED']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

export default async function apiBench(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? 'startup,throughput,memory').split(',').map((s) => s.trim());
  const modes = (process.env.BENCH_MODES ?? 'memory,data-dir').split(',').map((s) => s.trim()) as Mode[];
  ensureBuilt();
  console.log(`api benchmark: ${LONG ? 'long' : 'short'} run (${ROUNDS} x ${DURATION} s per pair, ${STARTS} starts, ${ORDERS} orders; BENCH_LONG=1 for a longer one)`);
  if (only.includes('startup')) await startup(modes);
  for (const mode of modes) {
    if (only.includes('throughput')) await throughput(mode);
    if (only.includes('memory')) await memory(mode);
  }
  summary();
}
