R"sql(
-- 0010_confirmations: confirmation tokens for operations that touch more
-- than a few records or destroy data (SPEC F10), and the per-tenant sandbox
-- mode switch. Times are Unix milliseconds (BIGINT).
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- Only the token's SHA-256 is kept; the token itself is shown once.
CREATE TABLE confirmation_tokens (
  tenant_id     TEXT    NOT NULL,
  token_hash    TEXT    NOT NULL,  -- hex SHA-256 of the token
  user_id       TEXT    NOT NULL,  -- the API token's subject it was issued to
  operation     TEXT    NOT NULL,  -- sync | failed.retry_all | …
  plan_hash     TEXT    NOT NULL,  -- hex SHA-256 of the confirmed plan
  created_at_ms BIGINT  NOT NULL,
  expires_at_ms BIGINT  NOT NULL,
  used_at_ms    BIGINT  NOT NULL,  -- 0 while unused
  PRIMARY KEY (tenant_id, token_hash)
);

-- PurgeConfirmations drops expired tokens.
CREATE INDEX idx_confirmation_tokens_expiry ON confirmation_tokens (expires_at_ms);

-- A tenant without a row is in normal (production) mode.
CREATE TABLE tenant_sandbox_mode (
  tenant_id     TEXT    NOT NULL PRIMARY KEY,
  enabled       {BOOL}  NOT NULL,  -- 0 / 1 in SQLite
  updated_at_ms BIGINT  NOT NULL
);
)sql"
