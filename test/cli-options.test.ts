/**
 * CLI flags and environment variables to options: every core flag, its env var, flags over
 * env, defaults, and refusals that name the flag.
 */
import t from 'tap';
import { HELP, parseCli } from '../src/options/cli-options.js';

t.test('defaults: port 8080 on 127.0.0.1, nothing else set', async (t) => {
  const o = parseCli([], {});
  t.equal(o.port, 8080);
  t.equal(o.host, '127.0.0.1');
  t.equal(o.apiKeys, undefined, 'open keys');
  t.equal(o.manualClock, undefined);
  t.equal(o.help, undefined);
});

t.test('every core flag', async (t) => {
  const o = parseCli(
    [
      '--port', '0', '--host', '0.0.0.0', '--api-key', 'key-one-1', '--api-key', 'key-two-2', '--time-scale', '3600',
      '--manual-clock', '--start-time', '2026-01-01T00:00:00Z', '--countries', 'de, at ,FR', '--seed', 's1',
      '--public-url', 'http://sandbox.test:9000', '--log',
    ],
    {},
  );
  t.match(o, {
    port: 0,
    host: '0.0.0.0',
    apiKeys: ['key-one-1', 'key-two-2'],
    timeScale: 3600,
    manualClock: true,
    startTime: '2026-01-01T00:00:00Z',
    countries: ['de', 'at', 'FR'],
    seed: 's1',
    publicUrl: 'http://sandbox.test:9000',
    logger: true,
  });
});

t.test('every core environment variable', async (t) => {
  const o = parseCli([], {
    PORT: '9090', HOST: '::', API_KEYS: 'env-key-1, env-key-2,', TIME_SCALE: '60', CLOCK: 'manual',
    START_TIME: '2026-02-01T00:00:00Z', COUNTRIES: 'DE,AT', SEED: 'env-seed', PUBLIC_URL: 'https://sandbox.example', LOG: '1',
  });
  t.match(o, {
    port: 9090,
    host: '::',
    apiKeys: ['env-key-1', 'env-key-2'],
    timeScale: 60,
    manualClock: true,
    startTime: '2026-02-01T00:00:00Z',
    countries: ['DE', 'AT'],
    seed: 'env-seed',
    publicUrl: 'https://sandbox.example',
    logger: true,
  });
});

t.test('flags win over environment variables', async (t) => {
  const o = parseCli(['--port', '1234', '--api-key', 'flag-key-1', '--time-scale', '2'], { PORT: '9999', API_KEYS: 'env-key-1', TIME_SCALE: '50' });
  t.equal(o.port, 1234);
  t.same(o.apiKeys, ['flag-key-1']);
  t.equal(o.timeScale, 2);
});

t.test('empty environment variables count as unset', async (t) => {
  const o = parseCli([], { PORT: '', API_KEYS: '', COUNTRIES: '', TIME_SCALE: '', CLOCK: 'auto', LOG: '0' });
  t.equal(o.port, 8080);
  t.equal(o.apiKeys, undefined);
  t.equal(o.countries, undefined);
  t.equal(o.timeScale, undefined);
  t.equal(o.manualClock, undefined);
  t.equal(o.logger, undefined);
});

t.test('refusals name the flag', async (t) => {
  t.throws(() => parseCli(['--port', 'eighty'], {}), { name: 'ConfigError', message: '--port: "eighty" is not a number' });
  t.throws(() => parseCli([], { PORT: 'x' }), { message: /--port: "x" is not a number/ });
  t.throws(() => parseCli(['--time-scale', 'fast'], {}), { message: /--time-scale: "fast" is not a number/ });
  t.throws(() => parseCli(['--no-such-flag'], {}), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  t.throws(() => parseCli(['--port'], {}), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
});

t.test('--help and -h; the help text lists every core flag with its env var', async (t) => {
  t.equal(parseCli(['--help'], {}).help, true);
  t.equal(parseCli(['-h'], {}).help, true);
  for (const [flag, env] of [
    ['--port', 'PORT'], ['--host', 'HOST'], ['--api-key', 'API_KEYS'], ['--time-scale', 'TIME_SCALE'], ['--manual-clock', 'CLOCK=manual'],
    ['--start-time', 'START_TIME'], ['--countries', 'COUNTRIES'], ['--seed', 'SEED'], ['--public-url', 'PUBLIC_URL'], ['--log', 'LOG=1'],
  ] as const) {
    t.match(HELP, new RegExp(`${flag}[^\\n]*\\n?[^\\n]*env ${env}`), `${flag} / ${env}`);
  }
});

t.test('the flags that match production: time zone, fee, confirmation page, initialized notifications, site notification URL', async (t) => {
  t.match(
    parseCli(['--time-zone', 'UTC', '--transaction-fee', '0', '--confirmation-page', '--no-initialized-notifications', '--site-notification-url', 'https://shop.example/hook'], {}),
    { timeZone: 'UTC', transactionFee: 0, confirmationPage: true, initializedNotifications: false, siteNotificationUrl: 'https://shop.example/hook' },
  );
  t.match(
    parseCli([], { TIME_ZONE: 'UTC', TRANSACTION_FEE: '25', CONFIRMATION_PAGE: '1', INITIALIZED_NOTIFICATIONS: '0', SITE_NOTIFICATION_URL: 'https://shop.example/env' }),
    { timeZone: 'UTC', transactionFee: 25, confirmationPage: true, initializedNotifications: false, siteNotificationUrl: 'https://shop.example/env' },
  );
  const plain = parseCli([], {});
  for (const k of ['timeZone', 'transactionFee', 'confirmationPage', 'initializedNotifications', 'siteNotificationUrl']) t.notOk(k in plain, `${k}: default unless asked`);
  t.throws(() => parseCli(['--transaction-fee', '0.39'], {}), /--transaction-fee: "0.39" is not a whole number of cents/);
  for (const [flag, env] of [['--time-zone', 'TIME_ZONE'], ['--transaction-fee', 'TRANSACTION_FEE'], ['--confirmation-page', 'CONFIRMATION_PAGE=1'], ['--site-notification-url', 'SITE_NOTIFICATION_URL']] as const) {
    t.match(HELP, new RegExp(`${flag}[^\\n]*\\n?[^\\n]*env ${env}`), `${flag} / ${env} in --help`);
  }
});
