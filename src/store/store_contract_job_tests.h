// StateStore contract, jobs block (migration 0005_jobs): enqueue with
// dedupe, claim order (lanes, tenant fairness, due time), leases (expiry,
// heartbeat, abandon after max attempts), requeue, completion, lists, and
// concurrent claimers each getting a job exactly once. Included by
// store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

namespace job_contract {
inline Job MakeJob(const std::string& tenant, const std::string& id, int64_t due_ms = 1'000,
                   const std::string& lane = "realtime") {
  Job j;
  j.id = id;
  j.tenant_id = tenant;
  j.kind = "sync";
  j.source_connection = "woo-main";
  j.target_connection = "qbo-main";
  j.request = Json{{"mode", "incremental"}, {"entities", Json::array({"order"})}};
  j.lane = lane;
  j.run_id = "run-" + id;
  j.not_before_ms = due_ms;
  j.created_at_ms = due_ms;
  return j;
}

// Ids of the jobs claimed by `worker` at `now_ms` until none is due.
inline std::vector<std::string> ClaimAll(StateStore& s, const std::string& worker, int64_t now_ms) {
  std::vector<std::string> out;
  for (int i = 0; i < 1000; ++i) {
    auto j = s.ClaimJob(worker, now_ms, 60'000);
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    if (!j.ok() || !j->has_value()) break;
    out.push_back((*j)->id);
  }
  return out;
}
}  // namespace job_contract

TEST_P(StoreContractTest, JobEnqueueGetListAndValidation) {
  using job_contract::MakeJob;
  Job j = MakeJob("t1", "j1");
  j.status = "succeeded";  // ignored on write
  j.attempts = 3;
  auto e = store().EnqueueJob(j);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->coalesced);
  EXPECT_EQ(e->job.status, "queued");
  EXPECT_EQ(e->job.attempts, 0);
  EXPECT_GT(e->job.seq, 0);
  ASSERT_TRUE(store().EnqueueJob(MakeJob("t1", "j2")).ok());
  Job other = MakeJob("t2", "j3");
  other.kind = "retry";
  ASSERT_TRUE(store().EnqueueJob(other).ok());
  EXPECT_TRUE(store().EnqueueJob(MakeJob("t1", "j1")).status().IsConflict());

  if (harness().persistent()) ReopenStore();  // durable
  auto got = store().GetJob("t1", "j1");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  EXPECT_EQ((*got)->request, j.request);
  EXPECT_EQ((*got)->run_id, "run-j1");
  EXPECT_EQ((*got)->lane, "realtime");
  EXPECT_EQ((*got)->max_attempts, 5);
  auto hidden = store().GetJob("t2", "j1");  // tenant isolation
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(hidden->has_value());

  auto list = store().ListJobs({"t1", "", "", 0, ""});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "j2");  // newest first
  auto retries = store().ListJobs({"t2", "", "retry", 0, ""});
  ASSERT_TRUE(retries.ok());
  ASSERT_EQ(retries->size(), 1u);
  auto by_run = store().ListJobs({"t1", "", "", 0, "run-j2"});
  ASSERT_TRUE(by_run.ok());
  ASSERT_EQ(by_run->size(), 1u);
  EXPECT_EQ((*by_run)[0].id, "j2");
  auto none = store().ListJobs({"t2", "running", "", 0, ""});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  Job bad = MakeJob("t1", "jx");
  bad.kind = "dance";
  EXPECT_TRUE(store().EnqueueJob(bad).status().IsValidation());
  bad = MakeJob("t1", "jx", 1'000, "sometime");
  EXPECT_TRUE(store().EnqueueJob(bad).status().IsValidation());
  bad = MakeJob("", "jx");
  EXPECT_TRUE(store().EnqueueJob(bad).status().IsValidation());
  bad = MakeJob("t1", "jx");
  bad.max_attempts = 0;
  EXPECT_TRUE(store().EnqueueJob(bad).status().IsValidation());
  EXPECT_TRUE(store().ListJobs({"", "", "", 0, ""}).status().IsValidation());
}

TEST_P(StoreContractTest, JobDedupeKeyCoalescesOnlyWhileQueued) {
  using job_contract::MakeJob;
  Job a = MakeJob("t1", "a");
  a.dedupe_key = "webhook:woo-main>qbo-main";
  Job b = MakeJob("t1", "b");
  b.dedupe_key = a.dedupe_key;
  ASSERT_TRUE(store().EnqueueJob(a).ok());
  auto second = store().EnqueueJob(b);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->coalesced);
  EXPECT_EQ(second->job.id, "a");
  EXPECT_FALSE(store().GetJob("t1", "b")->has_value());
  // Another tenant's key is another key.
  Job c = MakeJob("t2", "c");
  c.dedupe_key = a.dedupe_key;
  EXPECT_FALSE(store().EnqueueJob(c)->coalesced);
  // Once the queued one is claimed, a new change needs a new job.
  auto claimed = store().ClaimJob("w1", 2'000, 60'000);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_EQ((*claimed)->id, "a");
  auto third = store().EnqueueJob(b);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->coalesced);
  EXPECT_EQ(third->job.id, "b");
}

