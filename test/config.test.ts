/**
 * resolveConfig: defaults, validation once at start with a message that names the option
 * and the fix, and a frozen result.
 */
import t from 'tap';
import { ConfigError, resolveConfig } from '../src/options/config.js';
import { buildApp } from '../src/index.js';

t.test('defaults', async (t) => {
  const c = resolveConfig();
  t.equal(c.host, '127.0.0.1');
  t.equal(c.port, 0);
  t.same(c.apiKeys, []);
  t.same(c.rules.countries, ['AT', 'BE', 'DE', 'IT', 'ES', 'CH', 'PL'], "the seed page's countries");
  t.same(c.rules.currencies, ['EUR']);
  t.equal(c.rules.minAmount, 10);
  t.equal(c.rules.transactionLifetimeMs, 86_400_000);
  t.equal(c.rules.unclearedFromAmount, 10_000);
  t.equal(c.rules.unclearedCompletesAfterMs, 86_400_000);
  t.equal(c.timeScale, 1);
  t.equal(c.manualClock, false);
  t.equal(c.bodyLimit, 1024 * 1024);
  t.equal(c.publicUrl, null);
});

t.test('the resolved config is frozen', async (t) => {
  const c = resolveConfig({ apiKeys: ['abcdef'] });
  t.ok(Object.isFrozen(c));
  t.ok(Object.isFrozen(c.apiKeys));
  t.ok(Object.isFrozen(c.rules));
  t.ok(Object.isFrozen(c.rules.countries));
});

t.test('values are normalised', async (t) => {
  const c = resolveConfig({ countries: [' de', 'at ', ''], apiKeys: [' key-with-space ', ''], publicUrl: 'http://x.test:1/', startTime: '2026-01-01T00:00:00Z' });
  t.same(c.rules.countries, ['DE', 'AT']);
  t.same(c.apiKeys, ['key-with-space']);
  t.equal(c.publicUrl, 'http://x.test:1', 'trailing slash dropped');
  t.equal(c.startTime, Date.parse('2026-01-01T00:00:00Z'));
  t.equal(resolveConfig({ startTime: 1_700_000_000_000 }).startTime, 1_700_000_000_000);
});

t.test('each invalid option is refused with its name and the fix', async (t) => {
  const cases: Array<[Parameters<typeof resolveConfig>[0], RegExp]> = [
    [{ port: -1 }, /^port: must be a whole number from 0 to 65535, got -1$/],
    [{ port: 70000 }, /^port: .*got 70000/],
    [{ port: 1.5 }, /^port:/],
    [{ timeScale: 0 }, /^timeScale: must be a number above 0 .*3600 = an hour a second/],
    [{ timeScale: Number.NaN }, /^timeScale:/],
    [{ timeScale: -5 }, /^timeScale:/],
    [{ apiKeys: ['abc'] }, /^apiKeys: API key "abc" is shorter than 5 characters/],
    [{ countries: ['Germany'] }, /^countries: "GERMANY" is not a two-letter country code/],
    [{ countries: [''] }, /^countries: name at least one country/],
    [{ startTime: 'yesterday' }, /^startTime: "yesterday" is not an ISO 8601 time/],
    [{ publicUrl: 'ftp://x' }, /^publicUrl: "ftp:\/\/x" is not an http\(s\) URL/],
    [{ publicUrl: 'not a url' }, /^publicUrl:/],
    [{ bodyLimit: 10 }, /^bodyLimit: must be a whole number of bytes, at least 1024/],
    [{ rules: { minAmount: -1 } }, /^rules\.minAmount: must be a number of zero or more/],
    [{ rules: { transactionLifetimeMs: Number.NaN } }, /^rules\.transactionLifetimeMs:/],
  ];
  for (const [opts, message] of cases) {
    t.throws(() => resolveConfig(opts), { name: 'ConfigError', message }, JSON.stringify(opts));
  }
  t.ok(new ConfigError('x') instanceof Error);
});

t.test('buildApp refuses an invalid config before building anything', async (t) => {
  await t.rejects(buildApp({ port: 99999 }), { name: 'ConfigError', message: /^port:/ });
});

t.test('rules can be overridden per sandbox', async (t) => {
  const c = resolveConfig({ rules: { minAmount: 100, unclearedFromAmount: 50_000 } });
  t.equal(c.rules.minAmount, 100);
  t.equal(c.rules.unclearedFromAmount, 50_000);
  t.equal(c.rules.transactionLifetimeMs, 86_400_000, 'others keep their default');
});

t.test('options that match production: defaults as MultiSafepay behaves, refusals that name the option', async (t) => {
  const c = resolveConfig();
  t.equal(c.timeZone, 'Europe/Amsterdam');
  t.equal(c.transactionFee, 39);
  t.equal(c.confirmationPage, false);
  t.equal(c.initializedNotifications, true);
  t.equal(c.siteNotificationUrl, null);
  t.throws(() => resolveConfig({ timeZone: 'CET' as 'UTC' }), { name: 'ConfigError', message: /^timeZone: must be Europe\/Amsterdam or UTC, got CET/ });
  t.throws(() => resolveConfig({ transactionFee: -1 }), { message: /^transactionFee: must be a whole number of cents/ });
  t.throws(() => resolveConfig({ siteNotificationUrl: 'ftp://x' }), { message: /^siteNotificationUrl: notification_url must be an absolute http\(s\) URL/ });
  t.throws(() => resolveConfig({ confirmationPage: 'yes' as unknown as boolean }), { message: /^confirmationPage: must be true or false/ });
});
