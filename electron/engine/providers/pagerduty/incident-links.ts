import type { StoreDatabase } from '../../store/database.js';

export interface IncidentLink {
  /** The Daytwo incident's id. */
  incidentId: string;
  /** The PagerDuty incident, `pagerduty:<server>/incidents/<id>`. */
  pagerduty: string;
  linkedAt: number;
}

/**
 * Which PagerDuty incidents each Daytwo incident follows. The link lives on this side because
 * it decides what PagerDuty gets (notes mirrored) and what is read from it (log entries for
 * the timeline); the Daytwo incident's id is opaque here.
 */
export class IncidentLinks {
  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** Idempotent: linking twice keeps the first time. */
  link(incidentId: string, pagerduty: string): IncidentLink {
    this.db.prepare('INSERT OR IGNORE INTO pagerduty_links (incident_id, pagerduty, linked_at) VALUES (?, ?, ?)').run(incidentId, pagerduty, this.now());
    return this.db.prepare('SELECT incident_id AS incidentId, pagerduty, linked_at AS linkedAt FROM pagerduty_links WHERE incident_id = ? AND pagerduty = ?').get(incidentId, pagerduty) as IncidentLink;
  }

  unlink(incidentId: string, pagerduty: string): boolean {
    return this.db.prepare('DELETE FROM pagerduty_links WHERE incident_id = ? AND pagerduty = ?').run(incidentId, pagerduty).changes > 0;
  }

  of(incidentId: string): IncidentLink[] {
    return this.db.prepare('SELECT incident_id AS incidentId, pagerduty, linked_at AS linkedAt FROM pagerduty_links WHERE incident_id = ? ORDER BY linked_at, pagerduty').all(incidentId) as IncidentLink[];
  }
}
