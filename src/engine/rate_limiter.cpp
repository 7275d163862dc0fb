#include "engine/rate_limiter.h"

#include <algorithm>

namespace es::engine {
namespace {
void Expire(std::deque<int64_t>& q, int64_t now, int64_t window) {
  while (!q.empty() && q.front() <= now - window) q.pop_front();
}
int64_t WaitFor(const std::deque<int64_t>& q, int64_t now, int64_t window, int limit) {
  if (limit <= 0 || static_cast<int>(q.size()) < limit) return 0;
  // The oldest start that must leave the window before one more fits.
  int64_t oldest = q[q.size() - static_cast<size_t>(limit)];
  return std::max<int64_t>(1, oldest + window - now);
}
}  // namespace

int64_t RateLimiter::WaitNeeded(int64_t now, bool is_batch) {
  Expire(minute_, now, 60'000);
  Expire(second_, now, 1'000);
  Expire(batch_minute_, now, 60'000);
  int64_t w = WaitFor(minute_, now, 60'000, limits_.per_minute - limits_.safety_margin);
  w = std::max(w, WaitFor(second_, now, 1'000, limits_.per_second));
  if (is_batch) w = std::max(w, WaitFor(batch_minute_, now, 60'000, limits_.batch_per_minute));
  return w;
}

RateLimiter::Permit RateLimiter::Acquire(bool is_batch) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (in_flight_ >= limits_.max_in_flight) {
      cv_.wait(lock, [&] { return in_flight_ < limits_.max_in_flight; });
      continue;
    }
    int64_t now = clock_.NowMillis();
    int64_t wait = WaitNeeded(now, is_batch);
    if (wait == 0) {
      minute_.push_back(now);
      second_.push_back(now);
      if (is_batch) batch_minute_.push_back(now);
      ++in_flight_;
      return Permit(this);
    }
    waited_ms_ += wait;
    lock.unlock();
    clock_.SleepMillis(wait);
    lock.lock();
  }
}

void RateLimiter::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
  }
  cv_.notify_one();
}

int64_t RateLimiter::waited_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waited_ms_;
}

}  // namespace es::engine
