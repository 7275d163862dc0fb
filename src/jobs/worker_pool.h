// WorkerPool: N threads that claim jobs from the state store's queue
// (store/job_store.h) and execute them, in `serve` and in `easysale-sync
// worker`. Any number of pools, in any number of processes sharing one
// database, cooperate: the store hands each job to one claimer at a time.
//
// For each claimed job a worker marks it running, runs it through the
// caller's executor on its own thread (the same engine path as `sync`),
// and completes it:
//   run succeeded or partial           → job "succeeded" (failed records are
//                                        in the failed queue, as for any run)
//   run failed / request invalid       → job "failed" with the run's error
//   run lock held by another run       → requeued after lock_busy_delay_ms,
//   (Conflict before the run started)    the claim not counted
//   transient error (Network, RateLimit) before the run started
//                                      → requeued with a growing delay while
//                                        attempts remain, else "failed"
//   the pool stopping (Stop())         → the run stops after the record in
//                                        hand and the job is requeued at once
//                                        (claim not counted)
// A heartbeat thread extends the lease of every running job every
// heartbeat_ms; when the store says the lease was lost (another worker took
// the job over after it expired), the run is asked to stop and the job is
// left to its new holder. A worker killed outright stops heartbeating: its
// job is claimed again after lease_ms and resumes (the engine is idempotent:
// intents are recorded before writes, so nothing is written twice).
//
// Thread-safe. Start() once; Stop() (also in the destructor) joins.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "engine/orchestrator.h"
#include "store/store.h"

namespace es::jobs {

// Runs `request` (built from `job`; run_id and stop already set) on the
// calling thread. An error means the run did not take place (Conflict: its
// run lock is held).
using JobExecutor = std::function<Result<engine::RunReport>(const store::Job& job, const engine::SyncRequest& request)>;
// Something the pool did ("job_claimed", "job_finished", "job_requeued",
// "job_lease_lost", "claim_failed", …) with its facts (no secrets).
using JobEventSink = std::function<void(const std::string& event, const Json& detail)>;

struct WorkerPoolOptions {
  int workers = 2;
  std::string name;                 // worker id prefix; default "<host>:<pid>"
  int64_t lease_ms = 30'000;
  int64_t heartbeat_ms = 10'000;    // < lease_ms
  int64_t poll_ms = 500;            // idle wait between claims (Wake() cuts it short)
  int64_t lock_busy_delay_ms = 2'000;
  int64_t retry_delay_ms = 5'000;   // × attempts for transient failures
  JobEventSink on_event;
};

class WorkerPool {
 public:
  WorkerPool(store::StateStore& store, Clock& clock, JobExecutor execute, WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();
  // A job was enqueued (in this process): idle workers claim at once.
  void Wake();
  // Graceful stop (see above); idempotent.
  void Stop();

  int running() const;            // jobs executing now
  int64_t finished() const;       // jobs completed (succeeded or failed) by this pool
  int64_t requeued() const;
  const WorkerPoolOptions& options() const { return options_; }

 private:
  struct Active {
    std::string worker;
    std::shared_ptr<std::atomic<bool>> stop;
    std::shared_ptr<std::atomic<bool>> lease_lost;
  };
  void Work(int index);
  void Execute(const std::string& worker, const store::Job& job);
  void Heartbeats();
  void Emit(const std::string& event, const Json& detail) const;

  store::StateStore& store_;
  Clock& clock_;
  const JobExecutor execute_;
  const WorkerPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                  // guarded by mu_
  bool started_ = false;                   // guarded by mu_
  int64_t wakes_ = 0;                      // guarded by mu_
  std::map<std::string, Active> active_;   // guarded by mu_: job id → its run
  std::vector<std::thread> threads_;
  std::atomic<int64_t> finished_{0};
  std::atomic<int64_t> requeued_{0};
};

}  // namespace es::jobs
