#include "jobs/worker_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "jobs/job_request.h"
#include "store/factory/open_store.h"

namespace es::jobs {
namespace {

std::unique_ptr<store::StateStore> MemoryStore() {
  auto s = store::OpenStore("sqlite://:memory:");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

engine::SyncRequest Request(const std::string& tenant) {
  engine::SyncRequest r;
  r.tenant_id = tenant;
  r.source_connection = "woo";
  r.target_connection = "qbo";
  r.entities = {"orders"};
  r.mode = "full";
  r.ids = {"7"};
  r.triggered_by = "alice";
  return r;
}

engine::RunReport Report(const engine::SyncRequest& r, store::RunStatus status) {
  engine::RunReport rep;
  rep.run.id = r.run_id;
  rep.run.tenant_id = r.tenant_id;
  rep.run.status = status;
  return rep;
}

// Waits up to 10 s for `done`.
template <typename F>
bool WaitFor(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

WorkerPoolOptions Fast(int workers) {
  WorkerPoolOptions o;
  o.workers = workers;
  o.lease_ms = 2'000;
  o.heartbeat_ms = 100;
  o.poll_ms = 20;
  o.lock_busy_delay_ms = 50;
  o.retry_delay_ms = 50;
  return o;
}

TEST(JobRequest, RoundTripsThroughTheJobRow) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto e = EnqueueSync(*store, SystemClock::Get(), Request("t1"));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->job.kind, "sync");
  EXPECT_FALSE(e->job.run_id.empty());
  EXPECT_FALSE(store->GetRun("t1", e->job.run_id)->has_value());  // recorded when a worker starts it
  auto back = RequestFromJob(e->job);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->run_id, e->job.run_id);
  EXPECT_EQ(back->entities, std::vector<std::string>{"orders"});
  EXPECT_EQ(back->ids, std::vector<std::string>{"7"});
  EXPECT_EQ(back->mode, "full");
  EXPECT_EQ(back->triggered_by, "alice");
  store::Job bad = e->job;
  bad.request["mode"] = "sideways";
  EXPECT_TRUE(RequestFromJob(bad).status().IsValidation());
  bad.request = Json{{"entities", "orders"}};
  EXPECT_TRUE(RequestFromJob(bad).status().IsValidation());
}

TEST(JobRequest, CreateOrResumeRunTakesOverAnEarlierAttemptsRow) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto e = EnqueueSync(*store, SystemClock::Get(), Request("t1"));
  ASSERT_TRUE(e.ok());
  JobRunStore runs(*store);
  store::SyncRun r;
  r.id = e->job.run_id;
  r.tenant_id = "t1";
  r.source_connection = "woo";
  r.target_connection = "qbo";
  r.status = store::RunStatus::kRunning;
  r.mode = "full";
  r.status = store::RunStatus::kAbandoned;  // the first attempt's worker died
  ASSERT_TRUE(runs.CreateRun(r).ok());
  r.status = store::RunStatus::kRunning;  // the second attempt resumes the same run
  ASSERT_TRUE(runs.CreateRun(r).ok());
  EXPECT_EQ((*store->GetRun("t1", r.id))->status, store::RunStatus::kRunning);
  r.id = "fresh";
  ASSERT_TRUE(runs.CreateRun(r).ok());
  EXPECT_TRUE(store->GetRun("t1", "fresh")->has_value());
}

TEST(WorkerPool, RunsEveryJobExactlyOnceAcrossWorkers) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  std::vector<std::string> jobs;
  for (int i = 0; i < 30; ++i) {
    auto e = EnqueueSync(*store, SystemClock::Get(), Request("t" + std::to_string(i % 3)));
    ASSERT_TRUE(e.ok());
    jobs.push_back(e->job.id);
  }
  std::mutex mu;
  std::multiset<std::string> runs;
  WorkerPool pool(*store, SystemClock::Get(),
                  [&](const store::Job&, const engine::SyncRequest& r) -> Result<engine::RunReport> {
                    {
                      std::lock_guard lock(mu);
                      runs.insert(r.run_id);
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    return Report(r, store::RunStatus::kSucceeded);
                  },
                  Fast(3));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return pool.finished() == 30; })) << pool.finished();
  pool.Stop();
  EXPECT_EQ(runs.size(), 30u);
  EXPECT_EQ(std::set<std::string>(runs.begin(), runs.end()).size(), 30u);
  for (int t = 0; t < 3; ++t) {
    auto done = store->ListJobs({"t" + std::to_string(t), "succeeded", "", 0, ""});
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->size(), 10u);
  }
}

