// LoginThrottle: slows down password guessing at POST /auth/login.
//
// Failures are counted per account (tenant + email) and per client address
// within a window (15 minutes). Once an account has `max_failures` (5)
// failures in the window, or an address `max_address_failures` (20), further
// attempts are refused until a lock ends: 30 s after the 5th failure, doubling
// with each further failure, at most the window (15 minutes). A refused
// attempt does not check the password (so a correct password does not help
// while locked). A success clears the account's failures (not the address's).
// Counts are in memory, per process. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace es::auth {

struct ThrottleOptions {
  int max_failures = 5;
  int max_address_failures = 20;
  int64_t window_ms = 15 * 60 * 1000;
  int64_t first_lock_ms = 30 * 1000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock, ThrottleOptions options = {}) : clock_(clock), options_(options) {}

  // 0 when an attempt may go ahead; otherwise how long (ms) until it may.
  int64_t RetryAfterMs(const std::string& account, const std::string& address);
  void RecordFailure(const std::string& account, const std::string& address);
  void RecordSuccess(const std::string& account);

 private:
  struct Entry {
    int failures = 0;
    int64_t first_ms = 0;
    int64_t last_ms = 0;
  };
  int64_t LockLeft(Entry& e, int max, int64_t now);
  void Bump(std::map<std::string, Entry>& m, const std::string& key, int64_t now);

  const Clock& clock_;
  const ThrottleOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry> accounts_;   // guarded by mu_
  std::map<std::string, Entry> addresses_;  // guarded by mu_
};

}  // namespace es::auth
