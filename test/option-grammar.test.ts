/**
 * One duration grammar for flags, environment, presets and control calls, and one way to
 * read yes/no environment variables.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../src/options/cli-options.js';
import { resolveConfig } from '../src/options/config.js';
import { sandbox } from './helpers/control.js';

const HOUR = 3_600_000;

t.test('the same durations are read by flags, environment variables, presets and control calls', async (t) => {
  for (const [text, ms] of [['1d2h', 26 * HOUR], ['90s', 90_000], ['1500', 1500], ['500ms', 500], ['1.5h', 1.5 * HOUR], ['2m30s', 150_000]] as const) {
    t.equal(parseCli(['--webhook-delay', text], {}).webhooks?.delayMs, ms, `--webhook-delay ${text}`);
    t.equal(parseCli([], { WEBHOOK_RETRY_INTERVAL: text }).webhooks?.retryIntervalMs, ms, `WEBHOOK_RETRY_INTERVAL=${text}`);
    t.same(parseCli(['--recurring-charge-delay', text], {}).recurring, { chargeDelayMs: ms }, `--recurring-charge-delay ${text}`);
  }
  t.same(parseCli(['--webhook-delay', '1s-1m30s'], {}).webhooks?.delayMs, [1000, 90_000], 'a range of two durations');
  t.throws(() => parseCli(['--webhook-delay', '1 day'], {}), /--webhook-delay: "1 day" is not a duration/);
  t.throws(() => parseCli(['--recurring-charge-delay', 'soon'], {}), /--recurring-charge-delay: "soon" is not a duration/);

  // A preset's delay and a control call read the same text the same way.
  const dir = mkdtempSync(join(tmpdir(), 'sofort-grammar-'));
  const preset = join(dir, 'p.json');
  writeFileSync(preset, JSON.stringify({ scenarios: [{ scenario: 'declined', delay: '1d2h' }] }));
  const { control } = await sandbox(t, { scenarioFiles: [preset] });
  const [rule] = await control.scenarios();
  t.match(rule, { delay_ms: 26 * HOUR, delay: '1d2h' });
  const from = (await control.clock()).now_ms;
  t.equal((await control.advance('1d2h')).now_ms, from + 26 * HOUR);
});

t.test('yes/no environment variables: 1/true/yes/on and 0/false/no/off, anything else refused', async (t) => {
  for (const yes of ['1', 'true', 'YES', 'on']) {
    const o = parseCli([], { LOG: yes, CONTROL_ALLOW_REMOTE: yes, WEBHOOK_NOTIFY_ON_CREATE: yes, SECOND_CHANCE: yes });
    t.same([o.logger, o.controlAllowRemote, o.webhooks?.notifyOnCreate, o.secondChance], [true, true, true, undefined], yes);
  }
  for (const no of ['0', 'false', 'No', 'off']) {
    const o = parseCli([], { LOG: no, CONTROL_ALLOW_REMOTE: no, WEBHOOK_NOTIFY_ON_CREATE: no, SECOND_CHANCE: no });
    // A "no" that says the default passes nothing on; the sandbox then runs with the default.
    t.same([o.logger, o.controlAllowRemote, o.webhooks?.notifyOnCreate, o.secondChance], [undefined, undefined, undefined, { enabled: false }], no);
    const c = resolveConfig(o);
    t.same([c.logger, c.controlAllowRemote, c.webhooks.notifyOnCreate, c.afterPayment.secondChance.enabled], [false, false, false, false], `${no}: as configured`);
  }
  for (const name of ['LOG', 'CONTROL_ALLOW_REMOTE', 'CONTROL_OPEN', 'WEBHOOK_NOTIFY_ON_CREATE', 'SECOND_CHANCE', 'CONFIRMATION_PAGE', 'INITIALIZED_NOTIFICATIONS']) {
    t.throws(() => parseCli([], { [name]: 'ture' }), new RegExp(`${name}: "ture" is not yes or no; write 1, true, yes or on`), name);
  }
});

t.test('every yes/no environment variable takes the same words', async (t) => {
  // CONFIRMATION_PAGE and INITIALIZED_NOTIFICATIONS once took only 1/true and 0/false and ignored the rest.
  for (const [yes, no] of [['yes', 'no'], ['on', 'off'], ['TRUE', 'False'], ['1', '0']] as const) {
    t.match(resolveConfig(parseCli([], { CONFIRMATION_PAGE: yes, INITIALIZED_NOTIFICATIONS: no })), { confirmationPage: true, initializedNotifications: false }, `${yes}/${no}`);
    t.match(resolveConfig(parseCli([], { CONFIRMATION_PAGE: no, INITIALIZED_NOTIFICATIONS: yes })), { confirmationPage: false, initializedNotifications: true }, `${no}/${yes}`);
  }
  t.equal(parseCli([], { CLOCK: 'manual' }).manualClock, true);
  t.equal(parseCli([], { CLOCK: 'auto' }).manualClock, undefined);
  t.throws(() => parseCli([], { CLOCK: 'manaul' }), /^CLOCK: "manaul" is not manual or auto$/, 'a misspelt clock is refused, not ignored');
});
