// ForwardingStore: a StateStore that passes every call to another one.
// Decorators (EncryptedStore, the server's run observer) derive from it and
// override only what they change.
//
// Ownership: borrows `inner`, which must outlive the decorator. Thread-safety
// is the inner store's. NOTE for whoever adds a method to StateStore: add
// its forwarding here too (the compiler reports the missing override).
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace es::store {

class ForwardingStore : public StateStore {
 public:
  explicit ForwardingStore(StateStore& inner) : inner_(inner) {}
  StateStore& inner() { return inner_; }

  Status Migrate() override { return inner_.Migrate(); }
  int SchemaVersion() override { return inner_.SchemaVersion(); }
  Status PutTenant(const Tenant& t) override { return inner_.PutTenant(t); }
  Result<std::optional<Tenant>> GetTenant(const std::string& id) override { return inner_.GetTenant(id); }
  Result<std::vector<Tenant>> ListTenants() override { return inner_.ListTenants(); }
  Status DeleteTenant(const std::string& id) override { return inner_.DeleteTenant(id); }
  Status PutConnection(const Connection& c) override { return inner_.PutConnection(c); }
  Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) override {
    return inner_.GetConnection(tenant, id);
  }
  Result<std::vector<Connection>> ListConnections(const std::string& tenant) override {
    return inner_.ListConnections(tenant);
  }
  Status DeleteConnection(const std::string& tenant, const std::string& id) override {
    return inner_.DeleteConnection(tenant, id);
  }
  Status PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) override {
    return inner_.PutTransformerConfig(tenant, connection, config);
  }
  Result<std::optional<Json>> GetTransformerConfig(const std::string& tenant, const std::string& connection) override {
    return inner_.GetTransformerConfig(tenant, connection);
  }
  Status PutMapping(const IdMapping& m) override { return inner_.PutMapping(m); }
  Result<std::optional<IdMapping>> GetMapping(const std::string& tenant, const std::string& target_connection,
                                              const std::string& entity, const std::string& source_id) override {
    return inner_.GetMapping(tenant, target_connection, entity, source_id);
  }
  Result<std::optional<IdMapping>> FindMappingByTarget(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity,
                                                       const std::string& target_id) override {
    return inner_.FindMappingByTarget(tenant, target_connection, entity, target_id);
  }
  Result<int64_t> CountMappings(const std::string& tenant, const std::string& target_connection,
                                const std::string& entity) override {
    return inner_.CountMappings(tenant, target_connection, entity);
  }
  Status PutIntent(const WriteIntent& w) override { return inner_.PutIntent(w); }
  Status PutIntents(const std::vector<WriteIntent>& intents) override { return inner_.PutIntents(intents); }
  Status CommitPage(const PageWrites& page) override { return inner_.CommitPage(page); }
  Result<std::vector<WriteIntent>> ListIntents(const std::string& tenant,
                                               const std::string& target_connection) override {
    return inner_.ListIntents(tenant, target_connection);
  }
  Result<std::vector<IdMapping>> GetMappings(const std::string& tenant, const std::string& target_connection,
                                             const std::string& entity,
                                             const std::vector<std::string>& source_ids) override {
    return inner_.GetMappings(tenant, target_connection, entity, source_ids);
  }
  Status ClearIntent(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override {
    return inner_.ClearIntent(tenant, target_connection, entity, source_id);
  }
  Result<std::optional<WriteIntent>> GetIntent(const std::string& tenant, const std::string& target_connection,
                                               const std::string& entity, const std::string& source_id) override {
    return inner_.GetIntent(tenant, target_connection, entity, source_id);
  }
  Status CreateRun(const SyncRun& run) override { return inner_.CreateRun(run); }
  Status UpdateRun(const SyncRun& run) override { return inner_.UpdateRun(run); }
  Result<std::optional<SyncRun>> GetRun(const std::string& tenant, const std::string& run_id) override {
    return inner_.GetRun(tenant, run_id);
  }
  Result<std::vector<SyncRun>> ListRuns(const RunFilter& filter) override { return inner_.ListRuns(filter); }
  Status AddRecordResults(const std::vector<RecordResult>& results) override {
    return inner_.AddRecordResults(results);
  }
  Result<std::vector<RecordResult>> ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                      int limit) override {
    return inner_.ListRecordResults(tenant, run_id, limit);
  }
  Status PutFailed(const FailedRecord& f) override { return inner_.PutFailed(f); }
  Status ClearFailed(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                     const std::string& source_id) override {
    return inner_.ClearFailed(tenant, target_connection, entity, source_id);
  }
  Result<std::vector<FailedRecord>> ListFailed(const std::string& tenant, int limit) override {
    return inner_.ListFailed(tenant, limit);
  }
  Status PutCursor(const std::string& tenant, const std::string& source_connection,
                   const std::string& target_connection, const std::string& entity,
                   const std::string& value) override {
    return inner_.PutCursor(tenant, source_connection, target_connection, entity, value);
  }
  Result<std::optional<std::string>> GetCursor(const std::string& tenant, const std::string& source_connection,
                                               const std::string& target_connection,
                                               const std::string& entity) override {
    return inner_.GetCursor(tenant, source_connection, target_connection, entity);
  }
  Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner, int64_t now_ms,
                     int64_t lease_ms) override {
    return inner_.AcquireLock(tenant, key, owner, now_ms, lease_ms);
  }
  Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) override {
    return inner_.ReleaseLock(tenant, key, owner);
  }
  Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) override {
    return inner_.GetLock(tenant, key);
  }

  // HTTP server block.
  Status AddAudit(const AuditEntry& entry) override { return inner_.AddAudit(entry); }
  Result<std::vector<AuditEntry>> ListAudit(const AuditFilter& filter) override { return inner_.ListAudit(filter); }
  Status PutOAuthState(const OAuthState& state) override { return inner_.PutOAuthState(state); }
  Result<OAuthState> ConsumeOAuthState(const std::string& tenant, const std::string& user, const std::string& state,
                                       int64_t now_ms) override {
    return inner_.ConsumeOAuthState(tenant, user, state, now_ms);
  }
  Result<int64_t> PurgeOAuthStates(int64_t before_ms) override { return inner_.PurgeOAuthStates(before_ms); }
  Status PutSyncRequest(const SyncRequestRecord& record) override { return inner_.PutSyncRequest(record); }
  Result<std::optional<SyncRequestRecord>> GetSyncRequest(const std::string& tenant, const std::string& key) override {
    return inner_.GetSyncRequest(tenant, key);
  }
  Status SetSyncRequestRun(const std::string& tenant, const std::string& key, const std::string& run_id) override {
    return inner_.SetSyncRequestRun(tenant, key, run_id);
  }
  Status DeleteSyncRequest(const std::string& tenant, const std::string& key) override {
    return inner_.DeleteSyncRequest(tenant, key);
  }
  Result<std::vector<HistoryEntry>> ListHistory(const HistoryFilter& filter) override {
    return inner_.ListHistory(filter);
  }

  // Field mappings block.
  Result<int64_t> AddMappingVersion(const MappingVersion& v) override { return inner_.AddMappingVersion(v); }
  Result<std::optional<MappingVersion>> GetMappingVersion(const std::string& tenant, const std::string& name,
                                                          int64_t version) override {
    return inner_.GetMappingVersion(tenant, name, version);
  }
  Result<std::vector<MappingVersion>> ListMappingVersions(const std::string& tenant,
                                                          const std::string& name) override {
    return inner_.ListMappingVersions(tenant, name);
  }
  Result<std::vector<MappingVersion>> ListMappings(const std::string& tenant) override {
    return inner_.ListMappings(tenant);
  }
  // Webhooks block.
  Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) override { return inner_.EnqueueWebhook(delivery); }
  Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) override {
    return inner_.ClaimWebhooks(now_ms, lease_ms, limit);
  }
  Status FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id, const std::string& error,
                       int64_t now_ms) override {
    return inner_.FinishWebhook(seq, status, run_id, error, now_ms);
  }
  Status RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) override {
    return inner_.RequeueWebhook(seq, next_attempt_at_ms, error);
  }
  Result<std::vector<WebhookDelivery>> ListWebhooks(const WebhookFilter& filter) override {
    return inner_.ListWebhooks(filter);
  }
  Result<std::map<std::string, int64_t>> CountWebhooks(const std::string& tenant) override {
    return inner_.CountWebhooks(tenant);
  }
  Status SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) override {
    return inner_.SetWebhooksEnabled(tenant, enabled, now_ms);
  }
  Result<bool> WebhooksEnabled(const std::string& tenant) override { return inner_.WebhooksEnabled(tenant); }
  // Safety block.
  Result<int64_t> PurgeWebhooks(int64_t finished_before_ms, int limit) override {
    return inner_.PurgeWebhooks(finished_before_ms, limit);
  }
  Status PutDocumentHash(const DocumentHash& h) override { return inner_.PutDocumentHash(h); }
  Result<std::optional<DocumentHash>> GetDocumentHash(const std::string& tenant, const std::string& connection,
                                                     const std::string& doc_type, const std::string& doc_id) override {
    return inner_.GetDocumentHash(tenant, connection, doc_type, doc_id);
  }
  Result<BudgetGrant> ReserveBudget(const BudgetAsk& ask) override { return inner_.ReserveBudget(ask); }
  Status CloseBudgetBlock(const std::string& account, const std::string& block_id) override {
    return inner_.CloseBudgetBlock(account, block_id);
  }
  Status BlockBudget(const std::string& account, int64_t until_ms, int64_t now_ms) override {
    return inner_.BlockBudget(account, until_ms, now_ms);
  }
  Result<int64_t> BudgetBlockedUntil(const std::string& account) override { return inner_.BudgetBlockedUntil(account); }

  // Jobs block.
  Result<EnqueuedJob> EnqueueJob(const Job& job) override { return inner_.EnqueueJob(job); }
  Result<std::optional<Job>> ClaimJob(const std::string& worker, int64_t now_ms, int64_t lease_ms) override {
    return inner_.ClaimJob(worker, now_ms, lease_ms);
  }
  Status MarkJobRunning(const std::string& id, const std::string& worker, int64_t now_ms) override {
    return inner_.MarkJobRunning(id, worker, now_ms);
  }
  Status HeartbeatJob(const std::string& id, const std::string& worker, int64_t lease_until_ms,
                      int64_t now_ms) override {
    return inner_.HeartbeatJob(id, worker, lease_until_ms, now_ms);
  }
  Status CompleteJob(const std::string& id, const std::string& worker, const std::string& status,
                     const std::string& run_id, const std::string& error, int64_t now_ms) override {
    return inner_.CompleteJob(id, worker, status, run_id, error, now_ms);
  }
  Status RequeueJob(const std::string& id, const std::string& worker, int64_t not_before_ms,
                    const std::string& error, bool count_attempt, int64_t now_ms) override {
    return inner_.RequeueJob(id, worker, not_before_ms, error, count_attempt, now_ms);
  }
  Result<std::optional<Job>> GetJob(const std::string& tenant, const std::string& id) override {
    return inner_.GetJob(tenant, id);
  }
  Result<std::vector<Job>> ListJobs(const JobFilter& filter) override { return inner_.ListJobs(filter); }
  Result<Job> CancelJob(const std::string& tenant, const std::string& id, const std::string& reason,
                        int64_t now_ms) override {
    return inner_.CancelJob(tenant, id, reason, now_ms);
  }

  // Schedules block.
  Status CreateSchedule(const Schedule& s) override { return inner_.CreateSchedule(s); }
  Status UpdateSchedule(const Schedule& s) override { return inner_.UpdateSchedule(s); }
  Result<std::optional<Schedule>> GetSchedule(const std::string& tenant, const std::string& id) override {
    return inner_.GetSchedule(tenant, id);
  }
  Result<std::vector<Schedule>> ListSchedules(const std::string& tenant) override {
    return inner_.ListSchedules(tenant);
  }
  Status DeleteSchedule(const std::string& tenant, const std::string& id) override {
    return inner_.DeleteSchedule(tenant, id);
  }
  Result<std::vector<Schedule>> ListDueSchedules(int64_t now_ms, int limit) override {
    return inner_.ListDueSchedules(now_ms, limit);
  }
  Result<std::optional<Schedule>> ClaimSchedule(const std::string& tenant, const std::string& id, int64_t due_at_ms,
                                                int64_t next_due_ms, int64_t fired_at_ms) override {
    return inner_.ClaimSchedule(tenant, id, due_at_ms, next_due_ms, fired_at_ms);
  }
  Status FinishScheduleFiring(const std::string& tenant, const std::string& id, const std::string& run_id,
                              const std::string& error, int64_t claimed_next_ms, int64_t retry_at_ms) override {
    return inner_.FinishScheduleFiring(tenant, id, run_id, error, claimed_next_ms, retry_at_ms);
  }

  // Users block.
  Status PutUser(const User& user) override { return inner_.PutUser(user); }
  Result<std::optional<User>> GetUser(const std::string& tenant, const std::string& email) override {
    return inner_.GetUser(tenant, email);
  }
  Result<std::vector<User>> ListUsers(const std::string& tenant) override { return inner_.ListUsers(tenant); }
  Status DeleteUser(const std::string& tenant, const std::string& email) override {
    return inner_.DeleteUser(tenant, email);
  }
  Status PutSession(const UserSession& session) override { return inner_.PutSession(session); }
  Result<std::optional<UserSession>> GetSession(const std::string& id_hash, int64_t now_ms) override {
    return inner_.GetSession(id_hash, now_ms);
  }
  Result<bool> DeleteSession(const std::string& id_hash) override { return inner_.DeleteSession(id_hash); }
  Result<int64_t> PurgeSessions(int64_t before_ms) override { return inner_.PurgeSessions(before_ms); }
  // Two-way block.
  Status PutTwoWayState(const TwoWayState& state) override { return inner_.PutTwoWayState(state); }
  Result<std::vector<TwoWayState>> GetTwoWayStates(const std::string& tenant, const std::string& entity,
                                                   const std::string& record_key) override {
    return inner_.GetTwoWayStates(tenant, entity, record_key);
  }
  Status PutSyncPolicy(const SyncPolicyRecord& policy) override { return inner_.PutSyncPolicy(policy); }
  Result<std::optional<SyncPolicyRecord>> GetSyncPolicy(const std::string& tenant, const std::string& entity) override {
    return inner_.GetSyncPolicy(tenant, entity);
  }
  Result<std::vector<SyncPolicyRecord>> ListSyncPolicies(const std::string& tenant) override {
    return inner_.ListSyncPolicies(tenant);
  }
  Result<int64_t> AddConflict(const ConflictRecord& conflict) override { return inner_.AddConflict(conflict); }
  Result<std::optional<ConflictRecord>> GetConflict(const std::string& tenant, int64_t id) override {
    return inner_.GetConflict(tenant, id);
  }
  Result<std::vector<ConflictRecord>> ListConflicts(const ConflictFilter& filter) override {
    return inner_.ListConflicts(filter);
  }
  Status ResolveConflict(const std::string& tenant, int64_t id, const std::string& winner,
                         const std::string& resolved_by, int64_t now_ms) override {
    return inner_.ResolveConflict(tenant, id, winner, resolved_by, now_ms);
  }

  // Confirmations block.
  Status PutConfirmation(const ConfirmationRecord& record) override { return inner_.PutConfirmation(record); }
  Result<ConfirmationRecord> UseConfirmation(const std::string& tenant, const std::string& token_hash,
                                             const std::string& user, const std::string& plan_hash,
                                             int64_t now_ms) override {
    return inner_.UseConfirmation(tenant, token_hash, user, plan_hash, now_ms);
  }
  Result<int64_t> PurgeConfirmations(int64_t before_ms) override { return inner_.PurgeConfirmations(before_ms); }
  Status SetSandboxMode(const std::string& tenant, bool on, int64_t now_ms) override {
    return inner_.SetSandboxMode(tenant, on, now_ms);
  }
  Result<bool> SandboxMode(const std::string& tenant) override { return inner_.SandboxMode(tenant); }
  // Settings block.
  Status PutTenantSettings(const TenantSettings& settings) override { return inner_.PutTenantSettings(settings); }
  Result<std::optional<TenantSettings>> GetTenantSettings(const std::string& tenant) override {
    return inner_.GetTenantSettings(tenant);
  }
  Status SetSeenCurrency(const std::string& tenant, const std::string& currency, int64_t now_ms) override {
    return inner_.SetSeenCurrency(tenant, currency, now_ms);
  }
  // Notifications block.
  Status PutNotificationSettings(const NotificationSettings& settings) override {
    return inner_.PutNotificationSettings(settings);
  }
  Result<std::optional<NotificationSettings>> GetNotificationSettings(const std::string& tenant) override {
    return inner_.GetNotificationSettings(tenant);
  }
  Result<NotificationSlot> ReserveNotification(const std::string& tenant, const std::string& kind, int64_t now_ms,
                                               int64_t window_ms) override {
    return inner_.ReserveNotification(tenant, kind, now_ms, window_ms);
  }
  Status AddNotificationLog(const NotificationLogEntry& entry) override { return inner_.AddNotificationLog(entry); }
  Result<std::vector<NotificationLogEntry>> ListNotificationLog(const std::string& tenant, int limit) override {
    return inner_.ListNotificationLog(tenant, limit);
  }

 private:
  StateStore& inner_;
};

}  // namespace es::store
