import { Run, Runbook } from '../../../shared/api/runbooks.js';
import type { StoreDatabase } from '../store/database.js';

/**
 * Runs and the runbook versions they follow (migration 7), through the durable (synchronous
 * FULL) connection: a step the API answered as recorded survives a kill -9. A row that no longer
 * parses is skipped, never fatal.
 */
export class RunStore {
  private readonly upsertRun;
  private readonly insertVersion;

  constructor(private readonly db: StoreDatabase) {
    this.upsertRun = db.prepare(
      `INSERT INTO runbook_runs (id, state, updated_at, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, body = excluded.body`,
    );
    this.insertVersion = db.prepare('INSERT OR IGNORE INTO runbook_versions (hash, runbook_id, body) VALUES (?, ?, ?)');
  }

  keepVersion(runbook: Runbook): void {
    this.insertVersion.run(runbook.hash, runbook.id, JSON.stringify(runbook));
  }

  version(hash: string): Runbook | undefined {
    const body = this.db.prepare('SELECT body FROM runbook_versions WHERE hash = ?').pluck().get(hash) as string | undefined;
    const parsed = body === undefined ? undefined : Runbook.safeParse(JSON.parse(body));
    return parsed?.success ? parsed.data : undefined;
  }

  save(run: Run): void {
    this.upsertRun.run(run.id, run.state, run.updatedAt, JSON.stringify(run));
  }

  get(id: string): Run | undefined {
    const body = this.db.prepare('SELECT body FROM runbook_runs WHERE id = ?').pluck().get(id) as string | undefined;
    return body === undefined ? undefined : parseRun(body);
  }

  list(limit = 200): Run[] {
    const bodies = this.db.prepare('SELECT body FROM runbook_runs ORDER BY updated_at DESC LIMIT ?').pluck().all(limit) as string[];
    return bodies.map(parseRun).filter((r): r is Run => r !== undefined);
  }
}

function parseRun(body: string): Run | undefined {
  try {
    const parsed = Run.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
