#include "jobs/worker_pool.h"

#include <unistd.h>

#include <chrono>
#include <exception>

#include "engine/run_liveness.h"
#include "jobs/job_request.h"

namespace es::jobs {
namespace {

bool Transient(const Status& s) {
  return s.category() == ErrorCategory::kNetwork || s.category() == ErrorCategory::kRateLimit;
}

}  // namespace

WorkerPool::WorkerPool(store::StateStore& store, Clock& clock, JobExecutor execute, WorkerPoolOptions options)
    : store_(store), clock_(clock), execute_(std::move(execute)), options_([&] {
        WorkerPoolOptions o = std::move(options);
        if (o.workers < 1) o.workers = 1;
        if (o.lease_ms < 100) o.lease_ms = 100;
        if (o.heartbeat_ms <= 0 || o.heartbeat_ms >= o.lease_ms) o.heartbeat_ms = o.lease_ms / 3;
        if (o.poll_ms < 10) o.poll_ms = 10;
        if (o.name.empty()) o.name = engine::ThisHost() + ":" + std::to_string(static_cast<long long>(getpid()));
        return o;
      }()) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Emit(const std::string& event, const Json& detail) const {
  if (!options_.on_event) return;
  try {
    options_.on_event(event, detail);
  } catch (...) {
    // A failing log sink never stops a worker.
  }
}

void WorkerPool::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { Work(i); });
  threads_.emplace_back([this] { Heartbeats(); });
}

void WorkerPool::Wake() {
  std::lock_guard lock(mu_);
  ++wakes_;
  cv_.notify_all();
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      for (auto& [id, a] : active_) a.stop->store(true);
    }
    cv_.notify_all();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

int WorkerPool::running() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(active_.size());
}

int64_t WorkerPool::finished() const { return finished_.load(); }
int64_t WorkerPool::requeued() const { return requeued_.load(); }

void WorkerPool::Work(int index) {
  const std::string worker = options_.name + "/" + std::to_string(index);
  while (true) {
    int64_t wakes;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      wakes = wakes_;
    }
    Result<std::optional<store::Job>> job = std::optional<store::Job>();
    try {
      job = store_.ClaimJob(worker, clock_.NowMillis(), options_.lease_ms);
    } catch (const std::exception& e) {
      job = Status::Internal(std::string("claim threw: ") + e.what());
    } catch (...) {
      job = Status::Internal("claim threw an exception of unknown type");
    }
    if (job.ok() && job->has_value()) {
      try {
        Execute(worker, **job);
      } catch (...) {
        // A store that throws: the job's lease runs out and another worker resumes it.
        std::lock_guard lock(mu_);
        active_.erase((*job)->id);
        Emit("job_update_failed", {{"job", (*job)->id}, {"worker", worker}, {"error", "the store threw"}});
      }
      continue;
    }
    if (!job.ok()) Emit("claim_failed", {{"worker", worker}, {"error", job.status().ToString()}});
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [&] { return stopping_ || wakes_ != wakes; });
  }
}

