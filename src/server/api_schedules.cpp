// Schedules API and the scheduled run (see api_schedules.h).
#include "server/api_schedules.h"

#include <set>

#include "common/clock.h"
#include "common/crypto.h"
#include "jobs/job_request.h"
#include "schedule/cron.h"
#include "server/api_util.h"
#include "server/log.h"
#include "server/run_executor.h"

namespace es::server {
namespace {

constexpr size_t kMaxEntities = 20;

bool IsCronField(const std::string& code) {
  for (const char* f : schedule::kCronFields)
    if (code == f) return true;
  return false;
}

// A definition error as the API answers it: the cron and zone errors in the
// contract's shape naming the field, anything else as the usual error.
void FailDefinition(ApiRequest& r, const Status& s) {
  if (s.IsValidation() && IsCronField(s.code())) {
    return r.Reply(400, {{"error", "invalid_cron"}, {"field", s.code()}, {"message", s.message()}});
  }
  if (s.IsValidation() && s.code() == "timezone") {
    return r.Reply(400, {{"error", "invalid_timezone"}, {"field", "timezone"}, {"message", s.message()}});
  }
  r.Fail(s);
}

Json TimeOrNull(int64_t ms) { return ms > 0 ? Json(FormatIso8601Utc(ms)) : Json(nullptr); }

Json ScheduleJson(const store::Schedule& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"cron", s.cron},
          {"timezone", s.timezone},
          {"entities", s.entities},
          {"mode", s.mode},
          {"enabled", s.enabled},
          {"source", s.source_connection},
          {"target", s.target_connection},
          {"nextDueAt", TimeOrNull(s.next_due_at_ms)},
          {"lastFiredAt", TimeOrNull(s.last_fired_at_ms)},
          {"lastRunId", s.last_run_id},
          {"lastError", s.last_error},
          {"createdBy", s.created_by},
          {"createdAt", TimeOrNull(s.created_at_ms)},
          {"updatedAt", TimeOrNull(s.updated_at_ms)}};
}

bool ValidEntityName(const std::string& e) {
  if (e.empty() || e.size() > 64) return false;
  for (char c : e)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-')) return false;
  return true;
}

// Fills the definition fields of `s` from a POST/PUT body and prepares its
// next due time.
Status ApplyBody(const Json& body, store::Schedule& s, int64_t now_ms) {
  static const std::set<std::string> kKeys = {"name", "cron", "timezone", "entities", "mode",
                                              "enabled", "source", "target"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!kKeys.count(it.key())) return Status::Validation("unknown field '" + it.key() + "'");
  }
  for (const char* key : {"name", "cron", "timezone", "mode", "source", "target"}) {
    if (body.contains(key) && !body[key].is_string())
      return Status::Validation(std::string("'") + key + "' must be a string");
  }
  if (!body.contains("cron")) return Status::Validation("'cron' is required (e.g. \"0 2 * * *\" or \"@daily\")");
  s.cron = body["cron"].get<std::string>();
  s.name = GetStringOr(body, "name");
  if (s.name.size() > 200) return Status::Validation("'name' may be at most 200 characters");
  s.timezone = GetStringOr(body, "timezone", "UTC");
  s.mode = GetStringOr(body, "mode", "incremental");
  if (s.mode != "incremental" && s.mode != "full") return Status::Validation("'mode' must be \"incremental\" or \"full\"");
  if (body.contains("enabled") && !body["enabled"].is_boolean()) return Status::Validation("'enabled' must be true or false");
  s.enabled = GetBoolOr(body, "enabled", true);
  s.source_connection = GetStringOr(body, "source");
  s.target_connection = GetStringOr(body, "target");
  for (const std::string* c : {&s.source_connection, &s.target_connection}) {
    if (!c->empty() && !ValidId(*c)) return Status::Validation("'" + *c + "' is not a connection id");
  }
  s.entities.clear();
  if (body.contains("entities") && !body["entities"].is_null()) {
    const Json& e = body["entities"];
    if (!e.is_array()) return Status::Validation("'entities' must be an array of entity names");
    if (e.size() > kMaxEntities) return Status::Validation("'entities' may list at most 20 names");
    for (const Json& v : e) {
      if (!v.is_string() || !ValidEntityName(v.get<std::string>()))
        return Status::Validation("'entities' must be an array of entity names (e.g. \"orders\")");
      s.entities.push_back(v.get<std::string>());
    }
  }
  return schedule::PrepareSchedule(s, now_ms);
}

void List(ServerContext& ctx, ApiRequest& r) {
  auto list = ctx.store->ListSchedules(r.caller.tenant_id);
  if (!list.ok()) return r.Fail(list.status());
  Json out = Json::array();
  for (const auto& s : *list) out.push_back(ScheduleJson(s));
  r.Reply(200, {{"schedules", out}});
}

