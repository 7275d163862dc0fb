R"sql(
-- 0005_jobs: the durable job queue (every sync run a worker executes) and
-- the per-tenant fairness clock of the claimers.
-- Times are Unix milliseconds (BIGINT); JSON is TEXT.
-- (The first and last lines wrap this file in a C++ raw string so the build
-- can #include it; everything between them is plain SQL.)

-- seq is the insertion order; id is the public job id (a UUID).
CREATE TABLE jobs (
  seq               {SEQ},
  id                TEXT    NOT NULL UNIQUE,
  tenant_id         TEXT    NOT NULL,
  kind              TEXT    NOT NULL,  -- sync | retry | reconcile | webhook-incremental
  source_connection TEXT    NOT NULL,
  target_connection TEXT    NOT NULL,
  request           TEXT    NOT NULL,  -- JSON object: the run's parameters
  lane              TEXT    NOT NULL,  -- realtime | backfill
  dedupe_key        TEXT    NOT NULL,  -- '' = none; a queued job with the same key absorbs a new one
  status            TEXT    NOT NULL,  -- queued | leased | running | succeeded | failed | abandoned
  run_id            TEXT    NOT NULL,  -- the run the job executes (assigned when queued)
  worker            TEXT    NOT NULL,  -- lease holder; '' when not leased
  attempts          BIGINT  NOT NULL,  -- claims so far
  max_attempts      BIGINT  NOT NULL,
  not_before_ms     BIGINT  NOT NULL,  -- queued rows are claimable from here on
  lease_until_ms    BIGINT  NOT NULL,  -- leased/running rows are claimable again after it
  created_at_ms     BIGINT  NOT NULL,
  updated_at_ms     BIGINT  NOT NULL,
  finished_at_ms    BIGINT  NOT NULL,  -- 0 until succeeded / failed / abandoned
  error             TEXT    NOT NULL
);

-- ClaimJob looks up claimable rows by status and due time.
CREATE INDEX idx_jobs_claim ON jobs (status, not_before_ms);
-- ListJobs per tenant, newest first; dedupe lookups.
CREATE INDEX idx_jobs_tenant ON jobs (tenant_id, seq);
CREATE INDEX idx_jobs_dedupe ON jobs (tenant_id, dedupe_key, status);

-- When a claimer last took a job of the tenant: the least recently served
-- tenant goes first (fairness between tenants).
CREATE TABLE job_tenants (
  tenant_id      TEXT   NOT NULL PRIMARY KEY,
  last_served_ms BIGINT NOT NULL
);
)sql"
