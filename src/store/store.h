// StateStore: everything the engine remembers between runs.
//
// One interface, several dialects (SQLite now, PostgreSQL next). Every method
// is scoped by tenant. Writes are durable when the call returns (the engine
// relies on this for crash safety: a mapping recorded before a cursor moves
// survives a kill -9). Implementations are thread-safe; failures return
// Status values and never leave a half-applied change (each method is one
// transaction).
#pragma once

#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/server_records.h"   // server block below
#include "store/webhook_records.h"  // webhooks block below

namespace es::store {

struct Tenant {
  std::string id;
  std::string name;
  int64_t created_at_ms = 0;
};

struct Connection {
  std::string tenant_id;
  std::string id;          // unique within the tenant, e.g. "woo-main"
  std::string kind;        // connector name: "woo", "qbo", "supabase"
  std::string name;
  Json config = Json::object();  // non-secret settings (base URL, realm id, …)
  std::string secret;      // credentials blob (encrypted by the caller when configured)
  bool enabled = true;
  int64_t updated_at_ms = 0;
};

// One source record ⇄ one target record, per tenant and route.
struct IdMapping {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::string entity;      // "customer", "item", "order", …
  std::string source_id;
  std::string target_id;
  std::string target_type; // "Invoice", "SalesReceipt", "Customer", "Item"
  std::string sync_token;  // last known QBO SyncToken
  std::string fingerprint; // hash of the source content last written
  int64_t updated_at_ms = 0;
};

// Written before an external create, cleared when the mapping is recorded.
// A leftover intent after a crash tells the engine to look the record up in
// the target before creating it again.
struct WriteIntent {
  std::string tenant_id;
  std::string target_connection;
  std::string entity;
  std::string source_id;
  std::string request_id;
  std::string lookup_key;  // DocNumber / DisplayName / Sku to search by
  int64_t created_at_ms = 0;
};

// kAbandoned: the run's process ended without finishing it (killed, host
// lost); what it wrote stays recorded, its lock was released by whoever
// found it dead.
enum class RunStatus { kQueued, kRunning, kSucceeded, kPartial, kFailed, kStopped, kAbandoned };
const char* RunStatusName(RunStatus s);
RunStatus ParseRunStatus(const std::string& s);

struct RunCounts {
  int64_t fetched = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t skipped = 0;   // unchanged
  int64_t failed = 0;
  int64_t linked = 0;    // found in the target (written by an interrupted run) and linked, not created
};

// The sum of `key` over the entities of a run's per-entity counts (stores
// derive RunCounts::linked from the counts this way; it has no column).
int64_t CountsTotal(const Json& counts, const char* key);

struct SyncRun {
  std::string id;
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::vector<std::string> entities;
  std::string mode;      // "full" | "incremental"
  bool dry_run = false;
  RunStatus status = RunStatus::kQueued;
  Json counts = Json::object();  // per entity: {"order": {"created": 3, …}, …}
  RunCounts totals;
  std::string error;
  std::string triggered_by;  // user id / "cli" / "webhook"
  int64_t started_at_ms = 0;
  int64_t finished_at_ms = 0;
};

struct RecordResult {
  std::string run_id;
  std::string tenant_id;
  std::string entity;
  std::string source_id;
  std::string action;     // "created" | "updated" | "skipped" | "failed"
  std::string target_id;
  std::string message;
  int64_t duration_us = 0;
  int64_t at_ms = 0;
};

struct FailedRecord {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::string entity;
  std::string source_id;
  std::string category;   // SPEC F11 category name
  std::string code;
  std::string message;
  int64_t retry_count = 0;
  int64_t first_failed_at_ms = 0;
  int64_t last_attempt_at_ms = 0;
  std::string run_id;
};

// The holder of a run lock.
struct LockHolder {
  std::string owner;
  int64_t acquired_at_ms = 0;
  int64_t expires_at_ms = 0;
};

struct RunFilter {
  std::string tenant_id;
  std::string status;     // empty = any
  int64_t from_ms = 0;
  int64_t to_ms = 0;      // 0 = open
  int limit = 100;
};

// Every table holding rows of a tenant in a `tenant_id` column, children
// before parents (DeleteTenant empties them in this order).
inline constexpr const char* kTenantTables[] = {
    "record_results", "sync_runs",    "failed_records",     "cursors",          "locks",
    "id_mappings",    "write_intents", "transformer_configs", "connections",      "audit_log",
    "oauth_states",   "sync_requests", "webhook_deliveries", "webhook_settings"};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Applies pending migrations (idempotent). Called once at start-up.
  virtual Status Migrate() = 0;
  virtual int SchemaVersion() = 0;

  virtual Status PutTenant(const Tenant& t) = 0;
  virtual Result<std::optional<Tenant>> GetTenant(const std::string& id) = 0;
  // Every tenant, ordered by id.
  virtual Result<std::vector<Tenant>> ListTenants() = 0;
  // Removes the tenant and every row it owns, in one transaction: its
  // connections, transformer configs, id mappings, write intents, runs and
  // their record results, failed records, cursors, locks, audit entries,
  // OAuth states, sync requests and webhook deliveries and settings (see
  // kTenantTables in store.h; a new tenant-scoped table joins that list).
  // Other tenants are untouched. NotFound when there is no such tenant.
  virtual Status DeleteTenant(const std::string& id) = 0;

