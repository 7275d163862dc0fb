// StateStore contract, shared budget block (migration 0007_qbo_budget):
// blocks granted only while the per-minute, per-second, batch and in-flight
// limits hold with them (a block counts until its validity ends), closing,
// blocking after a 429, accounts kept apart, and concurrent reservers
// (separate handles when the store is persistent) never granted more than the
// limits together. Included by store_contract_test.h only.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace es::store::contract {

namespace budget_contract {
inline BudgetAsk Ask(const std::string& account, int64_t now, int requests = 1, int batches = 0) {
  BudgetAsk a;
  a.account = account;
  a.requests = requests;
  a.batches = batches;
  a.per_minute = 20;
  a.per_second = 5;
  a.batch_per_minute = 2;
  a.max_in_flight = 8;
  a.now_ms = now;
  a.validity_ms = 100;
  a.open_timeout_ms = 120'000;
  return a;
}
}  // namespace budget_contract

TEST_P(StoreContractTest, BudgetHoldsThePerSecondAndInFlightLimits) {
  using budget_contract::Ask;
  const int64_t t0 = 1'767'225'600'000;
  auto a = store().ReserveBudget(Ask("qbo:1", t0, 3));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->granted);
  EXPECT_EQ(a->valid_until_ms, t0 + 100);
  auto b = store().ReserveBudget(Ask("qbo:1", t0 + 10, 3));  // 6 > 5 per second
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->granted);
  EXPECT_EQ(b->retry_at_ms, t0 + 100 + 1'000);  // when the first block leaves the second
  auto c = store().ReserveBudget(Ask("qbo:1", t0 + 10, 2));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->granted);
  EXPECT_NE(c->block_id, a->block_id);
  // The first block still counts while it may start requests (until t0 + 100, then 1 s more).
  auto d = store().ReserveBudget(Ask("qbo:1", t0 + 1'050, 1));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->granted);
  // In flight: 5 open requests; 4 more would be 9 > 8 until a block is closed.
  auto e = store().ReserveBudget(Ask("qbo:1", t0 + 2'200, 4));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->granted);
  ASSERT_TRUE(store().CloseBudgetBlock("qbo:1", a->block_id).ok());
  auto f = store().ReserveBudget(Ask("qbo:1", t0 + 2'200, 4));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->granted);
  // Another account is not affected.
  auto g = store().ReserveBudget(Ask("qbo:2", t0 + 10, 5));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->granted);
}

TEST_P(StoreContractTest, BudgetHoldsThePerMinuteAndBatchLimits) {
  using budget_contract::Ask;
  const int64_t t0 = 1'767'225'600'000;
  int granted = 0, batches = 0;
  for (int i = 0; i < 40; ++i) {
    const int64_t now = t0 + i * 1'000;  // one second apart: the per-second limit never binds
    auto r = store().ReserveBudget(Ask("qbo:1", now, 1, i % 2));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->granted) {
      ++granted;
      batches += i % 2;
      ASSERT_TRUE(store().CloseBudgetBlock("qbo:1", r->block_id).ok());
    }
  }
  EXPECT_EQ(granted, 20);  // 20 per minute: the batch asks after the second batch are refused
  EXPECT_EQ(batches, 2);
  auto later = store().ReserveBudget(Ask("qbo:1", t0 + 60'200, 1));
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->granted);  // the first block (valid until t0 + 100) has left the minute
}

TEST_P(StoreContractTest, BudgetBlockStopsGrantsUntilItsTime) {
  using budget_contract::Ask;
  const int64_t t0 = 1'767'225'600'000;
  EXPECT_EQ(*store().BudgetBlockedUntil("qbo:1"), 0);
  ASSERT_TRUE(store().BlockBudget("qbo:1", t0 + 60'000, t0).ok());
  ASSERT_TRUE(store().BlockBudget("qbo:1", t0 + 5'000, t0).ok());  // an earlier time does not shorten it
  EXPECT_EQ(*store().BudgetBlockedUntil("qbo:1"), t0 + 60'000);
  auto r = store().ReserveBudget(Ask("qbo:1", t0 + 1'000));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->granted);
  EXPECT_EQ(r->retry_at_ms, t0 + 60'000);
  EXPECT_TRUE(store().ReserveBudget(Ask("qbo:2", t0 + 1'000))->granted);
  EXPECT_TRUE(store().ReserveBudget(Ask("qbo:1", t0 + 60'000))->granted);
}

TEST_P(StoreContractTest, BudgetRejectsBadAsks) {
  using budget_contract::Ask;
  EXPECT_EQ(store().ReserveBudget(Ask("", 1)).status().category(), ErrorCategory::kValidation);
  EXPECT_EQ(store().ReserveBudget(Ask("qbo:1", 1, 0)).status().category(), ErrorCategory::kValidation);
  EXPECT_EQ(store().ReserveBudget(Ask("qbo:1", 1, 1, 2)).status().category(), ErrorCategory::kValidation);
  EXPECT_EQ(store().CloseBudgetBlock("qbo:1", "x").category(), ErrorCategory::kValidation);
  EXPECT_TRUE(store().CloseBudgetBlock("qbo:1", "999").ok());  // unknown: ignored
}

TEST_P(StoreContractTest, BudgetConcurrentReserversStayWithinTheLimits) {
  using budget_contract::Ask;
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<StateStore>> handles;
  if (harness().persistent()) {
    for (int i = 0; i < kThreads; ++i) {
      auto h = harness().Open();
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      handles.push_back(std::move(*h));
    }
  }
  const int64_t t0 = 1'767'225'600'000;
  std::atomic<int> granted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    StateStore* s = handles.empty() ? &store() : handles[t].get();
    threads.emplace_back([&, s, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < 10; ++i) {
        // Everyone at the same instant, 10 seconds apart per round: only the minute binds.
        BudgetAsk a = Ask("qbo:c", t0 + (i / 3) * 10'000, 1);
        a.per_second = 100;
        a.max_in_flight = 100;
        auto r = s->ReserveBudget(a);
        if (!r.ok()) {
          ADD_FAILURE() << "thread " << t << ": " << r.status().ToString();
          return;
        }
        if (r->granted) ++granted;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 20);  // 40 asks inside one minute, 20 per minute
}

}  // namespace es::store::contract
