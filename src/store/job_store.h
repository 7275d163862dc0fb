// JobStore: the durable job queue (migration 0005_jobs). Every sync run a
// worker executes — API trigger, CLI enqueue, schedule, webhook-coalesced
// incremental, retry, reconcile — is a job row:
//
//   queued ──claim──▶ leased ──running──▶ running ──▶ succeeded | failed
//     ▲                 │  (heartbeats extend the lease)   │
//     └──── requeue ────┴───────────────────────────────────┘
//   a leased/running job whose lease passed is claimable again (its worker
//   died); after max_attempts claims it becomes abandoned instead.
//   queued ──cancel──▶ cancelled (final: never claimed, never run)
//
// Claim order: the real-time lane before the backfill lane; within a lane,
// the tenant served least recently first (fairness), then the oldest due
// job. Two concurrent claimers (threads or processes sharing one database)
// never get the same job. Part of StateStore; types below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::store {

struct Job {
  std::string id;                 // required, unique (a UUID chosen by the caller)
  int64_t seq = 0;                // insertion order, assigned by the store
  std::string tenant_id;
  std::string kind;               // "sync" | "retry" | "reconcile" | "webhook-incremental"
  std::string source_connection;
  std::string target_connection;
  Json request = Json::object();  // the run's parameters (entities, mode, ids, dry_run, triggered_by, …)
  std::string lane = "realtime";  // "realtime" | "backfill"
  std::string dedupe_key;         // "" = none
  std::string status;             // "queued" | "leased" | "running" | "succeeded" | "failed" | "abandoned" |
                                  // "cancelled"
  std::string run_id;             // the run this job executes; assigned when queued
  std::string worker;             // lease holder ("" when not leased)
  int64_t attempts = 0;           // claims so far
  int64_t max_attempts = 5;       // claims before an expired lease abandons the job
  int64_t not_before_ms = 0;      // a queued job is claimable from this time on
  int64_t lease_until_ms = 0;     // a leased/running job is claimable again after it
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t finished_at_ms = 0;
  std::string error;              // why it failed / was requeued / abandoned (no secrets)
};

struct EnqueuedJob {
  Job job;                // as stored (the existing job when coalesced)
  bool coalesced = false; // a queued job with the same dedupe key absorbed this one
};

struct JobFilter {
  std::string tenant_id;  // required
  std::string status;     // empty = any
  std::string kind;       // empty = any
  int limit = 100;        // <= 0: no limit
  std::string run_id;     // empty = any
};

// Every status, in lifecycle order.
inline constexpr const char* kJobStatuses[] = {"queued",    "leased",    "running", "succeeded",
                                               "failed",    "abandoned", "cancelled"};
inline constexpr const char* kJobKinds[] = {"sync", "retry", "reconcile", "webhook-incremental"};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Stores `job` as "queued" (status, worker, attempts, lease and finish
  // fields of the argument are ignored). With a dedupe key, when the tenant
  // already has a queued job with that key, nothing is inserted and that job
  // is returned with coalesced = true; it takes over the new job's records:
  // its request's "ids" become the union of both lists (an empty list, every
  // record, absorbs any; the rest of its request stays). Validation for a
  // missing id, tenant, connection, an unknown kind or lane, or
  // max_attempts < 1; Conflict for a duplicate id.
  virtual Result<EnqueuedJob> EnqueueJob(const Job& job) = 0;
  // Claims the next job (see the order above) for `worker`: status
  // "leased", lease_until_ms = now + lease_ms, attempts + 1, returned as
  // updated; nullopt when none is due. Jobs whose lease passed with
  // attempts >= max_attempts become "abandoned" first.
  virtual Result<std::optional<Job>> ClaimJob(const std::string& worker, int64_t now_ms, int64_t lease_ms) = 0;
  // The lease holder marks its job "running" (the run is starting).
  virtual Status MarkJobRunning(const std::string& id, const std::string& worker, int64_t now_ms) = 0;
  // Extends the lease to lease_until_ms. Conflict when `worker` no longer
  // holds the job (it expired and another worker claimed it, or it finished).
  virtual Status HeartbeatJob(const std::string& id, const std::string& worker, int64_t lease_until_ms,
                              int64_t now_ms) = 0;
  // Final state, by the lease holder: status "succeeded" or "failed", with
  // the run and the error. Conflict when `worker` does not hold the job.
  virtual Status CompleteJob(const std::string& id, const std::string& worker, const std::string& status,
                             const std::string& run_id, const std::string& error, int64_t now_ms) = 0;
  // Back to "queued", claimable from not_before_ms, by the lease holder
  // (lock held elsewhere, worker stopping, transient failure). With
  // count_attempt false the claim is not counted (attempts - 1). Conflict
  // when `worker` does not hold the job.
  virtual Status RequeueJob(const std::string& id, const std::string& worker, int64_t not_before_ms,
                            const std::string& error, bool count_attempt, int64_t now_ms) = 0;
  // Cancels a queued job of `tenant`: status "cancelled", finished now,
  // `reason` as its error; returned as updated. Atomic against claimers: a
  // job claimed meanwhile is not cancelled. NotFound for an unknown id (or
  // another tenant's); Conflict with code "job_not_cancellable" when it is
  // not queued (leased, running or finished).
  virtual Result<Job> CancelJob(const std::string& tenant, const std::string& id, const std::string& reason,
                                int64_t now_ms) = 0;
  virtual Result<std::optional<Job>> GetJob(const std::string& tenant, const std::string& id) = 0;
  // Newest first.
  virtual Result<std::vector<Job>> ListJobs(const JobFilter& filter) = 0;
};

}  // namespace es::store