void Create(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const int64_t now = ctx.clock->NowMillis();
  store::Schedule s;
  s.tenant_id = r.caller.tenant_id;
  s.id = "sch_" + crypto::RandomHex(8);
  s.created_by = r.caller.user_id;
  s.created_at_ms = now;
  s.updated_at_ms = now;
  Status applied = ApplyBody(*body, s, now);
  if (!applied.ok()) return FailDefinition(r, applied);
  Status created = ctx.store->CreateSchedule(s);
  if (!created.ok()) return r.Fail(created);
  ctx.Audit(r.caller, "schedule.create", "schedule:" + s.id,
            {{"name", s.name}, {"cron", s.cron}, {"timezone", s.timezone}, {"enabled", s.enabled}});
  r.res.set_header("Location", "/api/v1/schedules/" + s.id);
  r.Reply(201, ScheduleJson(s));
}

void Get(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto s = ctx.store->GetSchedule(r.caller.tenant_id, id);
  if (!s.ok()) return r.Fail(s.status());
  if (!s->has_value()) return r.Fail(Status::NotFound("schedule '" + id + "' not found"));
  r.Reply(200, ScheduleJson(**s));
}

void Put(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  auto existing = ctx.store->GetSchedule(r.caller.tenant_id, id);
  if (!existing.ok()) return r.Fail(existing.status());
  if (!existing->has_value()) return r.Fail(Status::NotFound("schedule '" + id + "' not found"));
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const int64_t now = ctx.clock->NowMillis();
  store::Schedule s = **existing;
  s.updated_at_ms = now;
  Status applied = ApplyBody(*body, s, now);
  if (!applied.ok()) return FailDefinition(r, applied);
  Status updated = ctx.store->UpdateSchedule(s);
  if (!updated.ok()) return r.Fail(updated);
  ctx.Audit(r.caller, "schedule.update", "schedule:" + id,
            {{"name", s.name}, {"cron", s.cron}, {"timezone", s.timezone}, {"enabled", s.enabled}});
  r.Reply(200, ScheduleJson(s));
}

void Delete(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  Status s = ctx.store->DeleteSchedule(r.caller.tenant_id, id);
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, "schedule.delete", "schedule:" + id);
  r.res.status = 204;
}

// The tenant's connection `id`, or its only enabled one of `kind` when `id` is empty.
Result<store::Connection> ResolveConnection(ServerContext& ctx, const std::string& tenant, const std::string& id,
                                            const std::string& kind, const char* role) {
  auto list = ctx.store->ListConnections(tenant);
  if (!list.ok()) return list.status();
  std::vector<store::Connection> matches;
  for (const auto& c : *list) {
    if (!id.empty() ? c.id == id : (c.kind == kind && c.enabled)) matches.push_back(c);
  }
  if (!id.empty() && matches.empty()) return Status::NotFound(std::string(role) + " connection '" + id + "' not found");
  if (matches.size() != 1)
    return Status::Validation(std::string("the schedule names no ") + role + " and the tenant has " +
                              std::to_string(matches.size()) + " enabled " + kind + " connections");
  return matches[0];
}

}  // namespace

Status StartScheduledRun(ServerContext& ctx, const schedule::DueSchedule& d) {
  const store::Schedule& s = d.schedule;
  ES_ASSIGN_OR_RETURN(store::Connection source,
                      ResolveConnection(ctx, s.tenant_id, s.source_connection, "woo", "source"));
  ES_ASSIGN_OR_RETURN(store::Connection target,
                      ResolveConnection(ctx, s.tenant_id, s.target_connection, "qbo", "target"));
  engine::SyncRequest req;
  req.tenant_id = s.tenant_id;
  req.source_connection = source.id;
  req.target_connection = target.id;
  req.mode = s.mode;
  req.triggered_by = "schedule:" + s.id;
  for (const std::string& e : s.entities) {
    ES_ASSIGN_OR_RETURN(std::string route, RouteEntity(source.kind, target.kind, e));
    req.entities.push_back(route);
  }
  // A durable backfill job; one per schedule while it is still queued (a
  // slot that fires while the last one waits joins it).
  jobs::EnqueueOptions options;
  options.lane = "backfill";
  options.dedupe_key = "schedule:" + s.id;
  auto queued = ctx.runs->Enqueue(req, options);
  if (!queued.ok()) {
    Log(LogLevel::kWarn, "schedule_not_started",
        {{"tenant", s.tenant_id}, {"schedule", s.id},
         {"category", std::string(CategoryName(queued.status().category()))},
         {"message", queued.status().message()}});
    return queued.status();
  }
  d.started_id = queued->run_id;
  Log(LogLevel::kInfo, "schedule_fired",
      {{"tenant", s.tenant_id}, {"schedule", s.id}, {"run", queued->run_id}, {"job", queued->job_id},
       {"slot", FormatIso8601Utc(d.slot_ms)}});
  return Status::Ok();
}

void RegisterScheduleRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/schedules", Access::kUser, [c](ApiRequest& r) { List(*c, r); });
  router.Add("POST", "/api/v1/schedules", Access::kAdmin, [c](ApiRequest& r) { Create(*c, r); });
  router.Add("GET", "/api/v1/schedules/{id}", Access::kUser, [c](ApiRequest& r) { Get(*c, r); });
  router.Add("PUT", "/api/v1/schedules/{id}", Access::kAdmin, [c](ApiRequest& r) { Put(*c, r); });
  router.Add("DELETE", "/api/v1/schedules/{id}", Access::kAdmin, [c](ApiRequest& r) { Delete(*c, r); });
}

}  // namespace es::server
