// Records the HTTP server keeps in the state store (migration 0003_server):
// the audit log, OAuth connect states, sync-request idempotency keys, and
// the filter/row types of the sync history query. Plain values; the
// StateStore methods that read and write them are declared in store.h in the
// "server" block. Every record is scoped by tenant.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"

namespace es::store {

// Who did what (SPEC F13): user_id is the JWT "sub" of the caller, never a
// placeholder. `detail` is a JSON object and must never hold secrets.
struct AuditEntry {
  int64_t seq = 0;  // assigned by the store (insertion order); ignored on write
  std::string tenant_id;
  int64_t at_ms = 0;
  std::string user_id;
  std::string action;  // "connection.create", "credentials.update", "sync.trigger", …
  std::string target;  // what the action was applied to ("connection:qbo", "run:<id>")
  Json detail = Json::object();
};

struct AuditFilter {
  std::string tenant_id;
  std::string user_id;  // empty = any
  std::string action;   // empty = any
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive; 0 = open
  int limit = 100;      // <= 0: no limit
};

// The CSRF `state` of the QBO OAuth connect flow (SPEC F3): random, bound to
// the tenant and user that started it, single use, short-lived.
struct OAuthState {
  std::string state;  // primary key (random, URL-safe)
  std::string tenant_id;
  std::string user_id;
  std::string connection_id;  // the QBO connection the tokens go to
  std::string redirect_uri;   // the exact redirect_uri sent to the authorize URL
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  int64_t used_at_ms = 0;  // 0 while unused
};

// A sync trigger's idempotency key (SPEC F14): the same key twice returns the
// same run. run_id is empty while the first request is still starting it.
struct SyncRequestRecord {
  std::string tenant_id;
  std::string idempotency_key;
  std::string run_id;
  Json request = Json::object();  // the normalised trigger body, to detect a reused key
  int64_t created_at_ms = 0;
};

// Filters of the sync history (record results joined with their runs).
struct HistoryFilter {
  std::string tenant_id;
  std::string connection;  // matches the run's source or target connection; empty = any
  std::string entity;      // store entity ("customer", "item", "order"); empty = any
  std::string status;      // record action ("created", "failed", …); empty = any
  std::string run_id;      // empty = any
  int64_t from_ms = 0;     // inclusive, on the record's at_ms
  int64_t to_ms = 0;       // exclusive; 0 = open
  int limit = 100;         // <= 0: no limit
  int64_t offset = 0;      // rows to skip (newest first)
};

struct HistoryEntry {
  int64_t seq = 0;  // record result insertion order
  std::string tenant_id;
  std::string run_id;
  std::string source_connection;
  std::string target_connection;
  std::string mode;
  bool dry_run = false;
  std::string triggered_by;
  std::string entity;
  std::string source_id;
  std::string action;
  std::string target_id;
  std::string message;
  int64_t duration_us = 0;
  int64_t at_ms = 0;
};

}  // namespace es::store
