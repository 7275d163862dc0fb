// ServerStore: what the HTTP server keeps (src/server; migration
// 0003_server; types in server_records.h). Part of StateStore.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/server_records.h"

namespace es::store {

class ServerStore {
 public:
  virtual ~ServerStore() = default;

  // Appends an audit entry (seq is assigned by the store).
  virtual Status AddAudit(const AuditEntry& entry) = 0;
  // Newest first.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditFilter& filter) = 0;
  // Inserts a new OAuth state; Conflict when the state value already exists.
  virtual Status PutOAuthState(const OAuthState& state) = 0;
  // Atomically marks the state used (one UPDATE … WHERE used_at = 0 AND
  // expires_at > now) when it exists for this tenant and user, is unused and
  // unexpired, and returns it. Otherwise nothing changes and: NotFound when
  // there is no such state for this tenant and user (another tenant's state
  // is NotFound too), Conflict when it was already used, Validation when it
  // expired.
  virtual Result<OAuthState> ConsumeOAuthState(const std::string& tenant, const std::string& user,
                                               const std::string& state, int64_t now_ms) = 0;
  // Deletes states that expired before `before_ms`; returns how many.
  virtual Result<int64_t> PurgeOAuthStates(int64_t before_ms) = 0;
  // Claims an idempotency key; Conflict when (tenant, key) already exists.
  virtual Status PutSyncRequest(const SyncRequestRecord& record) = 0;
  virtual Result<std::optional<SyncRequestRecord>> GetSyncRequest(const std::string& tenant,
                                                                  const std::string& key) = 0;
  // Sets the run id of a claimed key; NotFound when the key is unknown.
  virtual Status SetSyncRequestRun(const std::string& tenant, const std::string& key, const std::string& run_id) = 0;
  // Releases a claimed key (the trigger failed before a run existed). Ok when absent.
  virtual Status DeleteSyncRequest(const std::string& tenant, const std::string& key) = 0;
  // Record results joined with their runs, newest first (at_ms desc, seq desc).
  virtual Result<std::vector<HistoryEntry>> ListHistory(const HistoryFilter& filter) = 0;
};

}  // namespace es::store
