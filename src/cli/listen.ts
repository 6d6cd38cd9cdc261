/**
 * `sofort-sandbox listen --forward-to <url>`, as `stripe listen --forward-to`: every
 * notification of the site goes to a local URL, whatever notification_url the order has
 * (or none), with the usual query (transactionid, timestamp) and Auth signature, and each
 * delivery and its answer is printed. The sandbox's own deliveries go on unchanged.
 */
import type { Connection } from './connection.js';
import { requireApiKey, UsageError } from './connection.js';
import { readEvents } from './event-source.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { authHeader, notificationTarget } from '../features/webhooks/signer.js';
import { USER_AGENT } from '../features/webhooks/user-agent.js';

/** How long a local receiver may take to answer (a debugger pause should not hang the listener). */
const FORWARD_TIMEOUT_MS = 30_000;

export async function listen(conn: Connection, forwardTo: string | undefined, json: boolean, io: CliIo): Promise<number> {
  if (!forwardTo) throw new UsageError('listen needs --forward-to <url>, e.g. --forward-to http://localhost:3000/webhooks/msp');
  try {
    const u = new URL(forwardTo);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--forward-to: ${JSON.stringify(forwardTo.slice(0, 100))} is not an http(s) URL`);
  }
  const key = requireApiKey(conn, 'listen forwards the notifications of one site and signs them with its key');

  await readEvents(conn, ['notification'], io.signal, async ({ type, data }) => {
    if (type === 'ready') {
      if (json) io.out(JSON.stringify({ type: 'ready', forward_to: forwardTo, sandbox: conn.url }));
      else io.out(`Ready: forwarding notifications of site ${key.slice(0, 4)}… at ${conn.url} to ${forwardTo} (Ctrl-C to stop)`);
      return;
    }
    const body = String(data.body ?? '');
    // Signed with the sandbox time of the change, as the sandbox signs its own deliveries.
    const timestamp = Math.floor(Date.parse(String(data.at)) / 1000);
    const url = notificationTarget(forwardTo, String(data.order_id), timestamp);
    const started = io.now();
    let answer: { http_status: number | null; body: string; error: string | null };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', auth: authHeader(key, timestamp, body), 'user-agent': USER_AGENT },
        body,
        signal: AbortSignal.any([io.signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]),
      });
      answer = { http_status: res.status, body: (await res.text()).slice(0, 200), error: null };
    } catch (err) {
      if (io.signal.aborted) return;
      answer = { http_status: null, body: '', error: (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message };
    }
    const ms = io.now() - started;
    if (json) {
      io.out(JSON.stringify({ type: 'forwarded', at: data.at, order_id: data.order_id, status: data.status, financial_status: data.financial_status, url, ...answer, duration_ms: ms }));
    } else {
      const result = answer.http_status !== null ? `[${answer.http_status}]${answer.body ? ` ${answer.body.replace(/\s+/g, ' ')}` : ''}` : `[failed] ${answer.error ?? ''}`;
      io.out(`${String(data.at)}  --> notification ${String(data.order_id)} ${String(data.status)}  POST ${url}  <-- ${result} (${ms} ms)`);
    }
  });
  return EXIT.ok;
}
