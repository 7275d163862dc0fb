// Clock: the injected source of time. Production code uses SystemClock;
// tests use FakeClock to move time without sleeping. Implementations are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace es {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
  // Blocks (or, for fakes, advances time) for `ms` milliseconds.
  virtual void SleepMillis(int64_t ms) = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  void SleepMillis(int64_t ms) override;
  static SystemClock& Get();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'767'225'600'000) : now_(start_ms) {}  // 2026-01-01
  int64_t NowMillis() const override { return now_.load(); }
  void SleepMillis(int64_t ms) override { now_ += ms; }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

// "2026-03-02T18:04:11Z" for a Unix time in milliseconds (UTC, whole seconds).
std::string FormatIso8601Utc(int64_t unix_ms);
// "2026-03-02" (UTC).
std::string FormatDateUtc(int64_t unix_ms);
// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" with optional fraction and
// optional "Z" / "+HH:MM" / "-HHMM". Without an offset the time is UTC.
// Returns Unix ms or -1 when the text is not a date.
int64_t ParseIso8601(const std::string& text);

}  // namespace es
