/**
 * better-sqlite3 is an optional dependency: it is a native addon that takes a compiler (or
 * a prebuilt binary download) to install, and only durable state (--data-dir) uses it. The
 * in-memory default must install and run without it, so it is loaded on first use, through
 * require (it is a CommonJS addon), and its absence becomes a message that says what to do.
 */
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { DataDirError } from './data-dir-error.js';

type DatabaseConstructor = typeof Database;

/** Where the addon is looked up; a parameter so a test can name a place where it is missing. */
export function loadSqliteDriver(from: string | URL = import.meta.url): DatabaseConstructor {
  const require = createRequire(from);
  try {
    return require('better-sqlite3') as DatabaseConstructor;
  } catch (err) {
    const e = err as Error & { code?: string };
    const why = e.code === 'MODULE_NOT_FOUND' ? 'is not installed' : `cannot be loaded (${e.message.split('\n')[0]})`;
    throw new DataDirError(
      `--data-dir keeps state in SQLite through the optional package better-sqlite3, which ${why}. ` +
        'Install it beside sofort-sandbox (npm install better-sqlite3; it was left out if you installed with --omit=optional ' +
        'or it failed to build), or leave out --data-dir / DATA_DIR to keep everything in memory.',
    );
  }
}
