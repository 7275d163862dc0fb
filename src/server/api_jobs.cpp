// The tenant's jobs (docs/jobs.md): every sync the API, the CLI, schedules,
// webhooks or retries queued for the worker pools.
//
//   GET /api/v1/jobs         user   ?status&kind&limit, newest first
//   GET /api/v1/jobs/{id}    user   one job
//   POST /api/v1/jobs/{id}/cancel  user  200 {job} with status "cancelled" when it was queued (audited
//        "job.cancel"); 409 {"error":"job_not_cancellable"} when leased, running or finished; 404 unknown.
//        A cancelled job is never claimed by a worker; its run never starts.
#include <algorithm>
#include <iterator>

#include "common/clock.h"
#include "server/api_util.h"
#include "server/http_server.h"

namespace es::server {
namespace {

Json JobJson(const store::Job& j) {
  Json out = {{"id", j.id},
              {"kind", j.kind},
              {"lane", j.lane},
              {"status", j.status},
              {"runId", j.run_id},
              {"source", j.source_connection},
              {"target", j.target_connection},
              {"request", j.request},
              {"attempts", j.attempts},
              {"maxAttempts", j.max_attempts},
              {"worker", j.worker},
              {"notBefore", FormatIso8601Utc(j.not_before_ms)},
              {"createdAt", FormatIso8601Utc(j.created_at_ms)},
              {"updatedAt", FormatIso8601Utc(j.updated_at_ms)},
              {"finishedAt", j.finished_at_ms > 0 ? Json(FormatIso8601Utc(j.finished_at_ms)) : Json(nullptr)},
              {"error", j.error}};
  if (!j.dedupe_key.empty()) out["dedupeKey"] = j.dedupe_key;
  if (j.lease_until_ms > 0) out["leaseUntil"] = FormatIso8601Utc(j.lease_until_ms);
  return out;
}

bool Known(const std::string& v, const auto& list) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* s) { return v == s; });
}

void ListJobs(ServerContext& ctx, ApiRequest& r) {
  store::JobFilter f;
  f.tenant_id = r.caller.tenant_id;
  f.status = r.Query("status");
  f.kind = r.Query("kind");
  if (!f.status.empty() && !Known(f.status, store::kJobStatuses)) {
    return r.Fail(
        Status::Validation("'status' must be queued, leased, running, succeeded, failed, abandoned or cancelled"));
  }
  if (!f.kind.empty() && !Known(f.kind, store::kJobKinds)) {
    return r.Fail(Status::Validation("'kind' must be sync, retry, reconcile or webhook-incremental"));
  }
  auto limit = ParseCountParam(r.Query("limit"), "limit", 50, 1000);
  if (!limit.ok()) return r.Fail(limit.status());
  f.limit = static_cast<int>(*limit);
  auto jobs = ctx.store->ListJobs(f);
  if (!jobs.ok()) return r.Fail(jobs.status());
  Json out = Json::array();
  for (const auto& j : *jobs) out.push_back(JobJson(j));
  r.Reply(200, {{"jobs", out}});
}

void GetJob(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto job = ctx.store->GetJob(r.caller.tenant_id, id);
  if (!job.ok()) return r.Fail(job.status());
  if (!job->has_value()) return r.Fail(Status::NotFound("job '" + id + "' not found"));
  r.Reply(200, JobJson(**job));
}

void CancelJob(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto job = ctx.store->CancelJob(r.caller.tenant_id, id, "cancelled by " + r.caller.user_id,
                                  ctx.clock->NowMillis());
  if (!job.ok() && job.status().code() == "job_not_cancellable") {
    return r.Reply(409, {{"error", "job_not_cancellable"}, {"message", job.status().message()}});
  }
  if (!job.ok()) return r.Fail(job.status());
  ctx.Audit(r.caller, "job.cancel", "job:" + id, {{"runId", job->run_id}, {"kind", job->kind}});
  r.Reply(200, JobJson(*job));
}

}  // namespace

void RegisterJobRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/jobs", Access::kUser, [c](ApiRequest& r) { ListJobs(*c, r); });
  router.Add("GET", "/api/v1/jobs/{id}", Access::kUser, [c](ApiRequest& r) { GetJob(*c, r); });
  router.Add("POST", "/api/v1/jobs/{id}/cancel", Access::kUser, [c](ApiRequest& r) { CancelJob(*c, r); });
}

}  // namespace es::server
