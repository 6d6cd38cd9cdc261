/**
 * The request journal: the last N calls to the MultiSafepay API with what the shop sent
 * and what it got back (as WireMock's request log and undici's call history), so a suite
 * can verify its shop's calls and a failing test can see them. A bounded ring per sandbox,
 * in memory: a testing aid, not state to keep. Bodies are capped in size, and API keys and
 * recurring tokens are masked: the journal is readable by anyone with control access.
 */
import type { JournalEntry, RequestFilter } from '../../domain/control-wire.js';

export type { JournalEntry, RequestFilter };

/** Per body: enough for any order the API accepts with a shopping cart, small enough for 500 entries. */
export const BODY_CAP = 16_384;

/** Fields whose values are secrets: the API key, tokens, the shopper's bank login. */
const SECRET_FIELDS = /^(api_key|apikey|token|recurring_id|authorization|password|pin|tan)$/i;

export interface JournalQuery extends RequestFilter {
  site?: string | null;
}

/** A secret shown by its first four characters only, enough to tell two apart. */
export function maskSecret(value: string): string {
  return value.length <= 4 ? '***' : `${value.slice(0, 4)}***`;
}

function maskDeep(v: unknown, depth = 0): unknown {
  if (depth > 20 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_FIELDS.test(k) && (typeof x === 'string' || typeof x === 'number') ? maskSecret(String(x)) : maskDeep(x, depth + 1);
  return out;
}

/**
 * A body as the journal keeps it: parsed JSON with secrets masked, or text; over the cap,
 * its first BODY_CAP characters as text (secrets masked the way maskUrl does).
 */
export function journalBody(body: unknown, secrets: readonly string[] = []): { body: unknown; truncated: boolean } {
  if (body === undefined || body === null || body === '') return { body: null, truncated: false };
  let text: string;
  let parsed: unknown;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    // An answer may quote a secret the call sent (an error naming the unknown token).
    text = maskQuoted(body.toString(), secrets);
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  } else {
    parsed = body;
    text = JSON.stringify(body) ?? '';
  }
  if (text.length > BODY_CAP) {
    return { body: text.slice(0, BODY_CAP).replace(/("(?:api_key|token|recurring_id)"\s*:\s*")([^"]{0,4})[^"]*/gi, '$1$2***'), truncated: true };
  }
  return { body: parsed === undefined ? text : maskDeep(parsed), truncated: false };
}

/** The fields of an entry that hold bodies, made only when the entry is read. */
type BodyFields = 'request_body' | 'request_truncated' | 'response_body' | 'response_truncated';

/**
 * An entry whose bodies are parsed and masked only when something reads them (a control call,
 * the event stream, a filter on `has`): every API call is journalled but few entries are ever
 * read, and parsing and masking both bodies was a sizeable part of a cheap call's cost (a third
 * of get-order's). The fields are own enumerable getters, so JSON.stringify includes them; the
 * raw bodies are the request's parsed body and the answer's bytes as they were sent.
 */
export function withLazyBodies(
  entry: Omit<JournalEntry, 'seq' | BodyFields>,
  request: unknown,
  response: unknown,
  secrets: () => readonly string[],
): Omit<JournalEntry, 'seq'> {
  let req: { body: unknown; truncated: boolean } | undefined;
  let res: { body: unknown; truncated: boolean } | undefined;
  const reqBody = () => (req ??= journalBody(request));
  const resBody = () => (res ??= journalBody(response, secrets()));
  return Object.defineProperties(entry, {
    request_body: { get: () => reqBody().body, enumerable: true },
    request_truncated: { get: () => reqBody().truncated, enumerable: true },
    response_body: { get: () => resBody().body, enumerable: true },
    response_truncated: { get: () => resBody().truncated, enumerable: true },
  }) as Omit<JournalEntry, 'seq'>;
}

function globMatch(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(path);
}

export class Journal {
  private readonly ring: JournalEntry[] = [];
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(readonly capacity = 500) {}

  /** Every entry as it is added (the event stream that `sofort-sandbox logs --follow` reads). */
  onAdd(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    // Assigned, not spread: a spread would read (and so make) lazy bodies at once.
    const full = Object.assign(entry, { seq: ++this.seq }) as JournalEntry;
    for (const l of this.listeners) l(full);
    if (this.ring.length < this.capacity) this.ring.push(full);
    else this.ring[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    return full;
  }

  /** Newest first. */
  list(filter: JournalQuery = {}): JournalEntry[] {
    const all = [...this.ring].sort((a, b) => b.seq - a.seq);
    const out = all.filter(
      (e) =>
        (filter.site === undefined || filter.site === null || e.site === filter.site) &&
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path || globMatch(filter.path, e.path)) &&
        (!filter.order_id || e.order_id === filter.order_id) &&
        (filter.status === undefined || e.status === filter.status) &&
        (!filter.has || (typeof e.request_body === 'object' && e.request_body !== null && Object.hasOwn(e.request_body, filter.has))),
    );
    return filter.limit ? out.slice(0, filter.limit) : out;
  }

  clear(site: string | null): number {
    const keep = site === null ? [] : this.ring.filter((e) => e.site !== site);
    const removed = this.ring.length - keep.length;
    this.ring.length = 0;
    this.ring.push(...keep.sort((a, b) => a.seq - b.seq));
    this.next = this.ring.length % this.capacity;
    return removed;
  }

  get size(): number {
    return this.ring.length;
  }
}

/** `text` with every secret in it masked as maskSecret does (secrets shorter than 5 characters stay: too common to find). */
export function maskQuoted(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s.length >= 5 ? t.split(s).join(maskSecret(s)) : t), text);
}

/** The secrets a call carries (a token in its path, secret fields of its body), to mask where an answer quotes them. */
export function secretsOf(url: string, body: unknown): string[] {
  const out: string[] = [];
  const m = /\/(?:token|update|remove)\/([^/?#]+)/.exec(url);
  if (m?.[1]) out.push(m[1]);
  const walk = (v: unknown, depth: number): void => {
    if (depth > 20 || v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_FIELDS.test(k) && typeof x === 'string') out.push(x);
      else walk(x, depth + 1);
    }
  };
  walk(body, 0);
  return out;
}

/** Hide the value of `api_key` and a recurring token in a logged URL. */
export function maskUrl(url: string): string {
  return url
    .replace(/([?&]api_key=)[^&#]*/gi, (_m, p: string) => `${p}***`)
    .replace(/(\/(?:token|update|remove)\/)([^/?#]+)/g, (_m, p: string, tok: string) => `${p}${maskSecret(tok)}`);
}
