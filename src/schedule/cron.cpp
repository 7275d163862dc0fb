#include "schedule/cron.h"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <sstream>

namespace es::schedule {
namespace {

using std::chrono::minutes;

struct FieldRange {
  int min;
  int max;  // inclusive; day-of-week accepts 7 (Sunday) and folds it to 0
};
constexpr FieldRange kRanges[] = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

Status FieldError(int field, const std::string& message) {
  return Status::Validation(std::string(kCronFields[field]) + ": " + message, kCronFields[field]);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A printable rendering of user text for messages (at most 32 characters).
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 32)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (s.size() > 32) out += "...";
  return "'" + out + "'";
}

// One value of `field`: digits or (month, day-of-week) a three-letter name.
Result<int> ParseValue(int field, std::string_view s) {
  if (s.empty()) return FieldError(field, "a value is missing");
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    if (s.size() > 2) return FieldError(field, Shown(s) + " is out of range " + std::to_string(kRanges[field].min) +
                                                   "-" + std::to_string(kRanges[field].max));
    int v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return FieldError(field, Shown(s) + " is not a number");
      v = v * 10 + (c - '0');
    }
    if (v < kRanges[field].min || v > kRanges[field].max)
      return FieldError(field, std::to_string(v) + " is out of range " + std::to_string(kRanges[field].min) + "-" +
                                   std::to_string(kRanges[field].max));
    return v;
  }
  const std::string name = Lower(s);
  if (field == 3) {
    for (size_t i = 0; i < kMonthNames.size(); ++i)
      if (name == kMonthNames[i]) return static_cast<int>(i) + 1;
    return FieldError(field, Shown(s) + " is not a month (1-12 or jan-dec)");
  }
  if (field == 4) {
    for (size_t i = 0; i < kDayNames.size(); ++i)
      if (name == kDayNames[i]) return static_cast<int>(i);
    return FieldError(field, Shown(s) + " is not a day of the week (0-7 or sun-sat)");
  }
  return FieldError(field, Shown(s) + " is not a number");
}

// Parses one field into a bit set; *star tells whether it starts with '*'.
Result<uint64_t> ParseField(int field, std::string_view text, bool* star) {
  *star = !text.empty() && text[0] == '*';
  uint64_t bits = 0;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (item.empty()) return FieldError(field, "empty list item in " + Shown(text));
    std::string_view range = item;
    int step = 1;
    const size_t slash = item.find('/');
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      if (step_text.empty() || step_text.size() > 2)
        return FieldError(field, "step in " + Shown(item) + " must be a number from 1 to " +
                                     std::to_string(kRanges[field].max));
      step = 0;
      for (char c : step_text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
          return FieldError(field, "step in " + Shown(item) + " is not a number");
        step = step * 10 + (c - '0');
      }
      if (step == 0) return FieldError(field, "step in " + Shown(item) + " must be at least 1");
      range = item.substr(0, slash);
    }
    int lo = 0;
    int hi = 0;
    if (range == "*") {
      lo = kRanges[field].min;
      hi = field == 4 ? 6 : kRanges[field].max;
    } else {
      const size_t dash = range.find('-');
      if (dash == std::string_view::npos) {
        ES_ASSIGN_OR_RETURN(lo, ParseValue(field, range));
        // "5/10" runs from 5 to the maximum; a plain value is just itself.
        hi = slash != std::string_view::npos ? (field == 4 ? 6 : kRanges[field].max) : lo;
      } else {
        ES_ASSIGN_OR_RETURN(lo, ParseValue(field, range.substr(0, dash)));
        ES_ASSIGN_OR_RETURN(hi, ParseValue(field, range.substr(dash + 1)));
        if (lo > hi)
          return FieldError(field, "range " + Shown(range) + " runs backwards (ranges do not wrap around)");
      }
    }
    for (int v = lo; v <= hi; v += step) bits |= uint64_t{1} << (field == 4 && v == 7 ? 0 : v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return bits;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view ExpandMacro(std::string_view s) {
  const std::string m = Lower(s);
  if (m == "@yearly" || m == "@annually") return "0 0 1 1 *";
  if (m == "@monthly") return "0 0 1 * *";
  if (m == "@weekly") return "0 0 * * 0";
  if (m == "@daily" || m == "@midnight") return "0 0 * * *";
  if (m == "@hourly") return "0 * * * *";
  return {};
}

// Days in `month` of a leap year (the most it ever has).
constexpr int kMaxDays[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool DayMatches(const CronSpec& s, date::year_month_day ymd, date::weekday wd) {
  const bool dom = (s.days >> static_cast<unsigned>(ymd.day())) & 1u;
  const bool dow = (s.weekdays >> wd.c_encoding()) & 1u;
  if (!s.days_star && !s.weekdays_star) return dom || dow;
  return dom && dow;
}

Status UnknownZone(std::string_view name) {
  return Status::Validation("unknown time zone " + Shown(name) + " (an IANA name such as Europe/Berlin)", "timezone");
}

Result<const date::time_zone*> Zone(std::string_view name) {
  if (name.empty()) return Status::Validation("the time zone is empty (an IANA name such as Europe/Berlin)", "timezone");
  if (name.size() > 64) return Status::Validation("the time zone name is longer than 64 characters", "timezone");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+'))
      return UnknownZone(name);
  }
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return UnknownZone(name);
  }
}

// Instants the calendar arithmetic handles: 1970 to about the year 9000.
constexpr int64_t kMaxInstantMs = 221'845'392'000'000;

}  // namespace

