R"sql(
-- 0012_users: the dashboard's local users and their sign-in sessions.
-- Times are Unix milliseconds (BIGINT).
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- password_hash is an argon2id string (libsodium crypto_pwhash_str).
CREATE TABLE users (
  tenant_id     TEXT   NOT NULL,
  email         TEXT   NOT NULL,  -- lower case; the user id of the API
  role          TEXT   NOT NULL,  -- admin | user
  password_hash TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, email)
);

-- id_hash is the SHA-256 (hex) of the cookie value, never the value itself.
CREATE TABLE user_sessions (
  id_hash       TEXT   NOT NULL PRIMARY KEY,
  tenant_id     TEXT   NOT NULL,
  user_id       TEXT   NOT NULL,
  role          TEXT   NOT NULL,
  kind          TEXT   NOT NULL,  -- session | link (one-time sign-in link)
  csrf_token    TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);

CREATE INDEX idx_user_sessions_user ON user_sessions (tenant_id, user_id);
CREATE INDEX idx_user_sessions_expiry ON user_sessions (expires_at_ms);
)sql"
