// Retry policy (SPEC F11): exponential backoff with full jitter for
// retryable failures (network, rate limit); Retry-After honoured; a rate
// limit without Retry-After waits `rate_limit_default_ms` (QBO asks for about
// 60 s). Non-retryable statuses return at once.
#pragma once

#include <cstdint>
#include <functional>
#include <random>

#include "common/clock.h"
#include "common/status.h"

namespace es::engine {

struct RetryPolicy {
  int max_retries = 3;
  int64_t initial_ms = 1'000;
  int64_t max_ms = 60'000;
  double multiplier = 2.0;
  int64_t rate_limit_default_ms = 60'000;
};

// Delay before retry number `attempt` (0-based) for `status`.
int64_t BackoffMs(const RetryPolicy& policy, int attempt, const Status& status, std::mt19937_64& rng);

// Calls `fn` until it succeeds, fails non-retryably, or retries run out.
// `on_retry` (optional) is told about each wait.
template <typename T>
Result<T> WithRetry(const RetryPolicy& policy, Clock& clock, std::mt19937_64& rng,
                    const std::function<Result<T>()>& fn,
                    const std::function<void(const Status&, int64_t wait_ms)>& on_retry = {}) {
  for (int attempt = 0;; ++attempt) {
    Result<T> r = fn();
    if (r.ok() || !r.status().retryable() || attempt >= policy.max_retries) return r;
    int64_t wait = BackoffMs(policy, attempt, r.status(), rng);
    if (on_retry) on_retry(r.status(), wait);
    clock.SleepMillis(wait);
  }
}

}  // namespace es::engine
