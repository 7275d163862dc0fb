// Cron expressions with a time zone (SPEC F8): parsing and the next fire time.
//
// Syntax: five fields separated by blanks — minute (0-59), hour (0-23),
// day-of-month (1-31), month (1-12 or jan-dec), day-of-week (0-7 or sun-sat;
// 0 and 7 are Sunday). Each field is a comma-separated list of items: `*`,
// a value, a range `a-b`, each optionally with a step (`*/15`, `1-30/5`,
// `5/10` = 5 to the field's maximum every 10). Names are case-insensitive and
// may end ranges (`mon-fri`). Ranges never wrap (`fri-mon` is an error).
// Macros: @yearly (= @annually, `0 0 1 1 *`), @monthly (`0 0 1 * *`),
// @weekly (`0 0 * * 0`), @daily (= @midnight, `0 0 * * *`), @hourly
// (`0 * * * *`).
//
// Day rule (as classic cron): when both day-of-month and day-of-week are
// restricted (neither starts with `*`), a day matches when EITHER matches;
// otherwise both must (the `*` one matches every day).
//
// Errors are values: a Status of category Validation whose code() is the
// field at fault — "minute", "hour", "day-of-month", "month" or
// "day-of-week" — and whose message names it too. An expression that can
// never fire (`0 0 30 2 *`: February has no 30th) is refused at parse time
// (field "day-of-month").
//
// Next fire time, in the schedule's IANA time zone (tz database of the OS):
//  - the result is the earliest fire instant strictly after `after_ms`, on a
//    whole minute;
//  - spring-forward gap: a local time that does not exist that day fires
//    once, at the first valid instant after the gap (the transition itself,
//    e.g. 02:30 on the day New York skips 02:00–03:00 fires at 03:00 EDT);
//    several nonexistent times of one gap fire once together;
//  - fall-back repeat: a local time that occurs twice fires once, at its
//    first occurrence (the second pass through the hour fires nothing).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace es::schedule {

// The field names used in errors, in expression order.
inline constexpr const char* kCronFields[] = {"minute", "hour", "day-of-month", "month", "day-of-week"};

struct CronSpec {
  std::string text;        // the expression as given (trimmed)
  uint64_t minutes = 0;    // bit m: minute m (0-59)
  uint32_t hours = 0;      // bit h (0-23)
  uint32_t days = 0;       // bit d (1-31)
  uint16_t months = 0;     // bit m (1-12)
  uint8_t weekdays = 0;    // bit w (0-6, Sunday = 0)
  bool days_star = false;      // day-of-month starts with '*'
  bool weekdays_star = false;  // day-of-week starts with '*'
};

// Parses `text` (see above). Validation with code() = the field on error.
Result<CronSpec> ParseCron(std::string_view text);

// Ok when `name` is an IANA zone of the tz database ("Europe/Berlin",
// "UTC"); Validation naming it otherwise.
Status CheckTimeZone(std::string_view name);

// The first fire instant (Unix ms) strictly after `after_ms` in zone `tz`.
// Validation for an unknown zone; Validation (code "day-of-month") when the
// expression does not fire within the next 12 years.
Result<int64_t> NextFire(const CronSpec& spec, std::string_view tz, int64_t after_ms);

// The next `count` fire instants after `after_ms`, ascending.
Result<std::vector<int64_t>> NextFires(const CronSpec& spec, std::string_view tz, int64_t after_ms, int count);

// "2026-03-08 03:00 EDT (-04:00)": `unix_ms` as wall-clock time in `tz`.
Result<std::string> FormatLocal(int64_t unix_ms, std::string_view tz);

}  // namespace es::schedule
