/**
 * Helpers for the after-payment tests (refunds, recurring, Second Chance, transactions):
 * pay an order the way the bank would, read the control plane, check a body against the
 * bundled OpenAPI.
 */
import type { FastifyInstance } from 'fastify';
import { simulatedPayer } from '../../src/engine/payer.js';
import { API_KEY } from './build.js';
import { validateResponse } from './openapi.js';

/** Authorise an order as the fake bank does when the shopper confirms (status completed below 100 EUR). */
export function pay(app: FastifyInstance, orderId: string, key = API_KEY): void {
  const engine = app.sandbox.engine;
  const order = engine.findOrder(key, orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  engine.transition(key, order.transaction_id, { kind: 'authorise', ...simulatedPayer(engine.ids) }, 'bank');
}

/** A control-plane call (JSON), with the site's API key unless `key` is null. */
export async function control(app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', path: string, key: string | null = API_KEY) {
  const res = await app.inject({ method, url: `/_sandbox${path}`, headers: key === null ? {} : { api_key: key } });
  // Control answers are read field by field in the tests, as a client would.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { statusCode: res.statusCode, body: res.json() as any };
}

/** Validate against MultiSafepay's OpenAPI; returns the errors (empty when valid). */
export function openApiErrors(method: string, path: string, status: number, body: unknown): string[] {
  const r = validateResponse(method, path, status, body);
  return r.valid ? [] : r.errors;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