TEST_P(StoreContractTest, JobCoalescedJobAbsorbsTheRecordsOfTheNewOne) {
  using job_contract::MakeJob;
  auto with_ids = [](Job j, Json ids) {
    j.dedupe_key = "webhook:woo-main>qbo-main:orders";
    j.request["ids"] = std::move(ids);
    return j;
  };
  ASSERT_TRUE(store().EnqueueJob(with_ids(MakeJob("t1", "a"), Json::array({"1", "2"}))).ok());
  auto b = store().EnqueueJob(with_ids(MakeJob("t1", "b", 1'500), Json::array({"2", "3"})));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->coalesced);
  EXPECT_EQ(b->job.request["ids"], Json::array({"1", "2", "3"}));
  auto a = store().GetJob("t1", "a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((**a).request["ids"], Json::array({"1", "2", "3"}));
  EXPECT_EQ((**a).request["mode"], "incremental");  // the rest of the request stays
  EXPECT_EQ((**a).status, "queued");
  // Ids already there change nothing; a job for every record widens it to all.
  EXPECT_EQ(store().EnqueueJob(with_ids(MakeJob("t1", "c"), Json::array({"3"})))->job.request["ids"].size(), 3u);
  auto all = store().EnqueueJob(with_ids(MakeJob("t1", "d"), Json::array()));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->coalesced);
  EXPECT_TRUE(all->job.request["ids"].empty());
  EXPECT_TRUE(store().EnqueueJob(with_ids(MakeJob("t1", "e"), Json::array({"9"})))->job.request["ids"].empty());
  EXPECT_TRUE((*store().GetJob("t1", "a"))->request["ids"].empty());
}

TEST_P(StoreContractTest, JobClaimOrderLanesFairnessAndDueTime) {
  using job_contract::MakeJob;
  // Tenant A queued three jobs before tenant B's one; a backfill job is
  // older than all of them; one job of A is not due yet.
  ASSERT_TRUE(store().EnqueueJob(MakeJob("A", "backfill-1", 100, "backfill")).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("A", "a1", 200)).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("A", "a2", 300)).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("A", "a3", 400)).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("A", "later", 50'000)).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("B", "b1", 500)).ok());
  std::vector<std::string> order;
  for (int64_t now = 1'000; now < 1'010; ++now) {
    auto j = store().ClaimJob("w", now, 60'000);
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    if (!j->has_value()) break;
    order.push_back((*j)->id);
  }
  // a1 (A never served, oldest due), b1 (B served least recently), then A's
  // rest; the backfill lane last; "later" is not due.
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "b1", "a2", "a3", "backfill-1"}));
  auto later = store().ClaimJob("w", 50'000, 60'000);
  ASSERT_TRUE(later.ok() && later->has_value());
  EXPECT_EQ((*later)->id, "later");
  EXPECT_EQ((*later)->status, "leased");
  EXPECT_EQ((*later)->worker, "w");
  EXPECT_EQ((*later)->attempts, 1);
  EXPECT_EQ((*later)->lease_until_ms, 110'000);
}

TEST_P(StoreContractTest, JobLeaseExpiryHeartbeatAndLostLease) {
  using job_contract::MakeJob;
  ASSERT_TRUE(store().EnqueueJob(MakeJob("t1", "j")).ok());
  auto first = store().ClaimJob("w1", 1'000, 1'000);
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(store().MarkJobRunning("j", "w1", 1'100).ok());
  EXPECT_EQ((*store().GetJob("t1", "j"))->status, "running");
  // The lease holds: nobody else gets it.
  EXPECT_FALSE(store().ClaimJob("w2", 1'900, 1'000)->has_value());
  // A heartbeat extends it.
  ASSERT_TRUE(store().HeartbeatJob("j", "w1", 5'000, 1'900).ok());
  EXPECT_FALSE(store().ClaimJob("w2", 4'999, 1'000)->has_value());
  // w1 stops heartbeating (died): after the lease another worker resumes it.
  auto second = store().ClaimJob("w2", 5'000, 1'000);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->id, "j");
  EXPECT_EQ((*second)->attempts, 2);
  EXPECT_EQ((*second)->run_id, "run-j");  // the same run resumes
  // The old holder has lost it: every write of its is refused.
  EXPECT_TRUE(store().HeartbeatJob("j", "w1", 9'000, 5'001).IsConflict());
  EXPECT_TRUE(store().CompleteJob("j", "w1", "succeeded", "", "", 5'001).IsConflict());
  EXPECT_TRUE(store().RequeueJob("j", "w1", 0, "", true, 5'001).IsConflict());
  ASSERT_TRUE(store().CompleteJob("j", "w2", "succeeded", "", "", 5'500).ok());
  auto done = store().GetJob("t1", "j");
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->status, "succeeded");
  EXPECT_EQ((*done)->run_id, "run-j");
  EXPECT_EQ((*done)->finished_at_ms, 5'500);
  EXPECT_EQ((*done)->worker, "");
  // Finished jobs are never claimed again, nor heartbeated.
  EXPECT_FALSE(store().ClaimJob("w3", 100'000, 1'000)->has_value());
  EXPECT_TRUE(store().HeartbeatJob("j", "w2", 9'000, 5'600).IsConflict());
  EXPECT_TRUE(store().CompleteJob("j", "w2", "queued", "", "", 1).IsValidation());
}

TEST_P(StoreContractTest, JobAbandonedAfterMaxAttempts) {
  using job_contract::MakeJob;
  Job j = MakeJob("t1", "j");
  j.max_attempts = 2;
  ASSERT_TRUE(store().EnqueueJob(j).ok());
  ASSERT_TRUE(store().ClaimJob("w1", 1'000, 1'000)->has_value());
  ASSERT_TRUE(store().ClaimJob("w2", 2'000, 1'000)->has_value());  // w1 died
  EXPECT_FALSE(store().ClaimJob("w3", 3'000, 1'000)->has_value());  // w2 died too: out of attempts
  auto got = store().GetJob("t1", "j");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "abandoned");
  EXPECT_EQ((*got)->attempts, 2);
  EXPECT_EQ((*got)->finished_at_ms, 3'000);
  EXPECT_FALSE((*got)->error.empty());
}

TEST_P(StoreContractTest, JobRequeueWaitsAndMayRefundTheAttempt) {
  using job_contract::MakeJob;
  ASSERT_TRUE(store().EnqueueJob(MakeJob("t1", "j")).ok());
  ASSERT_TRUE(store().ClaimJob("w1", 1'000, 60'000)->has_value());
  // The run lock was held elsewhere: back in the queue, not counted.
  ASSERT_TRUE(store().RequeueJob("j", "w1", 3'000, "run lock held", false, 1'100).ok());
  auto got = store().GetJob("t1", "j");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "queued");
  EXPECT_EQ((*got)->attempts, 0);
  EXPECT_EQ((*got)->error, "run lock held");
  EXPECT_EQ((*got)->worker, "");
  EXPECT_FALSE(store().ClaimJob("w2", 2'999, 60'000)->has_value());
  auto again = store().ClaimJob("w2", 3'000, 60'000);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->attempts, 1);
  // A transient failure counts.
  ASSERT_TRUE(store().RequeueJob("j", "w2", 4'000, "network", true, 3'100).ok());
  EXPECT_EQ((*store().GetJob("t1", "j"))->attempts, 1);
  auto third = store().ClaimJob("w3", 4'000, 60'000);
  ASSERT_TRUE(third.ok() && third->has_value());
  ASSERT_TRUE(store().CompleteJob("j", "w3", "failed", "run-other", "boom", 4'500).ok());
  got = store().GetJob("t1", "j");
  EXPECT_EQ((*got)->status, "failed");
  EXPECT_EQ((*got)->run_id, "run-other");
  EXPECT_EQ((*got)->error, "boom");
}

TEST_P(StoreContractTest, JobConcurrentClaimersTakeEachJobExactlyOnce) {
  constexpr int kJobs = 120;
  constexpr int kThreads = 4;
  for (int i = 0; i < kJobs; ++i) {
    Job j = job_contract::MakeJob("t" + std::to_string(i % 5), "job-" + std::to_string(i), 100 + i,
                                  i % 4 == 0 ? "backfill" : "realtime");
    ASSERT_TRUE(store().EnqueueJob(j).ok());
  }
  std::vector<std::unique_ptr<StateStore>> handles;
  if (harness().persistent()) {
    for (int i = 0; i < kThreads; ++i) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(*h));
    }
  }
  std::mutex mu;
  std::vector<std::string> claimed;  // guarded by mu
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    StateStore* s = handles.empty() ? &store() : handles[t].get();
    const std::string worker = "w" + std::to_string(t);
    threads.emplace_back([&, s, worker] {
      while (!go.load()) std::this_thread::yield();
      while (true) {
        auto j = s->ClaimJob(worker, 10'000, 60'000);
        if (!j.ok()) {
          ADD_FAILURE() << j.status().ToString();
          ++errors;
          return;
        }
        if (!j->has_value()) return;
        Status done = s->CompleteJob((*j)->id, worker, "succeeded", "", "", 10'001);
        if (!done.ok()) {
          ADD_FAILURE() << done.ToString();
          ++errors;
        }
        std::lock_guard lock(mu);
        claimed.push_back((*j)->id);
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  ASSERT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kJobs));
  for (int t = 0; t < 5; ++t) {
    auto jobs = store().ListJobs({"t" + std::to_string(t), "succeeded", "", 0, ""});
    ASSERT_TRUE(jobs.ok());
    EXPECT_EQ(jobs->size(), static_cast<size_t>(kJobs / 5));
  }
}

}  // namespace es::store::contract
