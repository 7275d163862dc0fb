R"sql(
-- 0002_runs: run history, per-record results, the failed queue, cursors and
-- run locks. Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

CREATE TABLE sync_runs (
  tenant_id         TEXT    NOT NULL,
  id                TEXT    NOT NULL,
  source_connection TEXT    NOT NULL,
  target_connection TEXT    NOT NULL,
  entities          TEXT    NOT NULL,  -- JSON array of entity names
  mode              TEXT    NOT NULL,  -- full | incremental
  dry_run           {BOOL}  NOT NULL,  -- 0 / 1 in SQLite
  status            TEXT    NOT NULL,  -- queued | running | succeeded | partial | failed | stopped
  counts            TEXT    NOT NULL,  -- JSON object, per entity
  count_fetched     BIGINT  NOT NULL,
  count_created     BIGINT  NOT NULL,
  count_updated     BIGINT  NOT NULL,
  count_skipped     BIGINT  NOT NULL,
  count_failed      BIGINT  NOT NULL,
  error             TEXT    NOT NULL,
  triggered_by      TEXT    NOT NULL,
  started_at_ms     BIGINT  NOT NULL,
  finished_at_ms    BIGINT  NOT NULL,  -- 0 while unfinished
  PRIMARY KEY (tenant_id, id)
);

CREATE INDEX idx_sync_runs_started ON sync_runs (tenant_id, started_at_ms);

-- seq is the insertion order (the rowid in SQLite, an identity column in PostgreSQL).
CREATE TABLE record_results (
  seq         {SEQ},
  tenant_id   TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  entity      TEXT    NOT NULL,
  source_id   TEXT    NOT NULL,
  action      TEXT    NOT NULL,  -- created | updated | skipped | failed
  target_id   TEXT    NOT NULL,
  message     TEXT    NOT NULL,
  duration_us BIGINT  NOT NULL,
  at_ms       BIGINT  NOT NULL,
  FOREIGN KEY (tenant_id, run_id) REFERENCES sync_runs (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX idx_record_results_run ON record_results (tenant_id, run_id, seq);

CREATE TABLE failed_records (
  tenant_id          TEXT   NOT NULL,
  target_connection  TEXT   NOT NULL,
  entity             TEXT   NOT NULL,
  source_id          TEXT   NOT NULL,
  source_connection  TEXT   NOT NULL,
  category           TEXT   NOT NULL,
  code               TEXT   NOT NULL,
  message            TEXT   NOT NULL,
  retry_count        BIGINT NOT NULL,
  first_failed_at_ms BIGINT NOT NULL,
  last_attempt_at_ms BIGINT NOT NULL,
  run_id             TEXT   NOT NULL,
  PRIMARY KEY (tenant_id, target_connection, entity, source_id)
);

CREATE INDEX idx_failed_records_first ON failed_records (tenant_id, first_failed_at_ms);

CREATE TABLE cursors (
  tenant_id         TEXT NOT NULL,
  source_connection TEXT NOT NULL,
  target_connection TEXT NOT NULL,
  entity            TEXT NOT NULL,
  value             TEXT NOT NULL,
  PRIMARY KEY (tenant_id, source_connection, target_connection, entity)
);

CREATE TABLE locks (
  tenant_id      TEXT   NOT NULL,
  lock_key       TEXT   NOT NULL,
  owner          TEXT   NOT NULL,
  acquired_at_ms BIGINT NOT NULL,
  expires_at_ms  BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, lock_key)
);
)sql"
