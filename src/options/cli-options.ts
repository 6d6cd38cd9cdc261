/** Command-line flags and environment variables to SandboxOptions (the CLI's only logic). */
import { parseArgs } from 'node:util';
import type { SandboxOptions } from './config.js';
import { ConfigError } from './config.js';
import { readEnvFlag } from './env-flag.js';
import { WEBHOOK_FLAGS, WEBHOOK_HELP, webhookCliOptions } from './webhook-cli.js';
import { AFTER_PAYMENT_FLAGS, AFTER_PAYMENT_HELP, afterPaymentCliOptions } from './after-payment-cli.js';
import { PARITY_FLAGS, PARITY_HELP, parityCliOptions } from './parity-cli.js';

export const HELP = `sofort-sandbox: a local MultiSafepay API with Sofort (DIRECTBANK), payment page and fake bank

Usage: sofort-sandbox [options]

  --port <n>          port to listen on (env PORT, default 8080; 0 = any free port)
  --host <addr>       interface to listen on (env HOST, default 127.0.0.1; 0.0.0.0 in Docker)
  --api-key <key>     accept only this API key; repeat for more (env API_KEYS, comma-separated;
                      default: any key of 5+ characters, each key its own site)
  --time-scale <x>    sandbox time runs x times faster (env TIME_SCALE, default 1; 3600 = 1 h/s)
  --manual-clock      freeze the clock; it moves only when advanced (env CLOCK=manual)
  --start-time <iso>  start the sandbox clock at this instant (env START_TIME)
  --countries <list>  Sofort countries, comma-separated (env COUNTRIES, default AT,BE,DE,IT,ES,CH,PL)
  --seed <s>          seed for ids and seeded faults (env SEED)
  --public-url <url>  base URL for payment_url links (env PUBLIC_URL; default from the Host header)
  --data-dir <dir>    keep orders, webhooks and clocks in SQLite in <dir>, across restarts
                      (env DATA_DIR; default: in memory, gone when the process stops)
  --retention-days <n>  forget orders untouched for n days of sandbox time (env RETENTION_DAYS)
  --control-token <t> require this token on the control API /_sandbox (header x-sandbox-token
                      or ?token=; env CONTROL_TOKEN)
  --control-allow-remote  answer control and dashboard calls from other hosts than loopback
                      (env CONTROL_ALLOW_REMOTE=1; the Docker image sets it). Without
                      --control-token the sandbox makes a token, keeps it in the data dir
                      and prints it at start
  --control-open      with --control-allow-remote and no token: stay open to anyone who
                      reaches the port (env CONTROL_OPEN=1; warned at every start)
  --allowed-host <h>  also serve the control plane and dashboard under this host name while
                      listening on loopback (DNS-rebinding defence; .example allows every name
                      under it); repeat for more (env ALLOWED_HOSTS, comma-separated)
  --max-orders-per-site <n>  orders one API key may hold (env MAX_ORDERS_PER_SITE, default 100000)
  --data-max-mb <n>   largest size of the data file in MiB (env DATA_MAX_MB; default no limit)
  --scenarios <file>  load scenario/failure rule presets (JSON); repeat for more, or a shipped
                      preset name from fixtures/scenarios (env SCENARIOS_FILE, comma-separated)
${WEBHOOK_HELP}${AFTER_PAYMENT_HELP}${PARITY_HELP}  --log               log every request (env LOG=1)
  -h, --help          show this help
`;

type Env = Record<string, string | undefined>;

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`${name}: "${v}" is not a number`);
  return n;
}

function list(v: string | undefined): string[] | undefined {
  if (v === undefined || v === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Flags and environment to options. Exported for tests. */
export function parseCli(argv: string[], env: Env): SandboxOptions & { help?: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'time-scale': { type: 'string' },
      'manual-clock': { type: 'boolean' },
      'start-time': { type: 'string' },
      countries: { type: 'string' },
      seed: { type: 'string' },
      'public-url': { type: 'string' },
      log: { type: 'boolean' },
      'control-token': { type: 'string' },
      'control-allow-remote': { type: 'boolean' },
      'control-open': { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      'max-orders-per-site': { type: 'string' },
      'data-max-mb': { type: 'string' },
      scenarios: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      'retention-days': { type: 'string' },
      ...WEBHOOK_FLAGS,
      ...AFTER_PAYMENT_FLAGS,
      ...PARITY_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const fail = (option: string, message: string): never => {
    throw new ConfigError(`${option}: ${message}`);
  };
  const opts: SandboxOptions & { help?: boolean } = {};
  if (values.help) opts.help = true;
  const port = num('--port', values.port ?? env.PORT);
  opts.port = port ?? 8080;
  opts.host = values.host ?? env.HOST ?? '127.0.0.1';
  const keys = values['api-key'] ?? list(env.API_KEYS);
  if (keys) opts.apiKeys = keys;
  const scale = num('--time-scale', values['time-scale'] ?? env.TIME_SCALE);
  if (scale !== undefined) opts.timeScale = scale;
  if (values['manual-clock'] || env.CLOCK === 'manual') opts.manualClock = true;
  const start = values['start-time'] ?? env.START_TIME;
  if (start) opts.startTime = start;
  const countries = list(values.countries ?? env.COUNTRIES);
  if (countries) opts.countries = countries;
  const seed = values.seed ?? env.SEED;
  if (seed) opts.seed = seed;
  const pub = values['public-url'] ?? env.PUBLIC_URL;
  if (pub) opts.publicUrl = pub;
  if (values.log || readEnvFlag('LOG', env.LOG, fail)) opts.logger = true;
  const controlToken = values['control-token'] ?? env.CONTROL_TOKEN;
  if (controlToken) opts.controlToken = controlToken;
  if (values['control-allow-remote'] || readEnvFlag('CONTROL_ALLOW_REMOTE', env.CONTROL_ALLOW_REMOTE, fail)) opts.controlAllowRemote = true;
  if (values['control-open'] || readEnvFlag('CONTROL_OPEN', env.CONTROL_OPEN, fail)) opts.controlOpen = true;
  const allowedHosts = values['allowed-host'] ?? list(env.ALLOWED_HOSTS);
  if (allowedHosts) opts.allowedHosts = allowedHosts;
  const maxOrders = num('--max-orders-per-site', values['max-orders-per-site'] ?? env.MAX_ORDERS_PER_SITE);
  if (maxOrders !== undefined) opts.maxOrdersPerSite = maxOrders;
  const dataMax = num('--data-max-mb', values['data-max-mb'] ?? env.DATA_MAX_MB);
  if (dataMax !== undefined) opts.dataMaxMb = dataMax;
  const scenarioFiles = values.scenarios ?? list(env.SCENARIOS_FILE);
  if (scenarioFiles) opts.scenarioFiles = scenarioFiles;
  const dataDir = values['data-dir'] ?? env.DATA_DIR;
  if (dataDir) opts.dataDir = dataDir;
  const retention = num('--retention-days', values['retention-days'] ?? env.RETENTION_DAYS);
  if (retention !== undefined) opts.retentionDays = retention;
  const webhooks = webhookCliOptions(values, env, fail);
  if (webhooks) opts.webhooks = webhooks;
  Object.assign(opts, afterPaymentCliOptions(values, env, fail));
  Object.assign(opts, parityCliOptions(values, env));
  return opts;
}

