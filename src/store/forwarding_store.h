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
