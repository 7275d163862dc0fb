#include "server/run_executor.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "notify/notifier.h"
#include "notify/run_events.h"
#include "server/http_server.h"
#include "server/log.h"
#include "server/token_manager.h"

namespace es::server {

struct RunExecutor::Job {
  std::string tenant;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::string run_id;        // guarded by mu: set once the engine created the run
  Status start_error;        // guarded by mu: the engine refused the run
  bool finished = false;     // guarded by mu
  std::map<std::string, engine::Progress> progress;  // guarded by mu
  std::vector<Json> previews;                        // guarded by mu (dry runs)
  struct HeldLock {
    std::string tenant, key, owner;
    bool operator==(const HeldLock&) const = default;
  };
  std::vector<HeldLock> locks;  // guarded by mu: taken on the run's thread, not released yet
  std::thread thread;        // owned by the executor
};

namespace {
thread_local RunExecutor::Job* t_job = nullptr;
constexpr size_t kRecentJobs = 100;
constexpr size_t kMaxPreviews = 500;
}  // namespace

Status RunObserverStore::CreateRun(const store::SyncRun& run) {
  Status s = jobs::CreateOrResumeRun(inner(), run);
  if (s.ok() && t_job != nullptr) {
    std::lock_guard lock(t_job->mu);
    if (t_job->run_id.empty()) t_job->run_id = run.id;
    t_job->cv.notify_all();
  }
  return s;
}

Status RunObserverStore::AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                                     int64_t now_ms, int64_t lease_ms) {
  Status s = ForwardingStore::AcquireLock(tenant, key, owner, now_ms, lease_ms);
  if (s.ok() && t_job != nullptr) {
    RunExecutor::Job::HeldLock held{tenant, key, owner};
    std::lock_guard lock(t_job->mu);
    if (std::find(t_job->locks.begin(), t_job->locks.end(), held) == t_job->locks.end()) {
      t_job->locks.push_back(std::move(held));
    }
  }
  return s;
}

Status RunObserverStore::ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) {
  Status s = ForwardingStore::ReleaseLock(tenant, key, owner);
  if (t_job != nullptr) {
    std::lock_guard lock(t_job->mu);
    std::erase(t_job->locks, RunExecutor::Job::HeldLock{tenant, key, owner});
  }
  return s;
}

RunExecutor::RunExecutor(ServerContext& ctx, int max_concurrent)
    : ctx_(ctx), max_concurrent_(max_concurrent < 1 ? 1 : max_concurrent) {
  jobs::WorkerPoolOptions o;
  o.workers = max_concurrent_;
  o.on_event = [](const std::string& event, const Json& detail) {
    const bool bad = event == "claim_failed" || event == "heartbeat_failed" || event == "job_update_failed" ||
                     event == "job_lease_lost";
    Log(bad ? LogLevel::kWarn : LogLevel::kInfo, event, detail);
  };
  pool_ = std::make_unique<jobs::WorkerPool>(
      *ctx_.store, *ctx_.clock,
      [this](const store::Job&, const engine::SyncRequest& request) { return RunJob(request); }, o);
  pool_->Start();
}

RunExecutor::~RunExecutor() { Shutdown(); }

Result<RunExecutor::Queued> RunExecutor::Enqueue(const engine::SyncRequest& request,
                                                 const jobs::EnqueueOptions& options) {
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return Status::Network("the server is shutting down");
  }
  ES_ASSIGN_OR_RETURN(store::EnqueuedJob e, jobs::EnqueueSync(*ctx_.store, *ctx_.clock, request, options));
  pool_->Wake();
  return Queued{e.job.run_id, e.job.id, e.coalesced};
}

