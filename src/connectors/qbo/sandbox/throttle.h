// Per-realm request throttling of the QBO sandbox (reference §8): sliding
// windows of 500 requests/minute (batches included), 10 requests/second and
// 40 batch requests/minute, plus at most 10 requests in flight at once.
// Time comes from the injected Clock, so tests can move it. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace es::qbo::sandbox {

struct ThrottleLimits {
  int per_minute = 500;
  int per_second = 10;
  int concurrent = 10;
  int batch_per_minute = 40;
};

class Throttle {
 public:
  struct Decision {
    bool admitted = true;
    int64_t retry_after_ms = 0;  // when refused: time until a slot frees up
  };

  // `clock` must outlive the throttle.
  Throttle(Clock* clock, ThrottleLimits limits = {}) : clock_(clock), limits_(limits) {}

  // Admits one request of `realm`. An admitted request holds an in-flight
  // slot until Release(realm) is called; a refused one holds nothing.
  Decision Admit(const std::string& realm, bool is_batch);
  void Release(const std::string& realm);
  void Reset();

 private:
  struct Window {
    std::deque<int64_t> minute, second, batch;  // admission times
    int in_flight = 0;
  };

  Clock* const clock_;
  const ThrottleLimits limits_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;  // guarded by mu_
};

}  // namespace es::qbo::sandbox