void WorkerPool::Execute(const std::string& worker, const store::Job& job) {
  Json facts = {{"job", job.id},       {"tenant", job.tenant_id}, {"kind", job.kind},
                {"run", job.run_id},   {"worker", worker},        {"attempt", job.attempts}};
  auto request = RequestFromJob(job);
  if (!request.ok()) {
    Status s = store_.CompleteJob(job.id, worker, "failed", "", request.status().message(), clock_.NowMillis());
    facts["status"] = "failed";
    facts["error"] = request.status().message();
    if (s.ok()) ++finished_;
    Emit("job_finished", facts);
    return;
  }
  Active a{worker, std::make_shared<std::atomic<bool>>(false), std::make_shared<std::atomic<bool>>(false)};
  {
    std::lock_guard lock(mu_);
    if (stopping_) a.stop->store(true);
    active_[job.id] = a;
  }
  (void)store_.MarkJobRunning(job.id, worker, clock_.NowMillis());
  Emit("job_claimed", facts);
  request->stop = a.stop.get();
  Result<engine::RunReport> report = Status::Internal("the job's run did not return");
  try {
    if (a.stop->load()) {
      report = Status::Network("the worker is stopping");
    } else {
      report = execute_(job, *request);
    }
  } catch (const std::exception& e) {
    report = Status::Internal(std::string("the job's run stopped on an exception: ") + e.what());
  } catch (...) {
    report = Status::Internal("the job's run stopped on an exception of unknown type");
  }
  bool stopping;
  {
    std::lock_guard lock(mu_);
    active_.erase(job.id);
    stopping = stopping_;
    // The heartbeat thread of a stopping pool waits for the last run to end.
    if (stopping) cv_.notify_all();
  }
  const int64_t now = clock_.NowMillis();
  if (a.lease_lost->load()) {
    facts["status"] = "lease_lost";
    Emit("job_lease_lost", facts);
    return;  // another worker holds the job now
  }
  Status written;
  std::string outcome;
  if (!report.ok()) {
    const Status& s = report.status();
    facts["error"] = s.message();
    if (stopping) {
      written = store_.RequeueJob(job.id, worker, now, "requeued: its worker stopped before the run", false, now);
      outcome = "requeued";
    } else if (s.IsConflict()) {
      written = store_.RequeueJob(job.id, worker, now + options_.lock_busy_delay_ms, s.message(), false, now);
      outcome = "requeued";
    } else if (Transient(s) && job.attempts < job.max_attempts) {
      written = store_.RequeueJob(job.id, worker, now + options_.retry_delay_ms * job.attempts, s.message(), true,
                                  now);
      outcome = "requeued";
    } else {
      written = store_.CompleteJob(job.id, worker, "failed", "", s.message(), now);
      outcome = "failed";
    }
  } else {
    const store::SyncRun& run = report->run;
    facts["run_status"] = store::RunStatusName(run.status);
    if (run.status == store::RunStatus::kStopped && stopping) {
      written = store_.RequeueJob(job.id, worker, now, "requeued: its worker stopped mid-run", false, now);
      outcome = "requeued";
    } else if (run.status == store::RunStatus::kSucceeded || run.status == store::RunStatus::kPartial) {
      written = store_.CompleteJob(job.id, worker, "succeeded", run.id, run.error, now);
      outcome = "succeeded";
    } else {
      written = store_.CompleteJob(job.id, worker, "failed", run.id,
                                   run.error.empty() ? std::string("run ") + store::RunStatusName(run.status)
                                                     : run.error,
                                   now);
      outcome = "failed";
    }
  }
  facts["status"] = outcome;
  if (!written.ok()) {
    facts["store_error"] = written.ToString();
    Emit("job_update_failed", facts);
    return;  // the lease runs out and another worker resumes the job
  }
  if (outcome == "requeued") {
    ++requeued_;
    Emit("job_requeued", facts);
  } else {
    ++finished_;
    Emit("job_finished", facts);
  }
}

void WorkerPool::Heartbeats() {
  while (true) {
    std::map<std::string, Active> active;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms), [&] { return stopping_ && active_.empty(); });
      // A worker that claims after this point sees stopping_ and requeues
      // its job without running it: nothing needs a heartbeat any more.
      if (stopping_ && active_.empty()) return;
      active = active_;
    }
    const int64_t now = clock_.NowMillis();
    for (const auto& [id, a] : active) {
      Status s;
      try {
        s = store_.HeartbeatJob(id, a.worker, now + options_.lease_ms, now);
      } catch (...) {
        s = Status::Internal("heartbeat threw an exception");
      }
      if (s.IsConflict()) {
        a.lease_lost->store(true);
        a.stop->store(true);
        Emit("job_lease_lost", {{"job", id}, {"worker", a.worker}});
      } else if (!s.ok()) {
        Emit("heartbeat_failed", {{"job", id}, {"worker", a.worker}, {"error", s.ToString()}});
      }
    }
  }
}

}  // namespace es::jobs
