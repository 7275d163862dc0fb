// The notification events of a sync run's end, shared by every place a run
// ends (the server's run executor, the CLI's sync). Pure functions over
// store records: the engine knows nothing of notifications.
//
//   status failed, failure category authentication → auth_failed
//   status failed, any other failure               → run_failed
//   records went to the failed queue in this run   → failed_queue_growing
//                                                    (detail.failedQueue = queue size;
//                                                    the Notifier applies the threshold)
// A run refused before it started because credentials were refused is an
// auth_failed event too (RefusedRunEvents).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "notify/event.h"
#include "store/records.h"
#include "store/run_store.h"

namespace es::notify {

std::vector<NotificationEvent> RunEndEvents(const store::SyncRun& run, ErrorCategory failure,
                                            int64_t failed_queue_size);

// Events for a run that never started; empty unless `why` is an
// authentication failure.
std::vector<NotificationEvent> RefusedRunEvents(const std::string& tenant, const std::string& source,
                                                const std::string& target, const Status& why, int64_t now_ms);

// Raises RunEndEvents(run, failure, <the tenant's failed queue size, read
// only when the run added failures>) on `sink`. Never throws.
void NotifyRunEnded(EventSink& sink, store::RunStore& store, const store::SyncRun& run, ErrorCategory failure);

}  // namespace es::notify
