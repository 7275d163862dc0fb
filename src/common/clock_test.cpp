#include "common/clock.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(Clock, ParsesTheDateFormsThePlatformsSend) {
  EXPECT_EQ(ParseIso8601("1970-01-01"), 0);
  EXPECT_EQ(ParseIso8601("2024-03-22T19:28:02"), 1711135682000);
  EXPECT_EQ(ParseIso8601("2024-03-22T19:28:02Z"), 1711135682000);
  EXPECT_EQ(ParseIso8601("2024-03-22T12:28:02-07:00"), 1711135682000);
  EXPECT_EQ(ParseIso8601("2024-03-22T12:28:02-0700"), 1711135682000);
  EXPECT_EQ(ParseIso8601("2026-03-02T18:04:11.281934211Z"), ParseIso8601("2026-03-02T18:04:11Z"));
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-03-22T25:00:00", "2024-03-22T10:00:00+ab:cd",
                          "2024-03-22T10:00:00junk"})
    EXPECT_EQ(ParseIso8601(bad), -1) << bad;
}

TEST(Clock, FormatsUtc) {
  EXPECT_EQ(FormatIso8601Utc(1711135682000), "2024-03-22T19:28:02Z");
  EXPECT_EQ(FormatDateUtc(1711135682000), "2024-03-22");
}

TEST(Clock, FakeClockAdvancesWithoutSleeping) {
  FakeClock c(1000);
  c.SleepMillis(500);
  EXPECT_EQ(c.NowMillis(), 1500);
}

}  // namespace
}  // namespace es
