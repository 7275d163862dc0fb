// Fault injection for the sandboxes (SPEC F17): added latency, error rate,
// 429 bursts and dropped connections. A FaultPlan is configured once; each
// incoming request asks Decide() what to do. Thread-safe; deterministic for
// a given seed and request order.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "common/status.h"

namespace es::http {

struct FaultOptions {
  int latency_ms = 0;            // added to every request
  int latency_jitter_ms = 0;     // uniform extra 0..jitter
  double error_rate = 0;         // fraction answered 500/503
  double rate_limit_rate = 0;    // fraction answered 429
  int rate_limit_burst = 1;      // consecutive 429s once a burst starts
  double drop_rate = 0;          // fraction whose connection is closed without a response
  double timeout_rate = 0;       // fraction that stall for timeout_ms, then get dropped
  int timeout_ms = 30'000;
  uint64_t seed = 1;
};

enum class FaultAction { kNone, kServerError, kRateLimit, kDrop, kTimeout };

struct FaultDecision {
  FaultAction action = FaultAction::kNone;
  int delay_ms = 0;
};

class FaultPlan {
 public:
  explicit FaultPlan(FaultOptions options = {}) : options_(options), rng_(options.seed) {}
  FaultDecision Decide();
  void Set(const FaultOptions& options);
  FaultOptions options() const;

 private:
  mutable std::mutex mu_;
  FaultOptions options_;   // guarded by mu_
  std::mt19937_64 rng_;    // guarded by mu_
  int burst_left_ = 0;     // guarded by mu_
};

// Parses "latency=150,error=0.1,429=0.05,burst=3,drop=0.02,timeout=0.01,seed=7".
Result<FaultOptions> ParseFaultSpec(const std::string& spec);

}  // namespace es::http
