#include "engine/retry.h"

#include <gtest/gtest.h>

namespace es::engine {
namespace {

TEST(Retry, RetriesRetryableErrorsWithGrowingWaits) {
  FakeClock clock(0);
  std::mt19937_64 rng(1);
  RetryPolicy p;
  int calls = 0;
  std::vector<int64_t> waits;
  auto r = WithRetry<int>(p, clock, rng, [&]() -> Result<int> {
    if (++calls < 3) return Status::Network("reset");
    return 42;
  }, [&](const Status&, int64_t w) { waits.push_back(w); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_GE(waits[0], 500);
  EXPECT_LE(waits[0], 1000);
  EXPECT_GE(waits[1], 1000);
  EXPECT_LE(waits[1], 2000);
}

TEST(Retry, DoesNotRetryValidationAndGivesUpAfterMaxRetries) {
  FakeClock clock(0);
  std::mt19937_64 rng(1);
  RetryPolicy p;
  int calls = 0;
  auto r = WithRetry<int>(p, clock, rng, [&]() -> Result<int> { ++calls; return Status::Validation("bad"); });
  EXPECT_EQ(calls, 1);
  calls = 0;
  r = WithRetry<int>(p, clock, rng, [&]() -> Result<int> { ++calls; return Status::Network("down"); });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(calls, 4);
}

TEST(Retry, HonoursRetryAfterAndDefaultsToSixtySecondsForRateLimits) {
  std::mt19937_64 rng(1);
  RetryPolicy p;
  EXPECT_EQ(BackoffMs(p, 0, Status::RateLimit("slow down", 2500), rng), 2500);
  EXPECT_EQ(BackoffMs(p, 0, Status::RateLimit("slow down"), rng), 60'000);
  EXPECT_LE(BackoffMs(p, 10, Status::Network("x"), rng), 60'000);
}

TEST(Retry, NetworkFailuresStopBeingRetriedOnceTheirBudgetIsSpent) {
  FakeClock clock(0);
  std::mt19937_64 rng(1);
  RetryPolicy p;
  p.max_retries = 10;
  p.network_budget_ms = 15'000;
  int calls = 0;
  // A host that swallows packets: every attempt waits out a 10 s connect timeout.
  auto r = WithRetry<int>(p, clock, rng, [&]() -> Result<int> {
    ++calls;
    clock.SleepMillis(10'000);
    return Status::Network("connect timed out", "timeout");
  });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_LE(clock.NowMillis(), 25'000);
}

TEST(Retry, RateLimitWaitsDoNotSpendTheNetworkBudget) {
  FakeClock clock(0);
  std::mt19937_64 rng(1);
  RetryPolicy p;
  p.max_retries = 5;
  int calls = 0;
  auto r = WithRetry<int>(p, clock, rng, [&]() -> Result<int> {
    ++calls;
    if (calls <= 2) return Status::RateLimit("throttled");  // 60 s each
    if (calls <= 4) return Status::Network("reset", "transport");
    return 7;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(calls, 5);
}

TEST(FailureScope, AuthenticationAndNetworkConcernThePlatformEverythingElseTheRecord) {
  EXPECT_EQ(ScopeOf(Status::Authentication("token refresh refused", "invalid_grant")), FailureScope::kPlatform);
  EXPECT_EQ(ScopeOf(Status::Authentication("HTTP 403", "3100")), FailureScope::kPlatform);
  EXPECT_EQ(ScopeOf(Status::Network("connection refused", "transport")), FailureScope::kPlatform);
  EXPECT_EQ(ScopeOf(Status::Network("HTTP 503")), FailureScope::kPlatform);
  EXPECT_EQ(ScopeOf(Status::Validation("Amount is not UnitPrice * Qty", "6070")), FailureScope::kRecord);
  EXPECT_EQ(ScopeOf(Status::Conflict("Duplicate Name Exists", "6240")), FailureScope::kRecord);
  EXPECT_EQ(ScopeOf(Status::NotFound("Object Not Found", "610")), FailureScope::kRecord);
  EXPECT_EQ(ScopeOf(Status::RateLimit("throttled")), FailureScope::kRecord);
  EXPECT_EQ(ScopeOf(Status::Internal("disk full")), FailureScope::kRecord);
}

}  // namespace
}  // namespace es::engine
