// The Vitest recipe of docs/control-plane.md, run as written by test/ci-recipes.test.ts
// (npx vitest run --config test/ci-recipes/vitest.config.ts). In your suite, import from
// 'sofort-sandbox' instead of '../../src/index.js'.
import { afterAll, beforeEach, expect, test } from 'vitest';
import { startSandbox } from '../../src/index.js';
import { shopCheckout } from './shop.js';

const sandbox = await startSandbox({ manualClock: true, apiKeys: ['ci-key-0001'] });
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
});

test('an abandoned payment link expires after its 30 days', async () => {
  const { orderId } = await shopCheckout(sandbox.apiUrl);
  await sandbox.control.outcome(orderId!, 'abandoned');
  await sandbox.control.advance('30d'); // a link lives days_active (30 days); Sofort's 1 day starts at the bank
  await expect(sandbox.control.waitFor(orderId!, 'expired')).resolves.toMatchObject({ status: 'expired' });
});

test('a wait that cannot be met answers inside the 5 s test timeout, saying why', async () => {
  const { orderId } = await shopCheckout(sandbox.apiUrl);
  await expect(sandbox.control.waitFor(orderId!, 'completed')).rejects.toMatchObject({ status: 408, message: /advance it/ });
});
