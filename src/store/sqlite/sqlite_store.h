// SqliteStore: the StateStore on one SQLite database file (or ":memory:").
//
// Contract (in addition to store/store.h):
// - Open() configures the connection (WAL journal, busy_timeout 5000 ms,
//   foreign_keys on, synchronous NORMAL unless SqliteOptions::full_sync) but
//   does not migrate: call Migrate() before use (OpenStore does).
// - Durability: every method is one transaction, committed before it returns.
//   With WAL + synchronous=NORMAL a commit survives the process dying at any
//   moment (kill -9, crash, OOM kill) because the WAL write has reached the OS;
//   on power loss or an OS crash the most recent commits may roll back, always
//   as a suffix (never a cursor without the mapping committed before it).
//   full_sync (synchronous=FULL) fsyncs the WAL on every commit and closes
//   that window at the cost of one fsync per write.
// - Thread-safety: all methods may be called from any thread; one mutex
//   serialises use of the single connection. Several SqliteStore objects (or
//   processes) on the same file are safe too: writers take the database lock
//   with BEGIN IMMEDIATE and wait up to the busy timeout, after which the call
//   fails with a retryable Network status.
// - Timestamps are the caller's (the *_ms fields); the store never reads a clock
//   except to stamp schema_migrations.applied_at_ms.
// - List limits: a limit <= 0 means "no limit".
// - Required keys (tenant ids, connection ids, entity, source_id, run ids, lock
//   key/owner) must be non-empty, else Validation naming the field.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/sqlite/sqlite_stmt.h"
#include "store/store.h"

namespace es::store::sqlite {

struct SqliteOptions {
  bool full_sync = false;       // synchronous=FULL instead of NORMAL
  int busy_timeout_ms = 5000;   // how long a writer waits for the file lock
};

class SqliteStore final : public StateStore {
 public:
  // Opens or creates the database at `path` (":memory:" for a private
  // in-memory database). The parent directory must exist.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, const SqliteOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status Migrate() override;
  // Highest applied migration version; 0 when never migrated, -1 on error.
  int SchemaVersion() override;

  Status PutTenant(const Tenant& t) override;
  Result<std::optional<Tenant>> GetTenant(const std::string& id) override;
  Result<std::vector<Tenant>> ListTenants() override;
  Status DeleteTenant(const std::string& id) override;

  Status PutConnection(const Connection& c) override;
  Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Connection>> ListConnections(const std::string& tenant) override;
  // NotFound when there is no such connection.
  Status DeleteConnection(const std::string& tenant, const std::string& id) override;

  Status PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) override;
  Result<std::optional<Json>> GetTransformerConfig(const std::string& tenant, const std::string& connection) override;

  Status PutMapping(const IdMapping& m) override;
  Result<std::optional<IdMapping>> GetMapping(const std::string& tenant, const std::string& target_connection,
                                              const std::string& entity, const std::string& source_id) override;
  Result<std::optional<IdMapping>> FindMappingByTarget(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity,
                                                       const std::string& target_id) override;
  Result<int64_t> CountMappings(const std::string& tenant, const std::string& target_connection,
                                const std::string& entity) override;

  Status PutIntent(const WriteIntent& w) override;
  Status ClearIntent(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override;
  Result<std::optional<WriteIntent>> GetIntent(const std::string& tenant, const std::string& target_connection,
                                               const std::string& entity, const std::string& source_id) override;

  // Conflict when the run id already exists for the tenant.
  Status CreateRun(const SyncRun& run) override;
  // Replaces every field but the key; NotFound when the run does not exist.
  Status UpdateRun(const SyncRun& run) override;
  Result<std::optional<SyncRun>> GetRun(const std::string& tenant, const std::string& run_id) override;
  // Newest first (started_at desc); from_ms inclusive, to_ms exclusive.
  Result<std::vector<SyncRun>> ListRuns(const RunFilter& filter) override;

  // All or nothing; NotFound when a result names a run that does not exist.
  Status AddRecordResults(const std::vector<RecordResult>& results) override;
  // In insertion order.
  Result<std::vector<RecordResult>> ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                      int limit) override;

  // First insert keeps f.retry_count; repeats add one, keep first_failed_at
  // and replace the rest. first_failed_at defaults to last_attempt_at.
  Status PutFailed(const FailedRecord& f) override;
  Status ClearFailed(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override;
  // Oldest failure first.
  Result<std::vector<FailedRecord>> ListFailed(const std::string& tenant, int limit) override;

  Status PutCursor(const std::string& tenant, const std::string& source_connection,
                   const std::string& target_connection, const std::string& entity,
                   const std::string& value) override;
  Result<std::optional<std::string>> GetCursor(const std::string& tenant, const std::string& source_connection,
                                               const std::string& target_connection,
                                               const std::string& entity) override;

  // Lease until now_ms + lease_ms (> 0). Re-acquiring by the owner extends it.
  Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner, int64_t now_ms,
                     int64_t lease_ms) override;
  // Only the owner releases; anyone else is a no-op (Ok).
  Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) override;
  Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) override;

  // ---- HTTP server block (sqlite_store_server.cpp; see store.h) ----
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

  // ---- Webhooks block (sqlite_store_webhooks.cpp; see store.h) ----
  // tenant_id, connection_id and delivery_id are required; the stored row
  // starts "queued" with attempts 0 whatever the record says.
  Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) override;
  // One BEGIN IMMEDIATE transaction (UPDATE … RETURNING), so claimers in
  // other handles or processes wait for the write lock and never overlap.
  // Returned oldest first. limit and lease_ms must be positive (Validation).
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

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}

  // Cached prepared statement for `sql`, which must be a string literal
  // (the cache is keyed by its address). Requires mu_.
  Result<sqlite3_stmt*> Prepared(const char* sql);

  std::mutex mu_;
  sqlite3* const db_;  // owned; used only under mu_
  std::unordered_map<const char*, Statement> cache_;  // guarded by mu_
};

}  // namespace es::store::sqlite
