// RunStore: the history of sync runs — runs, per-record results and the
// failed-record queue. Part of StateStore (store/store.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/records.h"

namespace es::store {

class RunStore {
 public:
  virtual ~RunStore() = default;

  // Conflict when the run id already exists for the tenant.
  virtual Status CreateRun(const SyncRun& run) = 0;
  // Replaces every field but the key; NotFound when the run does not exist.
  virtual Status UpdateRun(const SyncRun& run) = 0;
  virtual Result<std::optional<SyncRun>> GetRun(const std::string& tenant, const std::string& run_id) = 0;
  // Newest first (started_at desc); from_ms inclusive, to_ms exclusive.
  virtual Result<std::vector<SyncRun>> ListRuns(const RunFilter& filter) = 0;

  // All or nothing; NotFound when a result names a run that does not exist.
  virtual Status AddRecordResults(const std::vector<RecordResult>& results) = 0;
  // In insertion order.
  virtual Result<std::vector<RecordResult>> ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                              int limit) = 0;

  // Upsert keyed by (tenant, target_connection, entity, source_id). The first
  // insert keeps f.retry_count; repeats add one, keep first_failed_at and
  // replace the rest. first_failed_at defaults to last_attempt_at.
  virtual Status PutFailed(const FailedRecord& f) = 0;
  virtual Status ClearFailed(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) = 0;
  // Oldest failure first.
  virtual Result<std::vector<FailedRecord>> ListFailed(const std::string& tenant, int limit) = 0;
};

}  // namespace es::store
