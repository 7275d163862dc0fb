#include "store/store.h"

namespace es::store {

const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued: return "queued";
    case RunStatus::kRunning: return "running";
    case RunStatus::kSucceeded: return "succeeded";
    case RunStatus::kPartial: return "partial";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kStopped: return "stopped";
  }
  return "failed";
}

RunStatus ParseRunStatus(const std::string& s) {
  if (s == "queued") return RunStatus::kQueued;
  if (s == "running") return RunStatus::kRunning;
  if (s == "succeeded") return RunStatus::kSucceeded;
  if (s == "partial") return RunStatus::kPartial;
  if (s == "stopped") return RunStatus::kStopped;
  return RunStatus::kFailed;
}

}  // namespace es::store
