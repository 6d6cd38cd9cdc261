/**
 * Storage behind the engine: named collections of JSON-able values by string key.
 * The in-memory store is the default; a durable store implements the same interface
 * (test/store-contract.test.ts runs one suite against every implementation).
 *
 * Values are treated as immutable: callers replace a value with `set`, never mutate it.
 */
export interface Collection<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[string, T]>;
  readonly size: number;
  clear(): void;
}

/**
 * Delete the entries of `collection` whose key starts with `${site}\n` (every entry when
 * `site` is null): per-site collections key their entries that way. Returns how many.
 */
export function deleteSiteEntries<T>(collection: Collection<T>, site: string | null, belongs: (key: string, value: T) => boolean = (key) => key.startsWith(`${site}\n`)): number {
  let n = 0;
  for (const [key, value] of [...collection.entries()]) {
    if (site !== null && !belongs(key, value)) continue;
    collection.delete(key);
    n++;
  }
  return n;
}

export interface Store {
  readonly kind: string;
  collection<T>(name: string): Collection<T>;
  /**
   * Run `fn` atomically: a durable store commits all its writes together, before returning.
   * Re-entrant (a nested call joins the outer one as a savepoint); if `fn` throws, its writes
   * are undone and the error goes on. `fn` must be synchronous.
   */
  transaction<R>(fn: () => R): R;
  close(): void;
  /** What is wrong with the storage, for /health: the last failed write (cleared by a good one) and what start-up found. */
  problems?(): StoreProblems;
}

export interface StoreProblems {
  /** The last write that failed (disk full, read-only, I/O error), or null once one succeeded again. */
  readonly failing: { readonly at: string; readonly message: string } | null;
  /** What start-up found and worked around (an empty data file, unreadable records skipped). */
  readonly warnings: readonly string[];
}

export { StorageError } from '../domain/storage-error.js';

/** Records how to undo a write while a transaction is open (MemoryStore's rollback). */
type UndoLog = (map: Map<string, unknown>, key: string) => void;

class MemoryCollection<T> implements Collection<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly log: UndoLog) {}
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  set(key: string, value: T): void {
    this.log(this.map, key);
    this.map.set(key, value);
  }
  delete(key: string): boolean {
    if (!this.map.has(key)) return false;
    this.log(this.map, key);
    return this.map.delete(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  values(): IterableIterator<T> {
    return this.map.values();
  }
  entries(): IterableIterator<[string, T]> {
    return this.map.entries();
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    for (const key of this.map.keys()) this.log(this.map, key);
    this.map.clear();
  }
}

export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly collections = new Map<string, MemoryCollection<unknown>>();
  /** Open transactions, and the old values of keys they wrote (to undo them on throw). */
  private depth = 0;
  private readonly undo: Array<{ map: Map<string, unknown>; key: string; had: boolean; old: unknown }> = [];
  private readonly log: UndoLog = (map, key) => {
    if (this.depth > 0) this.undo.push({ map, key, had: map.has(key), old: map.get(key) });
  };
  collection<T>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new MemoryCollection<unknown>(this.log);
      this.collections.set(name, c);
    }
    return c as Collection<T>;
  }
  /** Re-entrant; if `fn` throws, its writes are undone (as SqliteStore rolls back), then the error goes on. */
  transaction<R>(fn: () => R): R {
    const mark = this.undo.length;
    this.depth++;
    try {
      return fn();
    } catch (err) {
      for (let i = this.undo.length - 1; i >= mark; i--) {
        const u = this.undo[i]!;
        if (u.had) u.map.set(u.key, u.old);
        else u.map.delete(u.key);
      }
      this.undo.length = mark;
      throw err;
    } finally {
      this.depth--;
      if (this.depth === 0) this.undo.length = 0;
    }
  }
  close(): void {}
}