Result<CronSpec> ParseCron(std::string_view input) {
  std::string_view text = Trim(input);
  if (text.size() > 256) return FieldError(0, "the expression is longer than 256 characters");
  CronSpec spec;
  spec.text = std::string(text);
  if (!text.empty() && text[0] == '@') {
    const std::string_view expanded = ExpandMacro(text);
    if (expanded.empty())
      return FieldError(0, "unknown macro " + Shown(text) +
                               " (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
    text = expanded;
  }
  std::string_view fields[5];
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    if (n == 5)
      return FieldError(4, "the expression has more than 5 fields (minute hour day-of-month month day-of-week)");
    fields[n++] = text.substr(pos, end - pos);
    pos = end;
  }
  if (n < 5)
    return FieldError(n, "missing: the expression has " + std::to_string(n) +
                             " of 5 fields (minute hour day-of-month month day-of-week)");
  bool star = false;
  ES_ASSIGN_OR_RETURN(spec.minutes, ParseField(0, fields[0], &star));
  ES_ASSIGN_OR_RETURN(uint64_t hours, ParseField(1, fields[1], &star));
  ES_ASSIGN_OR_RETURN(uint64_t days, ParseField(2, fields[2], &spec.days_star));
  ES_ASSIGN_OR_RETURN(uint64_t months, ParseField(3, fields[3], &star));
  ES_ASSIGN_OR_RETURN(uint64_t weekdays, ParseField(4, fields[4], &spec.weekdays_star));
  spec.hours = static_cast<uint32_t>(hours);
  spec.days = static_cast<uint32_t>(days);
  spec.months = static_cast<uint16_t>(months);
  spec.weekdays = static_cast<uint8_t>(weekdays);
  // Only the day-of-month decides the day when day-of-week is '*': it must
  // exist in one of the months (February counts its 29th).
  if (spec.weekdays_star || spec.weekdays == 0) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!((spec.months >> m) & 1u)) continue;
      for (int d = 1; d <= kMaxDays[m] && !possible; ++d) possible = (spec.days >> d) & 1u;
    }
    if (!possible) return FieldError(2, "never matches: none of the days exists in the selected months");
  }
  return spec;
}

Status CheckTimeZone(std::string_view name) { return Zone(name).status(); }

Result<int64_t> NextFire(const CronSpec& spec, std::string_view tz, int64_t after_ms) {
  ES_ASSIGN_OR_RETURN(const date::time_zone* zone, Zone(tz));
  if (after_ms < 0 || after_ms > kMaxInstantMs) return Status::Validation("the start time is out of range");
  using date::local_days;
  using date::sys_seconds;
  // Whole minutes: the first candidate is the local minute after `after`.
  const sys_seconds after_s{std::chrono::seconds{after_ms / 1000}};
  const auto after_local = zone->to_local(after_s);
  const auto start = date::floor<minutes>(after_local) + minutes{1};
  local_days day = date::floor<date::days>(start);
  const local_days last = day + date::days{366 * 12 + 3};
  for (; day <= last; day += date::days{1}) {
    const date::year_month_day ymd{day};
    const unsigned month = static_cast<unsigned>(ymd.month());
    if (!((spec.months >> month) & 1u)) {
      // Jump to the first day of the next month.
      const date::year_month_day next = date::year_month_day{ymd.year() / ymd.month() / 1} + date::months{1};
      day = local_days{next} - date::days{1};
      continue;
    }
    if (!DayMatches(spec, ymd, date::weekday{day})) continue;
    for (int h = 0; h < 24; ++h) {
      if (!((spec.hours >> h) & 1u)) continue;
      for (int m = 0; m < 60; ++m) {
        if (!((spec.minutes >> m) & 1u)) continue;
        const auto local = day + std::chrono::hours{h} + minutes{m};
        if (local < start) continue;
        const date::local_info info = zone->get_info(local);
        int64_t instant_s = 0;
        switch (info.result) {
          case date::local_info::unique:
            instant_s = (local - info.first.offset).time_since_epoch().count();
            break;
          case date::local_info::ambiguous:  // the first occurrence
            instant_s = (local - info.first.offset).time_since_epoch().count();
            break;
          case date::local_info::nonexistent:  // the end of the gap
            instant_s = std::chrono::duration_cast<std::chrono::seconds>(info.second.begin.time_since_epoch()).count();
            break;
        }
        const int64_t instant_ms = instant_s * 1000;
        if (instant_ms > after_ms) return instant_ms;
      }
    }
  }
  return Status::Validation("day-of-month: the expression does not fire within 12 years", "day-of-month");
}

Result<std::vector<int64_t>> NextFires(const CronSpec& spec, std::string_view tz, int64_t after_ms, int count) {
  std::vector<int64_t> out;
  int64_t at = after_ms;
  for (int i = 0; i < count; ++i) {
    ES_ASSIGN_OR_RETURN(at, NextFire(spec, tz, at));
    out.push_back(at);
  }
  return out;
}

Result<std::string> FormatLocal(int64_t unix_ms, std::string_view tz) {
  ES_ASSIGN_OR_RETURN(const date::time_zone* zone, Zone(tz));
  if (unix_ms < 0 || unix_ms > kMaxInstantMs) return Status::Validation("the time is out of range");
  const date::sys_seconds s{std::chrono::seconds{unix_ms / 1000}};
  const date::zoned_seconds z{zone, s};
  const auto info = z.get_info();
  const auto offset = std::chrono::duration_cast<minutes>(info.offset).count();
  const long long a = offset < 0 ? -offset : offset;
  char off[32];
  std::snprintf(off, sizeof off, "%c%02lld:%02lld", offset < 0 ? '-' : '+', a / 60, a % 60);
  return date::format("%Y-%m-%d %H:%M ", z.get_local_time()) + info.abbrev + " (" + off + ")";
}

}  // namespace es::schedule
