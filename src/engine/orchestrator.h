// Orchestrator (SPEC F7): runs a sync for (tenant, source connection,
// target connection, entities, mode).
//
// It takes the per-(tenant, connection pair) lock so only one run executes
// at a time, records the run in the store (status queryable while it runs),
// runs each entity's flow from the routing table in dependency order, and
// finishes the run as succeeded, partial (some records failed), failed (the
// run could not go on) or stopped. Thread-safe: several runs for different
// pairs may execute at once; Stop() may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/flow.h"
#include "engine/rate_limiter.h"
#include "engine/retry.h"
#include "engine/routing.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::engine {

struct SyncRequest {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::vector<std::string> entities;  // empty = every route of the pair
  std::string mode = "full";          // "full" | "incremental"
  bool dry_run = false;
  std::vector<std::string> ids;       // only these source ids
  std::string triggered_by = "cli";
};

struct EngineOptions {
  RetryPolicy retry;
  RateLimits limits;
  int64_t lock_lease_ms = 30 * 60 * 1000;
  bool insecure_skip_tls_verify = false;
};

struct RunReport {
  store::SyncRun run;
  std::map<std::string, EntityCounts> counts;  // by store entity
  std::vector<Json> previews;                  // dry run only
  int64_t qbo_requests = 0;
  int64_t woo_requests = 0;
  int64_t rate_limited = 0;
};

class Orchestrator {
 public:
  Orchestrator(store::StateStore& store, http::Transport& transport, Clock& clock, EngineOptions options = {},
               const RouteTable& routes = RouteTable::Default());

  // Runs to completion on the calling thread. Fails without creating a run
  // when the request is invalid or the lock is held.
  Result<RunReport> Run(const SyncRequest& request, std::function<void(const Progress&)> on_progress = {},
                        CrashHook crash_hook = {});
  // Asks a running run to stop after the record in hand; false if unknown.
  bool Stop(const std::string& run_id);

 private:
  store::StateStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  EngineOptions options_;
  const RouteTable& routes_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> stops_;  // guarded by mu_
};

}  // namespace es::engine
