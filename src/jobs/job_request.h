// Jobs ⇄ sync requests: how a run's parameters travel in a job row, and
// enqueuing a sync as a job. The job's run id is chosen when it is queued;
// the run row appears when a worker starts it (until then the job answers
// for it: see GET /api/v1/runs/{id}).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "engine/orchestrator.h"
#include "store/forwarding_store.h"

namespace es::jobs {

struct EnqueueOptions {
  std::string kind = "sync";      // store::kJobKinds
  std::string lane = "realtime";  // "realtime" | "backfill"
  std::string dedupe_key;         // "" = none (see JobStore::EnqueueJob)
  int64_t delay_ms = 0;           // claimable this long from now
  int64_t max_attempts = 5;
};

// The job for `request` (id, run id and times still to fill): connections,
// kind, lane and the request JSON {entities, mode, dry_run, ids, triggered_by}.
store::Job JobFor(const engine::SyncRequest& request, const EnqueueOptions& options);
// The engine request a job carries, with run_id = job.run_id. Validation
// naming the field when the stored request is malformed.
Result<engine::SyncRequest> RequestFromJob(const store::Job& job);

// Enqueues `request` as a new job with a fresh job id and run id
// (request.run_id when set), claimable after options.delay_ms.
Result<store::EnqueuedJob> EnqueueSync(store::StateStore& store, Clock& clock, const engine::SyncRequest& request,
                                       const EnqueueOptions& options = {});

// CreateRun, except that a run already stored under the id (left by an
// earlier attempt of the same job, whose worker died or stopped) is taken
// over with UpdateRun. Store wrappers that run jobs use it for CreateRun.
Status CreateOrResumeRun(store::StateStore& inner, const store::SyncRun& run);

// A store that resumes runs (CreateOrResumeRun) and forwards the rest.
class JobRunStore final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status CreateRun(const store::SyncRun& run) override { return CreateOrResumeRun(inner(), run); }
};

}  // namespace es::jobs
