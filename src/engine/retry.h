// Retry policy (SPEC F11): exponential backoff with full jitter for
// retryable failures (network, rate limit); Retry-After honoured; a rate
// limit without Retry-After waits `rate_limit_default_ms` (QBO asks for about
// 60 s). Non-retryable statuses return at once, and network failures stop
// being retried once `network_budget_ms` has passed since the first of them
// (an unreachable host gives up within seconds, not minutes).
//
// What a final failure means for a run (FailureScope): some failures concern
// one record, others the whole platform behind a connection.
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
  // Network failures are not retried once this long has passed since the
  // first of a row of them (an attempt may still take its own timeout).
  int64_t network_budget_ms = 15'000;
};

// Whom a failure that survived its retries concerns.
enum class FailureScope {
  kRecord,    // this record only: the run goes on with the next one
  kPlatform,  // every call to the platform will fail the same way: the run ends
};

// The engine's rule, on Status categories only: an authentication or
// authorization failure (credentials refused, token refresh refused, 401/403)
// and a network failure left after the retries (host unreachable, connection
// refused, DNS or TLS failure, timeouts, 5xx) concern the platform; every
// other category concerns the record.
FailureScope ScopeOf(const Status& status);

// Delay before retry number `attempt` (0-based) for `status`.
int64_t BackoffMs(const RetryPolicy& policy, int attempt, const Status& status, std::mt19937_64& rng);

// Calls `fn` until it succeeds, fails non-retryably, or retries run out.
// `on_retry` (optional) is told about each wait.
template <typename T>
Result<T> WithRetry(const RetryPolicy& policy, Clock& clock, std::mt19937_64& rng,
                    const std::function<Result<T>()>& fn,
                    const std::function<void(const Status&, int64_t wait_ms)>& on_retry = {}) {
  int64_t network_since = -1;  // start of the attempt that began the current run of network failures
  for (int attempt = 0;; ++attempt) {
    const int64_t attempt_started = clock.NowMillis();
    Result<T> r = fn();
    if (r.ok() || !r.status().retryable() || attempt >= policy.max_retries) return r;
    int64_t wait = BackoffMs(policy, attempt, r.status(), rng);
    if (!r.status().IsNetwork()) {
      network_since = -1;
    } else {
      if (network_since < 0) network_since = attempt_started;
      if (clock.NowMillis() + wait - network_since > policy.network_budget_ms) return r;
    }
    if (on_retry) on_retry(r.status(), wait);
    clock.SleepMillis(wait);
  }
}

}  // namespace es::engine
