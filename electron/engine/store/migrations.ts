/**
 * Schema history. Append only: a released migration is never edited, because users' databases
 * already ran it. The index + 1 is the schema version recorded in PRAGMA user_version.
 */
export const migrations: readonly string[] = [
  // 1: settings and the vault's encrypted blobs
  `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    ciphertext BLOB NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  `,
];

export const latestSchemaVersion = migrations.length;
