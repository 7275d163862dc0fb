R"sql(
-- 0004_webhooks: the webhook receiver's durable queue of accepted deliveries
-- and the per-tenant on/off switch.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- seq is the insertion order (the rowid in SQLite, an identity column in PostgreSQL).
-- A replayed delivery hits the UNIQUE key and is dropped by EnqueueWebhook.
CREATE TABLE webhook_deliveries (
  seq                {SEQ},
  tenant_id          TEXT    NOT NULL,
  connection_id      TEXT    NOT NULL,
  source             TEXT    NOT NULL,  -- connector kind: woo | qbo
  delivery_id        TEXT    NOT NULL,  -- Woo delivery id / QBO event id
  topic              TEXT    NOT NULL,
  entity             TEXT    NOT NULL,
  record_id          TEXT    NOT NULL,
  detail             TEXT    NOT NULL,  -- JSON object, never secrets or bodies
  status             TEXT    NOT NULL,  -- queued | processing | done | failed | ignored
  attempts           BIGINT  NOT NULL,  -- claims so far
  received_at_ms     BIGINT  NOT NULL,
  next_attempt_at_ms BIGINT  NOT NULL,  -- queued rows are claimable from here on
  lease_until_ms     BIGINT  NOT NULL,  -- processing rows are claimable again after it; 0 otherwise
  run_id             TEXT    NOT NULL,  -- '' until a run handled it
  error              TEXT    NOT NULL,
  finished_at_ms     BIGINT  NOT NULL,  -- 0 until done / failed / ignored
  UNIQUE (tenant_id, connection_id, delivery_id)
);

-- ClaimWebhooks looks up claimable rows by status and due time.
CREATE INDEX idx_webhook_deliveries_claim ON webhook_deliveries (status, next_attempt_at_ms);
-- ListWebhooks / CountWebhooks per tenant, newest first.
CREATE INDEX idx_webhook_deliveries_tenant ON webhook_deliveries (tenant_id, seq);

-- A tenant without a row has webhooks enabled.
CREATE TABLE webhook_settings (
  tenant_id     TEXT    NOT NULL PRIMARY KEY,
  enabled       {BOOL}  NOT NULL,  -- 0 / 1 in SQLite
  updated_at_ms BIGINT  NOT NULL
);
)sql"
