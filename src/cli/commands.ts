/**
 * The terminal client: `sofort-sandbox <command>` talks to a running sandbox, as the Stripe
 * CLI talks to Stripe. Each command is thin over the typed control client (SandboxControl);
 * output is for people by default and one JSON document (or one per line for streams) with
 * --json. Exit codes are in EXIT (io.ts).
 */
import { parseArgs } from 'node:util';
import { ControlClientError } from '../client/control-client.js';
import { SCENARIOS } from '../domain/scenarios.js';
import { FINANCIAL_STATUSES, ORDER_STATUSES } from '../domain/statuses.js';
import type { WaitStatus } from '../client/control-client.js';
import type { Scenario } from '../domain/scenarios.js';
import type { Connection } from './connection.js';
import { connect, UsageError } from './connection.js';
import { readEvents } from './event-source.js';
import { eventLine, orderDetailLines, orderLines, ruleLines } from './format.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { listen } from './listen.js';
import { trigger } from './trigger.js';

export const CLIENT_HELP = `Terminal client (talks to a running sandbox):

  sofort-sandbox listen --forward-to <url>   forward every notification of the site to a local URL, signed
  sofort-sandbox trigger <scenario>          create an order and play it to: ${SCENARIOS.join(', ')}
      [--amount <cents>] [--order-id <id>] [--notification-url <url>] [--type redirect|direct]
  sofort-sandbox logs [--follow]             API calls, status changes and notifications (--follow: as they happen)
  sofort-sandbox orders [--status <s>] [--limit <n>] [--search <text>]
  sofort-sandbox order <id>                  one order: timeline, pending work, notifications
  sofort-sandbox pay <id> <outcome>          play an order to an outcome now (as the shopper at the bank)
  sofort-sandbox advance <duration>          move the clock on (90s, 15m, 24h, 1d2h); due work runs
  sofort-sandbox wait <id> <status> [--timeout <duration>]   until the order reaches the status
  sofort-sandbox reset                       forget the site's orders (all sites without --api-key)
  sofort-sandbox rules                       scenario rules, API failure rules and notification rules in force

  Every command: --url <origin> (env SOFORT_SANDBOX_URL, default http://127.0.0.1:8080),
  --api-key <key> (env SOFORT_SANDBOX_API_KEY: the site), --token <t> (env SOFORT_SANDBOX_TOKEN:
  the control token), --json (machine-readable output).
  Exit codes: 0 done, 1 the sandbox refused, 2 wrong usage, 3 no sandbox at --url, 4 wait timed out.
`;

export const CLIENT_COMMANDS = new Set(['listen', 'trigger', 'logs', 'orders', 'order', 'pay', 'advance', 'wait', 'reset', 'rules']);

const OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'forward-to': { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  status: { type: 'string' },
  limit: { type: 'string' },
  search: { type: 'string' },
  timeout: { type: 'string' },
  amount: { type: 'string' },
  currency: { type: 'string' },
  'order-id': { type: 'string' },
  'notification-url': { type: 'string' },
  type: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function positional(args: string[], n: number, what: string, command: string): string {
  const v = args[n];
  if (v === undefined || v === '') throw new UsageError(`${command} needs ${what}`);
  return v;
}

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit: a whole number from 1; got ${JSON.stringify(raw)}`);
  return n;
}

async function run(command: string, args: string[], values: Values, conn: Connection, io: CliIo): Promise<number> {
  const json = values.json === true;
  const print = (data: unknown, human: () => string[]): void => {
    if (json) io.out(JSON.stringify(data));
    else for (const line of human()) io.out(line);
  };
  const control = conn.control;
  /** A status named on the command line, checked here so a typo is a usage error (exit 2), not a refusal. */
  const statusArg = (v: string, what: string): WaitStatus => {
    const known: readonly string[] = [...ORDER_STATUSES, ...FINANCIAL_STATUSES];
    if (!known.includes(v)) throw new UsageError(`${what}: ${JSON.stringify(v.slice(0, 40))} is not a status; use one of ${[...new Set(known)].join(', ')}`);
    return v as WaitStatus;
  };
  switch (command) {
    case 'listen':
      return listen(conn, values['forward-to'], json, io);
    case 'trigger':
      return trigger(conn, args[0], { amount: values.amount, currency: values.currency, orderId: values['order-id'], notificationUrl: values['notification-url'], type: values.type }, json, io);
    case 'orders': {
      const limit = limitOf(values.limit);
      const orders = await control.orders({ ...(values.status ? { status: statusArg(values.status, 'orders --status') } : {}), ...(values.search ? { q: values.search } : {}), ...(limit ? { limit } : {}) });
      print({ orders }, () => orderLines(orders));
      return EXIT.ok;
    }
    case 'order': {
      const id = positional(args, 0, 'an order id (the order_id or transaction id)', 'order');
      const detail = await control.order(id);
      // The delivery log belongs to a site: the order's own, even when --api-key was not given.
      const deliveries = await control.forSite(detail.site).webhooks(detail.order_id);
      print({ ...detail, notifications: deliveries }, () => orderDetailLines(detail, deliveries));
      return EXIT.ok;
    }
    case 'pay': {
      const id = positional(args, 0, 'an order id and an outcome, e.g. pay order-1 completed', 'pay');
      const outcome = positional(args, 1, `an outcome: ${SCENARIOS.join(', ')}`, 'pay');
      if (!(SCENARIOS as readonly string[]).includes(outcome)) throw new UsageError(`pay: the outcome is one of ${SCENARIOS.join(', ')}; got ${JSON.stringify(outcome.slice(0, 40))}`);
      const r = await control.outcome(id, outcome as Scenario, { delay: 0 });
      print(r, () => [`order ${String(r.order.order_id)} is ${r.order.status}/${r.order.financial_status}${r.played ? '' : ` (${outcome} plays when the order expires)`}`]);
      return EXIT.ok;
    }
    case 'advance': {
      const by = positional(args, 0, 'a duration, e.g. advance 24h (or 90s, 15m, 1d2h)', 'advance');
      const clock = await control.advance(by);
      print(clock, () => [`clock ${clock.from ?? ''} -> ${clock.now}; ${clock.fired ?? 0} due job${clock.fired === 1 ? '' : 's'} ran; ${clock.pending_jobs} pending`]);
      return EXIT.ok;
    }
    case 'wait': {
      const id = positional(args, 0, 'an order id and a status, e.g. wait order-1 completed', 'wait');
      const status = positional(args, 1, 'a status to wait for, e.g. completed', 'wait');
      try {
        const r = await control.waitFor(id, statusArg(status, 'wait'), values.timeout ? { timeout: values.timeout } : {});
        print(r, () => [`order ${String(r.order_id)} is ${r.status}/${r.financial_status} (waited ${r.waited_ms} ms)`]);
        return EXIT.ok;
      } catch (err) {
        if (err instanceof ControlClientError && err.status === 408) {
          io.err(`sofort-sandbox wait: ${err.message}`);
          return EXIT.timeout;
        }
        throw err;
      }
    }
    case 'reset': {
      // A JSON body (empty): control writes are JSON requests.
      const r = await control.request<{ reset: Record<string, unknown> }>('POST', '/reset', {});
      print(r.reset, () => [`reset ${conn.apiKey === null ? 'the whole sandbox' : `site ${conn.apiKey.slice(0, 4)}…`}: ${Object.entries(r.reset).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`]);
      return EXIT.ok;
    }
    case 'rules': {
      const [scenarios, failures] = await Promise.all([control.scenarios(), control.failures()]);
      // One book for both targets; shown apart because they shape different things.
      const apiRules = failures.filter((r) => r.target !== 'notification');
      const notificationRules = failures.filter((r) => r.target === 'notification');
      print({ scenarios, failures }, () => [...ruleLines('scenario rules', scenarios), ...ruleLines('API failure rules', apiRules), ...ruleLines('notification rules', notificationRules)]);
      return EXIT.ok;
    }
    case 'logs': {
      if (!values.follow) {
        const entries = (await control.journal(limitOf(values.limit) ? { limit: limitOf(values.limit)! } : {})).reverse();
        print({ entries }, () => (entries.length === 0 ? ['no API calls yet'] : entries.map((e) => eventLine({ type: 'api', data: { ...e, http_status: e.status } }))));
        return EXIT.ok;
      }
      await readEvents(conn, [], io.signal, ({ type, data }) => {
        if (type === 'ready') {
          if (!json) io.out(`Following ${conn.apiKey === null ? 'every site' : `site ${conn.apiKey.slice(0, 4)}…`} at ${conn.url} (Ctrl-C to stop)`);
          else io.out(JSON.stringify(data));
          return;
        }
        io.out(json ? JSON.stringify(data) : eventLine({ type, data }));
      });
      return EXIT.ok;
    }
    /* c8 ignore next 2 -- CLIENT_COMMANDS lists exactly the cases above */
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/** Run one client command (argv without the program name); resolves with the exit code. */
export async function runClient(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  let conn: Connection;
  let values: Values;
  let args: string[];
  try {
    if (!command || !CLIENT_COMMANDS.has(command)) throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`);
    const parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    values = parsed.values;
    args = parsed.positionals;
    if (values.help) {
      io.out(CLIENT_HELP);
      return EXIT.ok;
    }
    conn = connect(values, io.env);
  } catch (err) {
    io.err(`sofort-sandbox: ${(err as Error).message}\n\n${CLIENT_HELP}`);
    return EXIT.usage;
  }
  try {
    return await run(command, args, values, conn, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`sofort-sandbox ${command}: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof ControlClientError) {
      io.err(`sofort-sandbox ${command}: ${err.message}`);
      return EXIT.refused;
    }
    const cause = (err as Error).cause as { code?: string } | undefined;
    if (err instanceof TypeError && (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'EHOSTUNREACH' || (err as Error).message === 'fetch failed')) {
      io.err(`sofort-sandbox ${command}: no sandbox answers at ${conn.url} (${cause?.code ?? 'fetch failed'}); start one with \`sofort-sandbox\` or pass --url / SOFORT_SANDBOX_URL`);
      return EXIT.unreachable;
    }
    throw err;
  }
}

