/**
 * Helpers for control-plane tests: a listening sandbox on a manual clock with its typed
 * control client, MultiSafepay API calls over real HTTP, and a notification receiver.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Test } from 'tap';
import type { RunningSandbox, SandboxControl, SandboxOptions } from '../../src/index.js';
import { API_KEY, orderBody, start } from './build.js';

export const START = '2026-03-02T10:00:00.000Z';
export const OTHER_KEY = 'test-api-key-0002';

export interface Sandbox {
  s: RunningSandbox;
  /** Client bound to API_KEY. */
  control: SandboxControl;
  /** Call the MultiSafepay API over HTTP. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; json: any; text: string }>;
  /** Create an order over HTTP; returns the order_id. Throws unless 200. */
  createOrder(overrides?: Record<string, unknown>, key?: string): Promise<string>;
}

export async function sandbox(t: Test, options: SandboxOptions = {}): Promise<Sandbox> {
  const s = await start(t, { manualClock: true, startTime: START, ...options });
  const control = s.control.forSite(API_KEY);
  const api: Sandbox['api'] = async (method, path, body, key = API_KEY) => {
    const res = await fetch(`${s.url}/v1/json${path}`, {
      method,
      headers: { api_key: key, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  };
  const createOrder: Sandbox['createOrder'] = async (overrides = {}, key = API_KEY) => {
    const body = orderBody(overrides);
    const res = await api('POST', '/orders', body, key);
    if (res.status !== 200) throw new Error(`create order failed: ${res.status} ${res.text}`);
    return String(body.order_id);
  };
  return { s, control, api, createOrder };
}

export interface Receiver {
  url: string;
  hits: Array<{ url: string; body: string; at: number }>;
}

/** A notification receiver on 127.0.0.1:0 answering with `answer` (status, body). */
export async function receiver(t: Test, answer: (req: IncomingMessage) => { status: number; body: string } = () => ({ status: 200, body: 'OK' })): Promise<Receiver> {
  const hits: Receiver['hits'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ url: req.url ?? '', body, at: Date.now() });
      const a = answer(req);
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/notify`, hits };
}

/** Run `fn` and return the ControlClientError it throws (fails the test if it does not throw). */
export async function refusal(t: Test, fn: () => Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { status?: number; code?: string; message: string };
    if (typeof e.status === 'number') return { status: e.status, code: e.code ?? '', message: e.message };
    throw err;
  }
  t.fail('expected the control call to be refused');
  return { status: 0, code: '', message: '' };
}

export { API_KEY, orderBody };
