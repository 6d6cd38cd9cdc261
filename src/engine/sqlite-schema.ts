/**
 * The schema of the data file and its migrations. The version lives in SQLite's
 * `user_version`; migration N takes a file from version N to N+1, all in one transaction,
 * so a file is never left half-migrated. A file written by a newer sandbox is refused
 * rather than read wrongly.
 *
 * To change the layout (or the shape of stored records), append a migration; never edit
 * one that has shipped.
 */
import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: one table of (collection, key) -> JSON value. The rowid keeps insertion order,
  // which an upsert (ON CONFLICT DO UPDATE) preserves, as a Map does.
  (db) => {
    db.exec(`
      CREATE TABLE entries (
        collection TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        UNIQUE (collection, key)
      );
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring `db` up to `migrations.length`; returns the version it was at. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(`the data file has schema version ${from}, but this sofort-sandbox knows only up to ${migrations.length}; upgrade sofort-sandbox or use another data directory`);
  }
  if (from === migrations.length) return from;
  db.transaction(() => {
    for (let v = from; v < migrations.length; v++) migrations[v]!(db);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return from;
}
