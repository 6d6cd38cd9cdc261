#!/usr/bin/env node
/**
 * sofort-sandbox CLI: a thin shell over startSandbox(). Flags win over environment
 * variables, which win over defaults. SIGINT/SIGTERM close the server cleanly.
 * `sofort-sandbox <command>` (listen, trigger, logs, orders, ...) is the terminal client
 * of a running sandbox instead (src/cli/commands.ts).
 */
import { randomInt } from 'node:crypto';
import { ConfigError } from './options/config.js';
import { HELP, parseCli } from './options/cli-options.js';
import { CLIENT_COMMANDS, CLIENT_HELP, runClient } from './cli/commands.js';
import { startSandbox } from './index.js';

async function client(argv: string[]): Promise<void> {
  const stop = new AbortController();
  // Ctrl-C ends `listen` and `logs --follow` with exit code 0, as the Stripe CLI does.
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const code = await runClient(argv, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    signal: stop.signal,
    now: () => Date.now(),
    random: () => randomInt(2 ** 47) / 2 ** 47,
  });
  process.exit(code);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] !== undefined && CLIENT_COMMANDS.has(argv[0])) return client(argv);
  let opts: ReturnType<typeof parseCli>;
  try {
    opts = parseCli(argv, process.env);
  } catch (err) {
    console.error(`sofort-sandbox: ${(err as Error).message}\n\n${HELP}\n${CLIENT_HELP}`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(`${HELP}\n${CLIENT_HELP}`);
    return;
  }
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(opts);
  } catch (err) {
    console.error(`sofort-sandbox: cannot start: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  const key = opts.apiKeys?.[0] ?? 'my-test-api-key';
  console.log(`sofort-sandbox listening on ${sandbox.url}`);
  console.log(`MultiSafepay API base: ${sandbox.apiUrl}`);
  // Like Jupyter: the address to open, with a token the sandbox made, once at start (the dashboard
  // turns it into a session cookie). A token the user chose is theirs to know: not echoed into logs.
  const source = sandbox.app.sandbox.config.controlTokenSource;
  console.log(source === 'option' ? `Dashboard: ${sandbox.url}/dashboard (log in with the control token)` : `Dashboard: ${sandbox.dashboardUrl}`);
  if (source === 'generated' || source === 'stored') {
    console.log(`Control token (x-sandbox-token header or ?token=): ${sandbox.controlToken ?? ''}`);
    console.log(
      source === 'generated'
        ? `  made for this sandbox because it answers beyond loopback${sandbox.app.sandbox.config.dataDir !== null ? '; kept in the data directory for the next start' : ''}; set CONTROL_TOKEN to choose one`
        : '  read from the data directory (made at the first start); set CONTROL_TOKEN to choose one',
    );
  }
  console.log('Create an order:');
  console.log(
    `  curl -s -X POST ${sandbox.apiUrl}orders -H 'api_key: ${key}' -H 'Content-Type: application/json' ` +
      `-d '{"type":"redirect","gateway":"DIRECTBANK","order_id":"order-1","currency":"EUR","amount":1000,"description":"Test order","customer":{"country":"DE","locale":"de_DE"}}'`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`sofort-sandbox: ${signal} received, closing`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('sofort-sandbox: error while closing', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error("sofort-sandbox: cannot start:", err);
  process.exit(1);
});
