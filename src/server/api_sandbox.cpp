// Sandbox mode per tenant (SPEC F10; engine/sandbox_mode.h).
//
//   GET /api/v1/sandbox-mode   user   {"enabled", "qboApiBase", "warehouseSchemas":{connection: schema}}
//   PUT /api/v1/sandbox-mode   admin  {"enabled": bool} → the same view; audited ("sandbox_mode.set")
//
// While it is on, every API answer of the tenant carries the header
// X-EasySale-Sandbox: on and the field "sandbox": true (router.h).
#include "engine/sandbox_mode.h"
#include "server/api_util.h"
#include "server/http_server.h"

namespace es::server {
namespace {

// What the tenant's runs use in the current mode.
Result<Json> View(ServerContext& ctx, const std::string& tenant) {
  ES_ASSIGN_OR_RETURN(bool on, ctx.store->SandboxMode(tenant));
  ES_ASSIGN_OR_RETURN(auto connections, ctx.store->ListConnections(tenant));
  Json qbo = Json::object();
  Json schemas = Json::object();
  for (const auto& c : connections) {
    const store::Connection run = engine::SandboxConnection(c, on);
    if (c.kind == "qbo") qbo[c.id] = GetStringOr(run.config, "api_base", ctx.config->qbo_api_base);
    if (c.kind == "supabase") schemas[c.id] = GetStringOr(run.config, "schema", engine::kDefaultWarehouseSchema);
  }
  return Json{{"enabled", on}, {"qboApiBase", qbo}, {"warehouseSchemas", schemas}};
}

void Get(ServerContext& ctx, ApiRequest& r) {
  auto v = View(ctx, r.caller.tenant_id);
  if (!v.ok()) return r.Fail(v.status());
  r.Reply(200, *v);
}

void Put(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "enabled") return r.Fail(Status::Validation("unknown field '" + it.key() + "'"));
  if (!body->contains("enabled") || !(*body)["enabled"].is_boolean())
    return r.Fail(Status::Validation("'enabled' is required: true or false"));
  const bool on = (*body)["enabled"].get<bool>();
  Status s = ctx.store->SetSandboxMode(r.caller.tenant_id, on, ctx.clock->NowMillis());
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, "sandbox_mode.set", "tenant:" + r.caller.tenant_id, {{"enabled", on}});
  auto v = View(ctx, r.caller.tenant_id);
  if (!v.ok()) return r.Fail(v.status());
  // The answer reflects the new mode at once.
  r.sandbox = on;
  if (on) r.res.set_header("X-EasySale-Sandbox", "on");
  else r.res.headers.erase("X-EasySale-Sandbox");
  r.Reply(200, *v);
}

}  // namespace

void RegisterSandboxRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/sandbox-mode", Access::kUser, [c](ApiRequest& r) { Get(*c, r); });
  router.Add("PUT", "/api/v1/sandbox-mode", Access::kAdmin, [c](ApiRequest& r) { Put(*c, r); });
}

}  // namespace es::server
