// SqlStore: the StateStore written once over an Executor (store/sql/
// executor.h), for SQLite (sqlite/sqlite_store.h) and PostgreSQL
// (postgres/postgres_store.h), which add only how to open the database.
//
// Contract (in addition to store/store.h and the backend headers):
// - Statements come from the catalogue (store/sql/queries.h); each call is
//   one Executor::Run, one transaction.
// - Required keys (tenant ids, connection ids, entity, source_id, run ids,
//   lock key/owner, …) must be non-empty, else Validation naming the field.
// - List limits: a limit <= 0 means "no limit". Text ordering (ties in lists,
//   connections by id) is by bytes.
// - Batches (GetMappings, PutIntents, AddRecordResults, CommitPage) are sent
//   as few multi-row statements (at most kBatchRows rows each).
// - Timestamps are the caller's; the store reads no clock except to stamp
//   schema_migrations.
#pragma once

#include <memory>

#include "store/sql/executor.h"
#include "store/store.h"

namespace es::store::sql {

class SqlStore : public StateStore {
 public:
  explicit SqlStore(std::unique_ptr<Executor> exec) : exec_(std::move(exec)) {}
  ~SqlStore() override = default;
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;

  // Rows per multi-row statement.
  static constexpr size_t kBatchRows = 500;

  Status Migrate() override;
  // Highest applied migration version; 0 when never migrated, -1 on error.
  int SchemaVersion() override;

  // ---- SyncStateStore (sql_store_state.cpp)
  Status PutTenant(const Tenant& t) override;
  Result<std::optional<Tenant>> GetTenant(const std::string& id) override;
  Result<std::vector<Tenant>> ListTenants() override;
  Status DeleteTenant(const std::string& id) override;
  Status PutConnection(const Connection& c) override;
  Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Connection>> ListConnections(const std::string& tenant) override;
  Status DeleteConnection(const std::string& tenant, const std::string& id) override;
  Status PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) override;
  Result<std::optional<Json>> GetTransformerConfig(const std::string& tenant, const std::string& connection) override;
  Status PutMapping(const IdMapping& m) override;
  Result<std::optional<IdMapping>> GetMapping(const std::string& tenant, const std::string& target_connection,
                                              const std::string& entity, const std::string& source_id) override;
  Result<std::vector<IdMapping>> GetMappings(const std::string& tenant, const std::string& target_connection,
                                             const std::string& entity,
                                             const std::vector<std::string>& source_ids) override;
  Result<std::optional<IdMapping>> FindMappingByTarget(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity,
                                                       const std::string& target_id) override;
  Result<int64_t> CountMappings(const std::string& tenant, const std::string& target_connection,
                                const std::string& entity) override;
  Status PutIntent(const WriteIntent& w) override;
  Status PutIntents(const std::vector<WriteIntent>& intents) override;
  Status ClearIntent(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override;
  Result<std::optional<WriteIntent>> GetIntent(const std::string& tenant, const std::string& target_connection,
                                               const std::string& entity, const std::string& source_id) override;
  Result<std::vector<WriteIntent>> ListIntents(const std::string& tenant,
                                               const std::string& target_connection) override;
  Status PutCursor(const std::string& tenant, const std::string& source_connection,
                   const std::string& target_connection, const std::string& entity,
                   const std::string& value) override;
  Result<std::optional<std::string>> GetCursor(const std::string& tenant, const std::string& source_connection,
                                               const std::string& target_connection,
                                               const std::string& entity) override;
  Status CommitPage(const PageWrites& page) override;
  // Lease until now_ms + lease_ms (> 0). Re-acquiring by the owner extends
  // it. One atomic upsert decides, so racing processes get one winner.
  Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner, int64_t now_ms,
                     int64_t lease_ms) override;
  // Only the owner releases; anyone else is a no-op (Ok).
  Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) override;
  Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) override;

  // ---- RunStore (sql_store_runs.cpp)
  Status CreateRun(const SyncRun& run) override;
  Status UpdateRun(const SyncRun& run) override;
  Result<std::optional<SyncRun>> GetRun(const std::string& tenant, const std::string& run_id) override;
  Result<std::vector<SyncRun>> ListRuns(const RunFilter& filter) override;
  Status AddRecordResults(const std::vector<RecordResult>& results) override;
  Result<std::vector<RecordResult>> ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                      int limit) override;
  Status PutFailed(const FailedRecord& f) override;
  Status ClearFailed(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override;
  Result<std::vector<FailedRecord>> ListFailed(const std::string& tenant, int limit) override;

  // ---- ServerStore (sql_store_server.cpp)
  Status AddAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditFilter& filter) override;
  Status PutOAuthState(const OAuthState& state) override;
  Result<OAuthState> ConsumeOAuthState(const std::string& tenant, const std::string& user, const std::string& state,
                                       int64_t now_ms) override;
  Result<int64_t> PurgeOAuthStates(int64_t before_ms) override;
  Status PutSyncRequest(const SyncRequestRecord& record) override;
  Result<std::optional<SyncRequestRecord>> GetSyncRequest(const std::string& tenant, const std::string& key) override;
  Status SetSyncRequestRun(const std::string& tenant, const std::string& key, const std::string& run_id) override;
  Status DeleteSyncRequest(const std::string& tenant, const std::string& key) override;
  Result<std::vector<HistoryEntry>> ListHistory(const HistoryFilter& filter) override;

  // ---- WebhookQueueStore (sql_store_webhooks.cpp)
  // tenant_id, connection_id and delivery_id are required; the stored row
  // starts "queued" with attempts 0 whatever the record says.
  Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) override;
  // One transaction; returned oldest first. limit and lease_ms must be
  // positive (Validation).
  Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) override;
  // status must be "done", "failed" or "ignored" (Validation otherwise);
  // clears the lease and stamps finished_at_ms.
  Status FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id, const std::string& error,
                       int64_t now_ms) override;
  // Clears the lease; attempts are kept.
  Status RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) override;
  Result<std::vector<WebhookDelivery>> ListWebhooks(const WebhookFilter& filter) override;
  // Every known status is present (0 when there is none).
  Result<std::map<std::string, int64_t>> CountWebhooks(const std::string& tenant) override;
  Status SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) override;
  Result<bool> WebhooksEnabled(const std::string& tenant) override;

  // ---- NotificationStore (sql_store_notify.cpp)
  // config must be a JSON object; secrets are stored as given.
  Status PutNotificationSettings(const NotificationSettings& settings) override;
  Result<std::optional<NotificationSettings>> GetNotificationSettings(const std::string& tenant) override;
  // One upsert in a transaction (see queries_notify.h).
  Result<NotificationSlot> ReserveNotification(const std::string& tenant, const std::string& kind, int64_t now_ms,
                                               int64_t window_ms) override;
  Status AddNotificationLog(const NotificationLogEntry& entry) override;
  Result<std::vector<NotificationLogEntry>> ListNotificationLog(const std::string& tenant, int limit) override;

 protected:
  Executor& exec() { return *exec_; }

 private:
  const std::unique_ptr<Executor> exec_;
};

}  // namespace es::store::sql
