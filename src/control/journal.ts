/**
 * The request journal: the last N calls to the MultiSafepay API (as WireMock keeps its
 * request log), so a failing test can see what the shop actually sent and got back.
 * A bounded ring per sandbox, in memory: it is a debugging aid, not state to keep.
 */
export interface JournalEntry {
  readonly seq: number;
  /** Sandbox time of the call on the site's clock (ISO 8601). */
  readonly at: string;
  readonly method: string;
  /** Path and query, with an `api_key` query value masked. */
  readonly url: string;
  /** HTTP status sent; null when the connection was dropped or never answered. */
  readonly status: number | null;
  readonly outcome: 'answered' | 'dropped' | 'timeout';
  /** Real milliseconds from receiving the request to the answer (or the drop). */
  readonly duration_ms: number;
  readonly site: string | null;
  readonly order_id: string | null;
  /** MultiSafepay error_code of the answer, if it was an error envelope. */
  readonly error_code: number | null;
  /** Failure rule that shaped this call, if any. */
  readonly failure: string | null;
}

export interface JournalFilter {
  site?: string | null;
  method?: string;
  /** Substring of the path. */
  path?: string;
  order_id?: string;
  limit?: number;
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
    const full = { ...entry, seq: ++this.seq };
    for (const l of this.listeners) l(full);
    if (this.ring.length < this.capacity) this.ring.push(full);
    else this.ring[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    return full;
  }

  /** Newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const all = [...this.ring].sort((a, b) => b.seq - a.seq);
    const out = all.filter(
      (e) =>
        (filter.site === undefined || filter.site === null || e.site === filter.site) &&
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path || e.url.split('?')[0]!.includes(filter.path)) &&
        (!filter.order_id || e.order_id === filter.order_id),
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

/** Hide the value of `api_key` in a logged URL. */
export function maskUrl(url: string): string {
  return url.replace(/([?&]api_key=)[^&#]*/gi, (_m, p: string) => `${p}***`);
}
