import path from 'node:path';
import { AuditEntry, AuditRecord } from '../../../shared/api/audit.js';
import type { AuditFilter, AuditVerification } from '../../../shared/api/audit.js';
import { chainHash, genesisHash, verifyChain } from './audit-chain.js';
import type { ChainedRow } from './audit-chain.js';
import type { StoreDatabase } from './database.js';
import { CheckpointFile, checkpointFileName } from './audit-checkpoint.js';

interface Row {
  seq: number;
  record: string;
  prev_hash: string;
  hash: string;
}

/** A row as verify reads it: the filter columns too, to compare them with the hashed record. */
interface VerifiedRow extends Row {
  at: unknown;
  target: unknown;
  kind: unknown;
  outcome: unknown;
}

export interface AuditLogOptions {
  /** The checkpoint file; default: audit-checkpoints.log beside the database file. */
  checkpointFile?: string;
  /** Seals checkpoints (HMAC); null or absent: an unkeyed chain (store/audit-checkpoint.ts). */
  key?: Buffer | null;
  log?: (message: string) => void;
}

/** The table as migration 5 left it, for the case where someone dropped it. */
const auditTable = `
  CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    record    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    at        ANY  GENERATED ALWAYS AS (json_extract(record, '$.at')) VIRTUAL,
    target    TEXT GENERATED ALWAYS AS (json_extract(record, '$.target')) VIRTUAL,
    kind      TEXT GENERATED ALWAYS AS (json_extract(record, '$.what.kind')) VIRTUAL,
    outcome   TEXT GENERATED ALWAYS AS (json_extract(record, '$.outcome.result')) VIRTUAL
  ) STRICT;
  CREATE INDEX audit_log_by_target ON audit_log (target, seq);
  CREATE INDEX audit_log_by_time ON audit_log (at);
  CREATE INDEX audit_log_by_outcome ON audit_log (outcome, seq);`;

/** The triggers that keep every code path from editing history; recreated at start if missing. */
const triggers: Record<string, string> = {
  audit_log_no_update: `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
  audit_log_no_delete: `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
};

/**
 * The append-only audit log in SQLite. Only the hashed record is stored: the filter columns
 * (at, target, kind, outcome) are generated from it (migration 5), so a filter cannot hide an
 * entry whose record says otherwise. An append writes the entry, the head row and a line in the
 * checkpoint file outside the database (fsynced) in one transaction: if the checkpoint cannot
 * be written the entry is not either. Triggers refuse UPDATE and DELETE so no code path edits
 * history by mistake, and are recreated at start if someone dropped them. What this does and
 * does not protect against: docs/architecture.md, "The audit log".
 */
export class AuditLog {
  private readonly appendTx: (record: Omit<AuditRecord, 'seq'>) => AuditEntry;
  private readonly checkpoints: CheckpointFile;

  constructor(
    private readonly db: StoreDatabase,
    options: AuditLogOptions = {},
  ) {
    const file = options.checkpointFile ?? path.join(path.dirname(db.name), checkpointFileName);
    this.checkpoints = new CheckpointFile(file, options.key ?? null);
    this.restoreTriggers(options.log);
    this.adoptPreCheckpointLog(options.log);
    this.appendTx = db.transaction((body: Omit<AuditRecord, 'seq'>) => {
      const head = this.head();
      const record = AuditRecord.parse({ ...body, seq: head.count + 1 });
      const hash = chainHash(head.hash, record);
      db.prepare('INSERT INTO audit_log (seq, record, prev_hash, hash) VALUES (@seq, @record, @prev_hash, @hash)').run({
        seq: record.seq,
        record: JSON.stringify(record),
        prev_hash: head.hash,
        hash,
      });
      db.prepare('INSERT INTO audit_head (id, count, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET count = excluded.count, hash = excluded.hash').run(
        record.seq,
        hash,
      );
      // Last, still inside the transaction: a checkpoint that cannot be written rolls the entry back.
      this.checkpoints.append(record.seq, hash);
      return { ...record, prevHash: head.hash, hash };
    });
  }

  append(record: Omit<AuditRecord, 'seq'>): AuditEntry {
    return this.appendTx(record);
  }

  /** Newest first. */
  list(filter: AuditFilter = {}): AuditEntry[] {
    return this.select(filter, 'DESC');
  }

