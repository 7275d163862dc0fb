#include "jobs/job_request.h"

#include "common/crypto.h"

namespace es::jobs {
namespace {

Result<std::vector<std::string>> Strings(const Json& request, const char* key) {
  std::vector<std::string> out;
  if (!request.contains(key) || request[key].is_null()) return out;
  const Json& v = request[key];
  if (!v.is_array()) return Status::Validation(std::string("job request '") + key + "' is not an array");
  for (const Json& e : v) {
    if (!e.is_string()) return Status::Validation(std::string("job request '") + key + "' holds a non-string");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

store::Job JobFor(const engine::SyncRequest& request, const EnqueueOptions& options) {
  store::Job j;
  j.tenant_id = request.tenant_id;
  j.kind = options.kind;
  j.lane = options.lane;
  j.dedupe_key = options.dedupe_key;
  j.max_attempts = options.max_attempts;
  j.source_connection = request.source_connection;
  j.target_connection = request.target_connection;
  j.request = {{"entities", request.entities},
               {"mode", request.mode},
               {"dry_run", request.dry_run},
               {"ids", request.ids},
               {"triggered_by", request.triggered_by}};
  return j;
}

Result<engine::SyncRequest> RequestFromJob(const store::Job& job) {
  engine::SyncRequest r;
  r.tenant_id = job.tenant_id;
  r.source_connection = job.source_connection;
  r.target_connection = job.target_connection;
  r.run_id = job.run_id;
  const Json& q = job.request;
  if (!q.is_object()) return Status::Validation("job request is not a JSON object");
  ES_ASSIGN_OR_RETURN(r.entities, Strings(q, "entities"));
  ES_ASSIGN_OR_RETURN(r.ids, Strings(q, "ids"));
  r.mode = q.contains("mode") && q["mode"].is_string() ? q["mode"].get<std::string>() : "incremental";
  if (r.mode != "full" && r.mode != "incremental")
    return Status::Validation("job request 'mode' is '" + r.mode + "', not full or incremental");
  if (q.contains("dry_run") && !q["dry_run"].is_boolean())
    return Status::Validation("job request 'dry_run' is not a boolean");
  r.dry_run = q.value("dry_run", false);
  r.triggered_by = q.contains("triggered_by") && q["triggered_by"].is_string()
                       ? q["triggered_by"].get<std::string>()
                       : job.kind;
  return r;
}

Result<store::EnqueuedJob> EnqueueSync(store::StateStore& store, Clock& clock, const engine::SyncRequest& request,
                                       const EnqueueOptions& options) {
  store::Job j = JobFor(request, options);
  const int64_t now = clock.NowMillis();
  j.id = crypto::Uuid4();
  j.run_id = request.run_id.empty() ? crypto::Uuid4() : request.run_id;
  j.created_at_ms = now;
  j.not_before_ms = now + (options.delay_ms > 0 ? options.delay_ms : 0);
  return store.EnqueueJob(j);
}

Status CreateOrResumeRun(store::StateStore& inner, const store::SyncRun& run) {
  auto prior = inner.GetRun(run.tenant_id, run.id);
  if (!prior.ok()) return prior.status();
  if (!prior->has_value()) {
    Status s = inner.CreateRun(run);
    if (!s.IsConflict()) return s;  // else recorded meanwhile: take it over
  }
  return inner.UpdateRun(run);
}

}  // namespace es::jobs
