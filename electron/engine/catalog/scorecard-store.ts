import { createHash } from 'node:crypto';
import { HistoryEntry, Scorecard } from '../../../shared/api/catalog.js';
import type { StoreDatabase } from '../store/database.js';

/**
 * Scorecards on disk (migration 8): the latest of each service, for offline, and its history,
 * one row each time the level or the set of failing rules changed (not one per evaluation, which
 * would write a row a second and say nothing). A row that no longer parses is skipped.
 */
const rewriteUnchangedMs = 60_000;

export class ScorecardStore {
  private readonly upsertLatest;
  private readonly insertHistory;
  private readonly lastHistory;

  constructor(private readonly db: StoreDatabase) {
    this.upsertLatest = db.prepare(
      `INSERT INTO scorecard_latest (service, evaluated_at, body) VALUES (?, ?, ?)
       ON CONFLICT (service) DO UPDATE SET evaluated_at = excluded.evaluated_at, body = excluded.body`,
    );
    this.insertHistory = db.prepare('INSERT INTO scorecard_history (service, at, level, passed, failed, failing) VALUES (?, ?, ?, ?, ?, ?)');
    this.lastHistory = db.prepare('SELECT level, failing FROM scorecard_history WHERE service = ? ORDER BY at DESC, rowid DESC LIMIT 1');
  }

  /** Every cached scorecard, as last evaluated. */
  latest(): Map<string, Scorecard> {
    const out = new Map<string, Scorecard>();
    for (const body of this.db.prepare('SELECT body FROM scorecard_latest').pluck().all() as string[]) {
      const card = parse(Scorecard, body);
      if (card) out.set(card.service, card);
    }
    return out;
  }

  /**
   * What was last written per service, so an unchanged card is not rewritten several times a
   * second: a digest of its results, since a big service's results run to megabytes (5 MB held
   * for the sandbox's services at 50,000 pods).
   */
  private readonly written = new Map<string, { digest: string; at: number }>();

  /**
   * Saves the cards in one transaction: a card whose results changed at once, an unchanged one
   * at most once a minute (so the age shown offline stays within a minute of the truth); and a
   * history row where the level or the failing rules changed.
   */
  save(cards: readonly Scorecard[]): void {
    this.db.transaction(() => {
      for (const card of cards) {
        const digest = createHash('sha256').update(JSON.stringify({ level: card.level, results: card.results })).digest('base64');
        const last = this.written.get(card.service);
        if (last && last.digest === digest && card.evaluatedAt - last.at < rewriteUnchangedMs) continue;
        this.written.set(card.service, { digest, at: card.evaluatedAt });
        this.upsertLatest.run(card.service, card.evaluatedAt, JSON.stringify(card));
        const failing = card.results.filter((r) => r.status === 'fail').map((r) => r.ruleId);
        const previous = this.lastHistory.get(card.service) as { level: string | null; failing: string } | undefined;
        if (previous && previous.level === card.level && previous.failing === JSON.stringify(failing)) continue;
        const passed = card.results.filter((r) => r.status === 'pass').length;
        this.insertHistory.run(card.service, card.evaluatedAt, card.level, passed, failing.length, JSON.stringify(failing));
      }
    })();
  }

  history(service: string, limit: number): HistoryEntry[] {
    const rows = this.db
      .prepare('SELECT at, level, passed, failed, failing FROM scorecard_history WHERE service = ? ORDER BY at DESC, rowid DESC LIMIT ?')
      .all(service, limit) as { at: number; level: string | null; passed: number; failed: number; failing: string }[];
    return rows.flatMap((row) => {
      const entry = HistoryEntry.safeParse({ ...row, failing: safeJson(row.failing) });
      return entry.success ? [entry.data] : [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, body: string): T | undefined {
  const parsed = schema.safeParse(safeJson(body));
  return parsed.success ? parsed.data : undefined;
}
