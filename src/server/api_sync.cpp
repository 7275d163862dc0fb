// Sync trigger, runs, failed records and retries (SPEC F7, F8, F10, F11, F14).
//
//   POST /api/v1/sync                 user   202 {"runId","jobId","status":"queued"}: the run is a
//                                            job for the worker pool (docs/jobs.md); idempotencyKey → same run
//   GET  /api/v1/runs                 user   ?status&from&to&limit
//   GET  /api/v1/runs/{id}            user   status (live progress while running; "queued" with its
//                                            jobId while its job waits for a worker)
//   POST /api/v1/runs/{id}/stop       user   202 stopping; 200 abandoned (its process is gone);
//                                            404 unknown, 409 finished or running in a live process elsewhere
//   GET  /api/v1/failed               user   ?limit
//   POST /api/v1/failed/retry         user   one record {target, entity, sourceId}
//   POST /api/v1/failed/retry-all     admin  every failed record (per connection pair)
// POST /sync and /failed/retry-all that would touch more than a few records
// need a confirmation token first (server/confirmations.h).
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "engine/run_liveness.h"
#include "jobs/job_request.h"
#include "engine/sync_types.h"
#include "server/api_util.h"
#include "server/confirmations.h"
#include "server/http_server.h"
#include "server/run_executor.h"

namespace es::server {
namespace {

constexpr int64_t kAbandonedClaimMs = 60'000;

Result<std::vector<std::string>> StringList(const Json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  const Json& v = body[key];
  if (!v.is_array()) return Status::Validation(std::string("'") + key + "' must be an array of strings");
  for (const Json& e : v) {
    if (e.is_string()) out.push_back(e.get<std::string>());
    else if (e.is_number_integer()) out.push_back(std::to_string(e.get<int64_t>()));
    else return Status::Validation(std::string("'") + key + "' must be an array of strings");
  }
  return out;
}

// Builds the engine request from a trigger body; the normalised body (for
// idempotency comparisons) goes to *normalised.
Result<engine::SyncRequest> ParseTrigger(ServerContext& ctx, const Caller& who, const Json& body,
                                         Json* normalised) {
  static const std::set<std::string> kKeys = {"source", "target", "entities", "mode", "dryRun", "ids",
                                              "idempotencyKey", "confirmationToken", "confirmDestructive"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!kKeys.count(it.key())) return Status::Validation("unknown field '" + it.key() + "'");
  }
  engine::SyncRequest req;
  req.tenant_id = who.tenant_id;
  req.triggered_by = who.user_id;
  req.source_connection = GetStringOr(body, "source");
  req.target_connection = GetStringOr(body, "target");
  if (req.source_connection.empty()) {
    ES_ASSIGN_OR_RETURN(req.source_connection, DefaultConnection(*ctx.store, who.tenant_id, "woo", "source"));
  }
  if (req.target_connection.empty()) {
    ES_ASSIGN_OR_RETURN(req.target_connection, DefaultConnection(*ctx.store, who.tenant_id, "qbo", "target"));
  }
  req.mode = GetStringOr(body, "mode", "incremental");
  if (req.mode != "full" && req.mode != "incremental") {
    return Status::Validation("'mode' must be \"full\" or \"incremental\"");
  }
  if (body.contains("dryRun") && !body["dryRun"].is_boolean()) {
    return Status::Validation("'dryRun' must be true or false");
  }
  req.dry_run = GetBoolOr(body, "dryRun", false);
  ES_ASSIGN_OR_RETURN(std::vector<std::string> entities, StringList(body, "entities"));
  ES_ASSIGN_OR_RETURN(req.ids, StringList(body, "ids"));
  if (req.ids.size() > 1000) return Status::Validation("'ids' may list at most 1000 ids");

