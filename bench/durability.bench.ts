/**
 * Durability benchmark (issue 7): what --data-dir costs and what --retention-days saves.
 *
 * 1. create-order throughput over HTTP of the built CLI, in memory vs with --data-dir
 *    (SQLite, WAL, synchronous=NORMAL), alternating rounds, same machine, same run;
 * 2. the store alone: create-order through the engine (no HTTP) with MemoryStore, SQLite
 *    NORMAL (survives kill -9, the sandbox's setting) and SQLite FULL (fsync per commit,
 *    would also survive a power cut), to show where the cost sits;
 * 3. soak: SOAK_ORDERS orders created through the API while the sandbox clock moves 6 hours
 *    per 1000 orders (so 50,000 orders span 12.5 days: each order expires after a day and,
 *    with --retention-days 1, is forgotten a day later); memory after a full GC at
 *    checkpoints, without retention and with it (in memory and with --data-dir), plus the
 *    data file's size;
 * 4. restart: time from spawn to the first answered /health on a data dir holding those orders.
 *
 * Knobs (environment): BENCH_DURATION seconds per measurement (default 10), BENCH_ROUNDS
 * (default 2), BENCH_CONNECTIONS (default 10), SOAK_ORDERS (default 50000), STORE_ORDERS
 * (default 20000; FULL uses a tenth), BENCH_STARTS (default 5), DURABILITY_PARTS (a comma list
 * of http, store, soak, restart; default all).
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, ROOT, ensureBuilt, median, runNode, spawnServer } from './helpers/processes.js';
import { orderBody } from './helpers/order-body.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SOAK_ORDERS = Number(process.env.SOAK_ORDERS ?? 50_000);
const STORE_ORDERS = Number(process.env.STORE_ORDERS ?? 20_000);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const API_KEY = 'bench-api-key-0001';
/** The notification URL is a loopback port nobody listens on: the benchmark never leaves the machine. */
const ORDER = { description: 'Durability benchmark order', notificationUrl: 'http://127.0.0.1:9/webhook' };
const PARTS = new Set((process.env.DURABILITY_PARTS ?? 'http,store,soak,restart').split(',').map((s) => s.trim()));

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sofort-bench-'));
}

// ---- 1. HTTP throughput -------------------------------------------------------------------

async function throughput(): Promise<void> {
  const dir = tempDir();
  const memory = await spawnServer([CLI, '--port', '0', '--max-orders-per-site', '100000000']);
  const durable = await spawnServer([CLI, '--port', '0', '--max-orders-per-site', '100000000', '--data-dir', dir]);
  const headers = { 'content-type': 'application/json', api_key: API_KEY, accept: 'application/json' };
  const servers = [
    { name: 'in memory (default)', url: memory.url, requests: 0, seconds: 0, p99: [] as number[], bad: 0 },
    { name: '--data-dir (SQLite WAL, NORMAL)', url: durable.url, requests: 0, seconds: 0, p99: [] as number[], bad: 0 },
  ];
  try {
    let n = 0;
    const run = (url: string, seconds: number) =>
      autocannon({
        url: `${url}/v1/json/orders`,
        method: 'POST',
        headers,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [{ setupRequest: (req) => ({ ...req, body: orderBody(`bench-${++n}`, ORDER) }) }],
      });
    for (const s of servers) await run(s.url, 3); // warm-up (JIT)
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of servers) {
        const res = await run(s.url, DURATION);
        s.requests += res.requests.total;
        s.seconds += res.duration;
        s.p99.push(res.latency.p99);
        s.bad += res.non2xx + res.errors + res.timeouts;
      }
    }
  } finally {
    await memory.stop();
    await durable.stop();
  }
  const size = statSync(join(dir, 'sandbox.db')).size;
  rmSync(dir, { recursive: true, force: true });
  console.log(`\ncreate-order (POST /v1/json/orders) over HTTP: ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s each, alternating`);
  const rps = (s: (typeof servers)[number]): number => s.requests / s.seconds;
  table([
    ['built CLI', 'req/s', 'p99 ms', 'failed', 'orders'],
    ...servers.map((s) => [s.name, rps(s).toFixed(0), median(s.p99).toFixed(1), String(s.bad), String(s.requests)]),
  ]);
  console.log(`--data-dir keeps ${((rps(servers[1]!) / rps(servers[0]!)) * 100).toFixed(0)}% of in-memory create-order throughput; data file ${mb(size)} after the run`);
}

