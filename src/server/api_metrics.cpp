// Health and metrics (SPEC F12).
//
//   GET /health           public  {"status","version","uptimeSeconds","store","runsInProgress",
//                                  "connections":{probed,ok,error,disabled}}; with a valid bearer
//                                  token also the caller tenant's per-connection probe results
//   GET /metrics          metrics token (all tenants) or admin JWT (own tenant's series): Prometheus text
//   GET /api/v1/metrics   user    the caller tenant's metrics as JSON
#include "common/crypto.h"
#include "server/connectivity.h"
#include "server/http_server.h"
#include "server/run_executor.h"

namespace es::server {
namespace {

constexpr const char* kVersion = "0.1.0";

void Health(ServerContext& ctx, Router& router, ApiRequest& r) {
  bool store_ok = ctx.store->SchemaVersion() > 0;
  Json j = {{"status", store_ok ? "ok" : "degraded"},
            {"version", kVersion},
            {"uptimeSeconds", (ctx.clock->NowMillis() - ctx.started_at_ms) / 1000},
            {"store", store_ok ? "ok" : "unavailable"},
            {"runsInProgress", ctx.runs->active()}};
  std::string tenant;
  if (r.http.has_header("Authorization")) {
    auto caller = router.Authenticate(r.http);
    if (caller.ok()) {
      tenant = caller->tenant_id;
      // Probe (cached) the caller's connections so the answer is current.
      auto list = ctx.store->ListConnections(tenant);
      if (list.ok()) {
        for (const auto& c : *list) (void)ctx.probes->Check(c, false);
      }
    }
  }
  Json summary = ctx.probes->Summary(tenant);
  if (!tenant.empty()) {
    j["tenant"] = tenant;
    j["connectionStatus"] = summary["connections"];
    summary.erase("connections");
  }
  j["connections"] = summary;
  r.Reply(store_ok ? 200 : 503, j);
}

void Prometheus(ServerContext& ctx, Router& router, ApiRequest& r) {
  std::string filter;
  const std::string& token = ctx.config->metrics_token;
  const std::string header = r.http.get_header_value("Authorization");
  auto bearer = auth::ExtractBearerToken(header);
  if (!token.empty() && bearer.ok() && crypto::ConstantTimeEquals(*bearer, token)) {
    filter = "";  // operator: every tenant
  } else {
    auto caller = router.Authenticate(r.http);
    if (!caller.ok()) return r.Fail(401, caller.status());
    if (!caller->admin()) {
      return r.Fail(403, Status::Authentication("metrics need the admin role or the metrics token"));
    }
    filter = caller->tenant_id;
  }
  r.ReplyText(200, ctx.metrics->RenderPrometheus(filter), "text/plain; version=0.0.4; charset=utf-8");
}

// Runs of `tenant` this server is executing now: the tenant's runs the store
// has as running that the executor still runs (a run left "running" by a
// crashed process is not in progress).
int64_t TenantRunsInProgress(ServerContext& ctx, const std::string& tenant) {
  store::RunFilter f;
  f.tenant_id = tenant;
  f.status = store::RunStatusName(store::RunStatus::kRunning);
  f.limit = 1000;
  auto runs = ctx.store->ListRuns(f);
  if (!runs.ok()) return 0;
  int64_t n = 0;
  for (const auto& run : *runs) {
    Json live = ctx.runs->Live(tenant, run.id);
    if (live.is_object() && GetBoolOr(live, "running", false)) ++n;
  }
  return n;
}

void MetricsJson(ServerContext& ctx, ApiRequest& r) {
  Json series = ctx.metrics->RenderJson(r.caller.tenant_id);
  // A compact summary per entity on top of the raw series.
  Json records = Json::object();
  for (const char* kind : {"processed", "created", "updated", "skipped", "failed"}) {
    const std::string name = std::string("easysale_records_") + kind + "_total";
    if (!series.contains(name)) continue;
    for (const Json& s : series[name]) {
      records[s["labels"]["entity"].get<std::string>()][kind] = s["value"];
    }
  }
  r.Reply(200, {{"tenant", r.caller.tenant_id},
                {"records", records},
                {"runsInProgress", TenantRunsInProgress(ctx, r.caller.tenant_id)},
                {"series", series}});
}

}  // namespace

void RegisterMetricsRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  Router* rt = &router;
  router.Add("GET", "/health", Access::kPublic, [c, rt](ApiRequest& r) { Health(*c, *rt, r); });
  router.Add("GET", "/metrics", Access::kPublic, [c, rt](ApiRequest& r) { Prometheus(*c, *rt, r); });
  router.Add("GET", "/api/v1/metrics", Access::kUser, [c](ApiRequest& r) { MetricsJson(*c, r); });
}

}  // namespace es::server
