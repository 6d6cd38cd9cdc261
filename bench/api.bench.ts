/**
 * API benchmark (issue 2): create-order and get-order throughput and p99 latency of the
 * built sandbox beside a bare Fastify route answering a JSON body of the same size, in the
 * same run on the same machine; time from process start to the first answered /health;
 * memory of a sandbox process after 100,000 orders created over HTTP.
 *
 * Knobs (environment): BENCH_DURATION seconds per measurement (default 10), BENCH_ROUNDS
 * alternating rounds per pair (default 2), BENCH_CONNECTIONS (default 10), BENCH_ORDERS
 * (default 100000), BENCH_STARTS start-up samples (default 9), BENCH_ONLY a comma-separated
 * subset of startup,throughput,memory.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, ROOT, ask, cpuSecondsOf, ensureBuilt, median, rssOf, spawnServer } from './helpers/processes.js';
import type { Server } from './helpers/processes.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const STARTS = Number(process.env.BENCH_STARTS ?? 9);
const API_KEY = 'bench-api-key-0001';

const TARGET_RATIO = 0.5;
const TARGET_START_MS = 400;
const TARGET_RSS_MB = 300;

/** The create-order body the benchmark sends (a fresh order_id per request). */
function orderBody(orderId: string): string {
  return JSON.stringify({
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: orderId,
    currency: 'EUR',
    amount: 1000,
    description: 'Benchmark order',
    payment_options: {
      notification_url: 'https://shop.example/webhook',
      redirect_url: 'https://shop.example/success',
      cancel_url: 'https://shop.example/cancel',
    },
    customer: { locale: 'de_DE', country: 'DE', email: 'shopper@example.com' },
  });
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const verdict = (ok: boolean): string => (ok ? 'target met' : 'TARGET MISSED');

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

async function startup(): Promise<void> {
  // For scale: the same measurement for a Node http server that does nothing.
  const bareNode = [
    '-e',
    "require('http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})",
  ];
  const sandbox: Array<{ ms: number; cpuMs: number | null }> = [];
  const node: Array<{ ms: number; cpuMs: number | null }> = [];
  await timeToHealth([CLI, '--port', '0']); // warm the file cache
  for (let i = 0; i < STARTS; i++) {
    sandbox.push(await timeToHealth([CLI, '--port', '0']));
    node.push(await timeToHealth(bareNode));
  }
  const fmt = (xs: Array<{ ms: number; cpuMs: number | null }>): string[] => {
    const ms = xs.map((x) => x.ms);
    const cpu = xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs!)).toFixed(0) : 'n/a';
    return [median(ms).toFixed(0), Math.min(...ms).toFixed(0), Math.max(...ms).toFixed(0), cpu];
  };
  console.log(`\nStart-up: spawn of the process to the first answered GET /health (${STARTS} runs, ms)`);
  table([
    ['process', 'median', 'min', 'max', 'CPU used (median)'],
    ['node dist/sofort-sandbox.mjs --port 0', ...fmt(sandbox)],
    ['bare node:http server (for scale)', ...fmt(node)],
  ]);
  const med = median(sandbox.map((x) => x.ms));
  console.log(`start-up median ${med.toFixed(0)} ms vs target < ${TARGET_START_MS} ms: ${verdict(med < TARGET_START_MS)}`);
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