// ---- 2. the store alone -------------------------------------------------------------------

function storeScript(): string {
  const dist = (p: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', p)).href);
  return `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { resolveConfig } = await import(${dist('config.js')});
const { createContext } = await import(${dist('context.js')});
const { MemoryStore } = await import(${dist('engine/store.js')});
const { SqliteStore } = await import(${dist('engine/sqlite-store.js')});
const { readCreateOrder } = await import(${dist('domain/create-order.js')});
const config = resolveConfig({ seed: 'bench', manualClock: true });
const body = ${orderBody('@ID@', ORDER)};
const out = [];
for (const [name, make, n] of [
  ['MemoryStore', () => new MemoryStore(), ${STORE_ORDERS}],
  ['SqliteStore NORMAL', (d) => new SqliteStore(d, { synchronous: 'NORMAL' }), ${STORE_ORDERS}],
  ['SqliteStore FULL', (d) => new SqliteStore(d, { synchronous: 'FULL' }), ${Math.max(100, Math.round(STORE_ORDERS / 10))}],
]) {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-bench-store-'));
  const ctx = createContext(config, make(dir));
  const inputs = Array.from({ length: n }, (_, i) => readCreateOrder({ ...body, order_id: 'store-' + i }, config.rules));
  const t0 = performance.now();
  for (const input of inputs) ctx.engine.createOrder('${API_KEY}', input);
  const ms = performance.now() - t0;
  out.push({ name, n, ms });
  ctx.engine.close();
  ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
`;
}

async function storeAlone(): Promise<void> {
  const out = await runNode(['--input-type=module', '-e', storeScript()]);
  const rows = JSON.parse(out.trim().split('\n').pop()!) as Array<{ name: string; n: number; ms: number }>;
  console.log('\ncreate-order through the engine alone (no HTTP), one commit per order');
  table([['store', 'orders', 'orders/s', 'µs per order'], ...rows.map((r) => [r.name, String(r.n), ((r.n / r.ms) * 1000).toFixed(0), ((r.ms * 1000) / r.n).toFixed(0)])]);
}

// ---- 3. soak ------------------------------------------------------------------------------

function soakScript(label: string, opts: Record<string, unknown>, orders: number): string {
  const index = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href);
  return `
import { statSync } from 'node:fs';
import { join } from 'node:path';
const { buildApp } = await import(${index});
const opts = ${JSON.stringify(opts)};
const app = await buildApp({ seed: 'soak', manualClock: true, ...opts });
await app.ready();
const headers = { 'content-type': 'application/json', api_key: ${JSON.stringify(API_KEY)}, host: '127.0.0.1:8080' };
const template = ${JSON.stringify(orderBody('@ID@', ORDER))};
const rows = [];
const sample = (created) => {
  globalThis.gc(); globalThis.gc();
  const m = process.memoryUsage();
  const live = app.sandbox.engine.countOrders();
  const file = opts.dataDir ? statSync(join(opts.dataDir, 'sandbox.db')).size : 0;
  rows.push({ created, live, rss: m.rss, heap: m.heapUsed, file });
};
sample(0);
const batch = 1000;
const every = Math.max(batch, Math.round(${orders} / 5 / batch) * batch);
for (let i = 0; i < ${orders}; i += batch) {
  const rs = [];
  for (let j = 0; j < batch; j += 100) {
    rs.push(...await Promise.all(Array.from({ length: 100 }, (_, k) =>
      app.inject({ method: 'POST', url: '/v1/json/orders', headers, payload: template.replace('@ID@', 'soak-' + (i + j + k)) }))));
  }
  for (const r of rs) if (r.statusCode !== 200) throw new Error('create-order answered ' + r.statusCode + ': ' + r.body);
  // Six hours of sandbox time per 1000 orders: orders expire after a day and age out.
  await app.sandbox.engine.clock.advance(6 * 3600000);
  if ((i + batch) % every === 0) sample(i + batch);
}
await app.close();
console.log(JSON.stringify({ label: ${JSON.stringify(label)}, rows }));
`;
}

