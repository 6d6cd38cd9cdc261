import t from 'tap';
import { parseCli } from '../src/options/cli-options.js';
import { resolveConfig } from '../src/options/config.js';

t.test('after-payment flags and environment variables reach the options (flags win)', async (t) => {
  const o = parseCli(['--refund-settle', 'manual', '--smtp', '127.0.0.1:1025', '--no-second-chance', '--second-chance-from', 'shop@example.com'], { REFUND_SETTLE: 'immediate', RECURRING_CHARGE_DELAY: '5000' });
  t.match(o, { refunds: { settle: 'manual' }, recurring: { chargeDelayMs: 5000 }, secondChance: { enabled: false, from: 'shop@example.com' }, smtp: '127.0.0.1:1025' });
  const c = resolveConfig(o);
  t.same(c.afterPayment, { refundSettle: 'manual', recurringChargeDelayMs: 5000, secondChance: { enabled: false, from: 'shop@example.com' }, smtp: { host: '127.0.0.1', port: 1025 } });
  t.match(parseCli([], { SECOND_CHANCE: 'off', SMTP: 'mail:25' }), { secondChance: { enabled: false }, smtp: 'mail:25' });
  t.notOk('refunds' in parseCli([], {}), 'nothing set, nothing passed');
  t.equal(resolveConfig({}).afterPayment.refundSettle, 'midnight', 'refunds settle at midnight by default');
  t.same(parseCli(['--recurring-charge-delay', '5s'], {}).recurring, { chargeDelayMs: 5000 }, 'the one duration grammar');
  t.throws(() => parseCli(['--recurring-charge-delay', '5 s'], {}), /--recurring-charge-delay: "5 s" is not a duration/);
  t.throws(() => resolveConfig(parseCli(['--refund-settle', 'later'], {})), /refunds.settle: must be one of midnight, manual, immediate/);
  t.throws(() => resolveConfig({ secondChance: { from: 'nobody' } }), /secondChance.from: must be an email address/);
});
