/**
 * One contract for every Store: MemoryStore (the default) and SqliteStore (--data-dir) must
 * behave the same to the engine and every feature. The SQLite store must also give back
 * everything it acknowledged after it is closed and opened again.
 */
import t from 'tap';
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../src/engine/store.js';
import { MemoryStore } from '../src/engine/store.js';
import { DATA_FILE, DataDirError, SqliteStore } from '../src/engine/sqlite-store.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../src/engine/sqlite-schema.js';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'sofort-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Impl {
  name: string;
  open(t: Test): Store;
}

const impls: Impl[] = [
  { name: 'MemoryStore', open: () => new MemoryStore() },
  {
    name: 'SqliteStore',
    open: (t) => {
      const s = new SqliteStore(tempDir(t));
      t.teardown(() => s.close());
      return s;
    },
  },
];

interface Rec {
  id: number;
  name: string;
  tags: string[];
  nested: { ok: boolean; n: number | null };
}
const rec = (id: number): Rec => ({ id, name: `r${id}`, tags: ['a', 'ü€'], nested: { ok: id % 2 === 0, n: id > 1 ? id : null } });

for (const impl of impls) {
  t.test(`${impl.name}: the Store contract`, async (t) => {
    t.test('get, set, has, delete, size', async (t) => {
      const s = impl.open(t);
      const c = s.collection<Rec>('things');
      t.equal(c.size, 0);
      t.equal(c.get('a'), undefined);
      t.equal(c.has('a'), false);
      c.set('a', rec(1));
      c.set('b', rec(2));
      t.same(c.get('a'), rec(1));
      t.equal(c.has('b'), true);
      t.equal(c.size, 2);
      c.set('a', rec(3));
      t.same(c.get('a'), rec(3), 'set replaces');
      t.equal(c.size, 2);
      t.equal(c.delete('a'), true);
      t.equal(c.delete('a'), false, 'deleting a missing key says so');
      t.equal(c.has('a'), false);
      t.equal(c.size, 1);
    });

    t.test('collections are separate namespaces and the same name gives the same data', async (t) => {
      const s = impl.open(t);
      s.collection<number>('x').set('k', 1);
      s.collection<number>('y').set('k', 2);
      t.equal(s.collection<number>('x').get('k'), 1);
      t.equal(s.collection<number>('y').get('k'), 2);
      s.collection<number>('x').clear();
      t.equal(s.collection<number>('x').size, 0);
      t.equal(s.collection<number>('y').get('k'), 2, 'clear touches one collection only');
    });

    t.test('iteration is in insertion order; replacing keeps the place, delete + set moves to the end', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('order');
      for (const k of ['c', 'a', 'b', 'd']) c.set(k, k.charCodeAt(0));
      c.set('a', 0);
      c.delete('c');
      c.set('c', 1);
      t.same([...c.entries()], [['a', 0], ['b', 98], ['d', 100], ['c', 1]]);
      t.same([...c.values()], [0, 98, 100, 1]);
    });

    t.test('keys and values of any JSON shape, including empty and odd strings', async (t) => {
      const s = impl.open(t);
      const c = s.collection<unknown>('shapes');
      const cases: Array<[string, unknown]> = [
        ['', 'empty key'],
        ["it's \"quoted\" %_ \u0000 nul", { a: [1, 2, { b: null }] }],
        ['num', 0],
        ['neg', -1.5],
        ['bool', false],
        ['null', null],
        ['arr', []],
        ['big', 9_007_199_254_740_991],
      ];
      for (const [k, v] of cases) c.set(k, v);
      for (const [k, v] of cases) t.same(c.get(k), v, `key ${JSON.stringify(k)}`);
      t.equal(c.size, cases.length);
    });

    t.test('a transaction commits all its writes; nested transactions join it', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('tx');
      const r = s.transaction(() => {
        c.set('a', 1);
        const inner = s.transaction(() => {
          c.set('b', 2);
          return 'inner';
        });
        t.equal(c.get('b'), 2, 'the outer transaction sees the inner writes');
        return `outer+${inner}`;
      });
      t.equal(r, 'outer+inner', 'transaction returns what fn returns');
      t.same([...c.entries()], [['a', 1], ['b', 2]]);
    });

    t.test('a transaction that throws leaves nothing behind and rethrows', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('rb');
      c.set('keep', 1);
      c.set('gone', 2);
      const boom = new Error('boom');
      t.throws(
        () =>
          s.transaction(() => {
            c.set('keep', 100);
            c.set('new', 3);
            c.delete('gone');
            s.collection<number>('other').set('x', 1);
            throw boom;
          }),
        boom,
      );
      t.equal(c.get('keep'), 1);
      t.equal(c.has('new'), false);
      t.equal(c.get('gone'), 2);
      t.equal(s.collection<number>('other').size, 0);
    });

    t.test('a nested transaction that throws, caught by the outer one, undoes only its own writes', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('sp');
      s.transaction(() => {
        c.set('outer', 1);
        try {
          s.transaction(() => {
            c.set('inner', 2);
            c.set('outer', 99);
            throw new Error('inner fails');
          });
        } catch {
          // the outer transaction goes on
        }
        c.set('after', 3);
      });
      t.same(Object.fromEntries(c.entries()), { outer: 1, after: 3 });
    });

    t.test('clear inside a failed transaction is undone', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('cl');
      c.set('a', 1);
      c.set('b', 2);
      t.throws(() =>
        s.transaction(() => {
          c.clear();
          t.equal(c.size, 0);
          throw new Error('no');
        }),
      );
      t.same(Object.fromEntries(c.entries()), { a: 1, b: 2 });
    });

    t.test('writes after a failed transaction are kept normally', async (t) => {
      const s = impl.open(t);
      const c = s.collection<number>('after');
      t.throws(() => s.transaction(() => (c.set('x', 1), void JSON.parse('{'))));
      c.set('y', 2);
      s.transaction(() => c.set('z', 3));
      t.same(Object.fromEntries(c.entries()), { y: 2, z: 3 });
    });
  });
}

