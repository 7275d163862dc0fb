// Connections, credentials and TransformerConfig (SPEC F1, F5, F14).
//
//   GET    /api/v1/connections                              user   list with status
//   POST   /api/v1/connections                              admin  add
//   GET    /api/v1/connections/{id}                         user
//   PATCH  /api/v1/connections/{id}                         admin  name / config (merged; null removes)
//   DELETE /api/v1/connections/{id}                         admin  remove
//   POST   /api/v1/connections/{id}/test                    user   live probe
//   POST   /api/v1/connections/{id}/enable                  admin  only when the probe passes
//   POST   /api/v1/connections/{id}/disable                 admin
//   GET    /api/v1/connections/{id}/credentials             admin  masked
//   PUT    /api/v1/connections/{id}/credentials             admin  write-only (merge; null removes)
//   GET    /api/v1/connections/{id}/transformer-config      user
//   PUT    /api/v1/connections/{id}/transformer-config      admin
#include <algorithm>

#include "common/crypto.h"
#include "http/target_guard.h"
#include "mapping/transformer_config.h"
#include "server/api_util.h"
#include "server/connectivity.h"
#include "server/http_server.h"
#include "server/isolating_store.h"

namespace es::server {
namespace {

Result<store::Connection> Load(ServerContext& ctx, const Caller& who, const std::string& id) {
  auto c = ctx.store->GetConnection(who.tenant_id, id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return Status::NotFound("connection '" + id + "' not found");
  return **c;
}

// The connection as the caller may see it: masked credentials for admins only.
Json View(const store::Connection& c, const ProbeResult* status, const Caller& who) {
  Json j = ConnectionJson(c, status);
  if (!who.admin()) j.erase("credentials");
  return j;
}

// A connection whose stored credentials cannot be decrypted, as the API shows
// it: no credentials, a status saying so and what to do.
Json UnreadableView(const store::Connection& c, const Caller& who) {
  Json j = ConnectionJson(c);
  if (!who.admin()) j.erase("credentials");
  j["status"] = {{"status", "unreadable"},
                 {"category", kCredentialsUnreadable},
                 {"message", IsolatingStore::UnreadableStatus(c.id).message()},
                 {"checkedAt", ""},
                 {"latencyMs", 0},
                 {"cached", false}};
  return j;
}

// Config values that hold URLs the server calls.
constexpr const char* kUrlKeys[] = {"base_url", "api_base", "token_url"};

// Refuses URLs with a user name or password in them (they would be shown to
// every user of the tenant; credentials belong in 'credentials') and URLs
// whose host is an internal address the operator did not allow.
Status CheckConfigUrls(const ServerContext& ctx, const Json& config) {
  if (!config.is_object()) return Status::Ok();
  http::TargetPolicy policy;
  policy.allow_private_targets = ctx.config->allow_private_targets;
  policy.allowed = ctx.config->allowed_targets;
  for (const char* key : kUrlKeys) {
    if (!config.contains(key) || config[key].is_null()) continue;
    if (!config[key].is_string()) return Status::Validation(std::string("config.") + key + " must be a string");
    const std::string url = config[key].get<std::string>();
    auto target = http::ParseUrlTarget(url);
    if (!target.ok()) return Status::Validation(std::string("config.") + key + ": " + target.status().message());
    if (target->has_userinfo) {
      return Status::Validation(std::string("config.") + key +
                                " must not contain a user name or password (user:pass@host); put credentials in "
                                "'credentials', which are stored encrypted and never shown");
    }
    ES_RETURN_IF_ERROR(http::CheckTarget(policy, url, std::string("config.") + key));
  }
  return Status::Ok();
}

// Checks a credentials object: string (or number) values only.
Status CheckCredentials(const Json& creds) {
  if (!creds.is_object()) return Status::Validation("'credentials' must be a JSON object");
  for (auto it = creds.begin(); it != creds.end(); ++it) {
    if (!it->is_string() && !it->is_null() && !IsJsonNumber(*it)) {
      return Status::Validation("credentials field '" + it.key() + "' must be a string");
    }
  }
  return Status::Ok();
}

// Fills QBO defaults from the server configuration.
void QboDefaults(const ServerConfig& cfg, store::Connection& c, Json& secret) {
  if (!c.config.contains("api_base")) c.config["api_base"] = cfg.qbo_api_base;
  if (!c.config.contains("token_url")) c.config["token_url"] = cfg.qbo_token_url;
  if (!c.config.contains("client_id") && !cfg.qbo_client_id.empty()) c.config["client_id"] = cfg.qbo_client_id;
  if (!secret.contains("client_secret") && !cfg.qbo_client_secret.empty()) {
    secret["client_secret"] = cfg.qbo_client_secret;
  }
}

// Probes (forced) and refuses with Conflict when the connection does not work.
Status RequireWorking(ServerContext& ctx, store::Connection c, ProbeResult* out) {
  c.enabled = true;
  *out = ctx.probes->Check(c, true);
  if (out->status == "ok") return Status::Ok();
  return Status::Conflict("connection test failed (" + out->category + "): " + out->message);
}

void ListConnections(ServerContext& ctx, ApiRequest& r) {
  auto list = ctx.store->ListConnections(r.caller.tenant_id);
  if (!list.ok()) return r.Fail(list.status());
  auto unreadable = ctx.isolation->ListUnreadable(r.caller.tenant_id);
  if (!unreadable.ok()) return r.Fail(unreadable.status());
  std::vector<std::pair<std::string, Json>> views;
  for (const auto& c : *list) {
    ProbeResult p = ctx.probes->Check(c, false);
    views.emplace_back(c.id, View(c, &p, r.caller));
  }
  for (const auto& c : *unreadable) views.emplace_back(c.id, UnreadableView(c, r.caller));
  std::stable_sort(views.begin(), views.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::array();
  for (auto& v : views) out.push_back(std::move(v.second));
  r.Reply(200, {{"connections", out}});
}

void CreateConnection(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  store::Connection c;
  c.tenant_id = r.caller.tenant_id;
  c.id = GetStringOr(*body, "id");
  c.kind = GetStringOr(*body, "kind");
  c.name = GetStringOr(*body, "name", c.id);
  if (!ValidId(c.id)) {
    return r.Fail(Status::Validation("'id' must be 1-64 characters of letters, digits, '.', '_' or '-'"));
  }
  if (c.kind != "woo" && c.kind != "qbo") return r.Fail(Status::Validation("'kind' must be \"woo\" or \"qbo\""));
  if (body->contains("config")) {
    if (!(*body)["config"].is_object()) return r.Fail(Status::Validation("'config' must be a JSON object"));
    c.config = (*body)["config"];
  }
  Json secret = Json::object();
  if (body->contains("credentials")) {
    Status s = CheckCredentials((*body)["credentials"]);
    if (!s.ok()) return r.Fail(s);
    for (auto it = (*body)["credentials"].begin(); it != (*body)["credentials"].end(); ++it) {
      if (!it->is_null()) secret[it.key()] = *it;
    }
  }
  if (c.kind == "woo" && GetStringOr(c.config, "base_url").empty()) {
    return r.Fail(Status::Validation("woo connections need config.base_url"));
  }
  if (Status urls = CheckConfigUrls(ctx, c.config); !urls.ok()) return r.Fail(urls);
  if (c.kind == "qbo") QboDefaults(*ctx.config, c, secret);
  c.secret = secret.empty() ? std::string() : DumpJson(secret);
  c.enabled = false;
  c.updated_at_ms = ctx.clock->NowMillis();
  auto existing = ctx.store->GetConnection(c.tenant_id, c.id);
  if (!existing.ok()) return r.Fail(existing.status());
  if (existing->has_value()) return r.Fail(Status::Conflict("connection '" + c.id + "' already exists"));

  auto tenant = ctx.store->GetTenant(c.tenant_id);
  if (tenant.ok() && !tenant->has_value()) (void)ctx.store->PutTenant({c.tenant_id, c.tenant_id, c.updated_at_ms});
  // Stored (disabled) first: a probe may rotate OAuth tokens, which are then saved.
  Status s = ctx.store->PutConnection(c);
  if (!s.ok()) return r.Fail(s);
  ctx.probes->Forget(c.tenant_id, c.id);
  ProbeResult probe;
  const bool enable = GetBoolOr(*body, "enabled", false);
  if (enable) {
    Status works = RequireWorking(ctx, c, &probe);
    if (!works.ok()) {
      (void)ctx.store->DeleteConnection(c.tenant_id, c.id);
      ctx.probes->Forget(c.tenant_id, c.id);
      return r.Fail(works);
    }
    auto fresh = Load(ctx, r.caller, c.id);  // with any rotated tokens
    if (!fresh.ok()) return r.Fail(fresh.status());
    c = *fresh;
    c.enabled = true;
    s = ctx.store->PutConnection(c);
    if (!s.ok()) return r.Fail(s);
  }
  ctx.Audit(r.caller, "connection.create", "connection:" + c.id, {{"kind", c.kind}, {"enabled", c.enabled}});
  r.Reply(201, ConnectionJson(c, enable ? &probe : nullptr));
}

void GetConnection(ServerContext& ctx, ApiRequest& r) {
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok() && c.status().code() == kCredentialsUnreadable) {
    auto row = ctx.isolation->GetUnreadable(r.caller.tenant_id, r.Param("id"));
    if (row.ok() && row->has_value()) return r.Reply(200, UnreadableView(**row, r.caller));
  }
  if (!c.ok()) return r.Fail(c.status());
  ProbeResult p = ctx.probes->Check(*c, false);
  r.Reply(200, View(*c, &p, r.caller));
}

void PatchConnection(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "name" && it.key() != "config") {
      return r.Fail(Status::Validation("field '" + it.key() + "' cannot be changed here (name, config)"));
    }
  }
  if (body->contains("name")) {
    if (!(*body)["name"].is_string()) return r.Fail(Status::Validation("'name' must be a string"));
    c->name = (*body)["name"].get<std::string>();
  }
  if (body->contains("config")) {
    if (!(*body)["config"].is_object()) return r.Fail(Status::Validation("'config' must be a JSON object"));
    if (!c->config.is_object()) c->config = Json::object();
    for (auto it = (*body)["config"].begin(); it != (*body)["config"].end(); ++it) {  // merge; null removes
      if (it->is_null()) c->config.erase(it.key());
      else c->config[it.key()] = *it;
    }
    if (c->kind == "woo" && GetStringOr(c->config, "base_url").empty()) {
      return r.Fail(Status::Validation("woo connections need config.base_url"));
    }
    if (Status urls = CheckConfigUrls(ctx, (*body)["config"]); !urls.ok()) return r.Fail(urls);
  }
  c->updated_at_ms = ctx.clock->NowMillis();
  Status s = ctx.store->PutConnection(*c);
  if (!s.ok()) return r.Fail(s);
  ctx.probes->Forget(c->tenant_id, c->id);
  Json fields = Json::array();
  for (auto it = body->begin(); it != body->end(); ++it) fields.push_back(it.key());
  ctx.Audit(r.caller, "connection.update", "connection:" + c->id, {{"fields", fields}});
  r.Reply(200, ConnectionJson(*c));
}

void DeleteConnection(ServerContext& ctx, ApiRequest& r) {
  const std::string id = r.Param("id");
  Status s = ctx.store->DeleteConnection(r.caller.tenant_id, id);
  if (!s.ok()) return r.Fail(s.IsNotFound() ? Status::NotFound("connection '" + id + "' not found") : s);
  ctx.probes->Forget(r.caller.tenant_id, id);
  ctx.Audit(r.caller, "connection.delete", "connection:" + id);
  r.res.status = 204;
}

void TestConnection(ServerContext& ctx, ApiRequest& r) {
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  store::Connection probe_target = *c;
  probe_target.enabled = true;  // a test probes disabled connections too
  ProbeResult p = ctx.probes->Check(probe_target, true);
  if (!c->enabled) ctx.probes->Forget(c->tenant_id, c->id);
  ctx.Audit(r.caller, "connection.test", "connection:" + c->id, {{"result", p.status}});
  r.Reply(200, {{"id", c->id}, {"status", p.ToJson()}});
}

void SetEnabled(ServerContext& ctx, ApiRequest& r, bool enable) {
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  ProbeResult p;
  if (enable) {
    Status s = RequireWorking(ctx, *c, &p);
    if (!s.ok()) return r.Fail(s);
    c = Load(ctx, r.caller, r.Param("id"));  // with any tokens the probe rotated
    if (!c.ok()) return r.Fail(c.status());
  }
  c->enabled = enable;
  c->updated_at_ms = ctx.clock->NowMillis();
  Status s = ctx.store->PutConnection(*c);
  if (!s.ok()) return r.Fail(s);
  if (!enable) ctx.probes->Forget(c->tenant_id, c->id);
  ctx.Audit(r.caller, enable ? "connection.enable" : "connection.disable", "connection:" + c->id);
  r.Reply(200, ConnectionJson(*c, enable ? &p : nullptr));
}

void GetCredentials(ServerContext& ctx, ApiRequest& r) {
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  r.Reply(200, {{"id", c->id}, {"credentials", MaskCredentials(c->secret)}});
}

void PutCredentials(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  Status check = CheckCredentials(*body);
  if (!check.ok()) return r.Fail(check);
  auto c = Load(ctx, r.caller, r.Param("id"));
  bool replace = false;  // the stored secret does not open: the new credentials replace it whole
  if (!c.ok() && c.status().code() == kCredentialsUnreadable) {
    auto row = ctx.isolation->GetUnreadable(r.caller.tenant_id, r.Param("id"));
    if (row.ok() && row->has_value()) {
      c = **row;
      replace = true;
    }
  }
  if (!c.ok()) return r.Fail(c.status());
  Json secret = Json::object();
  if (!c->secret.empty()) {
    auto parsed = ParseJson(c->secret);
    if (parsed.ok() && parsed->is_object()) secret = *parsed;
  }
  Json changed = Json::array();
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it->is_null()) secret.erase(it.key());
    else secret[it.key()] = *it;
    changed.push_back(it.key());  // names only, never values
  }
  c->secret = secret.empty() ? std::string() : DumpJson(secret);
  c->updated_at_ms = ctx.clock->NowMillis();
  Status s = ctx.store->PutConnection(*c);
  if (!s.ok()) return r.Fail(s);
  ctx.probes->Forget(c->tenant_id, c->id);
  ctx.Audit(r.caller, "credentials.update", "connection:" + c->id, {{"fields", changed}, {"replaced", replace}});
  r.Reply(200, {{"id", c->id}, {"credentials", MaskCredentials(c->secret)}});
}

