/**
 * The durable store: the same named collections as MemoryStore, kept in one SQLite file
 * (better-sqlite3, WAL) with every collection also held in memory as a read cache.
 *
 * Contract (test/store-contract.test.ts runs it against both stores):
 * - Every write is committed before `set`/`delete`/`clear`/`transaction` returns. Engine calls
 *   are synchronous, so a state change is on disk before its HTTP answer goes out.
 * - `transaction(fn)` is re-entrant: a nested call is a savepoint inside the outer one. If
 *   `fn` throws, its writes are undone in the file and in the cache, and the error goes on.
 * - Iteration is in insertion order (rowid order on disk), as with a Map.
 *
 * Durability: `synchronous = NORMAL` in WAL mode writes each commit into the WAL before the
 * call returns, so a killed process (`kill -9`, `docker kill`, OOM) loses nothing it had
 * answered; only a power cut or kernel crash may lose the last commits. `FULL` (fsync per
 * commit) also covers that, at the cost measured in bench/durability.bench.ts.
 *
 * One process owns a data file at a time (exclusive locking): a second sandbox on the same
 * directory fails at start with a message instead of corrupting the first one's view.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { DataDirError } from './data-dir-error.js';
import { loadSqliteDriver } from './sqlite-driver.js';
import type { Collection, Store, StoreProblems } from './store.js';
import { StorageError } from './store.js';
import { migrate } from './sqlite-schema.js';


export type SqliteSynchronous = 'NORMAL' | 'FULL';

export interface SqliteStoreOptions {
  /** NORMAL (default) survives a killed process; FULL also survives a power cut. */
  synchronous?: SqliteSynchronous;
  /** Largest size of the data file in bytes (a disk quota for a shared sandbox); default: the disk's. */
  maxBytes?: number;
}

/** SQLite result codes that mean the disk, not the sandbox, is at fault. */
const DISK_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

export const DATA_FILE = 'sandbox.db';

export { DataDirError };

interface Statements {
  upsert: Database.Statement<[string, string, string]>;
  remove: Database.Statement<[string, string]>;
  clear: Database.Statement<[string]>;
}

/** One undo step: how to put a cached key back the way it was before a write. */
interface Undo {
  map: Map<string, unknown>;
  key: string;
  had: boolean;
  old: unknown;
}

class SqliteCollection<T> implements Collection<T> {
  constructor(
    private readonly store: SqliteStore,
    private readonly name: string,
    private readonly map: Map<string, T>,
  ) {}

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  /** @internal Fill the cache from the file at open (no write). */
  load(key: string, value: T): void {
    this.map.set(key, value);
  }

