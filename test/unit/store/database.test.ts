import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { StoreOpenError, databaseFileName, openStore } from '../../../electron/engine/store/database.js';
import { latestSchemaVersion } from '../../../electron/engine/store/migrations.js';
import { SettingsStore } from '../../../electron/engine/store/settings.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the store', () => {
  it('creates a WAL database at the latest schema in a new data directory', () => {
    const dir = path.join(freshDir(), 'nested', 'data');
    const db = openStore(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.close();
    expect(fs.existsSync(path.join(dir, databaseFileName))).toBe(true);
  });

  it('keeps what was written across a restart', () => {
    const dir = freshDir();
    const first = openStore(dir);
    new SettingsStore(first).update({ theme: 'dark' });
    first.close();
    const second = openStore(dir);
    expect(new SettingsStore(second).get().theme).toBe('dark');
    second.close();
  });

  it('reports a corrupt file and leaves it byte for byte as it was', () => {
    const dir = freshDir();
    const file = path.join(dir, databaseFileName);
    const garbage = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xab)]);
    fs.writeFileSync(file, garbage);
    let thrown: unknown;
    try {
      openStore(dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreOpenError);
    expect((thrown as StoreOpenError).reason).toBe('corrupt');
    expect((thrown as StoreOpenError).message).toContain(file);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a database from a newer Daytwo without changing it', () => {
    const dir = freshDir();
    const file = path.join(dir, databaseFileName);
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestSchemaVersion + 5}`);
    raw.exec('CREATE TABLE from_the_future (x)');
    raw.close();
    expect(() => openStore(dir)).toThrow(/newer Daytwo/);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(latestSchemaVersion + 5);
    check.close();
  });

  it('falls back to defaults field by field when a stored setting no longer parses', () => {
    const db = openStore(freshDir());
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(
      'settings',
      JSON.stringify({ theme: 'neon', productionPatterns: ['live'] }),
    );
    const settings = new SettingsStore(db).get();
    expect(settings.theme).toBe('system');
    expect(settings.productionPatterns).toEqual(['*live*']); // a pre-glob regex, migrated
    db.close();
  });
});
