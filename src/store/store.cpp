#include "store/store.h"

#include <limits>

#include "store/webhook_rules.h"

namespace es::store {

const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued: return "queued";
    case RunStatus::kRunning: return "running";
    case RunStatus::kSucceeded: return "succeeded";
    case RunStatus::kPartial: return "partial";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kStopped: return "stopped";
    case RunStatus::kAbandoned: return "abandoned";
  }
  return "failed";
}

int64_t CountsTotal(const Json& counts, const char* key) {
  int64_t total = 0;
  if (!counts.is_object()) return total;
  for (const Json& c : counts) {
    if (!c.is_object()) continue;
    auto it = c.find(key);
    if (it != c.end() && it->is_number_integer()) total += it->get<int64_t>();
  }
  return total;
}

RunStatus ParseRunStatus(const std::string& s) {
  if (s == "queued") return RunStatus::kQueued;
  if (s == "running") return RunStatus::kRunning;
  if (s == "succeeded") return RunStatus::kSucceeded;
  if (s == "partial") return RunStatus::kPartial;
  if (s == "stopped") return RunStatus::kStopped;
  if (s == "abandoned") return RunStatus::kAbandoned;
  return RunStatus::kFailed;
}

int64_t WebhookLeaseUntil(int64_t now_ms, int64_t lease_ms) {
  return now_ms > std::numeric_limits<int64_t>::max() - lease_ms ? std::numeric_limits<int64_t>::max()
                                                                 : now_ms + lease_ms;
}

Status CheckWebhookFinalStatus(const std::string& status) {
  if (status == "done" || status == "failed" || status == "ignored") return Status::Ok();
  return Status::Validation("webhook final status must be done, failed or ignored, got '" + status + "'");
}

}  // namespace es::store
