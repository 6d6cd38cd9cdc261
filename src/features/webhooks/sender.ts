/**
 * One HTTP request to a receiver, with a real-time deadline (a network timeout is real
 * time, not sandbox time). Never throws: every outcome (status, refused, reset, timeout,
 * bad URL) comes back as a result the delivery log can record.
 *
 * node:http rather than fetch: header names go out exactly as written (`Auth`), any bytes
 * can be sent (the malformed-body fault), and the dispatcher owns its connection pool.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ReceivedBody } from './ack.js';

export interface OutgoingRequest {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export interface SendResult {
  status: number | null;
  /** First `keepBytes` of the response body, for the log. */
  body: string;
  /** Whether the response body was longer than what the log keeps. */
  truncated: boolean;
  /** Start and end of the body, for the acknowledgement rule. */
  received: ReceivedBody;
  durationMs: number;
  error: string | null;
}

const TAIL_BYTES = 256;

export class HttpSender {
  // Keep-alive pools; no socket timeout on the agent: it re-arms a timer on every read and
  // write (measurably more CPU per request), and the deadline below covers hangs.
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly tracked = new WeakSet<object>();

  /**
   * `ownPorts` hears the local port of every connection this sender opens, for as long as it
   * is open: the control plane and dashboard refuse requests that arrive on one of them.
   */
  constructor(
    private readonly keepBytes = 1024,
    private readonly ownPorts: Set<number> | null = null,
  ) {}

  private track(socket: Socket): void {
    const ports = this.ownPorts;
    if (ports === null || this.tracked.has(socket)) return;
    this.tracked.add(socket);
    let port: number | undefined;
    // Before any byte of the request is written, so the receiving side always knows the port.
    const add = (): void => {
      port = socket.localPort;
      if (port !== undefined) ports.add(port);
    };
    if (socket.localPort !== undefined) add();
    else socket.once('connect', add);
    socket.once('close', () => {
      if (port !== undefined) ports.delete(port);
    });
  }

  send(req: OutgoingRequest): Promise<SendResult> {
    const started = performance.now();
    const done = (partial: Partial<SendResult> & { error: string | null }): SendResult => ({
      status: null,
      body: '',
      truncated: false,
      received: { head: '', tail: '' },
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...partial,
    });
    let url: URL;
    try {
      url = new URL(req.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    } catch {
      return Promise.resolve(done({ error: `notification_url is not an http(s) URL: ${req.url.slice(0, 200)}` }));
    }
    const isHttps = url.protocol === 'https:';
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: SendResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        resolve(r);
      };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== null) headers['Content-Length'] = Buffer.byteLength(req.body);
      const request = (isHttps ? https : http).request(url, { method: req.method, headers, agent: isHttps ? this.httpsAgent : this.httpAgent });
      this.inFlight.add(request);
      request.on('socket', (socket) => this.track(socket));
      // The deadline covers the whole exchange (connect, send, response body), not socket idleness.
      const timer = setTimeout(() => request.destroy(new TimeoutError(req.timeoutMs)), req.timeoutMs);
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let total = 0;
        let tail = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (kept < this.keepBytes + 4) {
            const part = chunk.subarray(0, this.keepBytes + 4 - kept);
            chunks.push(part);
            kept += part.length;
          }
          tail = Buffer.concat([tail, chunk]);
          if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
        });
        res.on('end', () => {
          const head = Buffer.concat(chunks);
          // Cut at the byte limit; a character split there is dropped rather than shown as U+FFFD.
          const body = head.subarray(0, this.keepBytes).toString('utf8').replace(/\uFFFD$/, '');
          finish(
            done({
              status: res.statusCode ?? null,
              body,
              truncated: total > this.keepBytes,
              received: { head: head.toString('utf8'), tail: tail.toString('utf8') },
              error: null,
            }),
          );
        });
        res.on('error', (err) => finish(done({ status: res.statusCode ?? null, error: describe(err) })));
      });
      request.on('error', (err) => finish(done({ error: describe(err) })));
      request.end(req.body ?? undefined);
    });
  }

  /** Abort every request in flight and close pooled connections. Returns how many were aborted. */
  close(): number {
    const n = this.inFlight.size;
    for (const r of this.inFlight) r.destroy(new Error('the sandbox is shutting down'));
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    return n;
  }
}

/** The result of an attempt the sandbox refused to make (the reason is the error the log shows). */
export function refusedResult(reason: string): SendResult {
  return { status: null, body: '', truncated: false, received: { head: '', tail: '' }, durationMs: 0, error: reason };
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms (timeout)`);
    this.name = 'TimeoutError';
  }
}

function describe(err: Error & { code?: string }): string {
  if (err instanceof TimeoutError) return err.message;
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED): nothing listens at that address';
    case 'ECONNRESET':
      return 'connection reset by the receiver (ECONNRESET)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${err.code})`;
    default:
      return err.code ? `${err.message} (${err.code})` : err.message;
  }
}
