#include "notify/run_events.h"

#include "store/run_store.h"

namespace es::notify {
namespace {

constexpr int kFailedQueueCountCap = 1000;

Json RunDetail(const store::SyncRun& run) {
  return Json{{"runId", run.id},
              {"source", run.source_connection},
              {"target", run.target_connection},
              {"status", store::RunStatusName(run.status)},
              {"trigger", run.triggered_by},
              {"created", run.totals.created},
              {"updated", run.totals.updated},
              {"failed", run.totals.failed}};
}

}  // namespace

std::vector<NotificationEvent> RunEndEvents(const store::SyncRun& run, ErrorCategory failure,
                                            int64_t failed_queue_size) {
  std::vector<NotificationEvent> out;
  const std::string pair = run.source_connection + " → " + run.target_connection;
  if (run.status == store::RunStatus::kFailed) {
    NotificationEvent e;
    e.tenant_id = run.tenant_id;
    e.at_ms = run.finished_at_ms;
    e.detail = RunDetail(run);
    if (failure == ErrorCategory::kAuthentication) {
      e.kind = std::string(kAuthFailed);
      e.subject = "Sync " + pair + " stopped: a connection's credentials were refused";
      e.message = "The sync run " + run.id + " stopped because a platform refused the credentials (" + run.error +
                  "). Reconnect the connection; runs keep failing until then.";
    } else {
      e.kind = std::string(kRunFailed);
      e.subject = "Sync " + pair + " failed";
      e.message = "The sync run " + run.id + " failed: " + run.error;
    }
    e.detail["error"] = run.error;
    out.push_back(std::move(e));
  }
  if (run.totals.failed > 0) {
    NotificationEvent e;
    e.tenant_id = run.tenant_id;
    e.kind = std::string(kFailedQueueGrowing);
    e.at_ms = run.finished_at_ms;
    e.subject = "Failed queue holds " + std::to_string(failed_queue_size) +
                (failed_queue_size >= kFailedQueueCountCap ? "+" : "") + " records";
    e.message = "The sync run " + run.id + " (" + pair + ") added " + std::to_string(run.totals.failed) +
                " record(s) to the failed queue, which now holds " + std::to_string(failed_queue_size) +
                ". Review them with `easysale-sync status` or GET /api/v1/failed.";
    e.detail = RunDetail(run);
    e.detail["failedQueue"] = failed_queue_size;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<NotificationEvent> RefusedRunEvents(const std::string& tenant, const std::string& source,
                                                const std::string& target, const Status& why, int64_t now_ms) {
  if (!why.IsAuthentication()) return {};
  NotificationEvent e;
  e.tenant_id = tenant;
  e.kind = std::string(kAuthFailed);
  e.at_ms = now_ms;
  e.subject = "Sync " + source + " → " + target + " cannot start: credentials were refused";
  e.message = "A sync run could not start because a platform refused the credentials (" + why.message() +
              "). Reconnect the connection.";
  e.detail = Json{{"source", source}, {"target", target}, {"error", why.message()}};
  return {e};
}

void NotifyRunEnded(EventSink& sink, store::RunStore& store, const store::SyncRun& run, ErrorCategory failure) {
  try {
    int64_t queue = 0;
    if (run.totals.failed > 0) {
      auto failed = store.ListFailed(run.tenant_id, kFailedQueueCountCap);
      queue = failed.ok() ? static_cast<int64_t>(failed->size()) : run.totals.failed;
    }
    for (const NotificationEvent& e : RunEndEvents(run, failure, queue)) sink.Notify(e);
  } catch (...) {
    // A notification must never take down the run's caller.
  }
}

}  // namespace es::notify
