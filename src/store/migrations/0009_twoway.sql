R"sql(
-- 0009_twoway: two-way sync. Per record and side, the content last synced
-- there (loop prevention by content); per tenant and entity, the direction,
-- source of truth and conflict strategy; the conflict log with its manual
-- review queue.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

CREATE TABLE twoway_states (
  tenant_id     TEXT    NOT NULL,
  entity        TEXT    NOT NULL,  -- store entity: item
  record_key    TEXT    NOT NULL,  -- identity on both sides: sku:<SKU>
  side          TEXT    NOT NULL,  -- connection id
  record_id     TEXT    NOT NULL,  -- the record's id on that side
  content_hash  TEXT    NOT NULL,  -- two-way fields as last synced there
  version       TEXT    NOT NULL,  -- version token then (QBO SyncToken, Woo date_modified)
  written       {BOOL}  NOT NULL,  -- the engine wrote content_hash there
  updated_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, entity, record_key, side)
);

CREATE TABLE sync_policies (
  tenant_id       TEXT   NOT NULL,
  entity          TEXT   NOT NULL,
  direction       TEXT   NOT NULL,  -- both | <kind>-><kind>
  source_of_truth TEXT   NOT NULL,  -- connector kind
  strategy        TEXT   NOT NULL,  -- source_wins | target_wins | newest_wins | manual
  updated_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, entity)
);

-- A repeat of the same pair of values hits the UNIQUE key and is not logged again.
CREATE TABLE conflicts (
  id             {SEQ},
  tenant_id      TEXT   NOT NULL,
  entity         TEXT   NOT NULL,
  record_key     TEXT   NOT NULL,
  fingerprint    TEXT   NOT NULL,
  side_a         TEXT   NOT NULL,
  kind_a         TEXT   NOT NULL,
  record_a       TEXT   NOT NULL,
  value_a        TEXT   NOT NULL,  -- JSON: the two-way fields on side a
  hash_a         TEXT   NOT NULL,
  modified_a_ms  BIGINT NOT NULL,
  side_b         TEXT   NOT NULL,
  kind_b         TEXT   NOT NULL,
  record_b       TEXT   NOT NULL,
  value_b        TEXT   NOT NULL,
  hash_b         TEXT   NOT NULL,
  modified_b_ms  BIGINT NOT NULL,
  strategy       TEXT   NOT NULL,
  status         TEXT   NOT NULL,  -- resolved | open | resolved_manual
  winner         TEXT   NOT NULL,  -- kind whose value stands; '' while open
  resolved_by    TEXT   NOT NULL,
  created_at_ms  BIGINT NOT NULL,
  resolved_at_ms BIGINT NOT NULL,
  UNIQUE (tenant_id, entity, record_key, fingerprint)
);

CREATE INDEX idx_conflicts_tenant ON conflicts (tenant_id, status, id);
)sql"
