#include "engine/orchestrator.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "engine/pipeline.h"
#include "engine/run_liveness.h"
#include "engine/two_way_target.h"
#include "engine/sandbox_mode.h"

namespace es::engine {

Result<store::Connection> LoadEnabledConnection(store::StateStore& store, const std::string& tenant,
                                                const std::string& id) {
  auto c = store.GetConnection(tenant, id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + id + "' does not exist for tenant '" + tenant + "'");
  if (!(*c)->enabled) return Status::Validation("connection '" + id + "' is disabled");
  return ResolveSandboxMode(store, **c);
}

Result<Json> LoadTargetConfig(store::StateStore& store, const std::string& tenant, const std::string& connection) {
  auto stored = store.GetTransformerConfig(tenant, connection);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Json::object();
  return **stored;
}

Result<Endpoints> OpenEndpoints(const Registry& registry, store::StateStore& store, http::Transport& transport,
                                Clock& clock, const EngineOptions& options, const std::string& tenant,
                                const std::string& source_connection, const std::string& target_connection) {
  Endpoints e;
  ES_ASSIGN_OR_RETURN(e.sandbox, store.SandboxMode(tenant));
  ES_ASSIGN_OR_RETURN(e.source_connection, LoadEnabledConnection(store, tenant, source_connection));
  ES_ASSIGN_OR_RETURN(e.target_connection, LoadEnabledConnection(store, tenant, target_connection));
  const Platform* sp = registry.Find(e.source_connection.kind);
  const Platform* tp = registry.Find(e.target_connection.kind);
  if (sp == nullptr)
    return Status::Validation("connection '" + source_connection + "': unknown connector kind '" +
                              e.source_connection.kind + "'");
  if (tp == nullptr)
    return Status::Validation("connection '" + target_connection + "': unknown connector kind '" +
                              e.target_connection.kind + "'");
  if (!sp->make_source)
    return Status::Validation("connection '" + source_connection + "' (" + sp->title + ") cannot be a source");
  if (!tp->make_target)
    return Status::Validation("connection '" + target_connection + "' (" + tp->title + ") cannot be a target");
  ConnectorEnv env{store, tenant, transport, clock, options};
  ES_ASSIGN_OR_RETURN(Json target_config, LoadTargetConfig(store, tenant, target_connection));
  ES_ASSIGN_OR_RETURN(e.source, sp->make_source(env, e.source_connection));
  auto target = tp->make_target(env, e.target_connection, target_config);
  if (!target.ok()) return target.status().WithContext("settings of '" + target_connection + "'");
  // Two-way gate (direction, conflicts, echoes); a no-op for one-way routes.
  e.target = std::make_unique<TwoWayTarget>(std::move(*target), store, registry, clock, tenant);
  return e;
}

Orchestrator::Orchestrator(store::StateStore& store, http::Transport& transport, Clock& clock,
                           const Registry& registry, EngineOptions options)
    : store_(store), transport_(transport), clock_(clock), registry_(registry), options_(options) {}

bool Orchestrator::Stop(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stops_.find(run_id);
  if (it == stops_.end()) return false;
  it->second->store(true);
  return true;
}

namespace {

Json CountsJson(const std::map<std::string, EntityCounts>& counts, store::RunCounts* totals) {
  Json j = Json::object();
  *totals = {};
  for (const auto& [entity, c] : counts) {
    Json e = {{"fetched", c.fetched}, {"created", c.created}, {"linked", c.linked}, {"updated", c.updated},
              {"voided", c.voided},   {"deleted", c.deleted}, {"skipped", c.skipped}, {"failed", c.failed}};
    Json by_type = Json::object();
    for (const auto& [t, n] : c.created_by_type) by_type[t] = n;
    e["created_by_type"] = by_type;
    if (!c.filtered.empty()) e["filtered"] = c.filtered;
    j[entity] = e;
    totals->fetched += c.fetched;
    totals->created += c.created;
    totals->linked += c.linked;
    totals->updated += c.updated + c.voided + c.deleted;
    totals->skipped += c.skipped;
    totals->failed += c.failed;
  }
  return j;
}

// Takes the pair's lock for `owner`. When a process of this host that is gone
// holds it, its run is marked abandoned, the lock freed and taken.
Status TakeRunLock(store::StateStore& store, Clock& clock, const SyncRequest& request, const std::string& key,
                   const std::string& owner, int64_t lease_ms) {
  Status s = store.AcquireLock(request.tenant_id, key, owner, clock.NowMillis(), lease_ms);
  if (!s.IsConflict()) return s;
  auto holder = store.GetLock(request.tenant_id, key);
  if (!holder.ok() || !holder->has_value()) return s;
  LockOwner o = ParseLockOwner((*holder)->owner);
  if (!OwnerProcessGone(o)) {
    if (o.pid <= 0) return s;
    return Status::Conflict("run " + o.run_id + " (process " + std::to_string(static_cast<long long>(o.pid)) +
                            " on " + o.host + ") is still running between these connections; wait for it or stop "
                            "it with `easysale-sync runs stop " + o.run_id + "`");
  }
  auto run = store.GetRun(request.tenant_id, o.run_id);
  RunLiveness dead;
  dead.why = "process " + std::to_string(static_cast<long long>(o.pid)) + " on " + o.host + " is gone";
  dead.lock_owner = (*holder)->owner;
  if (run.ok() && run->has_value()) {
    ES_RETURN_IF_ERROR(AbandonRun(store, **run, dead, clock.NowMillis()).status());
  } else {
    ES_RETURN_IF_ERROR(store.ReleaseLock(request.tenant_id, key, dead.lock_owner));
  }
  if (request.on_notice)
    request.on_notice("run " + o.run_id + " was left unfinished (" + dead.why + "): marked abandoned; carrying on");
  return store.AcquireLock(request.tenant_id, key, owner, clock.NowMillis(), lease_ms);
}

// With the pair's lock held, any other run of the pair still listed as
// running has no process behind it any more.
void AbandonLeftovers(store::StateStore& store, Clock& clock, const SyncRequest& request, const std::string& run_id,
                      const std::string& source, const std::string& target) {
  store::RunFilter f;
  f.tenant_id = request.tenant_id;
  f.status = store::RunStatusName(store::RunStatus::kRunning);
  f.limit = 50;
  auto runs = store.ListRuns(f);
  if (!runs.ok()) return;
  for (const store::SyncRun& r : *runs) {
    if (r.id == run_id || r.source_connection != source || r.target_connection != target) continue;
    RunLiveness dead;
    dead.why = "its process ended without finishing it";
    auto changed = AbandonRun(store, r, dead, clock.NowMillis());
    if (changed.ok() && *changed && request.on_notice)
      request.on_notice("run " + r.id + " was left unfinished (" + dead.why + "): marked abandoned; carrying on");
  }
}

// Renews a run's lock every third of its lease on a thread of its own while
// the run lives, so that a run waiting long on one call (a Retry-After, a
// slow page, the shared request budget) is never taken for dead: its lease
// runs out only when its process is gone. A failed renewal shows at the
// pipeline's own renewal after the page, which stops the run. Stop() (or
// the destructor) ends and joins the thread.
class LockHeartbeat {
 public:
  LockHeartbeat(std::function<Status()> renew, int64_t lease_ms) : renew_(std::move(renew)) {
    const auto every = std::chrono::milliseconds(std::max<int64_t>(lease_ms / 3, 10));
    thread_ = std::thread([this, every] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, every, [this] { return done_; })) {
        lock.unlock();
        (void)renew_();
        lock.lock();
      }
    });
  }
  ~LockHeartbeat() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::function<Status()> renew_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // guarded by mu_
  std::thread thread_;
};

