// The job queue's statements (migration 0005_jobs), in neutral SQL
// (store/sql/dialect.h); see queries.h for the conventions.
#pragma once

namespace es::store::sql::q {

#define ES_JOB_COLUMNS                                                                                         \
  "seq, id, tenant_id, kind, source_connection, target_connection, request, lane, dedupe_key, status, run_id, " \
  "worker, attempts, max_attempts, not_before_ms, lease_until_ms, created_at_ms, updated_at_ms, finished_at_ms, " \
  "error"
// One statement: inserted unless the tenant has a queued job with the same
// non-empty dedupe key ($9).
inline constexpr char kEnqueueJob[] =
    "INSERT INTO jobs (id, tenant_id, kind, source_connection, target_connection, request, lane, dedupe_key, "
    "status, run_id, worker, attempts, max_attempts, not_before_ms, lease_until_ms, created_at_ms, updated_at_ms, "
    "finished_at_ms, error) "
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, '', 0, $10, $11, 0, $12, $12, 0, '' "
    "WHERE $8 = '' OR NOT EXISTS (SELECT 1 FROM jobs WHERE tenant_id = $2 AND dedupe_key = $8 "
    "AND status = 'queued')";
inline constexpr char kQueuedJobByKey[] =
    "SELECT " ES_JOB_COLUMNS " FROM jobs WHERE tenant_id = $1 AND dedupe_key = $2 AND status = 'queued' "
    "ORDER BY seq LIMIT 1";
// A coalesced enqueue widens the queued job's ids (JobStore::EnqueueJob);
// nothing when it was claimed meanwhile.
inline constexpr char kWidenQueuedJob[] =
    "UPDATE jobs SET request = $1, updated_at_ms = $2 WHERE seq = $3 AND status = 'queued'";
// First step of a claim: expired leases out of attempts end the job.
inline constexpr char kAbandonExpiredJobs[] =
    "UPDATE jobs SET status = 'abandoned', worker = '', finished_at_ms = $1, updated_at_ms = $1, "
    "error = 'its worker stopped heartbeating (lease expired) on each of its attempts' "
    "WHERE status IN ('leased', 'running') AND lease_until_ms <= $1 AND attempts >= max_attempts";
// Runs in a transaction. The subquery picks one due job: real-time lane
// first, then the tenant served least recently, then the oldest due. On
// PostgreSQL it locks the row and skips rows another claimer holds; a row
// claimed and committed meanwhile is re-checked against the WHERE and
// dropped. SQLite: BEGIN IMMEDIATE holds the write lock throughout.
inline constexpr char kClaimJob[] =
    "UPDATE jobs SET status = 'leased', worker = $2, lease_until_ms = $3, attempts = attempts + 1, "
    "updated_at_ms = $1 WHERE seq = (SELECT j.seq FROM jobs j "
    "WHERE (j.status = 'queued' AND j.not_before_ms <= $1) "
    "OR (j.status IN ('leased', 'running') AND j.lease_until_ms <= $1 AND j.attempts < j.max_attempts) "
    "ORDER BY CASE j.lane WHEN 'realtime' THEN 0 ELSE 1 END, "
    "COALESCE((SELECT t.last_served_ms FROM job_tenants t WHERE t.tenant_id = j.tenant_id), 0), "
    "j.not_before_ms, j.seq LIMIT 1 {SKIP_LOCKED}) RETURNING " ES_JOB_COLUMNS;
inline constexpr char kServeJobTenant[] =
    "INSERT INTO job_tenants (tenant_id, last_served_ms) VALUES ($1, $2) "
    "ON CONFLICT (tenant_id) DO UPDATE SET last_served_ms = excluded.last_served_ms";
inline constexpr char kMarkJobRunning[] =
    "UPDATE jobs SET status = 'running', updated_at_ms = $3 "
    "WHERE id = $1 AND worker = $2 AND status IN ('leased', 'running')";
inline constexpr char kHeartbeatJob[] =
    "UPDATE jobs SET lease_until_ms = $3, updated_at_ms = $4 "
    "WHERE id = $1 AND worker = $2 AND status IN ('leased', 'running')";
inline constexpr char kCompleteJob[] =
    "UPDATE jobs SET status = $3, run_id = CASE WHEN $4 = '' THEN run_id ELSE $4 END, error = $5, "
    "finished_at_ms = $6, updated_at_ms = $6, lease_until_ms = 0, worker = '' "
    "WHERE id = $1 AND worker = $2 AND status IN ('leased', 'running')";
inline constexpr char kRequeueJob[] =
    "UPDATE jobs SET status = 'queued', not_before_ms = $3, error = $4, "
    "attempts = CASE WHEN $5 THEN attempts ELSE attempts - 1 END, updated_at_ms = $6, lease_until_ms = 0, "
    "worker = '' WHERE id = $1 AND worker = $2 AND status IN ('leased', 'running')";
// Only a queued job; a claim committed first wins (the row no longer matches).
inline constexpr char kCancelJob[] =
    "UPDATE jobs SET status = 'cancelled', error = $4, finished_at_ms = $3, updated_at_ms = $3, worker = '', "
    "lease_until_ms = 0 WHERE tenant_id = $1 AND id = $2 AND status = 'queued' RETURNING " ES_JOB_COLUMNS;
inline constexpr char kGetJob[] = "SELECT " ES_JOB_COLUMNS " FROM jobs WHERE tenant_id = $1 AND id = $2";
inline constexpr char kListJobs[] =
    "SELECT " ES_JOB_COLUMNS " FROM jobs WHERE tenant_id = $1 AND ($2 = '' OR status = $2) "
    "AND ($3 = '' OR kind = $3) AND ($5 = '' OR run_id = $5) ORDER BY seq DESC LIMIT $4";
#undef ES_JOB_COLUMNS

}  // namespace es::store::sql::q
