// Orchestrator (SPEC F7): runs a sync for (tenant, source connection,
// target connection, entities, mode).
//
// It resolves both connections' platforms in the Registry, checks that every
// requested entity has a route, takes the per-(tenant, connection pair) lock
// so only one run executes at a time, records the run in the store (status
// queryable while it runs), runs each entity through the page pipeline
// (engine/pipeline.h) in dependency order, and finishes the run as
// succeeded, partial (some records failed), failed (the run could not go on)
// or stopped. The lock's owner names the run's process (engine/run_liveness.h):
// a lock held by a process of this host that is gone is taken over at once,
// and any other run of the pair still listed as running once the lock is
// taken is marked abandoned (each with a notice). While a run lives its
// lock is renewed every third of the lease, also during a long wait on one
// call, so only a dead process's run loses it. A target that cannot be
// prepared fails the run as its connection. The engine knows no platform: sources and targets come from the
// platforms' factories. Thread-safe: several runs for different pairs may
// execute at once; Stop() may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/connector.h"
#include "engine/run_context.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::engine {

struct SyncRequest {
  std::string tenant_id;
  std::string source_connection;
  std::string target_connection;
  std::vector<std::string> entities;  // route names; empty = every route of the pair
  std::string mode = "full";          // "full" | "incremental"
  bool dry_run = false;
  std::vector<std::string> ids;       // only these source ids
  std::string triggered_by = "cli";
  // Optional: the id the run gets (a queued job's run, recorded before a
  // worker picks it up); empty = a new one.
  std::string run_id;
  // The lane of the target account's budget (engine/account_budget.h):
  // real-time work is served before backfills. Unset: real-time when the
  // run is limited to some records (`ids`, webhook and single-record work),
  // else backfill. The job queue sets it explicitly.
  std::optional<Lane> lane;
  // Optional, set by the caller (e.g. a signal handler): once true, the run
  // stops after the write in hand, as with Orchestrator::Stop. Must outlive Run().
  std::atomic<bool>* stop = nullptr;
  // Optional: one line per thing the caller should know before the run goes
  // on (a dead run found and marked abandoned).
  std::function<void(const std::string&)> on_notice;
};

struct RunReport {
  store::SyncRun run;
  std::map<std::string, EntityCounts> counts;  // by store entity
  std::vector<Json> previews;                  // dry run: the plan, op by op (at most RunContext::kMaxPreviews)
  int64_t previews_dropped = 0;                // plan ops beyond that cap
  int64_t estimated_requests = 0;              // target requests the plan costs (dry run: what it would cost)
  int64_t target_requests = 0;                 // requests sent to the target platform
  int64_t source_requests = 0;                 // requests sent to the source platform
  int64_t rate_limited = 0;                    // target answers that were rate limits
  std::string source_kind;                     // "woo"
  std::string target_kind;                     // "qbo"
  ErrorCategory failure = ErrorCategory::kOk;  // what ended a failed run (kAuthentication: credentials refused)
};

// Loads an enabled connection as the tenant's sandbox mode runs it
// (engine/sandbox_mode.h); NotFound / Validation when missing or disabled.
Result<store::Connection> LoadEnabledConnection(store::StateStore& store, const std::string& tenant,
                                                const std::string& id);
// The stored per-connection target settings ({} when none).
Result<Json> LoadTargetConfig(store::StateStore& store, const std::string& tenant, const std::string& connection);

// A source and a target built from two connections, with the route check done.
struct Endpoints {
  store::Connection source_connection;
  store::Connection target_connection;
  std::unique_ptr<Source> source;
  std::unique_ptr<Target> target;
  bool sandbox = false;  // the tenant's sandbox mode as the connections were opened
};
Result<Endpoints> OpenEndpoints(const Registry& registry, store::StateStore& store, http::Transport& transport,
                                Clock& clock, const EngineOptions& options, const std::string& tenant,
                                const std::string& source_connection, const std::string& target_connection);

class Orchestrator {
 public:
  Orchestrator(store::StateStore& store, http::Transport& transport, Clock& clock, const Registry& registry,
               EngineOptions options = {});

  // Runs to completion on the calling thread. Fails without creating a run
  // when the request is invalid or the lock is held.
  Result<RunReport> Run(const SyncRequest& request, std::function<void(const Progress&)> on_progress = {},
                        CrashHook crash_hook = {});
  // Asks a running run to stop after the record in hand; false if unknown.
  bool Stop(const std::string& run_id);

  const Registry& registry() const { return registry_; }
  const EngineOptions& options() const { return options_; }

 private:
  store::StateStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  const Registry& registry_;
  EngineOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> stops_;  // guarded by mu_
};

}  // namespace es::engine
