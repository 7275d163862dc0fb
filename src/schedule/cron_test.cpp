// Cron parsing (fields, lists, ranges, steps, names, macros, errors naming
// the field) and next fire times in IANA zones across DST changes.
#include "schedule/cron.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/clock.h"

namespace es::schedule {
namespace {

int64_t At(const std::string& iso) {
  const int64_t ms = ParseIso8601(iso);
  EXPECT_GE(ms, 0) << iso;
  return ms;
}

std::vector<std::string> Fires(const std::string& expr, const std::string& tz, const std::string& after, int n) {
  auto spec = ParseCron(expr);
  EXPECT_TRUE(spec.ok()) << expr << ": " << spec.status().ToString();
  if (!spec.ok()) return {};
  auto fires = NextFires(*spec, tz, At(after), n);
  EXPECT_TRUE(fires.ok()) << expr << ": " << fires.status().ToString();
  if (!fires.ok()) return {};
  std::vector<std::string> out;
  for (int64_t f : *fires) out.push_back(FormatIso8601Utc(f));
  return out;
}

std::string FieldOf(const std::string& expr) {
  auto spec = ParseCron(expr);
  if (spec.ok()) return "<parsed>";
  EXPECT_TRUE(spec.status().IsValidation()) << expr;
  EXPECT_NE(spec.status().message().find(spec.status().code()), std::string::npos)
      << "the message names the field: " << spec.status().message();
  return spec.status().code();
}

std::vector<int> Bits(uint64_t bits, int from, int to) {
  std::vector<int> out;
  for (int i = from; i <= to; ++i)
    if ((bits >> i) & 1u) out.push_back(i);
  return out;
}

TEST(CronParse, FieldsListsRangesStepsAndNames) {
  auto s = ParseCron("  */15 9-17/4 1,15,L-ish * *");
  EXPECT_FALSE(s.ok());
  s = ParseCron("*/15 9-17/4 1,15 jan-MAR,dec mon-fri");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Bits(s->minutes, 0, 59), (std::vector<int>{0, 15, 30, 45}));
  EXPECT_EQ(Bits(s->hours, 0, 23), (std::vector<int>{9, 13, 17}));
  EXPECT_EQ(Bits(s->days, 0, 31), (std::vector<int>{1, 15}));
  EXPECT_EQ(Bits(s->months, 0, 12), (std::vector<int>{1, 2, 3, 12}));
  EXPECT_EQ(Bits(s->weekdays, 0, 6), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_FALSE(s->days_star);
  EXPECT_FALSE(s->weekdays_star);
  EXPECT_EQ(s->text, "*/15 9-17/4 1,15 jan-MAR,dec mon-fri");

  auto steps = ParseCron("5/20 */25 1-11/5 */5 5-7");
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_EQ(Bits(steps->minutes, 0, 59), (std::vector<int>{5, 25, 45}));
  EXPECT_EQ(Bits(steps->hours, 0, 23), (std::vector<int>{0}));  // a step larger than the rest: just the start
  EXPECT_EQ(Bits(steps->days, 0, 31), (std::vector<int>{1, 6, 11}));
  EXPECT_EQ(Bits(steps->months, 0, 12), (std::vector<int>{1, 6, 11}));
  EXPECT_EQ(Bits(steps->weekdays, 0, 6), (std::vector<int>{0, 5, 6}));  // 7 is Sunday
  EXPECT_FALSE(steps->days_star);

  auto stars = ParseCron("* * */2 * *");
  ASSERT_TRUE(stars.ok());
  EXPECT_TRUE(stars->days_star);  // starts with '*': the day-of-week alone does not OR with it
  EXPECT_TRUE(stars->weekdays_star);
  EXPECT_EQ(Bits(stars->days, 1, 31).front(), 1);
  EXPECT_EQ(Bits(stars->days, 1, 31).size(), 16u);
}

TEST(CronParse, Macros) {
  const std::pair<const char*, const char*> pairs[] = {
      {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"},  {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@HOURLY", "0 * * * *"},
  };
  for (const auto& [macro, plain] : pairs) {
    auto a = ParseCron(macro);
    auto b = ParseCron(plain);
    ASSERT_TRUE(a.ok() && b.ok()) << macro;
    EXPECT_EQ(a->minutes, b->minutes) << macro;
    EXPECT_EQ(a->hours, b->hours) << macro;
    EXPECT_EQ(a->days, b->days) << macro;
    EXPECT_EQ(a->months, b->months) << macro;
    EXPECT_EQ(a->weekdays, b->weekdays) << macro;
    EXPECT_EQ(a->text, macro);
  }
  EXPECT_EQ(Fires("@hourly", "UTC", "2026-01-01T10:20:00Z", 2),
            (std::vector<std::string>{"2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"}));
  EXPECT_EQ(Fires("@weekly", "UTC", "2026-01-01T00:00:00Z", 1), (std::vector<std::string>{"2026-01-04T00:00:00Z"}));
}

TEST(CronParse, ErrorsNameTheField) {
  EXPECT_EQ(FieldOf("60 * * * *"), "minute");
  EXPECT_EQ(FieldOf("1,,2 * * * *"), "minute");
  EXPECT_EQ(FieldOf("*/0 * * * *"), "minute");
  EXPECT_EQ(FieldOf("*/ * * * *"), "minute");
  EXPECT_EQ(FieldOf("*/100 * * * *"), "minute");
  EXPECT_EQ(FieldOf("5-1 * * * *"), "minute");
  EXPECT_EQ(FieldOf("-1 * * * *"), "minute");
  EXPECT_EQ(FieldOf("123456789012 * * * *"), "minute");
  EXPECT_EQ(FieldOf(""), "minute");
  EXPECT_EQ(FieldOf("@every"), "minute");
  EXPECT_EQ(FieldOf("* 24 * * *"), "hour");
  EXPECT_EQ(FieldOf("* x * * *"), "hour");
  EXPECT_EQ(FieldOf("* *"), "day-of-month");
  EXPECT_EQ(FieldOf("* * 0 * *"), "day-of-month");
  EXPECT_EQ(FieldOf("* * 32 * *"), "day-of-month");
  EXPECT_EQ(FieldOf("* * mon * *"), "day-of-month");
  EXPECT_EQ(FieldOf("* * * 13 *"), "month");
  EXPECT_EQ(FieldOf("* * * foo *"), "month");
  EXPECT_EQ(FieldOf("* * * dec-jan *"), "month");
  EXPECT_EQ(FieldOf("* * * *"), "day-of-week");
  EXPECT_EQ(FieldOf("* * * * 8"), "day-of-week");
  EXPECT_EQ(FieldOf("* * * * fri-mon"), "day-of-week");
  EXPECT_EQ(FieldOf("* * * * * *"), "day-of-week");
  // Days that never exist in the selected months.
  EXPECT_EQ(FieldOf("0 0 30 2 *"), "day-of-month");
  EXPECT_EQ(FieldOf("0 0 30,31 feb *"), "day-of-month");
  EXPECT_EQ(FieldOf("0 0 31 4,6,9,11 *"), "day-of-month");
  // ...but with a restricted day-of-week the OR rule makes it fire.
  EXPECT_EQ(FieldOf("0 0 30 2 mon"), "<parsed>");
  EXPECT_EQ(FieldOf("0 0 29 2 *"), "<parsed>");
  auto bad = ParseCron("* * * * 9");
  EXPECT_NE(bad.status().message().find("day-of-week: 9 is out of range 0-7"), std::string::npos)
      << bad.status().message();
}

TEST(CronNext, StrictlyAfterOnWholeMinutes) {
  EXPECT_EQ(Fires("* * * * *", "UTC", "2026-01-01T00:00:30.500Z", 2),
            (std::vector<std::string>{"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"}));
  EXPECT_EQ(Fires("* * * * *", "UTC", "2026-01-01T00:01:00Z", 1), (std::vector<std::string>{"2026-01-01T00:02:00Z"}));
  EXPECT_EQ(Fires("*/25 * * * *", "UTC", "2026-01-01T00:00:00Z", 4),
            (std::vector<std::string>{"2026-01-01T00:25:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:00:00Z",
                                      "2026-01-01T01:25:00Z"}));
  EXPECT_EQ(Fires("59 23 31 12 *", "UTC", "2026-06-01T00:00:00Z", 2),
            (std::vector<std::string>{"2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"}));
  // Half-hour offset zone.
  EXPECT_EQ(Fires("0 0 * * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", 1),
            (std::vector<std::string>{"2026-01-01T18:30:00Z"}));
}

TEST(CronNext, LeapYearsAndTheDayRule) {
  // February 29th: 2028, 2032, and no 2100 (not a leap year).
  EXPECT_EQ(Fires("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", 2),
            (std::vector<std::string>{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  EXPECT_EQ(Fires("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", 1), (std::vector<std::string>{"2104-02-29T00:00:00Z"}));
  // Both days restricted: the 13th OR a Friday (2026-01-01 is a Thursday).
  EXPECT_EQ(Fires("0 12 13 * fri", "UTC", "2026-01-01T00:00:00Z", 4),
            (std::vector<std::string>{"2026-01-02T12:00:00Z", "2026-01-09T12:00:00Z", "2026-01-13T12:00:00Z",
                                      "2026-01-16T12:00:00Z"}));
  // One of them '*': both must match (odd days that are Fridays).
  EXPECT_EQ(Fires("0 12 */2 * fri", "UTC", "2026-01-01T00:00:00Z", 2),
            (std::vector<std::string>{"2026-01-09T12:00:00Z", "2026-01-23T12:00:00Z"}));
  EXPECT_EQ(Fires("0 12 13 * *", "UTC", "2026-01-01T00:00:00Z", 2),
            (std::vector<std::string>{"2026-01-13T12:00:00Z", "2026-02-13T12:00:00Z"}));
  // Sunday as 0 and as 7.
  EXPECT_EQ(Fires("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z", 1), Fires("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z", 1));
  // Months skipped whole.
  EXPECT_EQ(Fires("0 6 1 jul *", "UTC", "2026-07-01T06:00:00Z", 1), (std::vector<std::string>{"2027-07-01T06:00:00Z"}));
}

TEST(CronNext, SpringForwardGapFiresOnceAtTheEndOfTheGap) {
  // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z).
  EXPECT_EQ(Fires("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 3),
            (std::vector<std::string>{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}));
  // Four nonexistent times in one gap fire once together.
  EXPECT_EQ(Fires("*/15 2 * * *", "America/New_York", "2026-03-08T06:00:00Z", 3),
            (std::vector<std::string>{"2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:15:00Z"}));
  // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z).
  EXPECT_EQ(Fires("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2),
            (std::vector<std::string>{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}));
  // A time right after the gap is unaffected; with one in the gap both land on 03:00.
  EXPECT_EQ(Fires("0 3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 1),
            (std::vector<std::string>{"2026-03-29T01:00:00Z"}));
  EXPECT_EQ(Fires("30 2,3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2),
            (std::vector<std::string>{"2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"}));
}

TEST(CronNext, FallBackRepeatFiresOnceAtTheFirstOccurrence) {
  // New York, 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
  EXPECT_EQ(Fires("30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 2),
            (std::vector<std::string>{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}));
  // Every half hour: the second pass through 01:xx fires nothing.
  EXPECT_EQ(Fires("*/30 * * * *", "America/New_York", "2026-11-01T05:00:00Z", 2),
            (std::vector<std::string>{"2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z"}));
  // Starting inside the second pass: the next fire is after the repeat.
  EXPECT_EQ(Fires("*/30 * * * *", "America/New_York", "2026-11-01T06:10:00Z", 1),
            (std::vector<std::string>{"2026-11-01T07:00:00Z"}));
  // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
  EXPECT_EQ(Fires("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2),
            (std::vector<std::string>{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
}

TEST(CronNext, TimeZonesAreChecked) {
  EXPECT_TRUE(CheckTimeZone("Europe/Berlin").ok());
  EXPECT_TRUE(CheckTimeZone("UTC").ok());
  for (const char* bad : {"", "Mars/Olympus", "../etc/passwd", "Europe/Berlin\n", "Europe Berlin"}) {
    Status s = CheckTimeZone(bad);
    EXPECT_TRUE(s.IsValidation()) << bad;
    EXPECT_EQ(s.code(), "timezone") << bad;
  }
  auto spec = ParseCron("* * * * *");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(NextFire(*spec, "Nowhere/City", 0).status().code(), "timezone");
  EXPECT_FALSE(NextFire(*spec, "UTC", -5).ok());
}

TEST(CronNext, FormatLocalShowsTheWallClockAndOffset) {
  auto a = FormatLocal(At("2026-03-08T07:00:00Z"), "America/New_York");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "2026-03-08 03:00 EDT (-04:00)");
  auto b = FormatLocal(At("2026-01-01T18:30:00Z"), "Asia/Kolkata");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "2026-01-02 00:00 IST (+05:30)");
}

}  // namespace
}  // namespace es::schedule
