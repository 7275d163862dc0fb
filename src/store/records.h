// The records the state store keeps for the engine: tenants, connections,
// id mappings, write intents, runs, record results and the failed queue.
// Interfaces: store/store.h. Server and webhook records: server_records.h,
// webhook_records.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

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
// before parents (DeleteTenant empties them in this order). A new
// tenant-scoped table joins this list.
inline constexpr const char* kTenantTables[] = {
    "record_results", "sync_runs",     "failed_records",      "cursors",     "locks",
    "id_mappings",    "write_intents", "transformer_configs", "connections", "audit_log",
    "oauth_states",   "sync_requests", "webhook_deliveries",  "webhook_settings", "jobs",
    "job_tenants",    "schedules",     "user_sessions",       "users",            "twoway_states",
    "sync_policies",  "conflicts",     "field_mappings",      "confirmation_tokens",
    "tenant_sandbox_mode", "notification_settings", "notification_state", "notification_log",
    "webhook_delivery_counts", "qbo_document_hashes", "tenant_settings"};

// The key of a per-record row (mapping, intent, failed entry).
struct RecordKey {
  std::string tenant_id;
  std::string target_connection;
  std::string entity;
  std::string source_id;
};

// What one page of a run leaves in the store, written in one transaction by
// SyncStateStore::CommitPage, in this order: mappings, cleared intents,
// failed-queue changes (in the order given), record results, then the
// cursor. Any part may be empty.
struct PageWrites {
  struct FailedChange {
    bool clear = false;   // true: ClearFailed(record.tenant_id, …); false: PutFailed(record)
    FailedRecord record;  // for a clear only the key fields matter
  };
  struct Cursor {
    std::string tenant_id;
    std::string source_connection;
    std::string target_connection;
    std::string entity;
    std::string value;
  };
  std::vector<IdMapping> mappings;
  std::vector<RecordKey> cleared_intents;
  std::vector<FailedChange> failed;
  std::vector<RecordResult> results;
  std::optional<Cursor> cursor;

  bool empty() const {
    return mappings.empty() && cleared_intents.empty() && failed.empty() && results.empty() && !cursor.has_value();
  }
};

}  // namespace es::store