  virtual Status PutConnection(const Connection& c) = 0;
  virtual Result<std::optional<Connection>> GetConnection(const std::string& tenant, const std::string& id) = 0;
  virtual Result<std::vector<Connection>> ListConnections(const std::string& tenant) = 0;
  virtual Status DeleteConnection(const std::string& tenant, const std::string& id) = 0;

  // Per (tenant, target connection) TransformerConfig as JSON (mapping/transformer_config.h).
  virtual Status PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) = 0;
  virtual Result<std::optional<Json>> GetTransformerConfig(const std::string& tenant, const std::string& connection) = 0;

  virtual Status PutMapping(const IdMapping& m) = 0;
  virtual Result<std::optional<IdMapping>> GetMapping(const std::string& tenant, const std::string& target_connection,
                                                      const std::string& entity, const std::string& source_id) = 0;
  // The mapping whose target record is `target_id` (reverse lookup, e.g. for
  // a target-side webhook); nullopt when the engine wrote no such record.
  virtual Result<std::optional<IdMapping>> FindMappingByTarget(const std::string& tenant,
                                                               const std::string& target_connection,
                                                               const std::string& entity,
                                                               const std::string& target_id) = 0;
  virtual Result<int64_t> CountMappings(const std::string& tenant, const std::string& target_connection,
                                        const std::string& entity) = 0;

  virtual Status PutIntent(const WriteIntent& w) = 0;
  virtual Status ClearIntent(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) = 0;
  virtual Result<std::optional<WriteIntent>> GetIntent(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity, const std::string& source_id) = 0;

  virtual Status CreateRun(const SyncRun& run) = 0;
  virtual Status UpdateRun(const SyncRun& run) = 0;
  virtual Result<std::optional<SyncRun>> GetRun(const std::string& tenant, const std::string& run_id) = 0;
  virtual Result<std::vector<SyncRun>> ListRuns(const RunFilter& filter) = 0;

  virtual Status AddRecordResults(const std::vector<RecordResult>& results) = 0;
  virtual Result<std::vector<RecordResult>> ListRecordResults(const std::string& tenant, const std::string& run_id,
                                                              int limit) = 0;

  // Upsert keyed by (tenant, target_connection, entity, source_id); increments retry_count on repeat.
  virtual Status PutFailed(const FailedRecord& f) = 0;
  virtual Status ClearFailed(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) = 0;
  virtual Result<std::vector<FailedRecord>> ListFailed(const std::string& tenant, int limit) = 0;

  // Cursor per (tenant, source connection, target connection, entity).
  virtual Status PutCursor(const std::string& tenant, const std::string& source_connection,
                           const std::string& target_connection, const std::string& entity,
                           const std::string& value) = 0;
  virtual Result<std::optional<std::string>> GetCursor(const std::string& tenant, const std::string& source_connection,
                                                       const std::string& target_connection, const std::string& entity) = 0;

  // Run lock per (tenant, lock key). Succeeds when free, held by `owner`, or
  // its lease expired. Returns Conflict naming the holder otherwise.
  virtual Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                             int64_t now_ms, int64_t lease_ms) = 0;
  virtual Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) = 0;
  // The lock's current row (expired leases included); nullopt when free.
  virtual Result<std::optional<LockHolder>> GetLock(const std::string& tenant, const std::string& key) = 0;

  // ---- HTTP server (src/server; migration 0003_server; types in server_records.h) ----
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
  // ---- end of the HTTP server block ----

  // ---- Webhooks (src/server/webhooks; migration 0004_webhooks; types in webhook_records.h) ----
  // Durably queues an accepted delivery as status "queued" (seq assigned by
  // the store). Returns true when inserted, false when a delivery with the
  // same (tenant, connection, delivery_id) is already stored (a replay:
  // nothing changes).
  virtual Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) = 0;
  // Atomically claims up to `limit` deliveries, oldest first, across all
  // tenants: rows "queued" with next_attempt_at_ms <= now, and rows
  // "processing" whose lease_until_ms <= now (a worker died). Claimed rows
  // become "processing" with lease_until_ms = now + lease_ms and attempts+1;
  // returned as updated. Two concurrent claimers never get the same row.
  virtual Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) = 0;
  // Final state of a claimed delivery: status "done", "failed" or "ignored",
  // with the run that handled it and/or the reason. NotFound for an unknown seq.
  virtual Status FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id,
                               const std::string& error, int64_t now_ms) = 0;
  // Puts a claimed delivery back to "queued", claimable from next_attempt_at_ms.
  virtual Status RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) = 0;
  // Newest first (seq desc).
  virtual Result<std::vector<WebhookDelivery>> ListWebhooks(const WebhookFilter& filter) = 0;
  // Number of deliveries per status ("queued", "processing", …); tenant ""
  // counts every tenant.
  virtual Result<std::map<std::string, int64_t>> CountWebhooks(const std::string& tenant) = 0;
  // Per-tenant switch; tenants never set are enabled.
  virtual Status SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) = 0;
  virtual Result<bool> WebhooksEnabled(const std::string& tenant) = 0;
  // ---- end of the webhooks block ----
};





}  // namespace es::store
