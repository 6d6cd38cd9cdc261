// The Jest recipe of docs/control-plane.md, run as written by test/ci-recipes.test.ts
// (NODE_OPTIONS=--experimental-vm-modules npx jest --config test/ci-recipes/jest.config.cjs).
// In your suite, import from 'sofort-sandbox' instead of '../../src/index.js'.
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { startSandbox, type RunningSandbox } from '../../src/index.js';
import { shopCheckout } from './shop.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ manualClock: true, apiKeys: ['ci-key-0001'] });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await sandbox.control.reset();
});

test('the shop shows an error when Sofort declines', async () => {
  await sandbox.control.failure('error', { code: 1024, once: true });
  const res = await shopCheckout(sandbox.apiUrl);
  expect(res.error).toMatch(/declined/i);
  const [call] = await sandbox.control.verifyRequests({ method: 'POST', path: '/orders' }, 1);
  expect(call?.error_code).toBe(1024);
  expect(call?.request_body).toMatchObject({ gateway: 'DIRECTBANK', currency: 'EUR' });
});
