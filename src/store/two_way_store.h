// TwoWayStore: what two-way sync remembers (migration 0009_twoway; types in
// two_way_records.h). Part of StateStore.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/two_way_records.h"

namespace es::store {

class TwoWayStore {
 public:
  virtual ~TwoWayStore() = default;

  // Inserts or replaces the row of (tenant, entity, record_key, side).
  virtual Status PutTwoWayState(const TwoWayState& state) = 0;
  // Every side's row of a record (none when never synced), ordered by side.
  virtual Result<std::vector<TwoWayState>> GetTwoWayStates(const std::string& tenant, const std::string& entity,
                                                           const std::string& record_key) = 0;

  // Inserts or replaces the policy of (tenant, entity).
  virtual Status PutSyncPolicy(const SyncPolicyRecord& policy) = 0;
  virtual Result<std::optional<SyncPolicyRecord>> GetSyncPolicy(const std::string& tenant,
                                                                const std::string& entity) = 0;
  virtual Result<std::vector<SyncPolicyRecord>> ListSyncPolicies(const std::string& tenant) = 0;

  // Logs a conflict; returns its id. A conflict with the same (tenant,
  // entity, record_key, fingerprint) is not logged twice: the id of the one
  // already logged is returned.
  virtual Result<int64_t> AddConflict(const ConflictRecord& conflict) = 0;
  virtual Result<std::optional<ConflictRecord>> GetConflict(const std::string& tenant, int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<ConflictRecord>> ListConflicts(const ConflictFilter& filter) = 0;
  // Closes an open conflict: status "resolved_manual", the winner's kind,
  // who and when. NotFound when unknown, Conflict when it is not open.
  virtual Status ResolveConflict(const std::string& tenant, int64_t id, const std::string& winner,
                                 const std::string& resolved_by, int64_t now_ms) = 0;
};

}  // namespace es::store
