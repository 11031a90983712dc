import { Operation, Plan } from '../../../shared/api/operations.js';
import type { PlanState } from '../../../shared/api/operations.js';
import type { StoreDatabase } from '../store/database.js';

/** A plan as the engine keeps it: what the API shows, plus what execute needs. */
export interface StoredPlan {
  plan: Plan;
  /** The module's action, fixed at plan time. */
  action: unknown;
  /** Live fields the plan depended on (empty for drafts). */
  fingerprint: string;
  /** Kubeconfig user of the context when planned. */
  kubeUser: string | null;
}

/**
 * Plans and operation runs in SQLite, so drafts survive a restart and the UNIQUE plan_id on
 * operations makes "one plan, at most one run" a fact of the store, not of memory.
 */
export class OperationJournal {
  constructor(private readonly db: StoreDatabase) {}

  savePlan(stored: StoredPlan): void {
    this.db
      .prepare(
        `INSERT INTO operation_plans (id, created_at, state, body) VALUES (@id, @created_at, @state, @body)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      )
      .run({ id: stored.plan.id, created_at: stored.plan.createdAt, state: stored.plan.state, body: JSON.stringify(stored) });
  }

  getPlan(id: string): StoredPlan | undefined {
    const row = this.db.prepare('SELECT body FROM operation_plans WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? parseStoredPlan(row.body) : undefined;
  }

  setPlanState(id: string, state: PlanState): StoredPlan | undefined {
    const stored = this.getPlan(id);
    if (!stored) return undefined;
    stored.plan = { ...stored.plan, state };
    this.savePlan(stored);
    return stored;
  }

  drafts(): Plan[] {
    const rows = this.db.prepare("SELECT body FROM operation_plans WHERE state = 'draft' ORDER BY created_at DESC LIMIT 200").all() as { body: string }[];
    return rows.flatMap((row) => parseStoredPlan(row.body)?.plan ?? []);
  }

  /**
   * Records the run of a plan and marks the plan executed, atomically. False when the plan
   * already has a run: the caller returns that one instead of acting again.
   */
  claim(operation: Operation): boolean {
    const tx = this.db.transaction(() => {
      const result = this.db
        .prepare('INSERT INTO operations (id, plan_id, started_at, state, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(plan_id) DO NOTHING')
        .run(operation.id, operation.planId, operation.startedAt, operation.state, JSON.stringify(operation));
      if (result.changes === 0) return false;
      this.setPlanState(operation.planId, 'executed');
      return true;
    });
    return tx();
  }

  saveOperation(operation: Operation): void {
    this.db.prepare('UPDATE operations SET state = ?, body = ? WHERE id = ?').run(operation.state, JSON.stringify(operation), operation.id);
  }

  getOperation(id: string): Operation | undefined {
    const row = this.db.prepare('SELECT body FROM operations WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? parseOperation(row.body) : undefined;
  }

  operationForPlan(planId: string): Operation | undefined {
    const row = this.db.prepare('SELECT body FROM operations WHERE plan_id = ?').get(planId) as { body: string } | undefined;
    return row ? parseOperation(row.body) : undefined;
  }

  recentOperations(limit = 100): Operation[] {
    const rows = this.db.prepare('SELECT body FROM operations ORDER BY started_at DESC LIMIT ?').all(limit) as { body: string }[];
    return rows.flatMap((row) => parseOperation(row.body) ?? []);
  }

  /** Runs that were under way when the engine last stopped. */
  unfinished(): Operation[] {
    const rows = this.db.prepare("SELECT body FROM operations WHERE state IN ('executing', 'verifying')").all() as { body: string }[];
    return rows.flatMap((row) => parseOperation(row.body) ?? []);
  }
}

function parseStoredPlan(body: string): StoredPlan | undefined {
  try {
    const raw = JSON.parse(body) as StoredPlan;
    const plan = Plan.safeParse(raw.plan);
    return plan.success ? { ...raw, plan: plan.data } : undefined;
  } catch {
    return undefined;
  }
}

function parseOperation(body: string): Operation | undefined {
  try {
    const parsed = Operation.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