  /** Oldest first, one JSON object a line, hashes included so the file can be verified on its own. */
  exportJsonLines(filter: AuditFilter = {}): { jsonl: string; count: number } {
    const entries = this.select(filter, 'ASC');
    return { jsonl: entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : ''), count: entries.length };
  }

  /**
   * Checks, and names, everything it finds: the chain itself, each row's filter columns against
   * its hashed record, the head row, and the checkpoint file outside the database (edited lines,
   * entries that differ from what was checkpointed, truncation, a wiped table).
   */
  verify(): AuditVerification {
    const findings: string[] = [];
    const implicated: number[] = [];
    const hashes: string[] = [];
    const rows = this.db.prepare('SELECT seq, record, prev_hash, hash, at, target, kind, outcome FROM audit_log ORDER BY seq ASC').iterate() as IterableIterator<VerifiedRow>;
    const chained = (function* (): Generator<ChainedRow> {
      for (const row of rows) {
        let record: unknown;
        try {
          record = JSON.parse(row.record);
        } catch {
          record = row.record; // unparseable text cannot match its hash; the verifier says where
        }
        const mismatch = columnMismatch(row, record);
        if (mismatch) {
          findings.push(`Entry ${row.seq}'s ${mismatch}: the column was edited, so filters would show or hide it wrongly.`);
          implicated.push(row.seq);
        }
        hashes[row.seq] = row.hash;
        yield { seq: row.seq, record, prevHash: row.prev_hash, hash: row.hash };
      }
    })();
    const chain = verifyChain(chained, this.head());
    if (!chain.ok && chain.reason) {
      findings.unshift(chain.reason);
      if (chain.brokenAt !== null) implicated.push(chain.brokenAt);
    }
    const { last } = this.db.prepare('SELECT coalesce(max(seq), 0) AS last FROM audit_log').get() as { last: number };
    for (const finding of this.checkAgainstCheckpoints(last, hashes)) {
      findings.push(finding.message);
      implicated.push(finding.seq);
    }
    if (findings.length === 0) return { ok: true, brokenAt: null, checked: chain.checked, reason: null, findings: [] };
    return { ok: false, brokenAt: Math.min(...implicated), checked: chain.checked, reason: findings.join(' '), findings };
  }

  /** `stored`: the highest seq in the table. */
  private checkAgainstCheckpoints(stored: number, hashes: readonly string[]): { seq: number; message: string }[] {
    const file = this.checkpoints.file;
    const read = this.checkpoints.read();
    const headCount = this.head().count;
    if (read.state === 'missing') {
      if (stored === 0 && headCount === 0) return [];
      return [{ seq: 1, message: `The checkpoint file ${file} is missing, so the log cannot be checked against what was written: it was deleted or moved.` }];
    }
    const found: { seq: number; message: string }[] = read.problems.map((p) => ({ seq: read.lines[p.line - 1]?.count ?? 1, message: `The ${p.message}.` }));
    const lines = read.lines;
    lines.forEach((line, index) => {
      const expected = index === 0 ? (line.kind === 'adopted' ? line.count : 1) : (lines[index - 1]?.count ?? 0) + 1;
      if (line.count !== expected || (index > 0 && line.kind === 'adopted')) {
        found.push({ seq: Math.max(1, expected), message: `The checkpoint file jumps to entry ${line.count} where entry ${expected} should be: checkpoint lines were removed.` });
      }
    });
    const firstRewritten = lines.find((line) => line.count >= 1 && line.count <= stored && hashes[line.count] !== line.hash);
    if (firstRewritten) {
      const seq = firstRewritten.count;
      found.push({
        seq,
        message:
          hashes[seq] === undefined
            ? `Entry ${seq} was checkpointed when it was written and is gone from the log.`
            : `Entry ${seq} is not the entry that was checkpointed when it was written: the log was rewritten from there (a recomputed chain, or an older copy of the database).`,
      });
    }
    const checkpointed = lines.at(-1)?.count ?? 0;
    if (stored === 0 && checkpointed > 0) {
      found.push({ seq: 1, message: `The audit table is empty, but the checkpoint file records ${checkpointed} entries: the log was wiped.` });
    } else if (stored < checkpointed) {
      // The checkpoint is fsynced before the entry's commit, so a crash in between leaves it one ahead.
      const crash = checkpointed - stored === 1 ? ' If Daytwo crashed while recording an operation, it may instead be that entry, checkpointed but never committed.' : '';
      found.push({
        seq: stored + 1,
        message: `The log ends at entry ${stored}, but the checkpoint file records ${checkpointed} entries: entries were cut from the end (truncation, or an older copy of the database put back).${crash}`,
      });
    } else if (stored > checkpointed) {
      found.push({
        seq: checkpointed + 1,
        message: `Entries ${checkpointed + 1} to ${stored} have no checkpoint: Daytwo did not write them.`,
      });
    }
    return found;
  }

  private head(): { count: number; hash: string } {
    const row = this.db.prepare('SELECT count, hash FROM audit_head WHERE id = 1').get() as { count: number; hash: string } | undefined;
    return row ?? { count: 0, hash: genesisHash };
  }

  /** Someone with the file open in sqlite3 may have dropped the triggers; put them back, and say so. */
  private restoreTriggers(log: ((message: string) => void) | undefined): void {
    const table = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!table) {
      // Dropped outright. Start an empty table so the engine runs; verify reports the wipe
      // against the checkpoint file.
      this.db.exec(auditTable);
      log?.('The audit_log table was missing; an empty one has been created. audit.verify reports what the checkpoint file says was lost.');
    }
    const present = this.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { name: string; sql: string }[];
    for (const [name, sql] of Object.entries(triggers)) {
      const found = present.find((t) => t.name === name);
      if (found && normalizeSql(found.sql) === normalizeSql(sql)) continue;
      this.db.transaction(() => {
        if (found) this.db.exec(`DROP TRIGGER ${name}`);
        this.db.exec(sql);
      })();
      log?.(`The audit log's ${name} trigger was ${found ? 'altered' : 'missing'}; it has been recreated.`);
    }
  }

  /**
   * A log written before checkpoints existed (migration 5 marked it) gets one "adopted" line
   * for its head as it stands, once. Any other log with entries and no checkpoint file is
   * reported by verify, never adopted: adopting it would bless whatever it now says.
   */
  private adoptPreCheckpointLog(log: ((message: string) => void) | undefined): void {
    const anchor = this.db.prepare('SELECT pending_adoption FROM audit_anchor WHERE id = 1').get() as { pending_adoption: number } | undefined;
    if (!anchor?.pending_adoption) return;
    this.db.transaction(() => {
      const head = this.head();
      if (!this.checkpoints.exists() && head.count > 0) this.checkpoints.append(head.count, head.hash, 'adopted');
      this.db.prepare('UPDATE audit_anchor SET pending_adoption = 0 WHERE id = 1').run();
    })();
    log?.(`The audit log's existing entries were adopted into the checkpoint file ${this.checkpoints.file}.`);
  }

  private select(filter: AuditFilter, order: 'ASC' | 'DESC'): AuditEntry[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (filter.target) {
      where.push('target = @target');
      args['target'] = filter.target;
    }
    if (filter.kind) {
      where.push('kind = @kind');
      args['kind'] = filter.kind;
    }
    if (filter.outcome) {
      where.push('outcome = @outcome');
      args['outcome'] = filter.outcome;
    }
    if (filter.since !== undefined) {
      where.push('at >= @since');
      args['since'] = filter.since;
    }
    if (filter.until !== undefined) {
      where.push('at <= @until');
      args['until'] = filter.until;
    }
    if (filter.text) {
      where.push("record LIKE @text ESCAPE '\\'");
      args['text'] = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const sql = `SELECT seq, record, prev_hash, hash FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY seq ${order} LIMIT @limit`;
    const rows = this.db.prepare(sql).all({ ...args, limit: filter.limit ?? 1000 }) as Row[];
    const entries: AuditEntry[] = [];
    for (const row of rows) {
      // A tampered row may no longer parse; list what still does and let audit.verify say where.
      const parsed = AuditEntry.safeParse({ ...safeJson(row.record), prevHash: row.prev_hash, hash: row.hash });
      if (parsed.success) entries.push(parsed.data);
    }
    return entries;
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Which filter column disagrees with the hashed record, in words; null when all agree. */
function columnMismatch(row: VerifiedRow, record: unknown): string | null {
  if (!record || typeof record !== 'object') return null; // an unreadable record already breaks its hash
  const r = (record && typeof record === 'object' ? record : {}) as { at?: unknown; target?: unknown; what?: { kind?: unknown }; outcome?: { result?: unknown } };
  const expected: [string, unknown, unknown][] = [
    ['at', row.at, r.at],
    ['target', row.target, r.target],
    ['kind', row.kind, r.what?.kind],
    ['outcome', row.outcome, r.outcome?.result],
  ];
  for (const [column, stored, hashed] of expected) {
    if (stored !== hashed) return `${column} column reads ${JSON.stringify(stored)} but its hashed record says ${JSON.stringify(hashed)}`;
  }
  return null;
}
