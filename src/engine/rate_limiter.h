// Client-side rate limiter for one QBO realm, so that QBO's limits are not
// hit in the first place (SPEC F3): sliding windows of 500 requests/min
// (batch included), 10 requests/s and 40 batch requests/min, plus at most 10
// requests in flight. Acquire() blocks (through the Clock) until a request
// may start; the returned Permit releases the in-flight slot.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "common/clock.h"

namespace es::engine {

struct RateLimits {
  int per_minute = 500;  // QBO limits; the defaults keep a small margin below them
  int per_second = 9;
  int batch_per_minute = 39;
  int max_in_flight = 10;
  // Headroom kept free for other clients of the same realm.
  int safety_margin = 10;
};

class RateLimiter {
 public:
  class Permit {
   public:
    explicit Permit(RateLimiter* owner) : owner_(owner) {}
    Permit(Permit&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { if (owner_) owner_->Release(); }

   private:
    RateLimiter* owner_;
  };

  RateLimiter(RateLimits limits, Clock& clock) : limits_(limits), clock_(clock) {}
  Permit Acquire(bool is_batch);
  // Total milliseconds spent waiting (for metrics and benchmarks).
  int64_t waited_ms() const;

 private:
  void Release();
  // Milliseconds until a request may start, 0 if now. Requires mu_.
  int64_t WaitNeeded(int64_t now, bool is_batch);

  const RateLimits limits_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int64_t> minute_;        // start times, guarded by mu_
  std::deque<int64_t> second_;        // guarded by mu_
  std::deque<int64_t> batch_minute_;  // guarded by mu_
  int in_flight_ = 0;                 // guarded by mu_
  int64_t waited_ms_ = 0;             // guarded by mu_
};

}  // namespace es::engine
