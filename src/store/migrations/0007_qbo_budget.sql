R"sql(
-- 0007_qbo_budget: one request budget per target account (a QuickBooks
-- realm) shared by every process on this store (store/qbo_budget_store.h).
-- Times are Unix milliseconds (BIGINT).
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- One row per account: reservations lock it (an upsert) so they run one at
-- a time; blocked_until_ms is set when the platform answered 429.
CREATE TABLE qbo_budget (
  account          TEXT    NOT NULL PRIMARY KEY,  -- "qbo:<realm id>"
  blocked_until_ms BIGINT  NOT NULL,              -- no block is granted before it
  blocks           BIGINT  NOT NULL,              -- blocks granted so far (the last block id)
  updated_at_ms    BIGINT  NOT NULL
);

-- The blocks granted in the last two minutes (older ones are purged).
CREATE TABLE qbo_budget_blocks (
  account        TEXT    NOT NULL,
  block_id       BIGINT  NOT NULL,
  granted_at_ms  BIGINT  NOT NULL,
  valid_until_ms BIGINT  NOT NULL,  -- its requests start before this
  requests       BIGINT  NOT NULL,
  batches        BIGINT  NOT NULL,
  open_until_ms  BIGINT  NOT NULL,  -- in flight until this; 0 once closed
  PRIMARY KEY (account, block_id)
);
)sql"
