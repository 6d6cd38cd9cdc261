/**
 * Live updates for the dashboard: one server-sent-events stream per open page. The hub
 * listens once to the engine (order changes), the clocks and the webhook dispatcher
 * (delivery attempts) and fans the news out to the streams that care (a page about one
 * site or one order gets only its own). A burst of changes (an advance through a day of
 * jobs) becomes one message per stream per turn of the event loop.
 *
 * No leaks: a stream leaves the hub when its connection closes, the heartbeat timer runs
 * only while a stream is open, and closing the app ends every stream and unsubscribes.
 *
 * Bounded: at most MAX_STREAMS streams at once (a page opens one; more are refused with 503
 * and Retry-After, which the page's EventSource retries), and a stream whose client does not
 * read (its unsent bytes pass MAX_BUFFERED) is dropped instead of growing in memory: the
 * page reconnects and reloads what it shows when it reads again.
 */
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';

/** A comment line this often keeps proxies and browsers from dropping an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** More changed orders than this in one message: the page just reloads its lists. */
const MAX_LISTED = 50;
/** Open streams at once: far more than a QA team's open tabs, far fewer than memory allows. */
export const MAX_STREAMS = 64;
/** Bytes written but not yet taken by a client before its stream is dropped. */
export const MAX_BUFFERED = 64 * 1024;

export interface StreamFilter {
  /** Only changes of this site (null: every site). */
  readonly site: string | null;
  /** Only changes of this order (with `site`). */
  readonly transactionId: number | null;
}

interface Stream {
  readonly res: ServerResponse;
  readonly filter: StreamFilter;
  orders: Map<string, { site: string; transaction_id: number }>;
  clock: boolean;
  webhooks: boolean;
  scheduled: boolean;
}

export class LiveHub {
  private readonly streams = new Set<Stream>();
  private readonly unsubscribe: Array<() => void> = [];
  private heartbeat: unknown = null;
  private closed = false;

  constructor(private readonly ctx: SandboxContext) {
    const { engine, webhooks } = ctx;
    this.unsubscribe.push(
      engine.onEvent((event) => this.changed(event.site, event.transaction_id, 'order')),
      engine.onClockChange((site) => this.changed(site, null, 'clock')),
      webhooks.onDelivery((rec) => this.changed(rec.site, rec.transaction_id, 'webhook')),
    );
  }

  get size(): number {
    return this.streams.size;
  }

  /** Take over a response as an event stream; it leaves the hub when the connection closes. */
  open(res: ServerResponse, filter: StreamFilter, headers: Record<string, string> = {}): void {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('the sandbox is stopping');
      return;
    }
    if (this.streams.size >= MAX_STREAMS) {
      res
        .writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' })
        .end(`the dashboard already has ${MAX_STREAMS} live streams open; close some dashboard tabs (this one retries by itself)`);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: Stream = { res, filter, orders: new Map(), clock: false, webhooks: false, scheduled: false };
    this.streams.add(stream);
    // retry: how long a browser waits before reconnecting after the sandbox restarts.
    res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ site: filter.site, transaction_id: filter.transactionId })}\n\n`);
    res.once('close', () => this.drop(stream));
    this.armHeartbeat();
  }

  /** End every stream and stop listening (app close). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const s of [...this.streams]) {
      s.res.end();
      this.drop(s);
    }
    this.stopHeartbeat();
  }

  private drop(stream: Stream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0) this.stopHeartbeat();
  }

  private changed(site: string | null, transactionId: number | null, what: 'order' | 'clock' | 'webhook'): void {
    for (const s of this.streams) {
      const f = s.filter;
      if (what === 'clock') {
        // A site's own clock concerns that site only; the sandbox clock concerns every site without one.
        if (site !== null && f.site !== null && f.site !== site) continue;
        if (site === null && f.site !== null && this.ctx.engine.hasOwnClock(f.site)) continue;
        s.clock = true;
      } else {
        if (f.site !== null && f.site !== site) continue;
        if (f.transactionId !== null && f.transactionId !== transactionId) continue;
        if (site !== null && transactionId !== null && s.orders.size <= MAX_LISTED) s.orders.set(`${site}\n${transactionId}`, { site, transaction_id: transactionId });
        if (what === 'webhook') s.webhooks = true;
      }
      this.schedule(s);
    }
  }

  private schedule(s: Stream): void {
    if (s.scheduled) return;
    s.scheduled = true;
    // Not sandbox time: a turn of the event loop, so one advance through many jobs sends one message.
    setImmediate(() => this.flush(s));
  }

  private flush(s: Stream): void {
    s.scheduled = false;
    if (!this.streams.has(s) || s.res.writableEnded) return;
    const many = s.orders.size > MAX_LISTED;
    const data = { orders: many ? null : [...s.orders.values()], many, clock: s.clock, webhooks: s.webhooks };
    s.orders = new Map();
    s.clock = false;
    s.webhooks = false;
    this.send(s, `event: change\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Write to a stream, dropping it when its client has stopped reading (no unbounded buffer). */
  private send(s: Stream, text: string): void {
    if (s.res.writableEnded) return;
    if (s.res.writableLength > MAX_BUFFERED) {
      this.drop(s);
      s.res.destroy();
      return;
    }
    s.res.write(text);
  }

  private armHeartbeat(): void {
    if (this.heartbeat !== null || this.closed) return;
    const real = this.ctx.engine.realTime;
    const beat = (): void => {
      this.heartbeat = null;
      if (this.streams.size === 0 || this.closed) return;
      for (const s of [...this.streams]) this.send(s, ': heartbeat\n\n');
      this.heartbeat = real.setTimeout(beat, HEARTBEAT_MS);
    };
    this.heartbeat = real.setTimeout(beat, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat === null) return;
    this.ctx.engine.realTime.clearTimeout(this.heartbeat);
    this.heartbeat = null;
  }
}
