#include "engine/account_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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

TEST(AccountBudget, AnsweredWindowCountsARequestUntilASecondAfterItsAnswer) {
  FakeClock clock(0);
  BudgetLimits l{1000, 1000, 100, 100, 60'000};
  l.per_second_answered = 2;
  AccountBudget budget("a", l, clock);
  auto p1 = budget.Acquire({"t", Lane::kBackfill});
  auto p2 = budget.Acquire({"t", Lane::kBackfill});
  EXPECT_EQ(clock.NowMillis(), 0);
  clock.Advance(500);
  p1 = AccountBudget::Permit();  // answered at 500: counts until 1,500
  auto p3 = budget.Acquire({"t", Lane::kBackfill});
  EXPECT_TRUE(p3.valid());
  EXPECT_EQ(clock.NowMillis(), 1'500);
  // p2 and p3 are unanswered: only an answer makes room, however long it takes.
  AccountBudget::Ask ask{"t", Lane::kBackfill};
  ask.deadline_ms = 5'000;
  EXPECT_FALSE(budget.Acquire(ask).valid());
  EXPECT_EQ(clock.NowMillis(), 5'000);
  p2.Unused();  // never sent: it frees its place at once
  EXPECT_TRUE(budget.Acquire({"t", Lane::kBackfill}).valid());
  EXPECT_EQ(clock.NowMillis(), 5'000);
}

// Requests reach the platform anywhere between start and answer (a loaded
// host, the network); the platform counts arrivals in sliding seconds. With
// the answered window no second of arrivals holds more than its limit.
TEST(AccountBudget, LateArrivalsNeverBunchAboveTheAnsweredLimit) {
  FakeClock clock(0);
  BudgetLimits l{100'000, 100'000, 0, 100, 60'000};
  l.per_second_answered = 10;
  AccountBudget budget("a", l, clock);
  std::mt19937 rng(7);
  struct Open {
    AccountBudget::Permit permit;
    int64_t answer;
  };
  std::vector<Open> open;
  std::vector<int64_t> arrivals;
  while (clock.NowMillis() < 60'000) {
    clock.Advance(static_cast<int64_t>(rng() % 40));
    const int64_t now = clock.NowMillis();
    std::erase_if(open, [&](const Open& o) { return o.answer <= now; });
    AccountBudget::Ask ask{"t", Lane::kBackfill};
    ask.deadline_ms = now + 1;
    auto p = budget.Acquire(ask);
    if (!p.valid()) continue;
    const int64_t start = clock.NowMillis();
    const int64_t arrival = start + static_cast<int64_t>(rng() % 400);  // up to 400 ms late
    arrivals.push_back(arrival);
    open.push_back({std::move(p), arrival + 150 + static_cast<int64_t>(rng() % 100)});
  }
  std::sort(arrivals.begin(), arrivals.end());
  size_t lo = 0;
  for (size_t hi = 0; hi < arrivals.size(); ++hi) {
    while (arrivals[lo] <= arrivals[hi] - 1'000) ++lo;
    ASSERT_LE(hi - lo + 1, 10u) << "second ending at " << arrivals[hi];
  }
  EXPECT_GT(arrivals.size(), 300u);  // and it still keeps going: > 5 a second
}

TEST(AccountBudget, BackfillLeavesTheReserveToAnActiveRealtimeLane) {
  FakeClock clock(0);
  BudgetLimits l{20, 1000, 0, 3, 60'000};
  l.realtime_reserve_per_minute = 5;
  l.realtime_reserve_in_flight = 1;
  AccountBudget budget("a", l, clock);
  auto backfill_now = [&] {
    AccountBudget::Ask ask{"A", Lane::kBackfill};
    ask.deadline_ms = clock.NowMillis() + 1;
    return budget.Acquire(ask);
  };
  // No real-time work yet: backfill may fill every in-flight slot.
  std::vector<AccountBudget::Permit> held;
  for (int i = 0; i < 3; ++i) held.push_back(backfill_now());
  for (auto& p : held) EXPECT_TRUE(p.valid());
  held.clear();
  EXPECT_TRUE(budget.Acquire({"B", Lane::kRealtime}).valid());
  // Real-time active: two in flight at most, and 5 of the minute's 20 left free.
  auto a = backfill_now(), b = backfill_now(), c = backfill_now();
  EXPECT_TRUE(a.valid());
  EXPECT_TRUE(b.valid());
  EXPECT_FALSE(c.valid());
  a = AccountBudget::Permit();
  b = AccountBudget::Permit();
  int in_minute = 6;  // 5 backfill and 1 real-time start so far
  for (int i = 0; i < 20; ++i) {
    auto p = backfill_now();
    if (p.valid()) ++in_minute;
  }
  EXPECT_EQ(in_minute, 15);  // 20 less the 5 reserved
  const int64_t t = clock.NowMillis();
  EXPECT_TRUE(budget.Acquire({"B", Lane::kRealtime}).valid());
  EXPECT_EQ(clock.NowMillis(), t);  // no wait behind the backfill
}

TEST(AccountBudget, WaitersSleepUntilDueAndWakeOnAnAnswer) {
  BudgetLimits l{1000, 1000, 100, 1, 60'000};
  l.min_spacing_ms = 150;
  AccountBudget budget("a", l, SystemClock::Get());
  auto t0 = std::chrono::steady_clock::now();
  auto first = budget.Acquire({"t", Lane::kBackfill});
  std::atomic<int64_t> served_after{-1};
  std::thread waiter([&] {
    auto p = budget.Acquire({"t", Lane::kBackfill});
    served_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past the spacing; in flight is full
  first = AccountBudget::Permit();
  waiter.join();
  EXPECT_GE(served_after.load(), 300);
  EXPECT_LT(served_after.load(), 400);  // woken by the answer, not by polling late
  // A timed wait ends at the slot's time.
  auto t1 = std::chrono::steady_clock::now();
  budget.Acquire({"t", Lane::kBackfill});
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t1).count();
  EXPECT_GE(took, 140);
  EXPECT_LT(took, 300);
}

TEST(Lane, ParsesItsNames) {
  EXPECT_EQ(*ParseLane("realtime"), Lane::kRealtime);
  EXPECT_EQ(*ParseLane("backfill"), Lane::kBackfill);
  EXPECT_FALSE(ParseLane("fast").ok());
}

}  // namespace
}  // namespace es::engine