  // Entities are checked against the routing table of the pair's kinds.
  auto source = ctx.store->GetConnection(who.tenant_id, req.source_connection);
  auto target = ctx.store->GetConnection(who.tenant_id, req.target_connection);
  if (!source.ok()) return source.status();
  if (!target.ok()) return target.status();
  if (!source->has_value()) return Status::NotFound("connection '" + req.source_connection + "' not found");
  if (!target->has_value()) return Status::NotFound("connection '" + req.target_connection + "' not found");
  for (const auto& e : entities) {
    ES_ASSIGN_OR_RETURN(std::string route, RouteEntity((*source)->kind, (*target)->kind, e));
    if (std::find(req.entities.begin(), req.entities.end(), route) == req.entities.end()) req.entities.push_back(route);
  }
  *normalised = {{"source", req.source_connection}, {"target", req.target_connection}, {"entities", req.entities},
                 {"mode", req.mode}, {"dryRun", req.dry_run}, {"ids", req.ids}};
  return req;
}

// The job that runs `run_id` (nullopt when the run was not queued as a job).
std::optional<store::Job> JobOfRun(ServerContext& ctx, const std::string& tenant, const std::string& run_id) {
  store::JobFilter f;
  f.tenant_id = tenant;
  f.run_id = run_id;
  f.limit = 1;
  auto jobs = ctx.store->ListJobs(f);
  if (!jobs.ok() || jobs->empty()) return std::nullopt;
  return (*jobs)[0];
}

void Accepted(ServerContext& ctx, ApiRequest& r, const std::string& run_id, bool replay) {
  if (replay) r.res.set_header("Idempotent-Replayed", "true");
  r.res.set_header("Location", "/api/v1/runs/" + run_id);
  Json body = {{"runId", run_id}, {"status", "queued"}, {"idempotentReplay", replay}};
  auto job = JobOfRun(ctx, r.caller.tenant_id, run_id);
  if (job.has_value()) {
    body["jobId"] = job->id;
    if (job->status == "running" || job->status == "succeeded" || job->status == "failed") {
      auto run = ctx.store->GetRun(r.caller.tenant_id, run_id);
      if (run.ok() && run->has_value()) body["status"] = store::RunStatusName((*run)->status);
    }
  }
  r.Reply(202, body);
}

void Trigger(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  Json normalised;
  auto req = ParseTrigger(ctx, r.caller, *body, &normalised);
  if (!req.ok()) return r.Fail(req.status());
  if (!ConfirmSync(ctx, r, *body, *req, normalised)) return;
  const std::string key = GetStringOr(*body, "idempotencyKey");
  if (body->contains("idempotencyKey") && (!(*body)["idempotencyKey"].is_string() || key.empty() || key.size() > 200)) {
    return r.Fail(Status::Validation("'idempotencyKey' must be a non-empty string of at most 200 characters"));
  }
  if (!key.empty()) {
    store::SyncRequestRecord rec;
    rec.tenant_id = r.caller.tenant_id;
    rec.idempotency_key = key;
    rec.request = normalised;
    rec.created_at_ms = ctx.clock->NowMillis();
    Status claimed = ctx.store->PutSyncRequest(rec);
    if (claimed.IsConflict()) {
      // A claim left pending by a process that died while starting the run is
      // abandoned after a minute: release it and claim again.
      auto prior = ctx.store->GetSyncRequest(r.caller.tenant_id, key);
      if (prior.ok() && prior->has_value() && (*prior)->run_id.empty() &&
          rec.created_at_ms - (*prior)->created_at_ms > kAbandonedClaimMs) {
        (void)ctx.store->DeleteSyncRequest(r.caller.tenant_id, key);
        claimed = ctx.store->PutSyncRequest(rec);
      }
    }
    if (claimed.IsConflict()) {
      // The key was used before: answer with that run (waiting briefly while
      // the first request is still starting it).
      for (int i = 0; i < 100; ++i) {
        auto prior = ctx.store->GetSyncRequest(r.caller.tenant_id, key);
        if (!prior.ok()) return r.Fail(prior.status());
        if (!prior->has_value()) break;  // the first attempt failed and released the key
        if ((*prior)->request != normalised) {
          return r.Fail(Status::Conflict("idempotencyKey '" + key + "' was already used for a different request"));
        }
        if (!(*prior)->run_id.empty()) return Accepted(ctx, r, (*prior)->run_id, true);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      return r.Fail(Status::Conflict("a request with idempotencyKey '" + key + "' is still starting; retry"));
    }
    if (!claimed.ok()) return r.Fail(claimed);
  }
  // Connections must exist and be enabled now, not only when a worker gets to it.
  for (const std::string* id : {&req->source_connection, &req->target_connection}) {
    auto c = engine::LoadEnabledConnection(*ctx.store, req->tenant_id, *id);
    if (!c.ok()) {
      if (!key.empty()) (void)ctx.store->DeleteSyncRequest(r.caller.tenant_id, key);
      return r.Fail(c.status());
    }
  }
  auto queued = ctx.runs->Enqueue(*req);
  if (!queued.ok()) {
    if (!key.empty()) (void)ctx.store->DeleteSyncRequest(r.caller.tenant_id, key);
    return r.Fail(queued.status());
  }
  if (!key.empty()) (void)ctx.store->SetSyncRequestRun(r.caller.tenant_id, key, queued->run_id);
  ctx.Audit(r.caller, "sync.trigger", "run:" + queued->run_id, normalised);
  Accepted(ctx, r, queued->run_id, false);
}

void ListRuns(ServerContext& ctx, ApiRequest& r) {
  store::RunFilter f;
  f.tenant_id = r.caller.tenant_id;
  f.status = r.Query("status");
  auto w = ParseListWindow(r.Query("from"), r.Query("to"), r.Query("limit"), 50, 1000);
  if (!w.ok()) return r.Fail(w.status());
  f.from_ms = w->from_ms;
  f.to_ms = w->to_ms;
  f.limit = w->limit;
  // Runs of processes that died are listed as abandoned, not as running.
  (void)engine::AbandonDeadRuns(*ctx.store, r.caller.tenant_id, ctx.clock->NowMillis());
  auto runs = ctx.store->ListRuns(f);
  if (!runs.ok()) return r.Fail(runs.status());
  Json out = Json::array();
  for (const auto& run : *runs) out.push_back(RunJson(run));
  r.Reply(200, {{"runs", out}});
}

// The run a queued job will execute, as far as it is known before it starts.
store::SyncRun QueuedRun(const store::Job& job) {
  store::SyncRun run;
  run.id = job.run_id;
  run.tenant_id = job.tenant_id;
  run.source_connection = job.source_connection;
  run.target_connection = job.target_connection;
  auto req = jobs::RequestFromJob(job);
  if (req.ok()) {
    run.entities = req->entities;
    run.mode = req->mode;
    run.dry_run = req->dry_run;
    run.triggered_by = req->triggered_by;
  }
  run.status = store::RunStatus::kQueued;
  run.started_at_ms = job.created_at_ms;
  return run;
}

void GetRun(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto run = ctx.store->GetRun(r.caller.tenant_id, id);
  if (!run.ok()) return r.Fail(run.status());
  if (run->has_value() && (*run)->status == store::RunStatus::kRunning) {
    // A run whose process died shows as abandoned, not as running forever.
    auto live = engine::CheckRunLiveness(*ctx.store, **run, ctx.clock->NowMillis());
    if (live.ok() && !live->alive) {
      auto changed = engine::AbandonRun(*ctx.store, **run, *live, ctx.clock->NowMillis());
      if (changed.ok() && *changed) run = ctx.store->GetRun(r.caller.tenant_id, id);
      if (!run.ok()) return r.Fail(run.status());
    }
  }
  auto job = JobOfRun(ctx, r.caller.tenant_id, id);
  // Not started yet, or back in the queue after its worker stopped or died:
  // the job answers for the run until a worker picks it up.
  const bool waiting =
      job.has_value() && (!run->has_value() || job->status == "queued" || job->status == "leased");
  if (!run->has_value() && !waiting) return r.Fail(Status::NotFound("run '" + id + "' not found"));
  Json j = RunJson(run->has_value() && !waiting ? **run : QueuedRun(*job));
  if (job.has_value()) {
    j["jobId"] = job->id;
    j["jobStatus"] = job->status;
    if (job->status == "cancelled" && !run->has_value()) j["status"] = "cancelled";  // it never started
  }
  if (!run->has_value()) return r.Reply(200, j);
  Json live = ctx.runs->Live(r.caller.tenant_id, id);
  if (!live.is_null()) {
    j["progress"] = live["progress"];
    if ((*run)->dry_run) j["previews"] = live["previews"];
  }
  r.Reply(200, j);
}

void StopRun(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto run = ctx.store->GetRun(r.caller.tenant_id, id);
  if (!run.ok()) return r.Fail(run.status());
  if (!run->has_value()) return r.Fail(Status::NotFound("run '" + id + "' not found"));
  Status s = ctx.runs->Stop(r.caller.tenant_id, id);
  if (!s.ok()) {
    // Not running here: a run whose process died is marked abandoned and
    // its lock released; one of a live process elsewhere is left alone.
    auto live = engine::CheckRunLiveness(*ctx.store, **run, ctx.clock->NowMillis());
    if (!live.ok()) return r.Fail(live.status());
    if (live->why == "finished")
      return r.Fail(Status::Conflict("run '" + id + "' is not running (status " +
                                     store::RunStatusName((*run)->status) + ")"));
    if (live->alive)
      return r.Fail(Status::Conflict("run '" + id + "' runs in another process (" +
                                     std::to_string(static_cast<long long>(live->owner.pid)) + " on " +
                                     live->owner.host + "); stop it there"));
    auto abandoned = engine::AbandonRun(*ctx.store, **run, *live, ctx.clock->NowMillis());
    if (!abandoned.ok()) return r.Fail(abandoned.status());
    ctx.Audit(r.caller, "sync.stop", "run:" + id);
    return r.Reply(200, {{"runId", id}, {"status", "abandoned"}, {"reason", live->why}});
  }
  ctx.Audit(r.caller, "sync.stop", "run:" + id);
  r.Reply(202, {{"runId", id}, {"status", "stopping"}});
}

void ListFailed(ServerContext& ctx, ApiRequest& r) {
  auto limit = ParseCountParam(r.Query("limit"), "limit", 500, 10000);
  if (!limit.ok()) return r.Fail(limit.status());
  auto failed = ctx.store->ListFailed(r.caller.tenant_id, static_cast<int>(*limit));
  if (!failed.ok()) return r.Fail(failed.status());
  Json out = Json::array();
  for (const auto& f : *failed) out.push_back(FailedJson(f));
  r.Reply(200, {{"failed", out}});
}

// Starts one run per (source, target) pair over the given failed records.
Result<Json> StartRetries(ServerContext& ctx, const Caller& who, const std::vector<store::FailedRecord>& records) {
  struct Group {
    std::vector<std::string> entities;
    std::vector<std::string> ids;
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const auto& f : records) {
    auto source = ctx.store->GetConnection(who.tenant_id, f.source_connection);
    auto target = ctx.store->GetConnection(who.tenant_id, f.target_connection);
    if (!source.ok() || !target.ok() || !source->has_value() || !target->has_value()) continue;
    auto route = RouteEntity((*source)->kind, (*target)->kind, f.entity);
    if (!route.ok()) continue;
    Group& g = groups[{f.source_connection, f.target_connection}];
    if (std::find(g.entities.begin(), g.entities.end(), *route) == g.entities.end()) g.entities.push_back(*route);
    if (std::find(g.ids.begin(), g.ids.end(), f.source_id) == g.ids.end()) g.ids.push_back(f.source_id);
  }
  Json runs = Json::array();
  for (auto& [pair, g] : groups) {
    engine::SyncRequest req;
    req.tenant_id = who.tenant_id;
    req.source_connection = pair.first;
    req.target_connection = pair.second;
    req.entities = g.entities;
    req.ids = g.ids;
    req.mode = "full";
    req.triggered_by = who.user_id;
    jobs::EnqueueOptions o;
    o.kind = "retry";
    auto queued = ctx.runs->Enqueue(req, o);
    if (!queued.ok()) return queued.status();
    runs.push_back({{"runId", queued->run_id},
                    {"jobId", queued->job_id},
                    {"source", pair.first},
                    {"target", pair.second},
                    {"records", g.ids.size()}});
  }
  return runs;
}

void RetryOne(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const std::string target = GetStringOr(*body, "target");
  const std::string entity = GetStringOr(*body, "entity");
  const std::string source_id = GetStringOr(*body, "sourceId");
  if (entity.empty() || source_id.empty()) {
    return r.Fail(Status::Validation("'entity' and 'sourceId' are required ('target' when ambiguous)"));
  }
  auto failed = ctx.store->ListFailed(r.caller.tenant_id, 0);
  if (!failed.ok()) return r.Fail(failed.status());
  std::vector<store::FailedRecord> match;
  for (const auto& f : *failed) {
    if (f.source_id == source_id && (f.entity == entity || engine::StoreEntity(entity) == f.entity) &&
        (target.empty() || f.target_connection == target)) {
      match.push_back(f);
    }
  }
  if (match.empty()) return r.Fail(Status::NotFound("no failed " + entity + " '" + source_id + "'"));
  if (match.size() > 1) return r.Fail(Status::Validation("several failed records match; name the 'target'"));
  auto runs = StartRetries(ctx, r.caller, match);
  if (!runs.ok()) return r.Fail(runs.status());
  if (runs->empty()) return r.Fail(Status::Conflict("the failed record's connections no longer exist"));
  ctx.Audit(r.caller, "failed.retry", "record:" + match[0].entity + "/" + source_id,
            {{"target", match[0].target_connection}, {"runId", (*runs)[0]["runId"]}});
  r.res.set_header("Location", "/api/v1/runs/" + (*runs)[0]["runId"].get<std::string>());
  r.Reply(202, {{"runId", (*runs)[0]["runId"]}, {"jobId", (*runs)[0]["jobId"]}, {"status", "queued"}});
}

void RetryAll(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const std::string target = GetStringOr(*body, "target");
  auto failed = ctx.store->ListFailed(r.caller.tenant_id, 0);
  if (!failed.ok()) return r.Fail(failed.status());
  std::vector<store::FailedRecord> selected;
  for (const auto& f : *failed)
    if (target.empty() || f.target_connection == target) selected.push_back(f);
  if (!ConfirmRetryAll(ctx, r, *body, selected)) return;
  auto runs = StartRetries(ctx, r.caller, selected);
  if (!runs.ok()) return r.Fail(runs.status());
  ctx.Audit(r.caller, "failed.retry_all", target.empty() ? "failed:*" : "failed:" + target,
            {{"records", selected.size()}, {"runs", runs->size()}});
  r.Reply(202, {{"runs", *runs}, {"records", selected.size()}});
}

}  // namespace

void RegisterSyncRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("POST", "/api/v1/sync", Access::kUser, [c](ApiRequest& r) { Trigger(*c, r); });
  router.Add("GET", "/api/v1/runs", Access::kUser, [c](ApiRequest& r) { ListRuns(*c, r); });
  router.Add("GET", "/api/v1/runs/{id}", Access::kUser, [c](ApiRequest& r) { GetRun(*c, r); });
  router.Add("POST", "/api/v1/runs/{id}/stop", Access::kUser, [c](ApiRequest& r) { StopRun(*c, r); });
  router.Add("GET", "/api/v1/failed", Access::kUser, [c](ApiRequest& r) { ListFailed(*c, r); });
  router.Add("POST", "/api/v1/failed/retry", Access::kUser, [c](ApiRequest& r) { RetryOne(*c, r); });
  router.Add("POST", "/api/v1/failed/retry-all", Access::kAdmin, [c](ApiRequest& r) { RetryAll(*c, r); });
}

}  // namespace es::server
