/**
 * A merchant's notification endpoint for webhook tests: a real node:http server on
 * 127.0.0.1 port 0 that records every request (raw body bytes included) and answers as
 * told. Closed at teardown, hung requests included.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';

export interface Received {
  method: string;
  /** Path and query as sent. */
  url: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Header names exactly as they came on the wire. */
  rawHeaderNames: string[];
  body: string;
}

/** What to answer: status and body, or 'hang' (never answer), or 'reset' (drop the connection). */
export type Answer = { status?: number; body?: string; delayMs?: number } | 'hang' | 'reset';
export type Responder = (req: Received, index: number) => Answer;

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Change the answer from now on. */
  respond(fn: Responder): void;
  /** Most requests in flight at once so far. */
  readonly maxInFlight: number;
  /** Resolves once `n` requests have arrived in all. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function receiver(t: Test, responder: Responder = () => ({ status: 200, body: 'OK' }), path = '/webhook'): Promise<Receiver> {
  let answer = responder;
  const requests: Received[] = [];
  const hung = new Set<http.ServerResponse>();
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const rawHeaderNames = req.rawHeaders.filter((_, i) => i % 2 === 0);
      const rec: Received = { method: req.method ?? '', url, query: new URL(url, 'http://x').searchParams, headers: req.headers, rawHeaderNames, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      for (const w of waiters.filter((w) => requests.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const a = answer(rec, requests.length - 1);
      if (a === 'hang') {
        hung.add(res);
        return;
      }
      if (a === 'reset') {
        req.socket.destroy();
        return;
      }
      const send = (): void => {
        res.writeHead(a.status ?? 200, { 'content-type': 'text/plain' });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      for (const r of hung) r.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  t.teardown(close);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    respond: (fn) => {
      answer = fn;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    received: (n) => (requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close,
  };
}

/** A loopback URL where nothing listens (a port that was free a moment ago). */
export async function deadUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhook`;
}

/** Pay an order as the bank would (status completed, or uncleared for large amounts). */
export function pay(app: FastifyInstance, orderId: string, site = 'test-api-key-0001'): void {
  const engine = app.sandbox.engine;
  const order = engine.findOrder(site, orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  engine.transition(
    site,
    order.transaction_id,
    { kind: 'authorise', bank: { account_holder_name: 'Max Mustermann', account_iban: 'DE89370400440532013000', account_bic: 'COBADEFFXXX' }, external_transaction_id: 'REF-1' },
    'bank',
  );
}
