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

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

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

  // ---- SafetyStore (sql_store_safety.cpp)
  // One transaction: the deleted rows and their counters.
  Result<int64_t> PurgeWebhooks(int64_t finished_before_ms, int limit) override;
  Status PutDocumentHash(const DocumentHash& h) override;
  Result<std::optional<DocumentHash>> GetDocumentHash(const std::string& tenant, const std::string& connection,
                                                     const std::string& doc_type, const std::string& doc_id) override;

  // ---- JobStore (sql_store_jobs.cpp)
  // Enqueue is one statement (INSERT … WHERE NOT EXISTS a queued job with
  // the dedupe key); two racing enqueues with one key may both insert (the
  // engine is idempotent, so the extra run finds nothing to do).
  Result<EnqueuedJob> EnqueueJob(const Job& job) override;
  // One transaction: abandons expired jobs out of attempts, picks one due
  // job ({SKIP_LOCKED} on PostgreSQL; SQLite's BEGIN IMMEDIATE holds the
  // write lock) and stamps the tenant's fairness clock. lease_ms > 0.
  Result<std::optional<Job>> ClaimJob(const std::string& worker, int64_t now_ms, int64_t lease_ms) override;
  Status MarkJobRunning(const std::string& id, const std::string& worker, int64_t now_ms) override;
  Status HeartbeatJob(const std::string& id, const std::string& worker, int64_t lease_until_ms,
                      int64_t now_ms) override;
  Status CompleteJob(const std::string& id, const std::string& worker, const std::string& status,
                     const std::string& run_id, const std::string& error, int64_t now_ms) override;
  Status RequeueJob(const std::string& id, const std::string& worker, int64_t not_before_ms,
                    const std::string& error, bool count_attempt, int64_t now_ms) override;
  Result<std::optional<Job>> GetJob(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Job>> ListJobs(const JobFilter& filter) override;
  Result<Job> CancelJob(const std::string& tenant, const std::string& id, const std::string& reason,
                        int64_t now_ms) override;

  // ---- QboBudgetStore (sql_store_budget.cpp)
  Result<BudgetGrant> ReserveBudget(const BudgetAsk& ask) override;
  // block_id must be a number (Validation).
  Status CloseBudgetBlock(const std::string& account, const std::string& block_id) override;
  Status BlockBudget(const std::string& account, int64_t until_ms, int64_t now_ms) override;
  Result<int64_t> BudgetBlockedUntil(const std::string& account) override;

  // ---- ScheduleStore (sql_store_schedules.cpp)
  Status CreateSchedule(const Schedule& s) override;
  Status UpdateSchedule(const Schedule& s) override;
  Result<std::optional<Schedule>> GetSchedule(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Schedule>> ListSchedules(const std::string& tenant) override;
  Status DeleteSchedule(const std::string& tenant, const std::string& id) override;
  Result<std::vector<Schedule>> ListDueSchedules(int64_t now_ms, int limit) override;
  // One transaction; due_at_ms must be positive (Validation).
  Result<std::optional<Schedule>> ClaimSchedule(const std::string& tenant, const std::string& id, int64_t due_at_ms,
                                                int64_t next_due_ms, int64_t fired_at_ms) override;
  Status FinishScheduleFiring(const std::string& tenant, const std::string& id, const std::string& run_id,
                              const std::string& error, int64_t claimed_next_ms, int64_t retry_at_ms) override;

  // ---- UserStore (sql_store_users.cpp)
  Status PutUser(const User& user) override;
  Result<std::optional<User>> GetUser(const std::string& tenant, const std::string& email) override;
  Result<std::vector<User>> ListUsers(const std::string& tenant) override;
  Status DeleteUser(const std::string& tenant, const std::string& email) override;
  // kind must be "session" or "link" (Validation).
  Status PutSession(const UserSession& session) override;
  Result<std::optional<UserSession>> GetSession(const std::string& id_hash, int64_t now_ms) override;
  Result<bool> DeleteSession(const std::string& id_hash) override;
  Result<int64_t> PurgeSessions(int64_t before_ms) override;

  // ---- TwoWayStore (sql_store_twoway.cpp)
  // tenant_id, entity, record_key and side are required (Validation).
  Status PutTwoWayState(const TwoWayState& state) override;
  Result<std::vector<TwoWayState>> GetTwoWayStates(const std::string& tenant, const std::string& entity,
                                                   const std::string& record_key) override;
  Status PutSyncPolicy(const SyncPolicyRecord& policy) override;
  Result<std::optional<SyncPolicyRecord>> GetSyncPolicy(const std::string& tenant, const std::string& entity) override;
  Result<std::vector<SyncPolicyRecord>> ListSyncPolicies(const std::string& tenant) override;
  Result<int64_t> AddConflict(const ConflictRecord& conflict) override;
  Result<std::optional<ConflictRecord>> GetConflict(const std::string& tenant, int64_t id) override;
  Result<std::vector<ConflictRecord>> ListConflicts(const ConflictFilter& filter) override;
  Status ResolveConflict(const std::string& tenant, int64_t id, const std::string& winner,
                         const std::string& resolved_by, int64_t now_ms) override;

  // ---- MappingStore (sql_store_mappings.cpp)
  Result<int64_t> AddMappingVersion(const MappingVersion& v) override;
  Result<std::optional<MappingVersion>> GetMappingVersion(const std::string& tenant, const std::string& name,
                                                          int64_t version) override;
  Result<std::vector<MappingVersion>> ListMappingVersions(const std::string& tenant, const std::string& name) override;
  Result<std::vector<MappingVersion>> ListMappings(const std::string& tenant) override;

  // ---- ConfirmationStore (sql_store_confirm.cpp)
  Status PutConfirmation(const ConfirmationRecord& record) override;
  Result<ConfirmationRecord> UseConfirmation(const std::string& tenant, const std::string& token_hash,
                                             const std::string& user, const std::string& plan_hash,
                                             int64_t now_ms) override;
  Result<int64_t> PurgeConfirmations(int64_t before_ms) override;
  Status SetSandboxMode(const std::string& tenant, bool on, int64_t now_ms) override;
  Result<bool> SandboxMode(const std::string& tenant) override;

  // ---- NotificationStore (sql_store_notify.cpp)
  // config must be a JSON object; secrets are stored as given.
  Status PutNotificationSettings(const NotificationSettings& settings) override;
  Result<std::optional<NotificationSettings>> GetNotificationSettings(const std::string& tenant) override;
  // One upsert in a transaction (see queries_notify.h).
  Result<NotificationSlot> ReserveNotification(const std::string& tenant, const std::string& kind, int64_t now_ms,
                                               int64_t window_ms) override;
  Status AddNotificationLog(const NotificationLogEntry& entry) override;
  Result<std::vector<NotificationLogEntry>> ListNotificationLog(const std::string& tenant, int limit) override;

  // ---- SettingsStore (sql_store_settings.cpp)
  Status PutTenantSettings(const TenantSettings& settings) override;
  Result<std::optional<TenantSettings>> GetTenantSettings(const std::string& tenant) override;
  Status SetSeenCurrency(const std::string& tenant, const std::string& currency, int64_t now_ms) override;

 protected:
  Executor& exec() { return *exec_; }

 private:
  // Moves delivery `seq` to status `to` with the statement `stmt(from)`
  // builds (conditional on the status `from` read first) and moves the
  // counters with it, in one transaction. NotFound for an unknown seq.
  using MoveStatement = std::function<std::pair<const char*, Params>(const std::string& from)>;
  Status MoveWebhook(int64_t seq, const std::string& to, std::string_view what, const MoveStatement& stmt);

  const std::unique_ptr<Executor> exec_;
};

}  // namespace es::store::sql
