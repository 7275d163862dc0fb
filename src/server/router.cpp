#include "server/router.h"

#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

#include "common/crypto.h"
#include "server/auth/session_cookie.h"
#include "server/http_server.h"
#include "server/log.h"

namespace es::server {

const char* AccessName(Access a) {
  switch (a) {
    case Access::kPublic: return "public";
    case Access::kUser: return "user";
    case Access::kAdmin: return "admin";
  }
  return "admin";
}

int HttpStatusFor(const Status& s) {
  switch (s.category()) {
    case ErrorCategory::kOk: return 200;
    case ErrorCategory::kAuthentication: return 401;
    case ErrorCategory::kRateLimit: return 429;
    case ErrorCategory::kValidation: return 400;
    case ErrorCategory::kNotFound: return 404;
    case ErrorCategory::kConflict: return 409;
    case ErrorCategory::kNetwork: return 503;
    case ErrorCategory::kInternal: return 500;
  }
  return 500;
}

void WriteError(httplib::Response& res, int http_status, const Status& s) {
  res.status = http_status;
  const std::string category = http_status == 403 ? "forbidden" : std::string(CategoryName(s.category()));
  Json body = {{"error", {{"category", category}, {"message", s.message()}}}};
  if (s.IsRateLimit()) {
    int64_t secs = s.retry_after_ms().has_value() ? (*s.retry_after_ms() + 999) / 1000 : 1;
    if (secs < 1) secs = 1;
    res.set_header("Retry-After", std::to_string(secs));
  }
  if (http_status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"easysale\"");
  res.set_content(DumpJson(body), "application/json");
}

// ---- ApiRequest --------------------------------------------------------------

std::string ApiRequest::Param(const std::string& name) const {
  for (size_t i = 0; i < param_names_.size(); ++i) {
    if (param_names_[i] == name && i + 1 < http.matches.size()) return http.matches[i + 1].str();
  }
  return "";
}

std::string ApiRequest::Query(const std::string& name) const {
  return http.has_param(name.c_str()) ? http.get_param_value(name.c_str()) : std::string();
}

Result<Json> ApiRequest::JsonBody() const {
  if (http.body.empty()) return Json::object();
  auto j = ParseJson(http.body);
  if (!j.ok()) return Status::Validation("request body is not valid JSON: " + j.status().message());
  if (!j->is_object()) return Status::Validation("request body must be a JSON object");
  return j;
}

void ApiRequest::Reply(int status, const Json& body) {
  res.status = status;
  if (sandbox && body.is_object() && !body.contains("sandbox")) {
    Json marked = body;
    marked["sandbox"] = true;
    res.set_content(DumpJson(marked), "application/json");
    return;
  }
  res.set_content(DumpJson(body), "application/json");
}

void ApiRequest::ReplyText(int status, const std::string& body, const std::string& content_type) {
  res.status = status;
  res.set_content(body, content_type.c_str());
}

void ApiRequest::Fail(const Status& s) { WriteError(res, HttpStatusFor(s), s); }
void ApiRequest::Fail(int http_status, const Status& s) { WriteError(res, http_status, s); }

// ---- rate limiter ------------------------------------------------------------

struct Router::Limiter {
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  std::mutex mu;
  std::map<std::string, Bucket> buckets;  // guarded by mu

