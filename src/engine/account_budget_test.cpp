#include "engine/account_budget.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

namespace es::engine {
namespace {

BudgetLimits Qbo() { return {490, 9, 39, 10, 60'000}; }

// Start times (ms) and kinds of every permit, checked against the limits in
// every window that ends at a start.
struct Starts {
  std::vector<std::pair<int64_t, bool>> all;  // (start, batch)
  void Check(const BudgetLimits& l) const {
    for (size_t i = 0; i < all.size(); ++i) {
      int64_t end = all[i].first;
      int minute = 0, second = 0, batches = 0;
      for (size_t k = 0; k <= i; ++k) {
        if (all[k].first > end - 60'000) {
          ++minute;
          if (all[k].second) ++batches;
        }
        if (all[k].first > end - 1'000) ++second;
      }
      ASSERT_LE(minute, l.per_minute) << "at " << end;
      ASSERT_LE(second, l.per_second) << "at " << end;
      ASSERT_LE(batches, l.batch_per_minute) << "at " << end;
    }
  }
};

TEST(AccountBudget, NeverExceedsTheLimitsInAnySlidingWindow) {
  FakeClock clock(0);
  const BudgetLimits limits = Qbo();
  AccountBudget budget("qbo:1", limits, clock);
  std::mt19937 rng(7);
  Starts s;
  for (int i = 0; i < 3000; ++i) {
    // Singles only, or either kind (a batch-only ask, alone on one thread,
    // would wait for the batch window while nothing else runs).
    AccountBudget::Ask ask{"t1", Lane::kBackfill, true, rng() % 2 == 0};
    auto p = budget.Acquire(ask);
    ASSERT_TRUE(p.valid());
    s.all.emplace_back(clock.NowMillis(), p.batch());
    if (rng() % 5 == 0) clock.Advance(rng() % 400);
  }
  s.Check(limits);
  // The windows are used, not only respected: 3,000 requests take about
  // 6.1 minutes at 490/min.
  EXPECT_LT(clock.NowMillis(), 7 * 60'000);
}

TEST(AccountBudget, SinglesLeaveTheBatchesTheirRoomInTheMinute) {
  FakeClock clock(0);
  AccountBudget budget("a", {50, 1000, 5, 100, 60'000}, clock);
  std::vector<AccountBudget::Permit> held;
  for (int i = 0; i < 45; ++i) held.push_back(budget.Acquire({"t", Lane::kBackfill, true, false}));
  EXPECT_EQ(clock.NowMillis(), 0);
  EXPECT_GT(budget.WaitForSingle(), 0);  // the last 5 of the minute are the batches'
  for (int i = 0; i < 5; ++i) {
    auto p = budget.Acquire({"t", Lane::kBackfill, false, true});
    EXPECT_TRUE(p.batch());
  }
  EXPECT_EQ(clock.NowMillis(), 0);
  held.clear();
  budget.Acquire({"t", Lane::kBackfill, true, false});  // the first start leaves the window
  EXPECT_EQ(clock.NowMillis(), 60'000);
}

TEST(AccountBudget, PrefersABatchWhenBothMayStartAndGivesUnusedSlotsBack) {
  FakeClock clock(0);
  AccountBudget budget("a", {100, 2, 10, 10, 60'000}, clock);
  auto p = budget.Acquire({"t", Lane::kBackfill, true, true});
  EXPECT_TRUE(p.batch());
  p.Unused();
  EXPECT_EQ(budget.stats().requests, 0);
  budget.Acquire({"t", Lane::kBackfill, true, false});
  budget.Acquire({"t", Lane::kBackfill, true, false});
  EXPECT_EQ(clock.NowMillis(), 0);  // the unused one no longer counts in the second
}

TEST(AccountBudget, ThrottledBacksOffEveryoneForRetryAfterOrTheDefault) {
  FakeClock clock(0);
  AccountBudget budget("a", Qbo(), clock);
  budget.Acquire({"t", Lane::kBackfill});
  budget.Throttled(5'000);
  budget.Acquire({"other", Lane::kRealtime});
  EXPECT_EQ(clock.NowMillis(), 5'000);
  budget.Throttled(0);  // no Retry-After: the limits' 60 s
  budget.Acquire({"t", Lane::kBackfill});
  EXPECT_EQ(clock.NowMillis(), 65'000);
  EXPECT_EQ(budget.stats().throttled, 2);
}

TEST(AccountBudget, FirstThrottleInAMinuteBacksOffBrieflyTheNextFully) {
  FakeClock clock(0);
  BudgetLimits l = Qbo();
  l.first_throttle_backoff_ms = 2'000;
  AccountBudget budget("a", l, clock);
  EXPECT_EQ(budget.Throttled(0), 2'000);
  budget.Acquire({"t", Lane::kBackfill});
  EXPECT_EQ(clock.NowMillis(), 2'000);
  EXPECT_EQ(budget.Throttled(0), 60'000);  // again within the minute
  clock.Advance(60'000);
  EXPECT_EQ(budget.Throttled(0), 2'000);   // a minute later it counts as a first again
}

TEST(AccountBudget, SpreadsStartsByTheMinimumSpacing) {
  FakeClock clock(0);
  BudgetLimits l = Qbo();
  l.min_spacing_ms = 100;
  AccountBudget budget("a", l, clock);
  for (int i = 0; i < 5; ++i) budget.Acquire({"t", Lane::kBackfill});
  EXPECT_EQ(clock.NowMillis(), 400);
}

TEST(AccountBudget, DeadlineGivesUpWithoutAPermit) {
  FakeClock clock(0);
  AccountBudget budget("a", {100, 1, 10, 10, 60'000}, clock);
  budget.Acquire({"t", Lane::kBackfill});
  AccountBudget::Ask ask{"t", Lane::kBackfill};
  ask.deadline_ms = 300;
  auto p = budget.Acquire(ask);
  EXPECT_FALSE(p.valid());
  EXPECT_EQ(clock.NowMillis(), 300);
  EXPECT_EQ(budget.waiting(), 0);
}

// Starts one Acquire per entry on its own thread while the only in-flight
// slot is held, then frees it and returns the order in which they were served.
std::vector<std::string> ServeOrder(AccountBudget& budget, const std::vector<AccountBudget::Ask>& asks,
                                    AccountBudget::Permit held) {
  std::mutex mu;
  std::vector<std::string> order;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < asks.size(); ++i) {
    threads.emplace_back([&, i] {
      auto p = budget.Acquire(asks[i]);
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(asks[i].tenant + "/" + LaneName(asks[i].lane));
    });
    while (budget.waiting() < static_cast<int>(i + 1)) std::this_thread::yield();
  }
  held = AccountBudget::Permit();
  for (auto& t : threads) t.join();
  return order;
}

TEST(AccountBudget, RealtimeLaneIsServedBeforeBackfill) {
  FakeClock clock(0);
  AccountBudget budget("a", {1000, 1000, 100, 1, 60'000}, clock);
  auto held = budget.Acquire({"A", Lane::kBackfill});
  auto order = ServeOrder(budget,
                          {{"A", Lane::kBackfill}, {"A", Lane::kBackfill}, {"B", Lane::kRealtime}},
                          std::move(held));
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0], "B/realtime");
}

TEST(AccountBudget, TenantsOfOneLaneAreServedInTurn) {
  FakeClock clock(0);
  AccountBudget budget("a", {1000, 1000, 100, 1, 60'000}, clock);
  auto held = budget.Acquire({"A", Lane::kBackfill});
  auto order = ServeOrder(budget,
                          {{"A", Lane::kBackfill}, {"A", Lane::kBackfill}, {"A", Lane::kBackfill},
                           {"B", Lane::kBackfill}},
                          std::move(held));
  // B arrived last behind three of A's, and is served second, not fourth.
  EXPECT_EQ(order, (std::vector<std::string>{"A/backfill", "B/backfill", "A/backfill", "A/backfill"}));
}

TEST(AccountBudget, RegistrySharesOneBudgetPerAccount) {
  FakeClock clock(0);
  AccountBudgets budgets(clock);
  auto a = budgets.Get("qbo:1", Qbo());
  auto b = budgets.Get("qbo:1", {1, 1, 1, 1, 1});
  auto c = budgets.Get("qbo:2", Qbo());
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(b->limits().per_minute, 490);
}

TEST(Lane, ParsesItsNames) {
  EXPECT_EQ(*ParseLane("realtime"), Lane::kRealtime);
  EXPECT_EQ(*ParseLane("backfill"), Lane::kBackfill);
  EXPECT_FALSE(ParseLane("fast").ok());
}

}  // namespace
}  // namespace es::engine
