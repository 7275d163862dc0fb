// Tenant settings and users through the API (SPEC F15).
//
//   GET    /api/v1/settings        user   {"timezone","currency","currencySource","seenCurrency",
//                                          "updatedAt","updatedBy"}
//   PUT    /api/v1/settings        admin  {"timezone"?,"currency"?} → the settings as GET answers
//   GET    /api/v1/users           admin  {"users":[{"email","role","createdAt","updatedAt"}]}
//   POST   /api/v1/users           admin  {"email","password","role"} → 201 {"email","role","replaced":false}
//                                         (200 with "replaced":true when the email existed: role and
//                                         password replaced, as `user add` does)
//   DELETE /api/v1/users/{email}   admin  204; ends the user's sessions
//
// timezone is an IANA name checked against the tz database (schedule/cron.h)
// or "" (not chosen: the dashboard uses the browser's zone); currency is an
// ISO 4217 code of three letters or "" (not chosen). currency answers the
// chosen one, else the one seen on the tenant's orders by the last reconcile
// (currencySource "setting" | "orders" | "none"). A bad field answers
// 400 {"error":"invalid_setting"|"invalid_user","field","message"}. Removing
// or demoting the tenant's last admin answers 409 {"error":"last_admin"}.
// Password hashing and user records: server/api_auth.h (AddUser), shared
// with `easysale-sync user`.
#include <algorithm>
#include <cctype>
#include <set>

#include "schedule/cron.h"
#include "server/api_auth.h"
#include "server/http_server.h"

namespace es::server {
namespace {

void BadField(ApiRequest& r, const char* error, const std::string& field, const std::string& message) {
  r.Reply(400, {{"error", error}, {"field", field}, {"message", message}});
}

Json SettingsJson(const std::optional<store::TenantSettings>& s) {
  std::string currency, source = "none", seen;
  if (s.has_value()) {
    seen = s->seen_currency;
    if (!s->currency.empty()) {
      currency = s->currency;
      source = "setting";
    } else if (!seen.empty()) {
      currency = seen;
      source = "orders";
    }
  }
  const bool stored = s.has_value() && s->updated_at_ms > 0;
  return {{"timezone", s.has_value() && !s->timezone.empty() ? Json(s->timezone) : Json()},
          {"currency", currency.empty() ? Json() : Json(currency)},
          {"currencySource", source},
          {"seenCurrency", seen.empty() ? Json() : Json(seen)},
          {"updatedAt", stored ? Json(FormatIso8601Utc(s->updated_at_ms)) : Json()},
          {"updatedBy", stored && !s->updated_by.empty() ? Json(s->updated_by) : Json()}};
}

void GetSettings(ServerContext& ctx, ApiRequest& r) {
  auto s = ctx.store->GetTenantSettings(r.caller.tenant_id);
  if (!s.ok()) return r.Fail(s.status());
  r.Reply(200, SettingsJson(*s));
}

void PutSettings(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "timezone" && it.key() != "currency")
      return BadField(r, "invalid_setting", it.key(), "unknown setting '" + it.key() + "'");
  auto current = ctx.store->GetTenantSettings(r.caller.tenant_id);
  if (!current.ok()) return r.Fail(current.status());
  store::TenantSettings s = current->value_or(store::TenantSettings{});
  s.tenant_id = r.caller.tenant_id;
  if (body->contains("timezone")) {
    const Json& tz = (*body)["timezone"];
    if (!tz.is_string()) return BadField(r, "invalid_setting", "timezone", "timezone must be a string");
    s.timezone = tz.get<std::string>();
    if (!s.timezone.empty()) {
      Status ok = schedule::CheckTimeZone(s.timezone);
      if (!ok.ok()) return BadField(r, "invalid_setting", "timezone", ok.message());
    }
  }
  if (body->contains("currency")) {
    const Json& cur = (*body)["currency"];
    if (!cur.is_string()) return BadField(r, "invalid_setting", "currency", "currency must be a string");
    std::string code = cur.get<std::string>();
    std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::toupper(c); });
    const bool letters = std::all_of(code.begin(), code.end(), [](unsigned char c) { return c >= 'A' && c <= 'Z'; });
    if (!code.empty() && (code.size() != 3 || !letters))
      return BadField(r, "invalid_setting", "currency",
                      "currency must be a three-letter ISO 4217 code such as EUR (or empty for the shop's)");
    s.currency = code;
  }
  s.updated_by = r.caller.user_id;
  s.updated_at_ms = ctx.clock->NowMillis();
  Status put = ctx.store->PutTenantSettings(s);
  if (!put.ok()) return r.Fail(put);
  ctx.Audit(r.caller, "settings.update", "settings", {{"timezone", s.timezone}, {"currency", s.currency}});
  auto saved = ctx.store->GetTenantSettings(r.caller.tenant_id);
  if (!saved.ok()) return r.Fail(saved.status());
  r.Reply(200, SettingsJson(*saved));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Admins of the tenant other than `email`.