interface SoakRow {
  created: number;
  live: number;
  rss: number;
  heap: number;
  file: number;
}

async function soak(dir: string): Promise<void> {
  const runs: Array<[string, Record<string, unknown>]> = [
    ['in memory, no retention', {}],
    ['in memory, --retention-days 1', { retentionDays: 1 }],
    ['--data-dir, --retention-days 1', { retentionDays: 1, dataDir: dir }],
  ];
  console.log(`\nSoak: ${SOAK_ORDERS} orders through POST /v1/json/orders (inject), the clock moved 6 h per 1000 orders; memory after a full GC`);
  for (const [label, opts] of runs) {
    const t0 = performance.now();
    const out = await runNode(['--expose-gc', '--input-type=module', '-e', soakScript(label, opts, SOAK_ORDERS)]);
    const r = JSON.parse(out.trim().split('\n').pop()!) as { label: string; rows: SoakRow[] };
    console.log(`\n${label} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    table([
      ['orders created', 'orders kept', 'rss', 'heap used', ...(opts.dataDir ? ['data file'] : [])],
      ...r.rows.map((x) => [String(x.created), String(x.live), mb(x.rss), mb(x.heap), ...(opts.dataDir ? [mb(x.file)] : [])]),
    ]);
  }
}

// ---- 4. restart ---------------------------------------------------------------------------

async function restart(dir: string, label: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    const s = await spawnServer([CLI, '--port', '0', '--data-dir', dir]);
    try {
      for (;;) {
        const res = await fetch(`${s.url}/health`).catch(() => null);
        if (res?.ok) {
          await res.arrayBuffer();
          break;
        }
      }
      times.push(performance.now() - t0);
    } finally {
      await s.stop();
    }
  }
  console.log(`start-up on a data dir holding ${label}: median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, ${STARTS} runs)`);
}

async function fill(dir: string, orders: number): Promise<void> {
  const index = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href);
  await runNode([
    '--input-type=module',
    '-e',
    `const { buildApp } = await import(${index});
const app = await buildApp({ dataDir: ${JSON.stringify(dir)}, manualClock: true });
const headers = { 'content-type': 'application/json', api_key: ${JSON.stringify(API_KEY)} };
const template = ${JSON.stringify(orderBody('@ID@', ORDER))};
for (let i = 0; i < ${orders}; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => app.inject({ method: 'POST', url: '/v1/json/orders', headers, payload: template.replace('@ID@', 'fill-' + (i + k)) })));
await app.close();`,
  ]);
}

export default async function durabilityBench(): Promise<void> {
  ensureBuilt();
  if (PARTS.has('http')) await throughput();
  if (PARTS.has('store')) await storeAlone();
  const soakDir = tempDir();
  const fullDir = tempDir();
  try {
    if (PARTS.has('soak')) await soak(soakDir);
    if (PARTS.has('restart')) {
      console.log('');
      if (PARTS.has('soak')) await restart(soakDir, 'the soak run (retention on)');
      await fill(fullDir, SOAK_ORDERS);
      await restart(fullDir, `${SOAK_ORDERS} open orders`);
    }
  } finally {
    rmSync(soakDir, { recursive: true, force: true });
    rmSync(fullDir, { recursive: true, force: true });
  }
}