  set(key: string, value: T): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`collection ${this.name}: value for ${key} is not JSON-serialisable`);
    this.store.write(this.map as Map<string, unknown>, key, (st) => {
      st.upsert.run(this.name, key, json);
      this.map.set(key, value);
    });
  }

  delete(key: string): boolean {
    if (!this.map.has(key)) return false;
    this.store.write(this.map as Map<string, unknown>, key, (st) => {
      st.remove.run(this.name, key);
      this.map.delete(key);
    });
    return true;
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
    if (this.map.size === 0) return;
    this.store.transaction(() => {
      this.store.statements().clear.run(this.name);
      for (const key of [...this.map.keys()]) this.store.recordUndo(this.map as Map<string, unknown>, key);
      this.map.clear();
    });
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly collections = new Map<string, SqliteCollection<unknown>>();
  private readonly tx: <R>(fn: () => R) => R;
  private depth = 0;
  private readonly undo: Undo[] = [];
  private closed = false;
  private failing: { at: string; message: string } | null = null;
  private readonly warnings: string[] = [];
  private lastLogged = '';

  /** Open (creating if needed) the store in `dir`. */
  constructor(dir: string, opts: SqliteStoreOptions = {}) {
    this.file = join(dir, DATA_FILE);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new DataDirError(`cannot create the data directory ${dir}: ${(err as Error).message}`);
    }
    if (!statSync(dir).isDirectory()) throw new DataDirError(`${dir} is not a directory; pass a directory for the data`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      // SQLite would say only "disk I/O error" (it creates its WAL file beside the data file).
      throw new DataDirError(`the data directory ${dir} is not writable by this process (uid ${process.getuid?.() ?? '?'}); make it writable (chown/chmod, or the volume's owner) or use another --data-dir`);
    }
    let existed: number | null = null;
    try {
      existed = statSync(this.file).size;
    } catch {
      existed = null;
    }
    if (existed === 0) {
      this.warn(`${this.file} was empty (0 bytes), so this sandbox starts with no orders; if it held data before, that data is gone (a truncated copy or a full disk?)`);
    }
    // Loaded here, not at import: only --data-dir needs the native addon.
    const Driver = loadSqliteDriver();
    let db: Database.Database;
    try {
      db = new Driver(this.file, { timeout: 1000 });
    } catch (err) {
      throw new DataDirError(`cannot open ${this.file}: ${(err as Error).message}`);
    }
    try {
      // Exclusive before WAL: no shared-memory index, and one process per file.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
      // Checkpoint (copy the WAL into the file, with its fsyncs) every ~40 MB of log rather
      // than SQLite's default ~4 MB: pages written again and again (the table's last leaf)
      // are then copied once. In bench/durability.bench.ts this cut the store's cost per
      // create-order by more than half. The log is truncated back to 64 MB at most afterwards.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma('journal_size_limit = 67108864');
      if (opts.maxBytes !== undefined) {
        const pageSize = Number(db.pragma('page_size', { simple: true }));
        db.pragma(`max_page_count = ${Math.max(16, Math.floor(opts.maxBytes / pageSize))}`);
      }
      migrate(db);
      // Take the write lock now (exclusive mode keeps it until close), so a second process
      // fails here, at start, rather than at its first write.
      db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (err) {
      db.close();
      const e = err as Error & { code?: string };
      if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') {
        throw new DataDirError(`${this.file} is in use by another sofort-sandbox process; stop it or use another --data-dir`);
      }
      if (e instanceof DataDirError) throw e;
      throw new DataDirError(`cannot use ${this.file}: ${e.message}`);
    }
    this.db = db;
    this.st = {
      upsert: db.prepare('INSERT INTO entries (collection, key, value) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value'),
      remove: db.prepare('DELETE FROM entries WHERE collection = ? AND key = ?'),
      clear: db.prepare('DELETE FROM entries WHERE collection = ?'),
    };
    // better-sqlite3 turns a nested call into a SAVEPOINT and rolls back on throw.
    const run = db.transaction((fn: () => unknown) => fn());
    this.tx = <R>(fn: () => R): R => {
      const r = run(fn) as R;
      if (this.depth === 1) this.failing = null;
      return r;
    };
    this.preload();
  }

  /**
   * Read the whole file once, in rowid (= insertion) order: one pass over the table is
   * about twice as fast as a lookup and sort per collection, and start-up time is what a
   * large data directory costs.
   */
  private preload(): void {
    const rows = this.db.prepare<[], [string, string, string]>('SELECT collection, key, value FROM entries ORDER BY rowid').raw().iterate();
    let skipped = 0;
    for (const [name, key, text] of rows) {
      // A record that is not JSON, or JSON null (never written by the sandbox), is skipped and
      // counted: the rest of the data is still served, and /health says what was left out.
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = null;
      }
      if (value === null) {
        skipped++;
        continue;
      }
      let c = this.collections.get(name);
      if (!c) {
        c = new SqliteCollection<unknown>(this, name, new Map());
        this.collections.set(name, c);
      }
      c.load(key, value);
    }
    if (skipped > 0) this.warn(`${skipped} unreadable record${skipped === 1 ? ' was' : 's were'} skipped in ${this.file} (not JSON, or null); everything else is served`);
  }

  problems(): StoreProblems {
    return { failing: this.failing, warnings: [...this.warnings] };
  }

  private warn(message: string): void {
    this.warnings.push(message);
    console.warn(`sofort-sandbox: ${message}`);
  }

  /** A write failed: a disk fault becomes a StorageError that says so, is logged, and shows on /health. */
  private failed(err: unknown): unknown {
    const e = err as Error & { code?: string };
    if (typeof e.code !== 'string' || !DISK_CODES.test(e.code)) return err;
    const why = e.code.startsWith('SQLITE_FULL')
      ? 'the disk (or the data file size limit) is full'
      : e.code.startsWith('SQLITE_READONLY')
        ? 'the data file became read-only'
        : `the disk failed (${e.code}: ${e.message})`;
    const message = `the sandbox could not store this change in ${this.file}: ${why}; nothing was changed. Free disk space or fix the data directory, then try again`;
    this.failing = { at: new Date().toISOString(), message };
    // Once per kind of failure, not once per request: a full disk would otherwise flood the log too.
    if (this.lastLogged !== e.code) {
      this.lastLogged = e.code;
      console.error(`sofort-sandbox: storage failure: ${message}`);
    }
    return new StorageError(message);
  }

  collection<T>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new SqliteCollection<unknown>(this, name, new Map());
      this.collections.set(name, c);
    }
    return c as Collection<T>;
  }

  /** Names of the collections that hold data on disk (for inspection and tests). */
  collectionNames(): string[] {
    return this.db
      .prepare<[], { collection: string }>('SELECT DISTINCT collection FROM entries ORDER BY collection')
      .all()
      .map((r) => r.collection);
  }

  transaction<R>(fn: () => R): R {
    this.assertOpen();
    const mark = this.undo.length;
    this.depth++;
    try {
      return this.tx(fn);
    } catch (caught) {
      const err = this.depth === 1 ? this.failed(caught) : caught;
      // The file is rolled back (to the savepoint, if nested); put the cache back to match.
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

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** @internal A write by a collection: in its own transaction unless one is open. */
  write(map: Map<string, unknown>, key: string, apply: (st: Statements) => void): void {
    this.assertOpen();
    if (this.depth > 0) {
      this.recordUndo(map, key);
      apply(this.st);
      return;
    }
    // A lone write autocommits: one statement is atomic on its own.
    try {
      apply(this.st);
      this.failing = null;
    } catch (err) {
      throw this.failed(err);
    }
  }

  /** @internal */
  recordUndo(map: Map<string, unknown>, key: string): void {
    if (this.depth > 0) this.undo.push({ map, key, had: map.has(key), old: map.get(key) });
  }

  /** @internal */
  statements(): Statements {
    return this.st;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the sandbox store is closed');
  }
}