void GetTransformerConfig(ServerContext& ctx, ApiRequest& r) {
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  auto stored = ctx.store->GetTransformerConfig(r.caller.tenant_id, c->id);
  if (!stored.ok()) return r.Fail(stored.status());
  mapping::TransformerConfig config;
  bool custom = false;
  if (stored->has_value()) {
    auto parsed = mapping::TransformerConfig::FromJson(**stored);
    if (!parsed.ok()) return r.Fail(Status::Internal("the stored TransformerConfig no longer validates"));
    config = *parsed;
    custom = true;
  }
  r.Reply(200, {{"connection", c->id}, {"custom", custom}, {"config", config.ToJson()}});
}

void PutTransformerConfig(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  auto c = Load(ctx, r.caller, r.Param("id"));
  if (!c.ok()) return r.Fail(c.status());
  auto parsed = mapping::TransformerConfig::FromJson(*body);
  if (!parsed.ok()) return r.Fail(Status::Validation(parsed.status().message()));
  Status s = ctx.store->PutTransformerConfig(r.caller.tenant_id, c->id, parsed->ToJson());
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, "transformer_config.update", "connection:" + c->id);
  r.Reply(200, {{"connection", c->id}, {"custom", true}, {"config", parsed->ToJson()}});
}

}  // namespace

void RegisterConnectionRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  const std::string base = "/api/v1/connections";
  router.Add("GET", base, Access::kUser, [c](ApiRequest& r) { ListConnections(*c, r); });
  router.Add("POST", base, Access::kAdmin, [c](ApiRequest& r) { CreateConnection(*c, r); });
  router.Add("GET", base + "/{id}", Access::kUser, [c](ApiRequest& r) { GetConnection(*c, r); });
  router.Add("PATCH", base + "/{id}", Access::kAdmin, [c](ApiRequest& r) { PatchConnection(*c, r); });
  router.Add("DELETE", base + "/{id}", Access::kAdmin, [c](ApiRequest& r) { DeleteConnection(*c, r); });
  router.Add("POST", base + "/{id}/test", Access::kUser, [c](ApiRequest& r) { TestConnection(*c, r); });
  router.Add("POST", base + "/{id}/enable", Access::kAdmin, [c](ApiRequest& r) { SetEnabled(*c, r, true); });
  router.Add("POST", base + "/{id}/disable", Access::kAdmin, [c](ApiRequest& r) { SetEnabled(*c, r, false); });
  router.Add("GET", base + "/{id}/credentials", Access::kAdmin, [c](ApiRequest& r) { GetCredentials(*c, r); });
  router.Add("PUT", base + "/{id}/credentials", Access::kAdmin, [c](ApiRequest& r) { PutCredentials(*c, r); });
  router.Add("GET", base + "/{id}/transformer-config", Access::kUser,
             [c](ApiRequest& r) { GetTransformerConfig(*c, r); });
  router.Add("PUT", base + "/{id}/transformer-config", Access::kAdmin,
             [c](ApiRequest& r) { PutTransformerConfig(*c, r); });
}

}  // namespace es::server
