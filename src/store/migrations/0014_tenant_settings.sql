R"sql(
-- 0014_tenant_settings: display settings per tenant (time zone, currency).
-- Times are Unix milliseconds (BIGINT).
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- Empty strings mean "not chosen"; the dashboard falls back to the browser's
-- zone and to seen_currency.
CREATE TABLE tenant_settings (
  tenant_id     TEXT   NOT NULL PRIMARY KEY,
  timezone      TEXT   NOT NULL,  -- IANA name
  currency      TEXT   NOT NULL,  -- ISO 4217, chosen
  seen_currency TEXT   NOT NULL,  -- ISO 4217, of the orders read last
  updated_by    TEXT   NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
)sql"
