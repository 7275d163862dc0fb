// Router: the authenticated front door of every API route (SPEC F13, F14).
//
// Routes are registered with a path template ("/api/v1/connections/{id}")
// and an access level. For kUser/kAdmin routes the router, before the
// handler runs: verifies the bearer JWT (401 on a missing, malformed,
// expired or badly signed token, with WWW-Authenticate), checks the role
// (403 when a user calls an admin route), and applies the per-tenant rate
// limit (429 with Retry-After). The tenant comes ONLY from the token
// (ApiRequest::caller). kPublic routes (health, webhooks with their own
// signature checks) skip all three.
//
// A dashboard session cookie (server/auth/session_cookie.h) is accepted
// wherever a bearer token is, when the request has no Authorization header:
// the session's tenant, user and role become the Caller. A request made with
// the cookie whose method is not GET must carry the session's CSRF token in
// the X-CSRF-Token header, else 403 (bearer requests are exempt: a browser
// never adds that header on its own). Every answer is JSON; errors are
// {"error":{"category","message"}}; exceptions from a handler become 500
// without details. Access lines go to the server log (path without query).
//
// Registration happens before the server starts (not thread-safe); serving
// is thread-safe. routes() lists what is served, for the OpenAPI check.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "server/auth/jwt.h"

namespace es::server {

struct ServerContext;

enum class Access { kPublic, kUser, kAdmin };
const char* AccessName(Access a);  // "public" / "user" / "admin"

// Who is calling, from the verified token.
struct Caller {
  std::string user_id;    // "sub"
  std::string tenant_id;  // "tenant_id"
  auth::Role role = auth::Role::kUser;
  bool via_session = false;  // authenticated by the dashboard's session cookie
  std::string csrf_token;    // the session's CSRF token (via_session only)
  bool admin() const { return role == auth::Role::kAdmin; }
};

class ApiRequest {
 public:
  ApiRequest(const httplib::Request& http, httplib::Response& res, std::vector<std::string> param_names)
      : http(http), res(res), param_names_(std::move(param_names)) {}

  const httplib::Request& http;
  httplib::Response& res;
  Caller caller;  // empty for kPublic routes
  // The caller's tenant is in sandbox mode (engine/sandbox_mode.h): every
  // answer carries the header X-EasySale-Sandbox: on, and Reply() adds
  // "sandbox": true to JSON objects.
  bool sandbox = false;

  // Path parameter of the template ("id" in /connections/{id}); "" when absent.
  std::string Param(const std::string& name) const;
  // Query parameter; "" when absent.
  std::string Query(const std::string& name) const;
  bool HasQuery(const std::string& name) const { return http.has_param(name.c_str()); }
  // The body as a JSON object (an empty body is {}); Validation otherwise.
  Result<Json> JsonBody() const;

  void Reply(int status, const Json& body);
  void ReplyText(int status, const std::string& body, const std::string& content_type);
  // An error answer with the status mapped from the category (HttpStatusFor).
  void Fail(const Status& s);
  void Fail(int http_status, const Status& s);

 private:
  std::vector<std::string> param_names_;
};

using ApiHandler = std::function<void(ApiRequest&)>;

struct RouteInfo {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;    // template as documented in docs/openapi.yaml
  Access access;
};

// 400 validation, 401 authentication, 404 not_found, 409 conflict, 429
// rate_limit, 503 network, 500 internal.
int HttpStatusFor(const Status& s);
// Writes {"error":{"category","message"}} (+ Retry-After for rate limits).
void WriteError(httplib::Response& res, int http_status, const Status& s);

class Router {
 public:
  Router(ServerContext& ctx, httplib::Server& http);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void Add(const std::string& method, const std::string& path, Access access, ApiHandler handler);
  const std::vector<RouteInfo>& routes() const { return routes_; }
  httplib::Server& http() { return http_; }
  ServerContext& context() { return ctx_; }

  // Verifies the request's bearer token, or else its session cookie (no role
  // check, no CSRF check, no rate limit).
  Result<Caller> Authenticate(const httplib::Request& req) const;

 private:
  struct Limiter;
  ServerContext& ctx_;
  httplib::Server& http_;
  std::vector<RouteInfo> routes_;
  std::unique_ptr<Limiter> limiter_;
};

}  // namespace es::server
