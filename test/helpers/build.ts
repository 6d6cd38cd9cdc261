/**
 * build(t, options): a fresh sandbox app per test, closed at teardown. Tests use `inject`
 * (no port) unless they need a real socket (then startSandbox on port 0).
 */
import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, startSandbox } from '../../src/index.js';
import type { RunningSandbox, SandboxOptions } from '../../src/index.js';

export const API_KEY = 'test-api-key-0001';

export async function build(t: Test, options: SandboxOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ seed: 'test', ...options });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

export async function start(t: Test, options: SandboxOptions = {}): Promise<RunningSandbox> {
  const s = await startSandbox({ seed: 'test', ...options });
  t.teardown(() => s.close());
  return s;
}

export interface CallOptions {
  key?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** Call the MultiSafepay API as the docs do: `api_key` header, JSON body. */
export async function api(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const key = opts.key === undefined ? API_KEY : opts.key;
  if (key !== null) headers.api_key = key;
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  return app.inject({
    method,
    url: `/v1/json${path}`,
    headers,
    ...(opts.query ? { query: opts.query } : {}),
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

let orderCounter = 0;

/** A valid Sofort order body (a fresh order_id each call); override any field. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'redirect',
    gateway: 'DIRECTBANK',
    order_id: `order-${++orderCounter}`,
    currency: 'EUR',
    amount: 1000,
    description: 'Test order',
    payment_options: {
      notification_url: 'https://shop.example/webhook',
      redirect_url: 'https://shop.example/success',
      cancel_url: 'https://shop.example/cancel',
    },
    customer: { locale: 'en_US', country: 'DE', email: 'shopper@example.com' },
    ...overrides,
  };
}

export async function createOrder(app: FastifyInstance, overrides: Record<string, unknown> = {}, key = API_KEY) {
  const body = orderBody(overrides);
  const res = await api(app, 'POST', '/orders', body, { key });
  if (res.statusCode !== 200) throw new Error(`create order failed: ${res.statusCode} ${res.body}`);
  const data = res.json().data;
  return { body, data, order_id: String(body.order_id) };
}
