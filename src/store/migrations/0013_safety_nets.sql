R"sql(
-- 0013_safety_nets: per-status counters of the webhook delivery queue (the
-- queue-depth gauge reads them instead of counting every delivery ever
-- stored), the index the retention purge walks, and what the QuickBooks
-- document watch last saw of the documents the engine wrote.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- One row per (tenant, status) ever used; n is kept equal to the number of
-- webhook_deliveries rows of that tenant and status by every store method
-- that inserts, moves or deletes a delivery (same transaction).
CREATE TABLE webhook_delivery_counts (
  tenant_id TEXT   NOT NULL,
  status    TEXT   NOT NULL,  -- queued | processing | done | failed | ignored
  n         BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, status)
);

INSERT INTO webhook_delivery_counts (tenant_id, status, n)
  SELECT tenant_id, status, COUNT(*) FROM webhook_deliveries GROUP BY tenant_id, status;

-- PurgeWebhooks: finished deliveries by finish time.
CREATE INDEX idx_webhook_deliveries_finished ON webhook_deliveries (status, finished_at_ms);

-- content_hash: the document without the fields QuickBooks moves itself
-- (balances, linked transactions, metadata), so a payment being applied is
-- not taken for a user's edit.
CREATE TABLE qbo_document_hashes (
  tenant_id     TEXT   NOT NULL,
  connection_id TEXT   NOT NULL,  -- the QBO connection
  doc_type      TEXT   NOT NULL,  -- Invoice | SalesReceipt | CreditMemo | RefundReceipt | Payment
  doc_id        TEXT   NOT NULL,
  sync_token    TEXT   NOT NULL,
  content_hash  TEXT   NOT NULL,
  seen_at_ms    BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, connection_id, doc_type, doc_id)
);
)sql"