Result<engine::RunReport> RunExecutor::RunJob(const engine::SyncRequest& request) {
  auto job = std::make_shared<Job>();
  job->tenant = request.tenant_id;
  std::vector<std::thread> to_join;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return Status::Network("the server is shutting down");
    ReapLocked();
    to_join.swap(finished_threads_);
    running_.push_back(job);
    ctx_.metrics->Set("easysale_queue_depth", {{"queue", "sync_runs"}}, static_cast<double>(running_.size()));
  }
  for (auto& t : to_join) t.join();
  auto report = Execute(*job, request, [job](const engine::Progress& p) {
    std::lock_guard lock(job->mu);
    job->progress[p.entity] = p;
  });
  {
    std::lock_guard lock(job->mu);
    if (report.ok()) {
      for (const auto& p : report->previews) {
        if (job->previews.size() >= kMaxPreviews) break;
        job->previews.push_back(p);
      }
    } else if (job->run_id.empty()) {
      job->start_error = report.status();
    }
    job->finished = true;
    job->cv.notify_all();
  }
  std::lock_guard lock(mu_);
  ReapLocked();
  ctx_.metrics->Set("easysale_queue_depth", {{"queue", "sync_runs"}}, static_cast<double>(running_.size()));
  return report;
}

void RunExecutor::ReapLocked() {
  for (auto it = running_.begin(); it != running_.end();) {
    bool done;
    {
      std::lock_guard jl((*it)->mu);
      done = (*it)->finished;
    }
    if (done) {
      if ((*it)->thread.joinable()) finished_threads_.push_back(std::move((*it)->thread));
      recent_.push_back(*it);
      while (recent_.size() > kRecentJobs) recent_.pop_front();
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::string> RunExecutor::Start(const engine::SyncRequest& request) {
  auto job = std::make_shared<Job>();
  job->tenant = request.tenant_id;
  std::vector<std::thread> to_join;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return Status::Network("the server is shutting down");
    ReapLocked();
    to_join.swap(finished_threads_);
    if (static_cast<int>(running_.size()) >= max_concurrent_) {
      ctx_.metrics->Add("easysale_runs_refused_total", {{"tenant", request.tenant_id}});
      return Status::RateLimit("too many sync runs in progress (at most " + std::to_string(max_concurrent_) +
                                   "); try again shortly",
                               5000);
    }
    running_.push_back(job);
    job->thread = std::thread([this, job, request] { Work(job, request); });
    ctx_.metrics->Set("easysale_queue_depth", {{"queue", "sync_runs"}}, static_cast<double>(running_.size()));
  }
  for (auto& t : to_join) t.join();
  std::unique_lock jl(job->mu);
  job->cv.wait(jl, [&] { return !job->run_id.empty() || job->finished; });
  if (!job->run_id.empty()) return job->run_id;
  if (!job->start_error.ok()) return job->start_error;
  return Status::Internal("the sync run ended before it was recorded");
}

void RunExecutor::RefreshTokens(const engine::SyncRequest& request) {
  // Refresh QBO tokens that expire soon under the cross-worker guard, so the
  // run's own client (one per run) does not have to.
  for (const std::string* id : {&request.source_connection, &request.target_connection}) {
    auto c = ctx_.store->GetConnection(request.tenant_id, *id);
    if (c.ok() && c->has_value() && (*c)->kind == "qbo" && (*c)->enabled) {
      Status s = ctx_.tokens->EnsureFresh(request.tenant_id, *id, ctx_.config->token_refresh_margin_s * 1000);
      if (!s.ok()) {
        Log(LogLevel::kWarn, "qbo_token_refresh_failed",
            {{"tenant", request.tenant_id},
             {"connection", *id},
             {"category", std::string(CategoryName(s.category()))}});
      }
    }
  }
}

void RunExecutor::Finished(const engine::RunReport& report) {
  Record(report);
  Log(LogLevel::kInfo, "sync_run_finished",
      {{"tenant", report.run.tenant_id},
       {"run", report.run.id},
       {"status", store::RunStatusName(report.run.status)},
       {"trigger", report.run.triggered_by},
       {"created", report.run.totals.created},
       {"updated", report.run.totals.updated},
       {"failed", report.run.totals.failed},
       {"ms", report.run.finished_at_ms - report.run.started_at_ms}});
}

Result<engine::RunReport> RunExecutor::RunNow(const engine::SyncRequest& request) {
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return Status::Network("the server is shutting down");
  }
  Job job;
  job.tenant = request.tenant_id;
  return Execute(job, request, {});
}

Result<engine::RunReport> RunExecutor::Execute(Job& job, const engine::SyncRequest& request,
                                               std::function<void(const engine::Progress&)> on_progress) {
  std::optional<Result<engine::RunReport>> report;
  Status thrown;
  t_job = &job;
  try {
    RefreshTokens(request);
    report.emplace(ctx_.orchestrator->Run(request, std::move(on_progress)));
  } catch (const std::exception& e) {
    thrown = Status::Internal(std::string("the sync run stopped on an exception: ") + e.what());
  } catch (...) {
    thrown = Status::Internal("the sync run stopped on an exception of unknown type");
  }
  t_job = nullptr;
  if (!thrown.ok()) {
    Abandon(job, request, thrown);
    return thrown;
  }
  if (report->ok()) Finished(**report);
  Announce(request, *report);
  return std::move(*report);
}

void RunExecutor::Announce(const engine::SyncRequest& request, const Result<engine::RunReport>& report) {
  if (ctx_.notifier == nullptr || request.dry_run) return;
  if (report.ok()) {
    notify::NotifyRunEnded(*ctx_.notifier, *ctx_.store, report->run, report->failure);
  } else {
    for (const auto& e : notify::RefusedRunEvents(request.tenant_id, request.source_connection,
                                                  request.target_connection, report.status(),
                                                  ctx_.clock->NowMillis())) {
      ctx_.notifier->Notify(e);
    }
  }
}

void RunExecutor::Abandon(Job& job, const engine::SyncRequest& request, const Status& why) {
  std::string run_id;
  std::vector<Job::HeldLock> locks;
  {
    std::lock_guard lock(job.mu);
    run_id = job.run_id;
    locks.swap(job.locks);
  }
  try {
    if (!run_id.empty()) {
      auto run = ctx_.store->GetRun(request.tenant_id, run_id);
      // Only a run the engine left unfinished: an exception after the final
      // status was written does not rewrite it.
      if (run.ok() && run->has_value() &&
          ((*run)->status == store::RunStatus::kRunning || (*run)->status == store::RunStatus::kQueued)) {
        store::SyncRun failed = **run;
        failed.status = store::RunStatus::kFailed;
        failed.error = why.message();
        failed.finished_at_ms = ctx_.clock->NowMillis();
        Status s = ctx_.store->UpdateRun(failed);
        if (s.ok()) {
          ctx_.metrics->Add("easysale_runs_total", {{"tenant", request.tenant_id}, {"status", "failed"}});
          if (ctx_.notifier != nullptr) notify::NotifyRunEnded(*ctx_.notifier, *ctx_.store, failed, why.category());
        }
      }
    }
    for (const auto& l : locks) (void)ctx_.store->ReleaseLock(l.tenant, l.key, l.owner);
    Log(LogLevel::kError, "sync_run_exception",
        {{"tenant", request.tenant_id},
         {"run", run_id.empty() ? Json(nullptr) : Json(run_id)},
         {"trigger", request.triggered_by},
         {"locks_released", locks.size()}});
  } catch (...) {
    // The store or the log failed as well: the run stays as the engine left
    // it and its lock expires with its lease; the caller still gets `why`.
  }
}

void RunExecutor::Work(std::shared_ptr<Job> job, engine::SyncRequest request) {
  auto report = Execute(*job, request, [job](const engine::Progress& p) {
    std::lock_guard lock(job->mu);
    job->progress[p.entity] = p;
  });
  {
    std::lock_guard lock(job->mu);
    if (report.ok()) {
      for (auto& p : report->previews) {
        if (job->previews.size() >= kMaxPreviews) break;
        job->previews.push_back(std::move(p));
      }
    } else if (job->run_id.empty()) {
      job->start_error = report.status();
    }
    job->finished = true;
    job->cv.notify_all();
  }
  std::lock_guard lock(mu_);
  int still = 0;
  for (const auto& j : running_) {
    std::lock_guard jl(j->mu);
    if (!j->finished) ++still;
  }
  ctx_.metrics->Set("easysale_queue_depth", {{"queue", "sync_runs"}}, still);
}

void RunExecutor::Record(const engine::RunReport& report) {
  MetricsRegistry& m = *ctx_.metrics;
  const std::string& tenant = report.run.tenant_id;
  for (const auto& [entity, c] : report.counts) {
    Labels l = {{"tenant", tenant}, {"entity", entity}};
    m.Add("easysale_records_processed_total", l, static_cast<double>(c.fetched));
    m.Add("easysale_records_created_total", l, static_cast<double>(c.created));
    m.Add("easysale_records_updated_total", l, static_cast<double>(c.updated));
    m.Add("easysale_records_skipped_total", l, static_cast<double>(c.skipped));
    m.Add("easysale_records_failed_total", l, static_cast<double>(c.failed));
  }
  m.Add("easysale_runs_total", {{"tenant", tenant}, {"status", store::RunStatusName(report.run.status)}});
  m.Observe("easysale_run_duration_seconds", {{"tenant", tenant}},
            static_cast<double>(report.run.finished_at_ms - report.run.started_at_ms) / 1000.0);
  m.Add("easysale_api_requests_total", {{"tenant", tenant}, {"platform", report.target_kind}},
        static_cast<double>(report.target_requests));
  m.Add("easysale_api_requests_total", {{"tenant", tenant}, {"platform", report.source_kind}},
        static_cast<double>(report.source_requests));
  m.Add("easysale_rate_limit_hits_total", {{"tenant", tenant}, {"platform", report.target_kind}},
        static_cast<double>(report.rate_limited));
}

Status RunExecutor::Stop(const std::string& tenant, const std::string& run_id) {
  std::lock_guard lock(mu_);
  for (const auto& j : running_) {
    std::lock_guard jl(j->mu);
    if (j->tenant == tenant && j->run_id == run_id && !j->finished) {
      if (ctx_.orchestrator->Stop(run_id)) return Status::Ok();
    }
  }
  return Status::NotFound("run '" + run_id + "' is not running");
}

Json RunExecutor::Live(const std::string& tenant, const std::string& run_id) const {
  std::lock_guard lock(mu_);
  auto describe = [&](const std::shared_ptr<Job>& j) -> Json {
    std::lock_guard jl(j->mu);
    if (j->tenant != tenant || j->run_id != run_id) return nullptr;
    Json progress = Json::object();
    for (const auto& [entity, p] : j->progress) progress[entity] = {{"done", p.done}, {"total", p.total}};
    return {{"running", !j->finished}, {"progress", progress}, {"previews", j->previews}};
  };
  for (const auto& j : running_) {
    Json d = describe(j);
    if (!d.is_null()) return d;
  }
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it) {
    Json d = describe(*it);
    if (!d.is_null()) return d;
  }
  return nullptr;
}

int RunExecutor::active() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& j : running_) {
    std::lock_guard jl(j->mu);
    if (!j->finished) ++n;
  }
  return n;
}

void RunExecutor::Shutdown() {
  // Jobs in progress stop after the record in hand and go back to the queue.
  if (pool_) pool_->Stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    for (const auto& j : running_) {
      std::string id;
      {
        std::lock_guard jl(j->mu);
        id = j->run_id;
      }
      if (!id.empty()) ctx_.orchestrator->Stop(id);
      if (j->thread.joinable()) threads.push_back(std::move(j->thread));
    }
    for (auto& t : finished_threads_) threads.push_back(std::move(t));
    finished_threads_.clear();
  }
  for (auto& t : threads) t.join();
  std::lock_guard lock(mu_);
  ReapLocked();
}

}  // namespace es::server
