// RunExecutor: sync runs in the background for the API (SPEC F7, F14).
//
// Enqueue() queues a SyncRequest as a durable job (store/job_store.h) and
// returns its run and job ids at once; the executor's worker pool
// (jobs/worker_pool.h, `max_concurrent` threads, started with the executor)
// claims jobs from the store — queued here or by any other process sharing
// it — and runs each one on its thread with the same token refresh,
// metrics, log, Live() progress and Stop() as below. A run stopped through
// Stop() ends its job as failed; Shutdown() stops the pool first, so runs in
// progress stop after the record in hand and their jobs go back to the queue
// for the next worker.
//
// Start() hands a SyncRequest to a worker thread, waits until the engine has
// recorded the run (so the caller gets its id and can poll its status at
// once) or has refused it (validation, unknown or disabled connection, the
// pair's run lock held → Conflict), and returns. At most
// `max_concurrent` runs execute at once; beyond that Start is refused with
// RateLimit. Before a run, QBO tokens of its connections are refreshed under
// the QboTokenManager guard when they expire soon. Finished runs feed the
// metrics registry (records, durations, API requests, rate-limit hits) and
// raise notification events (a failed run, refused credentials, a growing
// failed queue) on the server's notifier.
//
// The engine picks run ids itself; RunObserverStore (the store the
// orchestrator writes through) reports CreateRun, and the locks taken and
// released, on a run's thread back to that thread's job.
//
// An exception thrown anywhere in a run (token refresh, engine, connectors,
// store) never leaves the run's thread: the run becomes a failed run whose
// error is the exception's text, the locks it still held are released, and
// Start/RunNow report Status::Internal with that text when the run had not
// been recorded yet (RunNow also when it had). Thread-safe; Shutdown() (also
// in the destructor) asks every run to stop and joins the threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/orchestrator.h"
#include "jobs/job_request.h"
#include "jobs/worker_pool.h"
#include "store/forwarding_store.h"

namespace es::server {

struct ServerContext;

// CreateRun resumes a run row an earlier attempt of the same job left
// (jobs::CreateOrResumeRun).
class RunObserverStore final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status CreateRun(const store::SyncRun& run) override;
  Status AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner, int64_t now_ms,
                     int64_t lease_ms) override;
  Status ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) override;
};

class RunExecutor {
 public:
  RunExecutor(ServerContext& ctx, int max_concurrent);
  ~RunExecutor();
  RunExecutor(const RunExecutor&) = delete;
  RunExecutor& operator=(const RunExecutor&) = delete;

  struct Queued {
    std::string run_id;
    std::string job_id;
    bool coalesced = false;  // an identical queued job (same dedupe key) absorbed it
  };
  // Queues `request` as a job and wakes the pool (see above): the way every run of the service starts.
  Result<Queued> Enqueue(const engine::SyncRequest& request, const jobs::EnqueueOptions& options = {});
  // Returns the new run's id (see above).
  Result<std::string> Start(const engine::SyncRequest& request);
  // Runs a sync on the calling thread and returns when it is over, without
  // a job (the service queues its runs through Enqueue; tests use this): the
  // same token refresh, metrics and log as a
  // run started with Start(), but not counted against max_concurrent (the
  // caller is its own bounded thread). Network when shutting down.
  Result<engine::RunReport> RunNow(const engine::SyncRequest& request);
  // Asks a run of `tenant` to stop after the record in hand. NotFound when
  // it is not running in this process.
  Status Stop(const std::string& tenant, const std::string& run_id);
  // {"running": bool, "progress": {entity: {done,total}}, "previews": [...]}
  // for a run started here (running or among the recent ones); null otherwise.
  Json Live(const std::string& tenant, const std::string& run_id) const;
  int active() const;
  void Shutdown();

  struct Job;

 private:
  void Work(std::shared_ptr<Job> job, engine::SyncRequest request);
  // The pool's executor: runs a claimed job on the calling worker thread.
  Result<engine::RunReport> RunJob(const engine::SyncRequest& request);
  // Refreshes tokens and runs `request` on the calling thread with `job`
  // observing it; never throws (see above).
  Result<engine::RunReport> Execute(Job& job, const engine::SyncRequest& request,
                                    std::function<void(const engine::Progress&)> on_progress);
  // After an exception: marks the job's run failed with `why` and releases
  // the locks the run still held. Never throws.
  void Abandon(Job& job, const engine::SyncRequest& request, const Status& why);
  void Record(const engine::RunReport& report);
  void RefreshTokens(const engine::SyncRequest& request);
  void Finished(const engine::RunReport& report);
  // Raises the run's notification events (notify/run_events.h); dry runs
  // raise none. Never throws.
  void Announce(const engine::SyncRequest& request, const Result<engine::RunReport>& report);
  void ReapLocked();

  ServerContext& ctx_;
  const int max_concurrent_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Job>> running_;  // guarded by mu_
  std::deque<std::shared_ptr<Job>> recent_;    // guarded by mu_ (finished, newest last)
  std::vector<std::thread> finished_threads_;  // guarded by mu_: to join
  bool shut_down_ = false;                     // guarded by mu_
  std::unique_ptr<jobs::WorkerPool> pool_;     // last: its threads use the rest
};

}  // namespace es::server
