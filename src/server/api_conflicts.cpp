// Two-way sync's conflicts and review queue (SPEC F9; engine/two_way.h).
//
//   GET  /api/v1/conflicts                user  ?status=open|resolved|resolved_manual&limit (≤ 1000, default 100)
//   POST /api/v1/conflicts/{id}/resolve   user  {"take":"woo"|"qbo"} → 202 {"conflict", "runId", "jobId"}:
//        the conflict is closed with that side's value (audited "conflict.resolve") and a job is queued
//        whose run writes it across (docs/jobs.md); 404 unknown id, 409 not open, 400 bad take.
#include "engine/two_way_resolve.h"
#include "platforms/platforms.h"
#include "server/api_util.h"
#include "server/http_server.h"
#include "server/run_executor.h"

namespace es::server {
namespace {

void List(ServerContext& ctx, ApiRequest& r) {
  store::ConflictFilter f;
  f.tenant_id = r.caller.tenant_id;
  f.status = r.Query("status");
  if (!f.status.empty() && f.status != "open" && f.status != "resolved" && f.status != "resolved_manual")
    return r.Fail(Status::Validation("'status' must be open, resolved or resolved_manual"));
  auto limit = ParseCountParam(r.Query("limit"), "limit", 100, 1000);
  if (!limit.ok()) return r.Fail(limit.status());
  f.limit = static_cast<int>(*limit);
  auto rows = ctx.store->ListConflicts(f);
  if (!rows.ok()) return r.Fail(rows.status());
  Json out = Json::array();
  for (const auto& c : *rows) out.push_back(engine::ConflictJson(c));
  r.Reply(200, {{"conflicts", out}});
}

void Resolve(ServerContext& ctx, ApiRequest& r) {
  const std::string id_text = r.Param("id");
  auto id = ParseCountParam(id_text, "id", -1, int64_t{1} << 53);
  if (!id.ok() || *id <= 0) return r.Fail(Status::NotFound("conflict '" + id_text + "' not found"));
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  const std::string take = GetStringOr(*body, "take");
  if (take.empty()) return r.Fail(Status::Validation("'take' is required: the side whose value stands (woo or qbo)"));
  auto res = engine::ResolveConflict(*ctx.store, platforms::Registry(), *ctx.clock, r.caller.tenant_id, *id, take,
                                     r.caller.user_id);
  if (!res.ok()) return r.Fail(res.status());
  res->sync.triggered_by = "api";
  auto queued = ctx.runs->Enqueue(res->sync);
  Json out = {{"conflict", engine::ConflictJson(res->conflict)}};
  if (queued.ok()) {
    out["runId"] = queued->run_id;
    out["jobId"] = queued->job_id;
  } else {
    out["runError"] = queued.status().message();  // resolved; the next sync writes it across
  }
  r.Reply(202, out);
}

}  // namespace

void RegisterConflictRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/conflicts", Access::kUser, [c](ApiRequest& r) { List(*c, r); });
  router.Add("POST", "/api/v1/conflicts/{id}/resolve", Access::kUser, [c](ApiRequest& r) { Resolve(*c, r); });
}

}  // namespace es::server
