R"sql(
-- 0008_notifications: notification settings per tenant, the rate-limit
-- state per tenant and kind, and the log of notifications sent.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

CREATE TABLE notification_settings (
  tenant_id     TEXT    NOT NULL PRIMARY KEY,
  config        TEXT    NOT NULL,  -- JSON object without secrets
  secrets       TEXT    NOT NULL,  -- sealed JSON object ("esb1:…") or '' (see EncryptedStore)
  updated_at_ms BIGINT  NOT NULL
);

-- One row per (tenant, kind): when that kind was last sent and how many
-- events were suppressed since. ReserveNotification is one upsert on it.
CREATE TABLE notification_state (
  tenant_id        TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  last_sent_at_ms  BIGINT  NOT NULL,
  suppressed       BIGINT  NOT NULL,  -- events suppressed since last_sent_at_ms
  sent_suppressed  BIGINT  NOT NULL,  -- the count folded into the last send
  PRIMARY KEY (tenant_id, kind)
);

CREATE TABLE notification_log (
  seq         {SEQ},
  tenant_id   TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  subject     TEXT    NOT NULL,
  suppressed  BIGINT  NOT NULL,
  webhook     TEXT    NOT NULL,  -- "sent", "failed: …" or '' when not configured
  email       TEXT    NOT NULL,
  sent_at_ms  BIGINT  NOT NULL
);
CREATE INDEX idx_notification_log_tenant ON notification_log (tenant_id, seq);
)sql"
