R"sql(
-- 0006_schedules: cron schedules of sync runs (SPEC F8), per tenant.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

CREATE TABLE schedules (
  tenant_id         TEXT    NOT NULL,
  id                TEXT    NOT NULL,
  name              TEXT    NOT NULL,
  cron              TEXT    NOT NULL,  -- 5 fields or a macro (@daily, …)
  timezone          TEXT    NOT NULL,  -- IANA zone name
  entities          TEXT    NOT NULL,  -- JSON array of entity names; [] = all of the pair
  mode              TEXT    NOT NULL,  -- incremental | full
  source_connection TEXT    NOT NULL,  -- '' = the tenant's only enabled source
  target_connection TEXT    NOT NULL,  -- '' = the tenant's only enabled target
  enabled           {BOOL}  NOT NULL,
  next_due_at_ms    BIGINT  NOT NULL,  -- 0 = never due (disabled)
  last_fired_at_ms  BIGINT  NOT NULL,  -- 0 = never fired
  last_run_id       TEXT    NOT NULL,
  last_error        TEXT    NOT NULL,
  created_by        TEXT    NOT NULL,
  created_at_ms     BIGINT  NOT NULL,
  updated_at_ms     BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- ListDueSchedules: enabled rows by due time, across tenants.
CREATE INDEX idx_schedules_due ON schedules (enabled, next_due_at_ms);
)sql"
