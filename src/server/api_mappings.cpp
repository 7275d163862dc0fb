// Declarative field mappings (SPEC F6): versions per tenant and name, with
// rollback, and the preview on a real record from the source.
//
//   GET  /api/v1/mappings                    user   the tenant's mappings (and shipped defaults not yet saved)
//   GET  /api/v1/mappings/{name}             user   the mapping in force (newest version, else the default)
//   PUT  /api/v1/mappings/{name}             admin  body: the mapping file (or {"mapping": …}); a new version
//   GET  /api/v1/mappings/{name}/versions    user   every version, newest first
//   POST /api/v1/mappings/{name}/rollback    admin  {"version": n}: a new version holding version n's file
//   POST /api/v1/mappings/{name}/preview     user   {"mapping"?, "sourceId"?, "connection"?}
// An invalid mapping answers 400 {"error":"invalid_mapping","errors":[{"path","message"}]}.
// PUT and rollback change how every record of the mapping's entity already
// synced is written on its next sync: over the confirmation threshold they
// answer 409 confirmation_required first (server/confirmations.h,
// ConfirmMappingChange); the repeat carries "confirmationToken".
#include <set>

#include "mapping/field_map_qbo.h"
#include "common/clock.h"
#include "server/confirmations.h"
#include "server/http_server.h"
#include "server/mapping_preview.h"

