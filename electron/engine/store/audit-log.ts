import { AuditEntry, AuditRecord } from '../../../shared/api/audit.js';
import type { AuditFilter, AuditVerification } from '../../../shared/api/audit.js';
import { chainHash, genesisHash, verifyChain } from './audit-chain.js';
import type { ChainedRow } from './audit-chain.js';
import type { StoreDatabase } from './database.js';

interface Row {
  seq: number;
  record: string;
  prev_hash: string;
  hash: string;
}

/**
 * The append-only audit log in SQLite (tables from the "audit log" migration). Appends run in
 * one transaction with the head row (count and last hash), so a crash never leaves a half
 * entry, and triggers refuse UPDATE and DELETE so no code path edits history by mistake.
 * The chain makes deliberate edits evident, not impossible: see audit-chain.ts.
 */
export class AuditLog {
  private readonly appendTx: (record: Omit<AuditRecord, 'seq'>) => AuditEntry;

  constructor(private readonly db: StoreDatabase) {
    this.appendTx = db.transaction((body: Omit<AuditRecord, 'seq'>) => {
      const head = this.head();
      const record = AuditRecord.parse({ ...body, seq: head.count + 1 });
      const hash = chainHash(head.hash, record);
      db.prepare(
        `INSERT INTO audit_log (seq, at, target, kind, outcome, record, prev_hash, hash)
         VALUES (@seq, @at, @target, @kind, @outcome, @record, @prev_hash, @hash)`,
      ).run({
        seq: record.seq,
        at: record.at,
        target: record.target,
        kind: record.what.kind,
        outcome: record.outcome.result,
        record: JSON.stringify(record),
        prev_hash: head.hash,
        hash,
      });
      db.prepare('INSERT INTO audit_head (id, count, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET count = excluded.count, hash = excluded.hash').run(
        record.seq,
        hash,
      );
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

  verify(): AuditVerification {
    const rows = this.db.prepare('SELECT seq, record, prev_hash, hash FROM audit_log ORDER BY seq ASC').iterate() as IterableIterator<Row>;
    const chained = (function* (): Generator<ChainedRow> {
      for (const row of rows) {
        let record: unknown;
        try {
          record = JSON.parse(row.record);
        } catch {
          record = row.record; // unparseable text cannot match its hash; the verifier says where
        }
        yield { seq: row.seq, record, prevHash: row.prev_hash, hash: row.hash };
      }
    })();
    return verifyChain(chained, this.head());
  }

  private head(): { count: number; hash: string } {
    const row = this.db.prepare('SELECT count, hash FROM audit_head WHERE id = 1').get() as { count: number; hash: string } | undefined;
    return row ?? { count: 0, hash: genesisHash };
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
