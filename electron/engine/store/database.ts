import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { latestSchemaVersion, migrations } from './migrations.js';

export type StoreDatabase = Database.Database;

/** Why the store could not open; the engine reports it and refuses to touch the file. */
export class StoreOpenError extends Error {
  constructor(
    readonly reason: 'corrupt' | 'newer' | 'unreadable',
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export const databaseFileName = 'daytwo.sqlite';

/**
 * Each connection's page cache, as SQLite's negative form (KiB). better-sqlite3 builds SQLite
 * with 16 MB per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000), all of it malloc the engine
 * keeps once a 50,000-pod cache has been read; the file is in the OS's page cache anyway, so a
 * miss is a copy, not a disk read. 4 MB still holds every interior page of that cache's tables.
 */
const PAGE_CACHE_KIB = -4000;

/**
 * Opens (creating if needed) the SQLite store in dataDir, checks it is intact and not from a
 * newer Daytwo, and brings its schema up to date. A bad file is reported, never wiped: the
 * user's cache and audit log may be the only record of an incident.
 */
export function openStore(dataDir: string): StoreDatabase {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, databaseFileName);
  let db: StoreDatabase;
  try {
    db = new Database(file, { fileMustExist: false });
  } catch (error) {
    throw new StoreOpenError('unreadable', `Cannot open the store at ${file}: ${String(error)}`, file);
  }
  try {
    checkIntegrity(db, file);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latestSchemaVersion) {
      throw new StoreOpenError(
        'newer',
        `The store at ${file} was written by a newer Daytwo (schema ${version}; this one knows up to ${latestSchemaVersion}). ` +
          'Update Daytwo, or start with --data-dir pointing elsewhere. The file was left untouched.',
        file,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, version);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkIntegrity(db: StoreDatabase, file: string): void {
  let verdict: string;
  try {
    // quick_check reads every page but skips index cross-checks: seconds, not minutes, on a big cache.
    verdict = String(db.pragma('quick_check', { simple: true }));
  } catch (error) {
    throw new StoreOpenError(
      'corrupt',
      `The store at ${file} is not a readable database (${error instanceof Error ? error.message : String(error)}). ` +
        'Move it aside to start fresh, or start with --data-dir pointing elsewhere. The file was left untouched.',
      file,
    );
  }
  if (verdict !== 'ok') {
    throw new StoreOpenError(
      'corrupt',
      `The store at ${file} is damaged (${verdict}). Move it aside to start fresh. The file was left untouched.`,
      file,
    );
  }
}

function migrate(db: StoreDatabase, from: number): void {
  for (let version = from; version < latestSchemaVersion; version++) {
    const apply = db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
    apply();
  }
}

/**
 * A second connection to the same (already migrated) store whose commits are fsynced before
 * they return (`synchronous = FULL`: in WAL mode the WAL is synced at every commit, see
 * https://www.sqlite.org/pragma.html#pragma_synchronous). Incident data goes through it, so
 * "saved" shown to a person means saved even if the machine loses power a moment later; the
 * estate cache keeps NORMAL on the main connection, where a lost frame is re-listed anyway.
 */
export function openDurableConnection(store: StoreDatabase): StoreDatabase {
  const db = new Database(store.name, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
