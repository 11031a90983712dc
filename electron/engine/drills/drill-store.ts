import { Drill } from '../../../shared/api/drills.js';
import type { StoreDatabase } from '../store/database.js';

/**
 * Drills (migration 8), through the durable (synchronous FULL) connection: a milestone the
 * scoreboard showed survives a crash. A row that no longer parses is skipped, never fatal.
 */
export class DrillStore {
  private readonly upsert;

  constructor(private readonly db: StoreDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO drills (id, scenario, state, started_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, body = excluded.body`,
    );
  }

  save(drill: Drill, now: number): void {
    this.upsert.run(drill.id, drill.scenario, drill.state, drill.startedAt, now, JSON.stringify(drill));
  }

  get(id: string): Drill | undefined {
    const body = this.db.prepare('SELECT body FROM drills WHERE id = ?').pluck().get(id) as string | undefined;
    return body === undefined ? undefined : parseDrill(body);
  }

  list(limit = 500): Drill[] {
    const bodies = this.db.prepare('SELECT body FROM drills ORDER BY started_at DESC LIMIT ?').pluck().all(limit) as string[];
    return bodies.map(parseDrill).filter((d): d is Drill => d !== undefined);
  }

  /** Earlier drills of one scenario, for the comparison with the team's previous runs. */
  ofScenario(scenario: string, before: number): Drill[] {
    const bodies = this.db.prepare('SELECT body FROM drills WHERE scenario = ? AND started_at < ? ORDER BY started_at').pluck().all(scenario, before) as string[];
    return bodies.map(parseDrill).filter((d): d is Drill => d !== undefined);
  }
}

function parseDrill(body: string): Drill | undefined {
  try {
    const parsed = Drill.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
