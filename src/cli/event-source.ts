/**
 * Reads the sandbox's event stream (GET /_sandbox/events, server-sent events) with fetch:
 * one callback per event until the stream ends or the signal aborts. No EventSource in
 * Node 20, and the stream needs the control headers, which EventSource cannot send.
 */
import type { Connection } from './connection.js';
import { ControlClientError } from '../client/control-client.js';

export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

export async function readEvents(conn: Connection, types: readonly string[], signal: AbortSignal, onEvent: (e: StreamEvent) => void | Promise<void>): Promise<void> {
  const u = new URL('/_sandbox/events', conn.url);
  if (types.length > 0) u.searchParams.set('types', types.join(','));
  let res: Response;
  try {
    res = await fetch(u, { headers: conn.headers({ accept: 'text/event-stream' }), signal });
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    let message = text.slice(0, 200);
    let code = 'http_error';
    try {
      const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      message = e?.message ?? message;
      code = e?.code ?? code;
    } catch {
      // not JSON: keep the text
    }
    throw new ControlClientError(res.status, code, `GET /_sandbox/events: ${res.status} ${message}`, text);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) type = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (data === '') continue; // a keep-alive comment
        await onEvent({ type, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
}
