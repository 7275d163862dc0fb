#include "server/api_auth.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "common/clock.h"
#include "common/crypto.h"
#include "server/api_util.h"
#include "server/auth/login_throttle.h"
#include "server/auth/session_cookie.h"
#include "server/http_server.h"
#include "server/log.h"

namespace es::server {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool SecureCookies(const ServerContext& ctx, const httplib::Request& req) {
  return req.get_header_value("X-Forwarded-Proto") == "https" ||
         ctx.config->oauth_redirect_uri.rfind("https://", 0) == 0;
}

bool IsForm(const httplib::Request& req) {
  return Lower(req.get_header_value("Content-Type")).rfind("application/x-www-form-urlencoded", 0) == 0;
}

// Creates a session for the user and sets both cookies; returns the CSRF token.
Result<store::UserSession> StartSession(ServerContext& ctx, ApiRequest& r, const std::string& tenant,
                                        const std::string& user, const std::string& role) {
  const std::string sid = crypto::RandomHex(32);
  store::UserSession s;
  s.id_hash = auth::SessionIdHash(sid);
  s.tenant_id = tenant;
  s.user_id = user;
  s.role = role;
  s.kind = "session";
  s.csrf_token = crypto::RandomHex(32);
  s.created_at_ms = ctx.clock->NowMillis();
  s.expires_at_ms = s.created_at_ms + kSessionTtlMs;
  ES_RETURN_IF_ERROR(ctx.store->PutSession(s));
  (void)ctx.store->PurgeSessions(s.created_at_ms);
  const bool secure = SecureCookies(ctx, r.http);
  const int64_t age = kSessionTtlMs / 1000;
  r.res.set_header("Set-Cookie", auth::SetCookie(auth::kSessionCookie, sid, age, true, secure));
  r.res.set_header("Set-Cookie", auth::SetCookie(auth::kCsrfCookie, s.csrf_token, age, false, secure));
  r.res.set_header("Cache-Control", "no-store");
  return s;
}

void Login(ServerContext& ctx, auth::LoginThrottle& throttle, ApiRequest& r) {
  std::string tenant, email, password;
  const bool form = IsForm(r.http);
  if (form) {
    const std::string cookie = auth::CookieValue(r.http.get_header_value("Cookie"), auth::kLoginCookie);
    const std::string field = r.Query("csrf");
    if (cookie.empty() || !crypto::ConstantTimeEquals(cookie, field)) {
      return r.Fail(403, Status::Authentication("the sign-in form's token is missing or wrong: reload the page"));
    }
    tenant = r.Query("tenant");
    email = r.Query("email");
    password = r.Query("password");
  } else {
    if (Lower(r.http.get_header_value("Content-Type")).rfind("application/json", 0) != 0) {
      return r.Fail(Status::Validation("send JSON (Content-Type: application/json) or the sign-in form"));
    }
    auto body = r.JsonBody();
    if (!body.ok()) return r.Fail(body.status());
    tenant = GetStringOr(*body, "tenant");
    email = GetStringOr(*body, "email");
    password = GetStringOr(*body, "password");
  }
  email = Lower(email);
  if (tenant.empty()) return r.Fail(Status::Validation("'tenant' is required"));
  if (email.empty()) return r.Fail(Status::Validation("'email' is required"));
  if (password.empty()) return r.Fail(Status::Validation("'password' is required"));

  const std::string account = tenant + "/" + email;
  const std::string address = r.http.remote_addr;
  if (int64_t wait = throttle.RetryAfterMs(account, address); wait > 0) {
    Log(LogLevel::kWarn, "login_throttled", {{"tenant", tenant}});
    return r.Fail(429, Status::RateLimit("too many failed sign-ins: try again later", wait));
  }
  auto user = ctx.store->GetUser(tenant, email);
  if (!user.ok()) return r.Fail(500, Status::Internal("cannot read users"));
  bool ok = false;
  if (user->has_value()) {
    ok = auth::VerifyPassword((*user)->password_hash, password);
  } else {
    auth::VerifyNoUser(password);
  }
  if (!ok) {
    throttle.RecordFailure(account, address);
    Log(LogLevel::kWarn, "login_failed", {{"tenant", tenant}});
    return r.Fail(401, Status::Authentication("wrong tenant, email or password"));
  }
  throttle.RecordSuccess(account);
  auto s = StartSession(ctx, r, tenant, email, (*user)->role);
  if (!s.ok()) return r.Fail(500, Status::Internal("cannot start a session"));
  Caller who;
  who.tenant_id = tenant;
  who.user_id = email;
  ctx.Audit(who, "auth.login", "user:" + email);
  if (form) {
    r.res.status = 303;
    r.res.set_header("Location", "/");
    return;
  }
  r.Reply(200, {{"tenant", tenant},
                {"user", email},
                {"role", s->role},
                {"csrfToken", s->csrf_token},
                {"expiresAt", FormatIso8601Utc(s->expires_at_ms)}});
}

void ClearCookies(ServerContext& ctx, ApiRequest& r) {
  const bool secure = SecureCookies(ctx, r.http);
  r.res.set_header("Set-Cookie", auth::SetCookie(auth::kSessionCookie, "", 0, true, secure));
  r.res.set_header("Set-Cookie", auth::SetCookie(auth::kCsrfCookie, "", 0, false, secure));
}

void Logout(ServerContext& ctx, ApiRequest& r) {
  const std::string sid = auth::CookieValue(r.http.get_header_value("Cookie"), auth::kSessionCookie);
  if (!sid.empty()) {
    const std::string hash = auth::SessionIdHash(sid);
    auto s = ctx.store->GetSession(hash, ctx.clock->NowMillis());
    if (!s.ok()) return r.Fail(500, Status::Internal("cannot read the session"));
    if (s->has_value()) {
      const std::string header = r.http.get_header_value(auth::kCsrfHeader);
      if (header.empty() || !crypto::ConstantTimeEquals(header, (*s)->csrf_token)) {
        return r.Fail(403, Status::Authentication("missing or wrong CSRF token (X-CSRF-Token header)"));
      }
      (void)ctx.store->DeleteSession(hash);
      Caller who;
      who.tenant_id = (*s)->tenant_id;
      who.user_id = (*s)->user_id;
      ctx.Audit(who, "auth.logout", "user:" + who.user_id);
    }
  }
  ClearCookies(ctx, r);
  r.res.status = 204;
}

void Link(ServerContext& ctx, ApiRequest& r) {
  const std::string token = r.Query("token");
  if (token.empty()) return r.Fail(400, Status::Validation("sign-in link without 'token'"));
  const std::string hash = auth::SessionIdHash(token);
  auto s = ctx.store->GetSession(hash, ctx.clock->NowMillis());
  if (!s.ok()) return r.Fail(500, Status::Internal("cannot read the sign-in link"));
  if (!s->has_value() || (*s)->kind != "link") {
    return r.Fail(400, Status::Validation("this sign-in link is unknown, expired or already used"));
  }
  auto consumed = ctx.store->DeleteSession(hash);
  if (!consumed.ok() || !*consumed) {
    return r.Fail(400, Status::Validation("this sign-in link is unknown, expired or already used"));
  }
  auto started = StartSession(ctx, r, (*s)->tenant_id, (*s)->user_id, (*s)->role);
  if (!started.ok()) return r.Fail(500, Status::Internal("cannot start a session"));
  Caller who;
  who.tenant_id = (*s)->tenant_id;
  who.user_id = (*s)->user_id;
  ctx.Audit(who, "auth.login", "user:" + who.user_id, {{"via", "link"}});
  r.res.status = 303;
  r.res.set_header("Location", "/");
}

void WhoAmI(ApiRequest& r) {
  Json out = {{"tenant", r.caller.tenant_id},
              {"user", r.caller.user_id},
              {"role", std::string(auth::RoleName(r.caller.role))},
              {"auth", r.caller.via_session ? "session" : "bearer"}};
  if (r.caller.via_session) out["csrfToken"] = r.caller.csrf_token;
  r.res.set_header("Cache-Control", "no-store");
  r.Reply(200, out);
}

}  // namespace

