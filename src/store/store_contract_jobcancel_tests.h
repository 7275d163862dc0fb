// StateStore contract, cancelling a queued job (JobStore::CancelJob): only a
// queued job of the caller's tenant is cancelled; a cancelled job is never
// claimed, never coalesces a new one, and is listed under "cancelled".
// Included by store_contract_test.h only; see there for how to use it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/store.h"
#include "store/store_contract_job_tests.h"

namespace es::store::contract {

TEST_P(StoreContractTest, JobCancelOnlyWhileQueuedAndNeverClaimed) {
  using job_contract::MakeJob;
  ASSERT_TRUE(store().EnqueueJob(MakeJob("t1", "c1")).ok());
  ASSERT_TRUE(store().EnqueueJob(MakeJob("t1", "c2")).ok());

  // Another tenant's job is unknown to the caller and stays queued.
  EXPECT_TRUE(store().CancelJob("t2", "c1", "no", 2'000).status().IsNotFound());
  EXPECT_TRUE(store().CancelJob("t1", "nope", "no", 2'000).status().IsNotFound());
  EXPECT_TRUE(store().CancelJob("", "c1", "no", 2'000).status().IsValidation());

  auto c = store().CancelJob("t1", "c1", "cancelled by admin@shop", 2'000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->status, "cancelled");
  EXPECT_EQ(c->finished_at_ms, 2'000);
  EXPECT_EQ(c->error, "cancelled by admin@shop");
  EXPECT_EQ(c->attempts, 0);

  // Twice: not queued any more.
  auto again = store().CancelJob("t1", "c1", "x", 3'000);
  ASSERT_TRUE(again.status().IsConflict());
  EXPECT_EQ(again.status().code(), "job_not_cancellable");

  if (harness().persistent()) ReopenStore();  // durable
  // A worker gets only the other job, even long after the cancelled one was due.
  auto claimed = job_contract::ClaimAll(store(), "w1", 10'000'000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0], "c2");
  auto got = store().GetJob("t1", "c1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "cancelled");
  EXPECT_TRUE((*got)->worker.empty());

  // Leased, running and finished jobs cannot be cancelled.
  auto leased = store().CancelJob("t1", "c2", "x", 10'000'001);
  EXPECT_EQ(leased.status().code(), "job_not_cancellable");
  ASSERT_TRUE(store().MarkJobRunning("c2", "w1", 10'000'002).ok());
  EXPECT_EQ(store().CancelJob("t1", "c2", "x", 10'000'003).status().code(), "job_not_cancellable");
  ASSERT_TRUE(store().CompleteJob("c2", "w1", "succeeded", "", "", 10'000'004).ok());
  EXPECT_EQ(store().CancelJob("t1", "c2", "x", 10'000'005).status().code(), "job_not_cancellable");

  auto list = store().ListJobs({"t1", "cancelled", "", 0, ""});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "c1");
}

TEST_P(StoreContractTest, JobCancelledDoesNotAbsorbANewJobWithItsDedupeKey) {
  using job_contract::MakeJob;
  Job a = MakeJob("t1", "d1");
  a.dedupe_key = "orders-incremental";
  ASSERT_TRUE(store().EnqueueJob(a).ok());
  ASSERT_TRUE(store().CancelJob("t1", "d1", "x", 2'000).ok());
  Job b = MakeJob("t1", "d2");
  b.dedupe_key = "orders-incremental";
  auto e = store().EnqueueJob(b);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->coalesced);
  EXPECT_EQ(e->job.id, "d2");
}

}  // namespace es::store::contract