// The requests the run sent to each end so far (next to the entities' counts).
Json RequestsJson(const Source& source, const Target& target) {
  return {{"source", source.requests()}, {"target", target.requests()}};
}

}  // namespace

Result<RunReport> Orchestrator::Run(const SyncRequest& request, std::function<void(const Progress&)> on_progress,
                                    CrashHook crash_hook) {
  if (request.mode != "full" && request.mode != "incremental")
    return Status::Validation("mode '" + request.mode + "' is not full or incremental");
  ES_ASSIGN_OR_RETURN(Endpoints ends, OpenEndpoints(registry_, store_, transport_, clock_, options_, request.tenant_id,
                                                    request.source_connection, request.target_connection));
  const std::string& source_kind = ends.source_connection.kind;
  const std::string& target_kind = ends.target_connection.kind;

  // Every requested entity must have a route before any work starts.
  std::vector<std::string> entities;
  const auto pair_entities = registry_.Entities(source_kind, target_kind);
  if (pair_entities.empty()) return Status::Validation("no routes from '" + source_kind + "' to '" + target_kind + "'");
  for (const auto& e : request.entities) ES_RETURN_IF_ERROR(registry_.CheckRoute({source_kind, target_kind, e}));
  for (const auto& e : pair_entities)
    if (request.entities.empty() || std::find(request.entities.begin(), request.entities.end(), e) != request.entities.end())
      entities.push_back(e);

  std::string run_id = request.run_id.empty() ? crypto::Uuid4() : request.run_id;
  const std::string lock_key = RunLockKey(ends.source_connection.id, ends.target_connection.id);
  const std::string lock_owner = LockOwnerFor(run_id);
  ES_RETURN_IF_ERROR(TakeRunLock(store_, clock_, request, lock_key, lock_owner, options_.lock_lease_ms));
  AbandonLeftovers(store_, clock_, request, run_id, ends.source_connection.id, ends.target_connection.id);
  // The caller's flag when it gave one (not owned: the aliasing pointer only
  // lets Stop() reach it).
  auto stop = request.stop != nullptr ? std::shared_ptr<std::atomic<bool>>(std::shared_ptr<void>(), request.stop)
                                      : std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stops_[run_id] = stop;
  }

  RunReport report;
  store::SyncRun& run = report.run;
  run.id = run_id;
  run.tenant_id = request.tenant_id;
  run.source_connection = ends.source_connection.id;
  run.target_connection = ends.target_connection.id;
  run.entities = entities;
  run.mode = request.mode;
  run.dry_run = request.dry_run;
  run.status = store::RunStatus::kRunning;
  run.triggered_by = request.triggered_by;
  run.started_at_ms = clock_.NowMillis();
  Status created = store_.CreateRun(run);
  if (!created.ok()) {
    (void)store_.ReleaseLock(request.tenant_id, lock_key, lock_owner);
    std::lock_guard<std::mutex> lock(mu_);
    stops_.erase(run_id);
    return created;
  }

  RunInfo info;
  info.tenant_id = request.tenant_id;
  info.source_connection = ends.source_connection.id;
  info.target_connection = ends.target_connection.id;
  info.source_kind = source_kind;
  info.target_kind = target_kind;
  info.run_id = run_id;
  info.dry_run = request.dry_run;
  info.sandbox = ends.sandbox;
  info.lane = request.lane.value_or(request.ids.empty() ? Lane::kBackfill : Lane::kRealtime);
  RunContext ctx(info, store_, clock_, stop.get(), std::move(crash_hook));
  auto renew = [&] {
    return store_.AcquireLock(request.tenant_id, lock_key, lock_owner, clock_.NowMillis(), options_.lock_lease_ms);
  };
  ctx.SetLockRenewal(renew, options_.lock_lease_ms);
  LockHeartbeat heartbeat(renew, options_.lock_lease_ms);

  Status failure;
  PageRunTotals totals;
  bool prepared = false;
  try {
    if (!request.dry_run) {
      failure = ends.target->Prepare(ctx);
      prepared = failure.ok();
      // A target that cannot be made ready (its database unreachable, its
      // login refused, its schema too new) fails the run as its connection.
      if (!failure.ok()) {
        ctx.PlatformFailed(info.target_connection, failure);
        failure = ctx.platform_failure();
      }
    }
    for (size_t i = 0; failure.ok() && i < entities.size(); ++i) {
      PageRun pr;
      pr.route_entity = entities[i];
      pr.mode = request.mode;
      pr.ids = request.ids;
      pr.options = &options_;
      pr.on_progress = on_progress;
      Status s = RunEntityPages(pr, *ends.source, *ends.target, ctx, store_, &totals);
      (void)ctx.Flush();
      run.counts = CountsJson(ctx.counts(), &run.totals);
      run.counts["requests"] = RequestsJson(*ends.source, *ends.target);
      if (!ctx.crashed()) (void)store_.UpdateRun(run);
      if (!s.ok()) failure = ctx.platform_failure().ok() ? s.WithContext(entities[i]) : s;
    }
    if (prepared && !ctx.crashed()) ends.target->Finish(ctx, failure);
  } catch (const std::exception& e) {
    failure = Status::Internal(std::string("unexpected error: ") + e.what());
  } catch (...) {
    failure = Status::Internal("unexpected error");
  }
  (void)ctx.Flush();

  run.finished_at_ms = clock_.NowMillis();
  run.counts = CountsJson(ctx.counts(), &run.totals);
  run.counts["requests"] = RequestsJson(*ends.source, *ends.target);
  if (ctx.crashed()) {
    run.status = store::RunStatus::kFailed;
    run.error = "simulated crash";
  } else if (stop->load()) {
    run.status = store::RunStatus::kStopped;
    run.error = "stopped on request";
  } else if (!failure.ok()) {
    run.status = store::RunStatus::kFailed;
    // A platform failure already names its connection and what to do.
    run.error = ctx.platform_failure().ok() ? failure.ToString() : failure.message();
  } else {
    run.status = run.totals.failed > 0 ? store::RunStatus::kPartial : store::RunStatus::kSucceeded;
  }
  // A simulated crash leaves the run as a killed process would (status
  // "running" in the store) but frees the lock so the test can re-run at once
  // instead of waiting for the lease to expire.
  if (!ctx.crashed()) (void)store_.UpdateRun(run);
  heartbeat.Stop();
  (void)store_.ReleaseLock(request.tenant_id, lock_key, lock_owner);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stops_.erase(run_id);
  }
  report.counts = ctx.counts();
  report.previews = ctx.TakePreviews();
  report.previews_dropped = ctx.previews_dropped();
  report.estimated_requests = totals.estimated_requests;
  report.target_requests = ends.target->requests();
  report.source_requests = ends.source->requests();
  report.rate_limited = ends.target->rate_limited();
  report.source_kind = source_kind;
  report.target_kind = target_kind;
  report.failure = failure.category();
  return report;
}

}  // namespace es::engine
