import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/api/audit.js';
import { chainHash, genesisHash } from '../../../electron/engine/store/audit-chain.js';
import { CheckpointFile, auditKeyFromDataKey, checkpointFileName } from '../../../electron/engine/store/audit-checkpoint.js';
import { AuditLog } from '../../../electron/engine/store/audit-log.js';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { migrations } from '../../../electron/engine/store/migrations.js';
import { createEngine } from '../../../electron/engine/engine.js';
import { passphraseSealer } from '../../../electron/engine/connections/vault.js';

/**
 * Someone who can write the database file (sqlite3 on the file, Daytwo stopped) tries to make
 * the audit log lie. Each of these verified `ok` before issue 10.
 */

const dirs: string[] = [];
const open: StoreDatabase[] = [];
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-tamper-'));
  dirs.push(dir);
  return dir;
}
function logIn(dir: string, key: Buffer | null = null, log?: (m: string) => void): { db: StoreDatabase; audit: AuditLog } {
  const db = openStore(dir);
  open.push(db);
  return { db, audit: new AuditLog(db, { key, ...(log ? { log } : {}) }) };
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function record(n: number, result: 'succeeded' | 'failed' = 'succeeded'): Omit<AuditRecord, 'seq'> {
  return {
    at: 1_700_000_000_000 + n,
    who: { osUser: 'sre', kubeUser: 'admin', context: 'shop-prod' },
    what: { kind: 'scale', summary: `Scale Deployment shop/web to ${n} replicas.` },
    target: 'k8s:shop-prod/shop/Deployment/web',
    plan: { id: `plan-${n}`, params: { replicas: n }, diff: { summary: 'scale', changes: [] }, risks: [], confirmation: 'type-name' },
    operationId: `op-${n}`,
    outcome: { result, message: result === 'failed' ? 'pods crash-looped' : 'converged' },
    timings: { plannedAt: 1, executedAt: 2, finishedAt: 3, durationMs: 2 },
  };
}

function dropTriggers(db: StoreDatabase): void {
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
}

/** Recomputes every hash from `from` on, and the head row, as a careful forger would. */
function recomputeChain(db: StoreDatabase): void {
  const rows = db.prepare('SELECT seq, record FROM audit_log ORDER BY seq').all() as { seq: number; record: string }[];
  let prev = genesisHash;
  for (const row of rows) {
    const hash = chainHash(prev, JSON.parse(row.record));
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, row.seq);
    prev = hash;
  }
  db.prepare('UPDATE audit_head SET count = ?, hash = ? WHERE id = 1').run(rows.length, prev);
}

