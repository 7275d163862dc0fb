#include "engine/retry.h"

#include <algorithm>

namespace es::engine {

int64_t BackoffMs(const RetryPolicy& policy, int attempt, const Status& status, std::mt19937_64& rng) {
  if (status.IsRateLimit()) {
    if (status.retry_after_ms()) return std::clamp<int64_t>(*status.retry_after_ms(), 0, policy.max_ms * 10);
    return policy.rate_limit_default_ms;
  }
  double cap = static_cast<double>(policy.initial_ms);
  for (int i = 0; i < attempt; ++i) cap *= policy.multiplier;
  int64_t ceiling = std::min<int64_t>(policy.max_ms, static_cast<int64_t>(cap));
  // Full jitter, but never less than half the step so retries do spread out.
  std::uniform_int_distribution<int64_t> d(ceiling / 2, std::max<int64_t>(ceiling / 2, ceiling));
  return d(rng);
}

FailureScope ScopeOf(const Status& status) {
  return status.IsAuthentication() || status.IsNetwork() ? FailureScope::kPlatform : FailureScope::kRecord;
}

}  // namespace es::engine