async function throughput(): Promise<void> {
  const sandbox = await spawnServer([CLI, '--port', '0']);
  let bare: Server | null = null;
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
    console.log(`\nAnswer sizes: create-order ${createBytes} B (bare ${bareCreate} B), get-order ${getBytes} B (bare ${bareGet} B)`);

    let n = 0;
    const fresh = (): string => orderBody(`bench-${++n}`);
    const c = await pair(
      'create-order (POST /v1/json/orders)',
      { name: 'bare Fastify POST route', pid: bare.child.pid, url: `${bare.url}/bare/orders`, method: 'POST', headers, body: fresh },
      { name: 'sandbox POST /v1/json/orders', pid: sandbox.child.pid, url: `${sandbox.url}/v1/json/orders`, method: 'POST', headers, body: fresh },
    );
    const g = await pair(
      'get-order (GET /v1/json/orders/{id})',
      { name: 'bare Fastify GET route', pid: bare.child.pid, url: `${bare.url}/bare/orders/bench-get`, method: 'GET', headers },
      { name: 'sandbox GET /v1/json/orders/{id}', pid: sandbox.child.pid, url: `${sandbox.url}/v1/json/orders/bench-get`, method: 'GET', headers },
    );
    const ratio = (x: { bare: Tally; sandbox: Tally }): number => x.sandbox.requests / x.sandbox.seconds / (x.bare.requests / x.bare.seconds);
    const cpuRatio = (x: { bare: Tally; sandbox: Tally }): number | null =>
      x.bare.cpu === null || x.sandbox.cpu === null ? null : x.bare.cpu / x.bare.requests / (x.sandbox.cpu / x.sandbox.requests);
    const pct = (r: number | null): string => (r === null ? 'n/a' : `${(r * 100).toFixed(0)}%`);
    // The verdict uses CPU time per request where /proc has it: with one server thread, that is
    // the throughput ratio an otherwise idle machine would show, whatever else runs here now.
    const judged = cpuRatio(c) ?? ratio(c);
    console.log(`\ncreate-order: ${pct(cpuRatio(c))} of the bare route by CPU time per request, ${pct(ratio(c))} by req/s; target >= ${TARGET_RATIO * 100}%: ${verdict(judged >= TARGET_RATIO)}`);
    console.log(`get-order: ${pct(cpuRatio(g))} of the bare route by CPU time per request, ${pct(ratio(g))} by req/s (no target)`);
  } finally {
    await bare?.stop();
    await sandbox.stop();
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
const s = await startSandbox({ port: 0, seed: 'bench' });
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

async function memory(): Promise<void> {
  const server = await spawnServer(['--expose-gc', '--input-type=module', '-e', memoryServerScript()], {}, 30_000, true);
  try {
    const empty = JSON.parse(await ask(server, 'mem', 'MEM ')) as MemReport;
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
    const idleRss = rssOf(server.child.pid);
    const full = JSON.parse(await ask(server, 'mem', 'MEM ')) as MemReport;
    console.log(`\nMemory: one sandbox process, ${health.orders} orders created over HTTP (POST /v1/json/orders, ${seconds.toFixed(0)} s)`);
    table([
      ['', 'rss', 'heap used', 'heap total', 'external'],
      ['empty sandbox, after full GC', mb(empty.after.rss), mb(empty.after.heapUsed), mb(empty.after.heapTotal), mb(empty.after.external)],
      [`${health.orders} orders, idle 5 s`, idleRss === null ? mb(full.before.rss) : mb(idleRss), mb(full.before.heapUsed), mb(full.before.heapTotal), mb(full.before.external)],
      [`${health.orders} orders, after full GC`, mb(full.after.rss), mb(full.after.heapUsed), mb(full.after.heapTotal), mb(full.after.external)],
    ]);
    console.log(`heap per order: ${((full.after.heapUsed - empty.after.heapUsed) / health.orders / 1024).toFixed(2)} KB`);
    const rss = idleRss ?? full.before.rss;
    console.log(`RSS ${mb(rss)} (idle, no forced GC) vs target < ${TARGET_RSS_MB} MB: ${verdict(rss < TARGET_RSS_MB * 2 ** 20)}`);
  } finally {
    await server.stop();
  }
}

export default async function apiBench(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? 'startup,throughput,memory').split(',').map((s) => s.trim());
  ensureBuilt();
  if (only.includes('startup')) await startup();
  if (only.includes('throughput')) await throughput();
  if (only.includes('memory')) await memory();
}
