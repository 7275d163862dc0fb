// RunContext: the engine's SyncContext for one run, and the run's
// bookkeeping — per-entity counts, record results (with the time each record
// took), the failed-record queue, dry-run previews and the crash/stop hooks.
//
// Store traffic per page: PrefetchMappings answers a page's Mapping() calls
// from one query (the cache lives until the next BeginPage); HadIntent reads
// the target's recorded intents once per page (normally none); intents are
// written at once (IntendAll: one transaction per batch); mappings, cleared
// intents, failed-queue changes and results are kept and written by Flush()
// in one transaction (StateStore::CommitPage) — at the end of every page,
// before the cursor moves, and whenever 200 results are pending.
//
// Failures are sorted by engine::ScopeOf (retry.h): a record-level failure
// is counted, recorded and queued for that record; the first platform-level
// one (credentials refused, host unreachable) is kept as the run's failure,
// named after its connection, and makes the context stop — the records in
// hand are neither counted nor queued as failed, since they failed for no
// reason of their own and the next run takes them again.
//
// Record results and failed-queue entries are keyed by the record a page
// carried (PlanOp::record_id under the page's entity), so that retrying a
// failed refund or payment re-syncs its order. Ops with an empty record_id
// are helper writes (a customer or item an order needs): counted and
// logged, but queued only through the record that needed them.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/connector.h"

namespace es::engine {

struct EntityCounts {
  int64_t fetched = 0;
  int64_t created = 0;
  int64_t linked = 0;   // found in the target (an interrupted run wrote it) and linked
  int64_t updated = 0;
  int64_t voided = 0;
  int64_t deleted = 0;
  int64_t skipped = 0;
  int64_t failed = 0;
  // Created (not linked) counts per target type ("Customer", "Invoice", …).
  std::map<std::string, int64_t> created_by_type;
  // Skipped records a filter left out (PlanOp::filter), per reason
  // ("status pending"); a part of `skipped`.
  std::map<std::string, int64_t> filtered;
};

// After each page: how far the fetch of `entity` is, and what the run has
// counted so far for every entity (the writes of helper records included).
struct Progress {
  std::string entity;
  int64_t done = 0;
  int64_t total = 0;  // 0 when unknown
  std::map<std::string, EntityCounts> counts;
};

// Test hook: asked at named points ("after_intent", "after_write",
// "after_mapping", "after_record"); returning true makes the run stop as if
// the process had been killed there (nothing after that point is recorded).
using CrashHook = std::function<bool(const std::string& point)>;

class RunContext final : public SyncContext {
 public:
  RunContext(RunInfo info, store::StateStore& store, Clock& clock, const std::atomic<bool>* stop, CrashHook hook);
  ~RunContext() override;

  const RunInfo& run() const override { return info_; }
  Clock& clock() override { return clock_; }
  Result<std::optional<store::IdMapping>> Mapping(const std::string& entity, const std::string& source_id) override;
  Result<std::optional<store::IdMapping>> MappingByTarget(const std::string& entity,
                                                          const std::string& target_id) override;
  Status PrefetchMappings(const std::string& entity, const std::vector<std::string>& source_ids) override;
  bool HadIntent(const std::string& entity, const std::string& source_id) override;
  Status Intend(const PlanOp& op, const std::string& lookup_key) override;
  Status IntendAll(const std::vector<std::pair<const PlanOp*, std::string>>& ops) override;
  Status Done(const PlanOp& op, const Written& written) override;
  void Failed(const PlanOp& op, const Status& status) override;
  bool Crash(const char* point) override;
  bool Stopping() const override;

  // Off: nothing is written to the run's record results (reconcile has no run).
  void SetRecordResults(bool on) { record_results_ = on; }

  // ---- for the pipeline
  // Ends the run for a platform-level failure of `connection` (the first one
  // counts; later ones are dropped).
  void PlatformFailed(const std::string& connection, const Status& status);
  // The run's platform-level failure ("connection 'qbo': …", category and
  // code kept), ok while there is none.
  const Status& platform_failure() const { return platform_failure_; }
  // Called after every page: renews the run lock (non-ok: the run lost it and
  // must stop). With `lease_ms`, recording a result also renews it once half
  // the lease has passed, so a long page or a slow target keeps the lock.
  void SetLockRenewal(std::function<Status()> renew, int64_t lease_ms = 0) {
    renew_ = std::move(renew);
    lease_ms_ = lease_ms;
  }
  Status RenewLock();
  // Starts a page of `entity` (the entity failed-queue entries of its ops go under).
  void BeginPage(const std::string& entity);
  void Fetched(int64_t n) { counts_[page_entity_].fetched += n; }
  void SourceFailed(const SourceFailure& f);
  void Skipped(const PlanOp& op) override;
  // Dry run: records what the op would do and keeps a preview (the first kMaxPreviews).
  void Planned(const PlanOp& op);
  Status Flush();

  bool crashed() const { return crashed_; }
  const std::map<std::string, EntityCounts>& counts() const { return counts_; }
  std::vector<Json> TakePreviews() { return std::move(previews_); }
  int64_t previews_dropped() const { return previews_dropped_; }

  static constexpr size_t kMaxPreviews = 2000;

 private:
  void Add(const std::string& entity, const std::string& source_id, const std::string& action,
           const std::string& target_id, const std::string& message);
  std::string QueueEntity(const PlanOp& op) const;
  store::WriteIntent MakeIntent(const PlanOp& op, const std::string& lookup_key) const;
  const std::string& QueueId(const PlanOp& op) const;

  RunInfo info_;
  store::StateStore& store_;
  Clock& clock_;
  const std::atomic<bool>* stop_;
  CrashHook hook_;
  std::function<Status()> renew_;
  int64_t lease_ms_ = 0;
  // Failed-queue keys ("entity/id") with a failed op in this run: a later
  // op of the same record that succeeds (an order's refund after its
  // document failed) must not take the record off the queue.
  std::set<std::string> failed_this_run_;
  int64_t renewed_at_ms_ = 0;
  bool crashed_ = false;
  bool record_results_ = true;
  Status platform_failure_;
  std::string page_entity_;
  std::chrono::steady_clock::time_point page_started_;
  std::map<std::string, EntityCounts> counts_;
  store::PageWrites pending_;  // written by Flush()
  // Mappings known this page (prefetched, looked up or just written); nullopt = none.
  std::unordered_map<std::string, std::optional<store::IdMapping>> known_;
  // The intents recorded toward the target, read once per page at the first
  // HadIntent and kept up to date by Intend/IntendAll.
  std::optional<std::unordered_set<std::string>> intents_;
  std::vector<Json> previews_;
  int64_t previews_dropped_ = 0;
};

}  // namespace es::engine
