#include "engine/rate_limiter.h"

#include <gtest/gtest.h>

namespace es::engine {
namespace {

TEST(RateLimiter, HoldsTenPerSecond) {
  FakeClock clock(0);
  RateLimiter limiter({500, 10, 40, 10, 0}, clock);
  for (int i = 0; i < 10; ++i) limiter.Acquire(false);
  EXPECT_EQ(clock.NowMillis(), 0);
  limiter.Acquire(false);  // the 11th waits for the first to leave the 1 s window
  EXPECT_EQ(clock.NowMillis(), 1000);
}

TEST(RateLimiter, HoldsFiveHundredPerMinuteAndFortyBatchesPerMinute) {
  FakeClock clock(0);
  RateLimiter limiter({500, 1000, 40, 10, 0}, clock);
  for (int i = 0; i < 40; ++i) limiter.Acquire(true);
  int64_t before = clock.NowMillis();
  limiter.Acquire(true);
  EXPECT_GE(clock.NowMillis() - before, 1);
  EXPECT_GE(clock.NowMillis(), 60'000);

  FakeClock c2(0);
  RateLimiter l2({500, 1000, 40, 10, 0}, c2);
  for (int i = 0; i < 500; ++i) l2.Acquire(false);
  EXPECT_EQ(c2.NowMillis(), 0);
  l2.Acquire(false);
  EXPECT_EQ(c2.NowMillis(), 60'000);
  EXPECT_EQ(l2.waited_ms(), 60'000);
}

}  // namespace
}  // namespace es::engine