Status AddUser(store::StateStore& store, const std::string& tenant, const std::string& email_in,
               const std::string& role, const std::string& password, int64_t now_ms, auth::HashCost cost) {
  const std::string email = Lower(email_in);
  if (tenant.empty()) return Status::Validation("tenant is required");
  const size_t at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find_first_of(" \t\r\n/") != std::string::npos) {
    return Status::Validation("email '" + email + "' is not an email address");
  }
  if (role != "admin" && role != "user") return Status::Validation("role must be admin or user");
  ES_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password, cost));
  ES_ASSIGN_OR_RETURN(auto existing, store.GetUser(tenant, email));
  store::User u{tenant, email, role, hash, existing.has_value() ? existing->created_at_ms : now_ms, now_ms};
  return store.PutUser(u);
}

Result<std::string> IssueSignInLink(store::StateStore& store, const std::string& tenant, const std::string& email_in,
                                    int64_t now_ms) {
  const std::string email = Lower(email_in);
  ES_ASSIGN_OR_RETURN(auto user, store.GetUser(tenant, email));
  if (!user.has_value()) return Status::NotFound("user " + email + " not found in tenant " + tenant);
  const std::string token = crypto::RandomHex(32);
  store::UserSession s;
  s.id_hash = auth::SessionIdHash(token);
  s.tenant_id = tenant;
  s.user_id = email;
  s.role = user->role;
  s.kind = "link";
  s.csrf_token = crypto::RandomHex(16);
  s.created_at_ms = now_ms;
  s.expires_at_ms = now_ms + kSignInLinkTtlMs;
  ES_RETURN_IF_ERROR(store.PutSession(s));
  return token;
}

void RegisterAuthRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  auto throttle = std::make_shared<auth::LoginThrottle>(*ctx.clock);
  router.Add("POST", "/auth/login", Access::kPublic, [c, throttle](ApiRequest& r) { Login(*c, *throttle, r); });
  router.Add("POST", "/auth/logout", Access::kPublic, [c](ApiRequest& r) { Logout(*c, r); });
  router.Add("GET", "/auth/link", Access::kPublic, [c](ApiRequest& r) { Link(*c, r); });
  router.Add("GET", "/api/v1/session", Access::kUser, [](ApiRequest& r) { WhoAmI(r); });
}

}  // namespace es::server
