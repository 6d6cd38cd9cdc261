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

export interface Store {
  readonly kind: string;
  collection<T>(name: string): Collection<T>;
  /** Run `fn` atomically: a durable store commits all its writes together, before returning. */
  transaction<R>(fn: () => R): R;
  close(): void;
}

class MemoryCollection<T> implements Collection<T> {
  private readonly map = new Map<string, T>();
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  set(key: string, value: T): void {
    this.map.set(key, value);
  }
  delete(key: string): boolean {
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
    this.map.clear();
  }
}

export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly collections = new Map<string, MemoryCollection<unknown>>();
  collection<T>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new MemoryCollection<unknown>();
      this.collections.set(name, c);
    }
    return c as Collection<T>;
  }
  transaction<R>(fn: () => R): R {
    return fn();
  }
  close(): void {}
}