TEST(WorkerPool, AHeldRunLockRequeuesWithoutCountingAndAFailureFails) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto busy = EnqueueSync(*store, SystemClock::Get(), Request("t1"));
  auto broken = EnqueueSync(*store, SystemClock::Get(), Request("t2"));
  ASSERT_TRUE(busy.ok() && broken.ok());
  std::atomic<int> busy_calls{0};
  WorkerPool pool(*store, SystemClock::Get(),
                  [&](const store::Job& j, const engine::SyncRequest& r) -> Result<engine::RunReport> {
                    if (j.tenant_id == "t2") {
                      engine::RunReport rep = Report(r, store::RunStatus::kFailed);
                      rep.run.error = "QuickBooks refused the credentials";
                      return rep;
                    }
                    if (busy_calls++ < 2) return Status::Conflict("run x is still running between these connections");
                    return Report(r, store::RunStatus::kPartial);
                  },
                  Fast(1));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return pool.finished() == 2; }));
  pool.Stop();
  auto ok = store->GetJob("t1", busy->job.id);
  ASSERT_TRUE(ok.ok() && ok->has_value());
  EXPECT_EQ((*ok)->status, "succeeded");
  EXPECT_EQ((*ok)->attempts, 1);  // the two lock-held claims were not counted
  EXPECT_EQ(pool.requeued(), 2);
  auto failed = store->GetJob("t2", broken->job.id);
  EXPECT_EQ((*failed)->status, "failed");
  EXPECT_EQ((*failed)->error, "QuickBooks refused the credentials");
  EXPECT_EQ((*failed)->run_id, broken->job.run_id);
}

TEST(WorkerPool, StopInterruptsTheRunAndRequeuesTheJob) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto e = EnqueueSync(*store, SystemClock::Get(), Request("t1"));
  ASSERT_TRUE(e.ok());
  std::atomic<bool> started{false};
  WorkerPool pool(*store, SystemClock::Get(),
                  [&](const store::Job&, const engine::SyncRequest& r) -> Result<engine::RunReport> {
                    started = true;
                    while (!r.stop->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    return Report(r, store::RunStatus::kStopped);
                  },
                  Fast(2));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  // Heartbeats keep the lease alive past its length while the run goes on.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto mid = store->GetJob("t1", e->job.id);
  EXPECT_EQ((*mid)->status, "running");
  EXPECT_GT((*mid)->lease_until_ms, (*mid)->updated_at_ms);
  pool.Stop();
  auto j = store->GetJob("t1", e->job.id);
  ASSERT_TRUE(j.ok() && j->has_value());
  EXPECT_EQ((*j)->status, "queued");
  EXPECT_EQ((*j)->attempts, 0);
  EXPECT_EQ((*j)->worker, "");
  EXPECT_EQ(pool.requeued(), 1);
}

// Stop() returns as soon as the run in hand has stopped, not a heartbeat
// period later (a worker's Ctrl-C used to take lease/3 = 10 s more).
TEST(WorkerPool, StopReturnsOnceTheRunInHandHasStopped) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(EnqueueSync(*store, SystemClock::Get(), Request("t1")).ok());
  std::atomic<bool> started{false};
  WorkerPoolOptions o = Fast(1);
  o.lease_ms = 30'000;
  o.heartbeat_ms = 10'000;
  WorkerPool pool(*store, SystemClock::Get(),
                  [&](const store::Job&, const engine::SyncRequest& r) -> Result<engine::RunReport> {
                    started = true;
                    while (!r.stop->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the write in hand
                    return Report(r, store::RunStatus::kStopped);
                  },
                  o);
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the heartbeat thread is waiting
  const auto t0 = std::chrono::steady_clock::now();
  pool.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(pool.requeued(), 1);
}

TEST(WorkerPool, ALostLeaseStopsTheRunAndLeavesTheJobToItsNewHolder) {
  auto store = MemoryStore();
  ASSERT_NE(store, nullptr);
  auto e = EnqueueSync(*store, SystemClock::Get(), Request("t1"));
  ASSERT_TRUE(e.ok());
  std::atomic<bool> started{false};
  WorkerPool pool(*store, SystemClock::Get(),
                  [&](const store::Job&, const engine::SyncRequest& r) -> Result<engine::RunReport> {
                    started = true;
                    while (!r.stop->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    return Report(r, store::RunStatus::kStopped);
                  },
                  Fast(1));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  // Another process takes the job over as if the lease had expired.
  auto other = store->ClaimJob("elsewhere", SystemClock::Get().NowMillis() + 60'000, 60'000);
  ASSERT_TRUE(other.ok() && other->has_value());
  ASSERT_TRUE(WaitFor([&] { return pool.running() == 0; }));
  pool.Stop();
  auto j = store->GetJob("t1", e->job.id);
  EXPECT_EQ((*j)->worker, "elsewhere");
  EXPECT_EQ((*j)->status, "leased");
}

}  // namespace
}  // namespace es::jobs
