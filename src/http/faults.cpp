#include "http/faults.h"

#include <sstream>

#include "common/decimal.h"

namespace es::http {

FaultDecision FaultPlan::Decide() {
  std::lock_guard<std::mutex> lock(mu_);
  FaultDecision d;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  d.delay_ms = options_.latency_ms;
  if (options_.latency_jitter_ms > 0)
    d.delay_ms += std::uniform_int_distribution<int>(0, options_.latency_jitter_ms)(rng_);
  if (burst_left_ > 0) {
    --burst_left_;
    d.action = FaultAction::kRateLimit;
    return d;
  }
  double r = u(rng_);
  double acc = options_.error_rate;
  if (r < acc) { d.action = FaultAction::kServerError; return d; }
  acc += options_.rate_limit_rate;
  if (r < acc) {
    d.action = FaultAction::kRateLimit;
    burst_left_ = options_.rate_limit_burst > 1 ? options_.rate_limit_burst - 1 : 0;
    return d;
  }
  acc += options_.drop_rate;
  if (r < acc) { d.action = FaultAction::kDrop; return d; }
  acc += options_.timeout_rate;
  if (r < acc) { d.action = FaultAction::kTimeout; d.delay_ms += options_.timeout_ms; return d; }
  return d;
}

void FaultPlan::Set(const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
  rng_.seed(options.seed);
  burst_left_ = 0;
}

FaultOptions FaultPlan::options() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_;
}

Result<FaultOptions> ParseFaultSpec(const std::string& spec) {
  FaultOptions o;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) return Status::Validation("fault spec item '" + item + "' has no '='");
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    auto num = Decimal::Parse(value);
    if (!num.ok() || num->IsNegative())
      return Status::Validation("fault spec '" + key + "': '" + value + "' is not a non-negative number");
    double frac = static_cast<double>(num->units()) / Decimal::kOne;  // a probability, not money
    int64_t whole = num->units() / Decimal::kOne;
    if (key == "latency") o.latency_ms = static_cast<int>(whole);
    else if (key == "jitter") o.latency_jitter_ms = static_cast<int>(whole);
    else if (key == "error") o.error_rate = frac;
    else if (key == "429") o.rate_limit_rate = frac;
    else if (key == "burst") o.rate_limit_burst = static_cast<int>(whole);
    else if (key == "drop") o.drop_rate = frac;
    else if (key == "timeout") o.timeout_rate = frac;
    else if (key == "timeout_ms") o.timeout_ms = static_cast<int>(whole);
    else if (key == "seed") o.seed = static_cast<uint64_t>(whole);
    else return Status::Validation("fault spec: unknown knob '" + key + "' (latency, jitter, error, 429, burst, drop, timeout, timeout_ms, seed)");
    if ((key == "error" || key == "429" || key == "drop" || key == "timeout") && frac > 1.0)
      return Status::Validation("fault spec '" + key + "' must be between 0 and 1");
  }
  return o;
}

}  // namespace es::http
