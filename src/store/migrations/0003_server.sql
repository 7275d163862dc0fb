R"sql(
-- 0003_server: what the HTTP server keeps: the audit log, OAuth connect
-- states, sync-request idempotency keys, and an index for the history query.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- seq is the insertion order (the rowid in SQLite, an identity column in PostgreSQL).
CREATE TABLE audit_log (
  seq       {SEQ},
  tenant_id TEXT    NOT NULL,
  at_ms     BIGINT  NOT NULL,
  user_id   TEXT    NOT NULL,  -- JWT "sub" of the caller
  action    TEXT    NOT NULL,
  target    TEXT    NOT NULL,
  detail    TEXT    NOT NULL   -- JSON object, never secrets
);

CREATE INDEX idx_audit_log_tenant ON audit_log (tenant_id, at_ms);

CREATE TABLE oauth_states (
  state         TEXT   NOT NULL PRIMARY KEY,
  tenant_id     TEXT   NOT NULL,
  user_id       TEXT   NOT NULL,
  connection_id TEXT   NOT NULL,
  redirect_uri  TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms    BIGINT NOT NULL   -- 0 while unused
);

CREATE INDEX idx_oauth_states_expiry ON oauth_states (expires_at_ms);

CREATE TABLE sync_requests (
  tenant_id       TEXT   NOT NULL,
  idempotency_key TEXT   NOT NULL,
  run_id          TEXT   NOT NULL,  -- '' while the run is being started
  request         TEXT   NOT NULL,  -- JSON: the normalised trigger body
  created_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);

CREATE INDEX idx_record_results_history ON record_results (tenant_id, at_ms);
)sql"