namespace es::server {
namespace {

Json VersionJson(const store::MappingVersion& v, bool with_document) {
  Json j = {{"name", v.name},
            {"entity", v.entity},
            {"target", v.document.value("target", std::string())},
            {"version", v.version},
            {"builtin", v.version == 0},
            {"author", v.author},
            {"note", v.note},
            {"updatedAt", v.created_at_ms > 0 ? FormatIso8601Utc(v.created_at_ms) : ""}};
  if (with_document) j["mapping"] = v.document;
  return j;
}

void InvalidMapping(ApiRequest& r, const std::vector<mapping::MappingError>& errors) {
  r.Reply(400, {{"error", "invalid_mapping"},
                {"message", errors.empty() ? "invalid mapping" : mapping::FormatMappingError(errors.front())},
                {"errors", mapping::MappingErrorsJson(errors)}});
}

bool CheckName(ApiRequest& r, const std::string& name) {
  if (mapping::ValidMappingName(name)) return true;
  InvalidMapping(r, {{"name", "'" + name + "': 1–64 of a-z 0-9 . _ -, starting with a letter or digit"}});
  return false;
}

void List(ServerContext& ctx, ApiRequest& r) {
  auto stored = ctx.store->ListMappings(r.caller.tenant_id);
  if (!stored.ok()) return r.Fail(stored.status());
  Json out = Json::array();
  std::set<std::string> names;
  for (const auto& v : *stored) {
    names.insert(v.name);
    out.push_back(VersionJson(v, false));
  }
  for (const auto& [name, text] : mapping::DefaultMappingFiles()) {
    if (names.count(name)) continue;
    auto v = CurrentMapping(*ctx.store, r.caller.tenant_id, name);
    if (v.ok() && *v) out.push_back(VersionJson(**v, false));
  }
  r.Reply(200, {{"mappings", out}});
}

void Get(ServerContext& ctx, ApiRequest& r) {
  const std::string name = r.Param("name");
  if (!CheckName(r, name)) return;
  auto v = CurrentMapping(*ctx.store, r.caller.tenant_id, name);
  if (!v.ok()) return r.Fail(v.status());
  if (!*v) return r.Fail(Status::NotFound("mapping '" + name + "' not found"));
  r.Reply(200, VersionJson(**v, true));
}

void Put(ServerContext& ctx, ApiRequest& r) {
  const std::string name = r.Param("name");
  if (!CheckName(r, name)) return;
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  Json doc = body->contains("mapping") && (*body)["mapping"].is_object() ? (*body)["mapping"] : *body;
  // The confirmation fields travel in the body, beside the mapping or in it.
  if (doc.is_object())
    for (const char* field : {"confirmationToken", "confirmDestructive"}) doc.erase(field);
  std::vector<mapping::MappingError> errors;
  auto checked = CheckMapping(name, doc, &errors);
  if (!checked.ok()) {
    if (!errors.empty()) return InvalidMapping(r, errors);
    return r.Fail(checked.status());
  }
  if (!ConfirmMappingChange(ctx, r, *body, "mapping.update", name, *checked, doc)) return;
  auto version = SaveMapping(*ctx.store, r.caller.tenant_id, name, doc, r.caller.user_id, "update",
                             ctx.clock->NowMillis(), &errors);
  if (!version.ok()) {
    if (!errors.empty()) return InvalidMapping(r, errors);
    return r.Fail(version.status());
  }
  ctx.Audit(r.caller, "mapping.update", "mapping:" + name,
            {{"version", *version}, {"entity", checked->entity}, {"confirmed", body->contains("confirmationToken")}});
  auto v = ctx.store->GetMappingVersion(r.caller.tenant_id, name, *version);
  if (!v.ok() || !*v) return r.Fail(v.ok() ? Status::Internal("saved mapping version not found") : v.status());
  r.Reply(200, VersionJson(**v, true));
}

void Versions(ServerContext& ctx, ApiRequest& r) {
  const std::string name = r.Param("name");
  if (!CheckName(r, name)) return;
  auto all = ctx.store->ListMappingVersions(r.caller.tenant_id, name);
  if (!all.ok()) return r.Fail(all.status());
  Json out = Json::array();
  for (const auto& v : *all) out.push_back(VersionJson(v, r.Query("documents") == "true"));
  r.Reply(200, {{"name", name}, {"versions", out}});
}

void Rollback(ServerContext& ctx, ApiRequest& r) {
  const std::string name = r.Param("name");
  if (!CheckName(r, name)) return;
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  auto it = body->find("version");
  if (it == body->end() || !it->is_number_integer() || it->get<int64_t>() <= 0)
    return r.Fail(Status::Validation("'version' must be a positive integer"));
  const int64_t wanted = it->get<int64_t>();
  auto old = ctx.store->GetMappingVersion(r.caller.tenant_id, name, wanted);
  if (!old.ok()) return r.Fail(old.status());
  if (!*old) return r.Fail(Status::NotFound("mapping '" + name + "' has no version " + std::to_string(wanted)));
  std::vector<mapping::MappingError> errors;
  Json doc = (*old)->document;
  auto checked = CheckMapping(name, doc, &errors);
  if (!checked.ok()) {
    if (!errors.empty()) return InvalidMapping(r, errors);
    return r.Fail(checked.status());
  }
  if (!ConfirmMappingChange(ctx, r, *body, "mapping.rollback", name, *checked, doc)) return;
  auto version = SaveMapping(*ctx.store, r.caller.tenant_id, name, (*old)->document, r.caller.user_id,
                             "rollback to " + std::to_string(wanted), ctx.clock->NowMillis(), &errors);
  if (!version.ok()) {
    if (!errors.empty()) return InvalidMapping(r, errors);
    return r.Fail(version.status());
  }
  ctx.Audit(r.caller, "mapping.rollback", "mapping:" + name,
            {{"from", wanted}, {"version", *version}, {"entity", checked->entity},
             {"confirmed", body->contains("confirmationToken")}});
  auto v = ctx.store->GetMappingVersion(r.caller.tenant_id, name, *version);
  if (!v.ok() || !*v) return r.Fail(v.ok() ? Status::Internal("saved mapping version not found") : v.status());
  r.Reply(200, VersionJson(**v, true));
}

void Preview(ServerContext& ctx, ApiRequest& r) {
  const std::string name = r.Param("name");
  if (!CheckName(r, name)) return;
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  PreviewInput in;
  in.tenant = r.caller.tenant_id;
  in.name = name;
  if (auto m = body->find("mapping"); m != body->end() && !m->is_null()) in.mapping = *m;
  if (auto s = body->find("sourceId"); s != body->end() && !s->is_null()) in.source_id = ScalarText(*s);
  if (auto c = body->find("connection"); c != body->end() && c->is_string()) in.connection = c->get<std::string>();
  engine::EngineOptions options;
  options.insecure_skip_tls_verify = ctx.config->insecure_skip_tls_verify;
  auto out = PreviewMapping(*ctx.store, *ctx.transport, *ctx.clock, options, in);
  if (!out.ok()) {
    // The source could not be read: not the caller's credentials or network.
    if (out.status().IsAuthentication() || out.status().category() == ErrorCategory::kNetwork ||
        out.status().category() == ErrorCategory::kRateLimit)
      return r.Fail(502, out.status());
    return r.Fail(out.status());
  }
  r.Reply(200, *out);
}

}  // namespace

void RegisterMappingRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/mappings", Access::kUser, [c](ApiRequest& r) { List(*c, r); });
  router.Add("GET", "/api/v1/mappings/{name}", Access::kUser, [c](ApiRequest& r) { Get(*c, r); });
  router.Add("PUT", "/api/v1/mappings/{name}", Access::kAdmin, [c](ApiRequest& r) { Put(*c, r); });
  router.Add("GET", "/api/v1/mappings/{name}/versions", Access::kUser, [c](ApiRequest& r) { Versions(*c, r); });
  router.Add("POST", "/api/v1/mappings/{name}/rollback", Access::kAdmin, [c](ApiRequest& r) { Rollback(*c, r); });
  router.Add("POST", "/api/v1/mappings/{name}/preview", Access::kUser, [c](ApiRequest& r) { Preview(*c, r); });
}

}  // namespace es::server