Result<int> OtherAdmins(ServerContext& ctx, const std::string& tenant, const std::string& email) {
  auto users = ctx.store->ListUsers(tenant);
  if (!users.ok()) return users.status();
  return static_cast<int>(std::count_if(users->begin(), users->end(),
                                        [&](const store::User& u) { return u.role == "admin" && u.email != email; }));
}

void LastAdmin(ApiRequest& r, const std::string& email, const char* what) {
  r.Reply(409, {{"error", "last_admin"},
                {"message", email + " is the tenant's last admin and cannot be " + what +
                                ": make another user an admin first"}});
}

void ListUsers(ServerContext& ctx, ApiRequest& r) {
  auto users = ctx.store->ListUsers(r.caller.tenant_id);
  if (!users.ok()) return r.Fail(users.status());
  Json out = Json::array();
  for (const auto& u : *users)
    out.push_back({{"email", u.email},
                   {"role", u.role},
                   {"createdAt", FormatIso8601Utc(u.created_at_ms)},
                   {"updatedAt", FormatIso8601Utc(u.updated_at_ms)}});
  r.Reply(200, {{"users", out}});
}

void AddUserRoute(ServerContext& ctx, ApiRequest& r) {
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "email" && it.key() != "password" && it.key() != "role")
      return BadField(r, "invalid_user", it.key(), "unknown field '" + it.key() + "'");
  for (const char* key : {"email", "password", "role"})
    if (!body->contains(key) || !(*body)[key].is_string() || (*body)[key].get<std::string>().empty())
      return BadField(r, "invalid_user", key, std::string(key) + " is required");
  const std::string email = Lower((*body)["email"].get<std::string>());
  const std::string role = (*body)["role"].get<std::string>();
  const std::string password = (*body)["password"].get<std::string>();
  if (role != "admin" && role != "user") return BadField(r, "invalid_user", "role", "role must be admin or user");
  Status policy = auth::CheckPasswordPolicy(password);
  if (!policy.ok()) return BadField(r, "invalid_user", "password", policy.message());
  auto existing = ctx.store->GetUser(r.caller.tenant_id, email);
  if (!existing.ok()) return r.Fail(existing.status());
  const bool replaced = existing->has_value();
  if (replaced && (*existing)->role == "admin" && role != "admin") {
    auto others = OtherAdmins(ctx, r.caller.tenant_id, email);
    if (!others.ok()) return r.Fail(others.status());
    if (*others == 0) return LastAdmin(r, email, "made a user");
  }
  Status s = AddUser(*ctx.store, r.caller.tenant_id, email, role, password, ctx.clock->NowMillis());
  if (s.IsValidation()) {
    const std::string field = s.message().rfind("email", 0) == 0 ? "email" : s.message().rfind("role", 0) == 0 ? "role" : "password";
    return BadField(r, "invalid_user", field, s.message());
  }
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, replaced ? "user.update" : "user.add", "user:" + email, {{"role", role}});
  r.Reply(replaced ? 200 : 201, {{"email", email}, {"role", role}, {"replaced", replaced}});
}

void RemoveUser(ServerContext& ctx, ApiRequest& r) {
  const std::string email = Lower(r.Param("email"));
  auto existing = ctx.store->GetUser(r.caller.tenant_id, email);
  if (!existing.ok()) return r.Fail(existing.status());
  if (!existing->has_value()) return r.Fail(Status::NotFound("no user " + email + " in this tenant"));
  if ((*existing)->role == "admin") {
    auto others = OtherAdmins(ctx, r.caller.tenant_id, email);
    if (!others.ok()) return r.Fail(others.status());
    if (*others == 0) return LastAdmin(r, email, "removed");
  }
  Status s = ctx.store->DeleteUser(r.caller.tenant_id, email);
  if (s.IsNotFound()) return r.Fail(Status::NotFound("no user " + email + " in this tenant"));
  if (!s.ok()) return r.Fail(s);
  ctx.Audit(r.caller, "user.remove", "user:" + email);
  r.res.status = 204;
}

}  // namespace

void RegisterAdminRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/settings", Access::kUser, [c](ApiRequest& r) { GetSettings(*c, r); });
  router.Add("PUT", "/api/v1/settings", Access::kAdmin, [c](ApiRequest& r) { PutSettings(*c, r); });
  router.Add("GET", "/api/v1/users", Access::kAdmin, [c](ApiRequest& r) { ListUsers(*c, r); });
  router.Add("POST", "/api/v1/users", Access::kAdmin, [c](ApiRequest& r) { AddUserRoute(*c, r); });
  router.Add("DELETE", "/api/v1/users/{email}", Access::kAdmin, [c](ApiRequest& r) { RemoveUser(*c, r); });
}

}  // namespace es::server
