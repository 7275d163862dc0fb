#include "common/clock.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <thread>

namespace es {

int64_t SystemClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::SleepMillis(int64_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

SystemClock& SystemClock::Get() {
  static SystemClock clock;
  return clock;
}

std::string FormatIso8601Utc(int64_t unix_ms) {
  time_t t = static_cast<time_t>(unix_ms / 1000);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatDateUtc(int64_t unix_ms) { return FormatIso8601Utc(unix_ms).substr(0, 10); }

int64_t ParseIso8601(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int consumed = 0;
  if (sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return -1;
  size_t i = 10;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    int c2 = 0;
    if (sscanf(s.c_str() + i + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &c2) != 3 || c2 != 8) return -1;
    i += 9;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
  }
  int offset_min = 0;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      std::string rest = s.substr(i + 1);
      auto two = [&](size_t at) {
        if (at + 1 >= rest.size() || !isdigit(static_cast<unsigned char>(rest[at])) ||
            !isdigit(static_cast<unsigned char>(rest[at + 1])))
          return -1;
        return (rest[at] - '0') * 10 + (rest[at + 1] - '0');
      };
      int oh = -1, om = -1;
      if (rest.size() == 5 && rest[2] == ':') {
        oh = two(0);
        om = two(3);
      } else if (rest.size() == 4) {
        oh = two(0);
        om = two(2);
      }
      if (oh < 0 || om < 0) return -1;
      offset_min = sign * (oh * 60 + om);
      i = s.size();
    }
  }
  if (i != s.size()) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
  struct tm tm {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t t = static_cast<int64_t>(timegm(&tm));
  return (t - offset_min * 60) * 1000;
}

}  // namespace es