  // True when a request of `tenant` may pass now; else *retry_ms is the wait.
  bool Take(const std::string& tenant, double rate, double burst, int64_t now_ms, int64_t* retry_ms) {
    std::lock_guard lock(mu);
    auto [it, fresh] = buckets.try_emplace(tenant);
    Bucket& b = it->second;
    if (fresh) {
      b.tokens = burst;
      b.at_ms = now_ms;
    }
    b.tokens = std::min(burst, b.tokens + rate * static_cast<double>(std::max<int64_t>(0, now_ms - b.at_ms)) / 1000.0);
    b.at_ms = now_ms;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    *retry_ms = static_cast<int64_t>(std::ceil((1 - b.tokens) * 1000.0 / rate));
    return false;
  }
};

// ---- Router ------------------------------------------------------------------

Router::Router(ServerContext& ctx, httplib::Server& http) : ctx_(ctx), http_(http), limiter_(new Limiter) {}
Router::~Router() = default;

Result<Caller> Router::Authenticate(const httplib::Request& req) const {
  if (!req.has_header("Authorization")) {
    const std::string sid = auth::CookieValue(req.get_header_value("Cookie"), auth::kSessionCookie);
    if (sid.empty()) return Status::Authentication("missing bearer token");
    auto session = ctx_.store->GetSession(auth::SessionIdHash(sid), ctx_.clock->NowMillis());
    if (!session.ok()) return Status::Internal("cannot read the session");
    if (!session->has_value() || (*session)->kind != "session") {
      return Status::Authentication("session expired or signed out");
    }
    auto role = auth::ParseRole((*session)->role);
    if (!role) return Status::Authentication("session has no valid role");
    Caller c;
    c.user_id = (*session)->user_id;
    c.tenant_id = (*session)->tenant_id;
    c.role = *role;
    c.via_session = true;
    c.csrf_token = (*session)->csrf_token;
    return c;
  }
  const std::string header = req.get_header_value("Authorization");
  ES_ASSIGN_OR_RETURN(std::string_view token, auth::ExtractBearerToken(header));
  ES_ASSIGN_OR_RETURN(auth::Claims claims, ctx_.verifier->Verify(token));
  if (claims.sub.empty() || claims.tenant.empty()) {
    return Status::Authentication("token has no user (sub) or tenant (tenant_id)");
  }
  Caller c;
  c.user_id = claims.sub;
  c.tenant_id = claims.tenant;
  c.role = claims.role;
  return c;
}

namespace {

// A state-changing request made with the session cookie carries the
// session's CSRF token in its header (compared in constant time).
bool CsrfTokenMatches(const httplib::Request& req, const Caller& caller) {
  if (caller.csrf_token.empty() || !req.has_header(auth::kCsrfHeader)) return false;
  return crypto::ConstantTimeEquals(req.get_header_value(auth::kCsrfHeader), caller.csrf_token);
}

// "/a/{id}/b" → regex "/a/([^/]+)/b" and names {"id"}.
std::string TemplateToRegex(const std::string& path, std::vector<std::string>* names) {
  std::string re;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '{') {
      size_t end = path.find('}', i);
      names->push_back(path.substr(i + 1, end - i - 1));
      re += "([^/]+)";
      i = end;
    } else if (std::string(".^$|()[]*+?\\").find(c) != std::string::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  return re;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& path, Access access, ApiHandler handler) {
  routes_.push_back({method, path, access});
  std::vector<std::string> names;
  const std::string pattern = TemplateToRegex(path, &names);
  ServerContext* ctx = &ctx_;
  Router* self = this;
  auto wrapped = [ctx, self, method, path, access, names, handler](const httplib::Request& req,
                                                                    httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest r(req, res, names);
    bool run = true;
    if (access != Access::kPublic) {
      auto caller = self->Authenticate(req);
      if (!caller.ok()) {
        WriteError(res, caller.status().IsAuthentication() ? 401 : 500, caller.status());
        run = false;
      } else {
        r.caller = *caller;
        int64_t retry_ms = 0;
        if (r.caller.via_session && method != "GET" && !CsrfTokenMatches(req, r.caller)) {
          WriteError(res, 403, Status::Authentication("missing or wrong CSRF token (X-CSRF-Token header)"));
          run = false;
        } else if (access == Access::kAdmin && !r.caller.admin()) {
          WriteError(res, 403, Status::Authentication("this operation needs the admin role"));
          run = false;
        } else if (!self->limiter_->Take(r.caller.tenant_id, ctx->config->api_rate_per_s, ctx->config->api_burst,
                                         ctx->clock->NowMillis(), &retry_ms)) {
          WriteError(res, 429, Status::RateLimit("too many API requests for this tenant", retry_ms));
          ctx->metrics->Add("easysale_api_rate_limited_total", {{"tenant", r.caller.tenant_id}});
          run = false;
        }
      }
    }
    if (run) {
      if (access != Access::kPublic) {
        auto sandbox = ctx->store->SandboxMode(r.caller.tenant_id);
        r.sandbox = sandbox.ok() && *sandbox;
        if (r.sandbox) res.set_header("X-EasySale-Sandbox", "on");
      }
      try {
        handler(r);
      } catch (const std::exception&) {
        WriteError(res, 500, Status::Internal("internal error"));
      }
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ctx->metrics->Add("easysale_http_requests_total",
                      {{"method", method}, {"route", path}, {"code", std::to_string(res.status)}});
    Log(res.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "http",
        {{"method", method},
         {"path", req.path},
         {"route", path},
         {"status", res.status},
         {"ms", static_cast<int64_t>(ms)},
         {"tenant", r.caller.tenant_id},
         {"user", r.caller.user_id}});
  };
  if (method == "GET") http_.Get(pattern, wrapped);
  else if (method == "POST") http_.Post(pattern, wrapped);
  else if (method == "PUT") http_.Put(pattern, wrapped);
  else if (method == "PATCH") http_.Patch(pattern, wrapped);
  else if (method == "DELETE") http_.Delete(pattern, wrapped);
}

}  // namespace es::server