t.test('SqliteStore: what it acknowledged is there after close and reopen', async (t) => {
  const dir = tempDir(t);
  const a = new SqliteStore(dir);
  const c = a.collection<Rec>('orders');
  for (let i = 0; i < 50; i++) c.set(`k${i}`, rec(i));
  c.set('k3', rec(333));
  c.delete('k4');
  a.transaction(() => {
    c.set('k50', rec(50));
    a.collection<string>('index').set('by', 'k50');
  });
  t.throws(() => a.transaction(() => (c.set('k51', rec(51)), c.delete('k0'), void JSON.parse('{'))));
  a.collection<number>('emptied').set('x', 1);
  a.collection<number>('emptied').clear();
  a.close();
  t.throws(() => c.set('late', rec(0)), /closed/, 'a closed store refuses writes');

  const b = new SqliteStore(dir);
  t.teardown(() => b.close());
  const c2 = b.collection<Rec>('orders');
  t.equal(c2.size, 50);
  t.same(c2.get('k3'), rec(333));
  t.equal(c2.has('k4'), false);
  t.same(c2.get('k50'), rec(50));
  t.equal(c2.has('k51'), false, 'the rolled-back write is not on disk');
  t.same(c2.get('k0'), rec(0), 'the rolled-back delete is not on disk');
  t.same([...c2.entries()].slice(0, 4).map(([k]) => k), ['k0', 'k1', 'k2', 'k3'], 'insertion order survives');
  t.equal(b.collection<string>('index').get('by'), 'k50');
  t.equal(b.collection<number>('emptied').size, 0);
  t.same(b.collectionNames(), ['index', 'orders']);
});

t.test('SqliteStore: a value that is not JSON is refused and nothing is written', async (t) => {
  const s = new SqliteStore(tempDir(t));
  t.teardown(() => s.close());
  const c = s.collection<unknown>('bad');
  t.throws(() => c.set('f', () => 1), TypeError);
  t.throws(() => c.set('b', { n: BigInt(1) }), TypeError);
  t.equal(c.size, 0);
});

t.test('SqliteStore: a second process (or store) on the same data dir is refused with a message', async (t) => {
  const dir = tempDir(t);
  const a = new SqliteStore(dir);
  t.teardown(() => a.close());
  t.throws(() => new SqliteStore(dir), { name: 'DataDirError', message: /in use by another sofort-sandbox process.*--data-dir/ });
  a.collection<number>('still').set('works', 1);
  t.equal(a.collection<number>('still').get('works'), 1, 'the first store is unharmed');
});

t.test('SqliteStore: data dir problems are explained', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  t.throws(() => new SqliteStore(file), DataDirError, 'a file where a directory is wanted');
  t.throws(() => new SqliteStore(join(file, 'sub')), { name: 'DataDirError', message: /cannot create the data directory/ });
  const junk = join(dir, 'junk');
  new SqliteStore(junk).close();
  writeFileSync(join(junk, DATA_FILE), 'this is not a database, just text that is long enough to matter'.repeat(100));
  t.throws(() => new SqliteStore(junk), { name: 'DataDirError', message: /cannot use .*sandbox\.db/ });
});

t.test('schema: a new file is migrated to the current version; a newer file is refused', async (t) => {
  const dir = tempDir(t);
  new SqliteStore(dir).close();
  const db = new Database(join(dir, DATA_FILE));
  t.equal(schemaVersion(db), SCHEMA_VERSION);
  t.equal(SCHEMA_VERSION, MIGRATIONS.length);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  t.throws(() => new SqliteStore(dir), { name: 'DataDirError', message: new RegExp(`schema version ${SCHEMA_VERSION + 1}.*upgrade sofort-sandbox`) });
});

t.test('schema: migrations run in order, once, in one transaction', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const ran: number[] = [];
  const steps = [
    (d: Database.Database) => (ran.push(0), d.exec('CREATE TABLE a (x)')),
    (d: Database.Database) => (ran.push(1), d.exec('CREATE TABLE b (x)')),
  ];
  t.equal(migrate(db, steps.slice(0, 1)), 0);
  t.equal(migrate(db, steps), 1, 'only the new migration runs on an older file');
  t.equal(migrate(db, steps), 2, 'nothing runs on a current file');
  t.same(ran, [0, 1]);
  const failing = [...steps, () => (ran.push(2), db.exec('CREATE TABLE c (x)'), void JSON.parse('{'))];
  t.throws(() => migrate(db, failing));
  t.equal(schemaVersion(db), 2, 'a failed migration leaves the version as it was');
  const tableC = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'").get() as { n: number };
  t.equal(tableC.n, 0, 'and no half-applied change');
});
