// better-sqlite3 is optional: where it cannot be found, asking for durable state says what to
// install or leave out (the install test shows the same through the installed binary).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSqliteDriver } from '../src/engine/sqlite-driver.js';
import { DataDirError } from '../src/engine/sqlite-store.js';

t.test('found beside the package: the driver', async (t) => {
  t.type(loadSqliteDriver(), 'function');
});

t.test('missing: a DataDirError that names the package, how to install it and the in-memory way out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'no-sqlite-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const err = t.throws(() => loadSqliteDriver(pathToFileURL(join(dir, 'x.js'))));
  t.type(err, DataDirError);
  t.match((err as Error).message, /--data-dir keeps state in SQLite through the optional package better-sqlite3, which is not installed\. Install it beside sofort-sandbox \(npm install better-sqlite3.*leave out --data-dir \/ DATA_DIR/);
});
