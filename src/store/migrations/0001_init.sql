R"sql(
-- 0001_init: tenants, connections, transformer configs, id mappings and
-- write intents. Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

CREATE TABLE tenants (
  id            TEXT   NOT NULL PRIMARY KEY,
  name          TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE connections (
  tenant_id     TEXT    NOT NULL,
  id            TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  config        TEXT    NOT NULL,  -- JSON object, non-secret settings
  secret        {BYTES} NOT NULL,  -- opaque credentials (BLOB in SQLite, BYTEA in PostgreSQL)
  enabled       {BOOL}  NOT NULL,  -- 0 / 1 in SQLite
  updated_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE transformer_configs (
  tenant_id     TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  config        TEXT NOT NULL,     -- JSON (mapping/transformer_config.h)
  PRIMARY KEY (tenant_id, connection_id)
);

CREATE TABLE id_mappings (
  tenant_id         TEXT   NOT NULL,
  target_connection TEXT   NOT NULL,
  entity            TEXT   NOT NULL,
  source_id         TEXT   NOT NULL,
  source_connection TEXT   NOT NULL,
  target_id         TEXT   NOT NULL,
  target_type       TEXT   NOT NULL,
  sync_token        TEXT   NOT NULL,
  fingerprint       TEXT   NOT NULL,
  updated_at_ms     BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, target_connection, entity, source_id)
);

CREATE INDEX idx_id_mappings_target
  ON id_mappings (tenant_id, target_connection, entity, target_id);

CREATE TABLE write_intents (
  tenant_id         TEXT   NOT NULL,
  target_connection TEXT   NOT NULL,
  entity            TEXT   NOT NULL,
  source_id         TEXT   NOT NULL,
  request_id        TEXT   NOT NULL,
  lookup_key        TEXT   NOT NULL,
  created_at_ms     BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, target_connection, entity, source_id)
);
)sql"
