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
  // 2: the estate cache: what providers last reported, so views render before any network answers
  `
  CREATE TABLE estate_entities (
    id        TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    -- the unit the provider lists in one go (a resource kind, a region); a relist replaces it
    scope     TEXT NOT NULL,
    body      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX estate_entities_by_scope ON estate_entities (source_id, scope);
  -- relations as the entity that states them reported them; they go when it goes
  CREATE TABLE estate_relations (
    stated_by TEXT NOT NULL REFERENCES estate_entities (id) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    from_id   TEXT NOT NULL,
    to_id     TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (stated_by, id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE estate_sources (
    id           TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    last_state   TEXT NOT NULL,
    last_sync_at INTEGER,
    updated_at   INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE estate_events (
    source_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    entity_id TEXT,
    last_at   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (source_id, id)
  ) STRICT;
  CREATE INDEX estate_events_by_entity ON estate_events (entity_id, last_at);
  CREATE INDEX estate_events_by_time ON estate_events (last_at);
  `,
  // 3: the audit log (hash-chained, append-only: store/audit-log.ts) and operation plans and runs
  `
  CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    target    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    record    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_log_by_target ON audit_log (target, seq);
  CREATE INDEX audit_log_by_time ON audit_log (at);
  CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    hash  TEXT NOT NULL
  ) STRICT;
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TABLE operation_plans (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    state      TEXT NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  -- plan_id UNIQUE: the plan id is the idempotency key, so a plan can start at most one run
  CREATE TABLE operations (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL UNIQUE REFERENCES operation_plans (id),
    started_at INTEGER NOT NULL,
    state      TEXT NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX operations_by_start ON operations (started_at);
  `,
  // Metrics: series as fetched, in chunks (one per fetch and query, deflated Float64 pairs),
  // trimmed where a newer fetch overlaps; and the user's own panels per entity.
  `
  CREATE TABLE metric_chunks (
    id          INTEGER PRIMARY KEY,
    query_key   TEXT NOT NULL,
    start_ms    INTEGER NOT NULL,
    end_ms      INTEGER NOT NULL,
    step_ms     INTEGER NOT NULL,
    fetched_at  INTEGER NOT NULL,
    unit        TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    payload     BLOB NOT NULL
  ) STRICT;
  CREATE INDEX metric_chunks_by_query ON metric_chunks (query_key, start_ms);
  CREATE INDEX metric_chunks_by_fetch ON metric_chunks (fetched_at);
  CREATE TABLE metric_panels (
    id         TEXT PRIMARY KEY,
    entity_id  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX metric_panels_by_entity ON metric_panels (entity_id, created_at);
  `,
  // 5: the audit log keeps only what is hashed. The filter columns were written beside the
  // record and could be edited without breaking the chain (issue 10); now they are generated
  // from the hashed record, so they cannot say anything it does not. audit_anchor marks a log
  // that existed before its checkpoint file did (store/audit-checkpoint.ts), to adopt it once.
  `
  CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY,
    record    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    at        ANY  GENERATED ALWAYS AS (json_extract(record, '$.at')) VIRTUAL,
    target    TEXT GENERATED ALWAYS AS (json_extract(record, '$.target')) VIRTUAL,
    kind      TEXT GENERATED ALWAYS AS (json_extract(record, '$.what.kind')) VIRTUAL,
    outcome   TEXT GENERATED ALWAYS AS (json_extract(record, '$.outcome.result')) VIRTUAL
  ) STRICT;
  INSERT INTO audit_entries (seq, record, prev_hash, hash) SELECT seq, record, prev_hash, hash FROM audit_log ORDER BY seq;
  CREATE TABLE audit_anchor (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    pending_adoption INTEGER NOT NULL
  ) STRICT;
  INSERT INTO audit_anchor (id, pending_adoption) SELECT 1, EXISTS (SELECT 1 FROM audit_log);
  DROP TABLE audit_log;
  ALTER TABLE audit_entries RENAME TO audit_log;
  CREATE INDEX audit_log_by_target ON audit_log (target, seq);
  CREATE INDEX audit_log_by_time ON audit_log (at);
  CREATE INDEX audit_log_by_outcome ON audit_log (outcome, seq);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 6: PagerDuty: notes waiting to be mirrored to a PagerDuty incident, in the order written, with
  // their original time. attempts counts sends begun: above zero, a send may have landed, so the
  // incident's notes are checked before sending again.
  `
  CREATE TABLE pagerduty_note_outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id    TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    content      TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,
    author       TEXT NOT NULL,
    enqueued_at  INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      INTEGER,
    note_id      TEXT
  ) STRICT;
  CREATE INDEX pagerduty_note_outbox_queue ON pagerduty_note_outbox (source_id, state, id);
  -- Which PagerDuty incidents a Daytwo incident follows: its notes are mirrored to them, and
  -- their log entries join its timeline.
  CREATE TABLE pagerduty_links (
    incident_id   TEXT NOT NULL,
    pagerduty     TEXT NOT NULL,
    linked_at     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, pagerduty)
  ) STRICT;
  CREATE INDEX pagerduty_links_by_pagerduty ON pagerduty_links (pagerduty);
  `,
  // 7: the event store (store/event-store.ts): each event keeps its kind and when Daytwo learned
  // of it beside when it happened (last_at). Rows from before learned of them when they happened.
  `
  ALTER TABLE estate_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'kubernetes';
  ALTER TABLE estate_events ADD COLUMN recorded_at INTEGER NOT NULL DEFAULT 0;
  UPDATE estate_events SET recorded_at = last_at;
  UPDATE estate_events SET kind = 'operation' WHERE id LIKE 'daytwo-operation:%';
  UPDATE estate_events SET kind = 'alarm' WHERE id LIKE 'cloudwatch-alarm:%';
  UPDATE estate_events SET kind = 'alert' WHERE id LIKE 'prometheus-alert:%';
  `,
  // 8: incidents (incidents/incident-store.ts), written through a synchronous=FULL connection:
  // the record, every change to it (its own timeline lines), notes, and stars/hides on items
  `
  CREATE TABLE incidents (
    id         TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX incidents_by_update ON incidents (updated_at);
  CREATE TABLE incident_changes (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    at          INTEGER NOT NULL,
    body        TEXT NOT NULL
  ) STRICT;
  CREATE INDEX incident_changes_by_incident ON incident_changes (incident_id, at);
  CREATE TABLE incident_notes (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    occurred_at INTEGER NOT NULL,
    body        TEXT NOT NULL
  ) STRICT;
  CREATE INDEX incident_notes_by_incident ON incident_notes (incident_id, occurred_at);
  CREATE TABLE incident_marks (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    item_id     TEXT NOT NULL,
    starred     INTEGER NOT NULL,
    hidden      INTEGER NOT NULL,
    PRIMARY KEY (incident_id, item_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 9: runbook runs (runbooks/run-store.ts), written through the durable connection: each run as
  // one JSON body, and each runbook version a run started with, by hash, so the run follows the
  // text it began with even after the file changes
  `
  CREATE TABLE runbook_versions (
    hash       TEXT PRIMARY KEY,
    runbook_id TEXT NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE TABLE runbook_runs (
    id         TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX runbook_runs_by_update ON runbook_runs (updated_at);
  `,
  // 10: scorecards (catalog/scorecard-store.ts): the last scorecard of each service, shown with its
  // age while its sources are offline, and one history row each time a service's level or
  // failing rules changed, so a team sees its trend
  `
  CREATE TABLE scorecard_latest (
    service      TEXT PRIMARY KEY,
    evaluated_at INTEGER NOT NULL,
    body         TEXT NOT NULL
  ) STRICT;
  CREATE TABLE scorecard_history (
    service TEXT NOT NULL,
    at      INTEGER NOT NULL,
    level   TEXT,
    passed  INTEGER NOT NULL,
    failed  INTEGER NOT NULL,
    failing TEXT NOT NULL
  ) STRICT;
  CREATE INDEX scorecard_history_by_service ON scorecard_history (service, at);
  `,
  // 11: screen links (screens/screen-links.ts): the token is stored only as its SHA-256, so the
  // database never holds a credential a wall display could be impersonated with
  `
  CREATE TABLE screen_links (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL
  ) STRICT;
  `,
  // 12: drills (drills/drill-store.ts), through the durable connection: each drill as one JSON
  // body, with its scenario and start time as columns for the history's per-scenario trends
  `
  CREATE TABLE drills (
    id         TEXT PRIMARY KEY,
    scenario   TEXT NOT NULL,
    state      TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    body       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX drills_by_start ON drills (started_at);
  `,
];

export const latestSchemaVersion = migrations.length;