describe('an audit log that a file writer cannot quietly rewrite', () => {
  it('reports a filter column edited to hide a failure, naming the column and both values', () => {
    const dir = freshDir();
    const { db, audit } = logIn(dir);
    audit.append(record(1));
    audit.append(record(2, 'failed'));
    audit.append(record(3));
    // The columns are generated from the record; a forger has to swap in a table where they are not.
    dropTriggers(db);
    db.exec(`
      CREATE TABLE forged (seq INTEGER PRIMARY KEY, at INTEGER, target TEXT, kind TEXT, outcome TEXT, record TEXT, prev_hash TEXT, hash TEXT);
      INSERT INTO forged SELECT seq, at, target, kind, outcome, record, prev_hash, hash FROM audit_log;
      DROP TABLE audit_log;
      ALTER TABLE forged RENAME TO audit_log;
      UPDATE audit_log SET outcome = 'succeeded' WHERE seq = 2;`);
    const verdict = audit.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 2 });
    expect(verdict.findings).toEqual([
      `Entry 2's outcome column reads "succeeded" but its hashed record says "failed": the column was edited, so filters would show or hide it wrongly.`,
    ]);
  });

  it('cannot have a filter column edited at all while the schema is Daytwo’s', () => {
    const { db, audit } = logIn(freshDir());
    audit.append(record(1, 'failed'));
    dropTriggers(db);
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'succeeded'").run()).toThrow(/generated column/);
    expect(audit.list({ outcome: 'failed' }).map((e) => e.seq)).toEqual([1]);
  });

  it('reports the last entries deleted and the head row rewritten to match, as truncation', () => {
    const { db, audit } = logIn(freshDir());
    for (let n = 1; n <= 6; n++) audit.append(record(n));
    const four = db.prepare('SELECT hash FROM audit_log WHERE seq = 4').get() as { hash: string };
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq > 4').run();
    db.prepare('UPDATE audit_head SET count = 4, hash = ? WHERE id = 1').run(four.hash);
    const verdict = audit.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 5, checked: 4 });
    expect(verdict.findings).toEqual([
      'The log ends at entry 4, but the checkpoint file records 6 entries: entries were cut from the end (truncation, or an older copy of the database put back).',
    ]);
  });

  it('reports an edit hidden by recomputing every later hash and the head, naming the entry', () => {
    const { db, audit } = logIn(freshDir());
    for (let n = 1; n <= 5; n++) audit.append(record(n, n === 3 ? 'failed' : 'succeeded'));
    dropTriggers(db);
    db.prepare(`UPDATE audit_log SET record = replace(record, '"result":"failed"', '"result":"succeeded"') WHERE seq = 3`).run();
    recomputeChain(db);
    const verdict = audit.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 3, checked: 5 });
    expect(verdict.findings).toEqual([
      'Entry 3 is not the entry that was checkpointed when it was written: the log was rewritten from there (a recomputed chain, or an older copy of the database).',
    ]);
  });

  it('reports a wiped table and head row', () => {
    const { db, audit } = logIn(freshDir());
    for (let n = 1; n <= 3; n++) audit.append(record(n));
    dropTriggers(db);
    db.exec('DELETE FROM audit_log; DELETE FROM audit_head;');
    const verdict = audit.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 1, checked: 0 });
    expect(verdict.findings).toEqual(['The audit table is empty, but the checkpoint file records 3 entries: the log was wiped.']);
  });

  it('reports an older copy of the database put back (rollback)', () => {
    const dir = freshDir();
    const { db, audit } = logIn(dir);
    audit.append(record(1));
    audit.append(record(2));
    db.close();
    const file = path.join(dir, 'daytwo.sqlite');
    fs.copyFileSync(file, `${file}.old`);
    const again = logIn(dir);
    again.audit.append(record(3, 'failed'));
    again.db.close();
    fs.copyFileSync(`${file}.old`, file);
    const rolledBack = logIn(dir);
    expect(rolledBack.audit.verify().findings).toEqual([
      'The log ends at entry 2, but the checkpoint file records 3 entries: entries were cut from the end (truncation, or an older copy of the database put back).' +
        ' If Daytwo crashed while recording an operation, it may instead be that entry, checkpointed but never committed.',
    ]);
  });

  it('with a key, reports a checkpoint file the forger rewrote without it', () => {
    const dir = freshDir();
    const key = auditKeyFromDataKey(Buffer.alloc(32, 7));
    const { db, audit } = logIn(dir, key);
    for (let n = 1; n <= 3; n++) audit.append(record(n, n === 2 ? 'failed' : 'succeeded'));
    expect(audit.verify().ok).toBe(true);
    dropTriggers(db);
    db.prepare(`UPDATE audit_log SET record = replace(record, '"result":"failed"', '"result":"succeeded"') WHERE seq = 2`).run();
    recomputeChain(db);
    // The forger writes a fresh checkpoint file that agrees with the forged chain, with a key of their own.
    const file = path.join(dir, checkpointFileName);
    fs.rmSync(file);
    const forged = new CheckpointFile(file, auditKeyFromDataKey(Buffer.alloc(32, 9)));
    for (const row of db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq').all() as { seq: number; hash: string }[]) forged.append(row.seq, row.hash);
    const verdict = audit.verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.findings).toEqual([
      'The checkpoint line 1 (entry 1) was edited, reordered, or follows a removed line.',
      'The checkpoint line 2 (entry 2) was edited, reordered, or follows a removed line.',
      'The checkpoint line 3 (entry 3) was edited, reordered, or follows a removed line.',
    ]);
  });

  it('reports a deleted checkpoint file rather than trusting the database alone', () => {
    const dir = freshDir();
    const { audit } = logIn(dir);
    audit.append(record(1));
    fs.rmSync(path.join(dir, checkpointFileName));
    expect(audit.verify().findings).toEqual([
      `The checkpoint file ${path.join(dir, checkpointFileName)} is missing, so the log cannot be checked against what was written: it was deleted or moved.`,
    ]);
  });

  it('records no entry whose checkpoint cannot be written', () => {
    const dir = freshDir();
    const db = openStore(dir);
    open.push(db);
    const unwritable = path.join(dir, 'a-directory');
    fs.mkdirSync(unwritable);
    const audit = new AuditLog(db, { checkpointFile: unwritable });
    expect(() => audit.append(record(1))).toThrow(/EISDIR/);
    expect(audit.list()).toEqual([]);
    expect(db.prepare('SELECT count FROM audit_head').get()).toBeUndefined();
  });

  it('is sealed with the key the engine is given (on the desktop, derived from the safeStorage data key)', async () => {
    const dir = freshDir();
    const key = auditKeyFromDataKey(Buffer.alloc(32, 5));
    const engine = createEngine({ mode: 'desktop', version: 't', dataDir: dir, readOnly: false, sealer: passphraseSealer(undefined), auditKey: key, log: () => {} });
    engine.audit.append(record(1));
    await engine.close();
    const [line] = fs.readFileSync(path.join(dir, checkpointFileName), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { sealed: boolean });
    expect(line).toMatchObject({ sealed: true });
    // Read back with the key it was sealed with, it verifies; with another, every line is refused.
    expect(logIn(dir, key).audit.verify().ok).toBe(true);
    expect(logIn(dir, auditKeyFromDataKey(Buffer.alloc(32, 6))).audit.verify().findings).toEqual(['The checkpoint line 1 (entry 1) was edited, reordered, or follows a removed line.']);
  });

  it('says which entries were swapped, in words that make sense', () => {
    const { db, audit } = logIn(freshDir());
    for (let n = 1; n <= 4; n++) audit.append(record(n));
    const rows = db.prepare('SELECT record, prev_hash, hash FROM audit_log WHERE seq IN (2, 3) ORDER BY seq').all() as { record: string; prev_hash: string; hash: string }[];
    dropTriggers(db);
    const put = db.prepare('UPDATE audit_log SET record = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    put.run(rows[1]!.record, rows[1]!.prev_hash, rows[1]!.hash, 2);
    put.run(rows[0]!.record, rows[0]!.prev_hash, rows[0]!.hash, 3);
    const verdict = audit.verify();
    expect(verdict.findings[0]).toBe('Row 2 holds the record of entry 3: entries were reordered or renumbered.');
  });

  it('recreates dropped triggers at start, and says so', () => {
    const dir = freshDir();
    const first = logIn(dir);
    first.audit.append(record(1));
    dropTriggers(first.db);
    first.db.close();
    const said: string[] = [];
    const { db } = logIn(dir, null, (m) => said.push(m));
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE audit_log SET record = record').run()).toThrow(/append-only/);
    expect(said).toEqual([
      "The audit log's audit_log_no_update trigger was missing; it has been recreated.",
      "The audit log's audit_log_no_delete trigger was missing; it has been recreated.",
    ]);
  });

  it('starts on a database whose audit table was dropped, and reports the wipe', () => {
    const dir = freshDir();
    const first = logIn(dir);
    first.audit.append(record(1));
    first.db.exec('DROP TABLE audit_log');
    first.db.close();
    const { audit } = logIn(dir, null, () => {});
    expect(audit.verify().findings).toContain('The audit table is empty, but the checkpoint file records 1 entries: the log was wiped.');
  });

  it('adopts a log written before checkpoints existed, once, and verifies it', () => {
    const dir = freshDir();
    // A database as Daytwo left it before migration 5, with two entries.
    const raw = new Database(path.join(dir, 'daytwo.sqlite'));
    for (const sql of migrations.slice(0, 4)) raw.exec(sql);
    raw.pragma('user_version = 4');
    let prev = genesisHash;
    for (let n = 1; n <= 2; n++) {
      const body = { ...record(n), seq: n };
      const hash = chainHash(prev, body);
      raw
        .prepare('INSERT INTO audit_log (seq, at, target, kind, outcome, record, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(n, body.at, body.target, body.what.kind, body.outcome.result, JSON.stringify(body), prev, hash);
      prev = hash;
    }
    raw.prepare('INSERT INTO audit_head (id, count, hash) VALUES (1, 2, ?)').run(prev);
    raw.close();
    const { audit } = logIn(dir, null, () => {});
    expect(audit.verify()).toMatchObject({ ok: true, checked: 2 });
    audit.append(record(3, 'failed'));
    expect(audit.list({ outcome: 'failed' }).map((e) => e.seq)).toEqual([3]);
    expect(audit.verify()).toMatchObject({ ok: true, checked: 3 });
    const lines = fs.readFileSync(path.join(dir, checkpointFileName), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { count: number; kind: string });
    expect(lines.map((l) => [l.count, l.kind])).toEqual([
      [2, 'adopted'],
      [3, 'entry'],
    ]);
  });
});
