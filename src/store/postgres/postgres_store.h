// PostgresStore: the StateStore on a PostgreSQL database (SPEC F18: the
// production store that several worker processes can share).
//
// Contract (in addition to store/store.h):
// - Open(url) takes a postgres:// or postgresql:// URL (libpq syntax: user,
//   password, host, port, database, and query settings such as sslmode or
//   options=-csearch_path%3Dmy_schema), checks it and connects once, but does
//   not migrate: call Migrate() before use (OpenStore does). Tables live in
//   the first schema of the connection's search_path.
// - Thread-safety: every method may be called from any thread. A small pool
//   (PostgresOptions::max_connections, default 4) lets that many calls run
//   at once; more wait for a free connection. Any number of PostgresStore
//   objects and processes may share one database: row-level locking and
//   single-statement upserts keep every method atomic, and Migrate()
//   serialises concurrent migrators with an advisory lock.
// - Durability: every method is one transaction (a single statement, or
//   BEGIN … COMMIT), committed before it returns.
// - Connection loss: a broken connection is re-established and the call run
//   once more when that cannot apply a change twice (see pg_pool.h); else the
//   call fails with a retryable Network status. Serialization failures and
//   deadlocks are Network too; unique/foreign-key violations are Conflict.
// - Status messages never contain the password from the URL.
// - Timestamps are the caller's (the *_ms fields); the store never reads a
//   clock except to stamp schema_migrations.applied_at_ms.
// - List limits: a limit <= 0 means "no limit". Text ordering (ties in lists,
//   connections by id) is by bytes (COLLATE "C"), as in SQLite.
// - Text values must not contain NUL bytes (PostgreSQL text cannot hold them):
//   Validation. Invalid UTF-8 is refused with Validation. Connection secrets
//   are BYTEA and may hold any bytes.
// - Required keys (tenant ids, connection ids, entity, source_id, run ids, lock
//   key/owner) must be non-empty, else Validation naming the field.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace es::store::postgres {

// Pool size, connect timeout and application_name (see pg_pool.h).
using PostgresOptions = PoolOptions;

class PostgresStore final : public StateStore {
 public:
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url);
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, const PostgresOptions& options);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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
  // One atomic upsert decides, so racing processes get exactly one winner.
  Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner, int64_t now_ms,
                     int64_t lease_ms) override;
  // Only the owner releases; anyone else is a no-op (Ok).
  Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) override;
  Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) override;

  // ---- HTTP server block (postgres_store_server.cpp; see store.h) ----
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

  // ---- Webhooks block (postgres_store_webhooks.cpp; see store.h) ----
  // tenant_id, connection_id and delivery_id are required; the stored row
  // starts "queued" with attempts 0 whatever the record says. One
  // INSERT … ON CONFLICT DO NOTHING decides, so racing replays insert once.
  Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) override;
  // One UPDATE over a SELECT … FOR UPDATE SKIP LOCKED: claimers in any
  // process skip each other's rows instead of waiting or overlapping.
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

  // Connections the pool holds open right now (for tests and metrics).
  int TEST_open_connections() { return pool_->open_connections(); }
  // Broken connections re-established so far.
  int64_t TEST_reconnects() const { return pool_->reconnects(); }

 private:
  explicit PostgresStore(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}
  // Runs a kGetMapping-shaped read: the mapping, or nullopt without a row.
  Result<std::optional<IdMapping>> ReadMapping(const char* sql, const Params& params, const char* what);

  const std::unique_ptr<ConnectionPool> pool_;  // thread-safe itself
};

}  // namespace es::store::postgres
