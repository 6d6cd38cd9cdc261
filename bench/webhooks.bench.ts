/**
 * Webhook benchmark (issue 4): notifications per second delivered to a local receiver,
 * and the time from a status change to the acknowledged delivery at zero configured
 * delay while changes arrive at a steady rate (target: p99 under 20 ms at 1,000/s).
 *
 * The sandbox runs in this process (the dispatcher is what is measured; orders are made
 * and paid through the engine, not HTTP), the receiver in a child process answering `OK`,
 * as a merchant's server would be. Latency is measured in this process from the
 * engine.transition() call to the dispatcher's delivery event (acknowledgement received).
 *
 * Knobs (environment): BENCH_WEBHOOKS notifications for the throughput run (default
 * 20000), BENCH_WEBHOOK_RATE changes per second for the latency run (default 1000),
 * BENCH_WEBHOOK_SECONDS length of the latency run (default 10).
 * Run alone: `npm run bench -- webhooks`.
 */
import { cpus, loadavg } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/index.js';
import { readCreateOrder } from '../src/domain/create-order.js';
import { spawnServer } from './helpers/processes.js';
import type { Server } from './helpers/processes.js';

const TOTAL = Number(process.env.BENCH_WEBHOOKS ?? 20_000);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const SITE = 'bench-api-key-0001';
const TARGET_P99_MS = 20;

const RECEIVER = `
const http = require('http');
http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'content-type': 'text/plain'}); res.end('OK'); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function sandbox(): Promise<FastifyInstance> {
  const app = await buildApp({ seed: 'bench', webhooks: { delayMs: 0, logLimit: TOTAL + RATE * SECONDS + 10 } });
  await app.ready();
  return app;
}

/** Make `n` orders notifying `url`; returns their transaction ids. */
function makeOrders(app: FastifyInstance, url: string, n: number, prefix: string): number[] {
  const engine = app.sandbox.engine;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const input = readCreateOrder(
      {
        type: 'redirect',
        gateway: 'DIRECTBANK',
        order_id: `${prefix}-${i}`,
        currency: 'EUR',
        amount: 1000,
        description: 'Benchmark order',
        payment_options: { notification_url: url },
        customer: { locale: 'de_DE', country: 'DE', email: 'shopper@example.com' },
      },
      engine.rules,
    );
    const order = engine.createOrder(SITE, input);
    out.push(order.transaction_id);
  }
  return out;
}

const BANK = { account_holder_name: 'Max Mustermann', account_iban: 'DE89370400440532013000', account_bic: 'COBADEFFXXX' };

function payAll(app: FastifyInstance, txs: number[]): void {
  for (const tx of txs) app.sandbox.engine.transition(SITE, tx, { kind: 'authorise', bank: BANK, external_transaction_id: 'BENCH' }, 'bank');
}

async function throughput(receiver: Server): Promise<string[]> {
  const app = await sandbox();
  try {
    const txs = makeOrders(app, `${receiver.url}/hook`, TOTAL, 'tp');
    let delivered = 0;
    let failed = 0;
    const done = new Promise<void>((resolve) => {
      app.sandbox.webhooks.onDelivery((rec) => {
        if (rec.state === 'delivered') delivered++;
        else failed++;
        if (delivered + failed === TOTAL) resolve();
      });
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    payAll(app, txs);
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time of this process per notification: what the dispatcher costs, whatever else runs on the machine.
    const cpuPer = (cpu.user + cpu.system) / TOTAL;
    return [`burst of ${TOTAL} changes`, `${Math.round(TOTAL / seconds)}/s`, `${seconds.toFixed(2)} s`, `${Math.round(cpuPer)} µs`, String(delivered), String(failed)];
  } finally {
    await app.close();
  }
}

async function latency(receiver: Server): Promise<{ row: string[]; p99: number }> {
  const app = await sandbox();
  try {
    const total = RATE * SECONDS;
    const txs = makeOrders(app, `${receiver.url}/hook`, total, 'lat');
    const changedAt = new Map<number, number>();
    const lat: number[] = [];
    const done = new Promise<void>((resolve) => {
      app.sandbox.webhooks.onDelivery((rec) => {
        const t = changedAt.get(rec.transaction_id);
        if (t !== undefined && rec.state === 'delivered') lat.push(performance.now() - t);
        if (lat.length === total) resolve();
      });
    });
    // Changes at a steady rate: a batch every 10 ms, as many as the rate asks for.
    const tick = 10;
    const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
    const t0 = performance.now();
    for (let i = 0; i < total; i += perTick) {
      const due = t0 + (i / perTick) * tick;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (const tx of txs.slice(i, i + perTick)) {
        changedAt.set(tx, performance.now());
        app.sandbox.engine.transition(SITE, tx, { kind: 'authorise', bank: BANK, external_transaction_id: 'BENCH' }, 'bank');
      }
    }
    const sent = (performance.now() - t0) / 1000;
    await done;
    lat.sort((a, b) => a - b);
    const f = (ms: number): string => `${ms.toFixed(1)} ms`;
    const p99 = percentile(lat, 99);
    return {
      row: [`${Math.round(total / sent)}/s for ${SECONDS} s`, f(percentile(lat, 50)), f(percentile(lat, 90)), f(p99), f(lat.at(-1) ?? NaN), p99 < TARGET_P99_MS ? 'target met' : 'TARGET MISSED'],
      p99,
    };
  } finally {
    await app.close();
  }
}

export default async function (): Promise<void> {
  const receiver = await spawnServer(['-e', RECEIVER]);
  const load = loadavg()[0] ?? 0;
  if (load > cpus().length) console.log(`note: load average ${load.toFixed(1)} on ${cpus().length} cores: other work competes, figures are pessimistic`);
  try {
    console.log('Notifications delivered to a local receiver (separate process answering OK), zero delay, default concurrency (16, 8 per receiver):');
    table([['run', 'rate', 'time', 'CPU/notification', 'delivered', 'not acked'], await throughput(receiver)]);
    console.log(`\nStatus change -> acknowledged delivery, changes at a steady ${RATE}/s (target p99 < ${TARGET_P99_MS} ms):`);
    const { row } = await latency(receiver);
    table([['changes', 'p50', 'p90', 'p99', 'max', 'verdict'], row]);
  } finally {
    await receiver.stop();
  }
}

