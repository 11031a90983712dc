import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/api/audit.js';
import { canonicalJson, chainHash, genesisHash, verifyChain } from '../../../electron/engine/store/audit-chain.js';
import { AuditLog } from '../../../electron/engine/store/audit-log.js';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';

const dirs: string[] = [];
const open: StoreDatabase[] = [];
function freshLog(): { db: StoreDatabase; log: AuditLog } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-audit-'));
  dirs.push(dir);
  const db = openStore(dir);
  open.push(db);
  return { db, log: new AuditLog(db) };
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function record(n: number, result: 'succeeded' | 'failed' = 'succeeded'): Omit<AuditRecord, 'seq'> {
  return {
    at: 1_700_000_000_000 + n,
    who: { osUser: 'sre', kubeUser: 'admin', context: 'shop-staging' },
    what: { kind: 'scale', summary: `Scale Deployment shop/web from ${n} to ${n + 1} replicas.` },
    target: 'k8s:shop-staging/shop/Deployment/web',
    plan: {
      id: `plan-${n}`,
      params: { replicas: n + 1 },
      diff: { summary: 'scale', changes: [{ field: 'spec.replicas', before: String(n), after: String(n + 1) }] },
      risks: [],
      confirmation: 'acknowledge',
    },
    operationId: `op-${n}`,
    outcome: { result, message: 'converged' },
    timings: { plannedAt: 1, executedAt: 2, finishedAt: 3, durationMs: 2 },
  };
}

/** Someone with the database file open in sqlite3, going around Daytwo's triggers. */
function tamper(db: StoreDatabase, sql: string, ...args: unknown[]): void {
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  db.prepare(sql).run(...args);
}

describe('canonical JSON', () => {
  it('is the same however keys were ordered, and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });
});

describe('the audit log', () => {
  it('chains each entry to the one before and verifies', () => {
    const { log } = freshLog();
    const first = log.append(record(1));
    const second = log.append(record(2));
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(genesisHash);
    expect(second.prevHash).toBe(first.hash);
    const { prevHash: _p, hash: _h, ...body } = second;
    expect(chainHash(first.hash, body)).toBe(second.hash);
    expect(log.verify()).toEqual({ ok: true, brokenAt: null, checked: 2, reason: null, findings: [] });
  });

  it('refuses UPDATE and DELETE through SQL: it is append-only', () => {
    const { db, log } = freshLog();
    log.append(record(1));
    expect(() => db.prepare('UPDATE audit_log SET record = record').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('finds an edited entry and says which', () => {
    const { db, log } = freshLog();
    for (let n = 1; n <= 5; n++) log.append(record(n));
    tamper(db, "UPDATE audit_log SET record = replace(record, '\"osUser\":\"sre\"', '\"osUser\":\"someone-else\"') WHERE seq = 3");
    const verdict = log.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: 3 });
    expect(verdict.reason).toMatch(/changed after it was recorded/);
  });

  it('finds a removed entry where the gap is', () => {
    const { db, log } = freshLog();
    for (let n = 1; n <= 5; n++) log.append(record(n));
    tamper(db, 'DELETE FROM audit_log WHERE seq = 2');
    const verdict = log.verify();
    // The chain breaks at 3; the checkpoint file knows entry 2 itself was there.
    expect(verdict).toMatchObject({ ok: false, brokenAt: 2 });
    expect(verdict.findings).toContain('Entry 3 comes where entry 2 should: entry 2 was removed.');
    expect(verdict.findings).toContain('Entry 2 was checkpointed when it was written and is gone from the log.');
  });

  it('finds entries cut from the end, which leave the chain itself intact', () => {
    const { db, log } = freshLog();
    for (let n = 1; n <= 4; n++) log.append(record(n));
    tamper(db, 'DELETE FROM audit_log WHERE seq = 4');
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 4, checked: 3 });
  });

  it('finds reordered entries', () => {
    const { db, log } = freshLog();
    for (let n = 1; n <= 4; n++) log.append(record(n));
    const rows = db.prepare('SELECT seq, record, prev_hash, hash FROM audit_log WHERE seq IN (2, 3) ORDER BY seq').all() as {
      record: string;
      prev_hash: string;
      hash: string;
    }[];
    const [two, three] = rows;
    tamper(db, 'UPDATE audit_log SET record = ?, prev_hash = ?, hash = ? WHERE seq = 2', three!.record, three!.prev_hash, three!.hash);
    tamper(db, 'UPDATE audit_log SET record = ?, prev_hash = ?, hash = ? WHERE seq = 3', two!.record, two!.prev_hash, two!.hash);
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('filters, lists newest first and exports oldest first as JSON Lines that verify on their own', () => {
    const { log } = freshLog();
    log.append(record(1));
    log.append(record(2, 'failed'));
    log.append(record(3));
    expect(log.list().map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(log.list({ outcome: 'failed' }).map((e) => e.seq)).toEqual([2]);
    expect(log.list({ text: 'from 3 to 4' }).map((e) => e.seq)).toEqual([3]);
    const { jsonl, count } = log.exportJsonLines();
    expect(count).toBe(3);
    const lines = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as { seq: number; prevHash: string; hash: string });
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    const verdict = verifyChain(
      lines.map(({ prevHash, hash, ...rest }) => ({ seq: rest.seq, record: rest, prevHash, hash })),
    );
    expect(verdict.ok).toBe(true);
  });
});
