// The authorisation matrix (every route × no token / bad signature / expired
// / user / admin / admin of another tenant, exact status codes) and the
// OpenAPI conformance check (docs/openapi.yaml lists exactly the routes the
// server serves, with their roles, and every status the matrix observed is
// documented for its operation).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "integration/server_fixture.h"

namespace es::testing {
namespace {

enum Case { kNoToken, kBadSignature, kExpired, kUser, kAdmin, kOtherTenant, kCases };
const char* const kCaseNames[] = {"no token", "bad signature", "expired", "user", "admin", "other tenant"};

struct RouteCase {
  std::string method;
  std::string path;  // template, as in openapi.yaml
  // Concrete path and body per case (so side effects do not interfere).
  std::function<std::string(Case)> url;
  std::function<std::string(Case)> body;
  int expect[kCases];
};

std::string Fixed(const std::string& s, Case) { return s; }

class AuthzTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fx_ = new ServerFixture();
    ASSERT_TRUE(fx_->Start().ok());
    fx_->AddSandboxConnections("t1");
    // Objects of tenant t1 the routes refer to.
    const std::string admin = fx_->Admin("t1");
    for (const char* id : {"spare", "del-admin", "del-other"}) {
      auto r = fx_->Call("POST", "/api/v1/connections", admin,
                         Json{{"id", id},
                              {"kind", "woo"},
                              {"config", {{"base_url", fx_->woo().base_url()}}},
                              {"credentials",
                               {{"consumer_key", fx_->options().woo.consumer_key},
                                {"consumer_secret", fx_->options().woo.consumer_secret}}}});
      ASSERT_EQ(r.status, 201) << r.body;
    }
    store::SyncRun run;
    run.id = "run-done";
    run.tenant_id = "t1";
    run.source_connection = "woo";
    run.target_connection = "qbo";
    run.entities = {"orders"};
    run.mode = "full";
    run.status = store::RunStatus::kSucceeded;
    run.triggered_by = "alice";
    run.started_at_ms = fx_->clock().NowMillis() - 1000;
    run.finished_at_ms = fx_->clock().NowMillis();
    ASSERT_TRUE(fx_->store().CreateRun(run).ok());
    for (const char* id : {"sch-1", "sch-del-admin", "sch-del-other"}) {
      store::Schedule s;
      s.tenant_id = "t1";
      s.id = id;
      s.cron = "0 2 * * *";
      s.timezone = "UTC";
      ASSERT_TRUE(fx_->store().CreateSchedule(s).ok());
    }
  }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }

  std::string TokenFor(Case c) const {
    switch (c) {
      case kNoToken: return "";
      case kBadSignature: return fx_->Token("t1", "alice", "admin", 3600, "a-different-secret-0123456789abcdef-xyz");
      case kExpired: return fx_->Token("t1", "alice", "admin", -3600);
      case kUser: return fx_->User("t1");
      case kAdmin: return fx_->Admin("t1");
      case kOtherTenant: return fx_->Admin("t2");
      default: return "";
    }
  }

  static std::vector<RouteCase> Routes() {
    auto fixed = [](std::string s) { return [s](Case c) { return Fixed(s, c); }; };
    auto none = fixed("");
    const std::string conn = "/api/v1/connections";
    std::vector<RouteCase> v;
    //                                                                         none bad  exp  user admin other
    v.push_back({"GET", "/health", fixed("/health"), none, {200, 200, 200, 200, 200, 200}});
    v.push_back({"GET", "/metrics", fixed("/metrics"), none, {401, 401, 401, 403, 200, 200}});
    v.push_back({"GET", "/api/v1/metrics", fixed("/api/v1/metrics"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", conn, fixed(conn), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"POST", conn, fixed(conn),
                 [](Case c) {
                   return DumpJson(Json{{"id", std::string("m-") + std::to_string(static_cast<int>(c))},
                                        {"kind", "woo"},
                                        {"config", {{"base_url", "http://127.0.0.1:9"}}}});
                 },
                 {401, 401, 401, 403, 201, 201}});
    v.push_back({"GET", conn + "/{id}", fixed(conn + "/woo"), none, {401, 401, 401, 200, 200, 404}});
    v.push_back({"PATCH", conn + "/{id}", fixed(conn + "/spare"), fixed(R"({"name":"Spare shop"})"),
                 {401, 401, 401, 403, 200, 404}});
    v.push_back({"DELETE", conn + "/{id}",
                 [conn](Case c) { return conn + (c == kOtherTenant ? "/del-other" : "/del-admin"); }, none,
                 {401, 401, 401, 403, 204, 404}});
    v.push_back({"POST", conn + "/{id}/test", fixed(conn + "/woo/test"), none, {401, 401, 401, 200, 200, 404}});
    v.push_back({"POST", conn + "/{id}/disable", fixed(conn + "/spare/disable"), none, {401, 401, 401, 403, 200, 404}});
    v.push_back({"POST", conn + "/{id}/enable", fixed(conn + "/spare/enable"), none, {401, 401, 401, 403, 200, 404}});
    v.push_back({"GET", conn + "/{id}/credentials", fixed(conn + "/spare/credentials"), none,
                 {401, 401, 401, 403, 200, 404}});
    v.push_back({"PUT", conn + "/{id}/credentials", fixed(conn + "/spare/credentials"), fixed(R"({"note":"x"})"),
                 {401, 401, 401, 403, 200, 404}});
    v.push_back({"GET", conn + "/{id}/transformer-config", fixed(conn + "/qbo/transformer-config"), none,
                 {401, 401, 401, 200, 200, 404}});
    v.push_back({"PUT", conn + "/{id}/transformer-config", fixed(conn + "/qbo/transformer-config"),
                 fixed(R"({"payment_terms_days":14})"), {401, 401, 401, 403, 200, 404}});
    v.push_back({"POST", "/api/v1/oauth/qbo/start", fixed("/api/v1/oauth/qbo/start"), fixed(R"({"connection":"qbo"})"),
                 {401, 401, 401, 403, 200, 200}});
    v.push_back({"GET", "/api/v1/oauth/qbo/callback", fixed("/api/v1/oauth/qbo/callback?state=nope&code=c&realmId=1"),
                 none, {401, 401, 401, 403, 400, 400}});
    v.push_back({"POST", "/api/v1/sync", fixed("/api/v1/sync"),
                 fixed(R"({"source":"woo","target":"qbo","entities":["orders"],"dryRun":true,"ids":["1"],)"
                       R"("idempotencyKey":"matrix-key"})"),
                 {401, 401, 401, 202, 202, 404}});
    v.push_back({"GET", "/api/v1/runs", fixed("/api/v1/runs"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/runs/{id}", fixed("/api/v1/runs/run-done"), none, {401, 401, 401, 200, 200, 404}});
    v.push_back({"POST", "/api/v1/runs/{id}/stop", fixed("/api/v1/runs/run-done/stop"), none,
                 {401, 401, 401, 409, 409, 404}});
    v.push_back({"GET", "/api/v1/failed", fixed("/api/v1/failed"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/jobs", fixed("/api/v1/jobs"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/jobs/{id}", fixed("/api/v1/jobs/no-such-job"), none, {401, 401, 401, 404, 404, 404}});
    v.push_back({"POST", "/api/v1/jobs/{id}/cancel", fixed("/api/v1/jobs/no-such-job/cancel"), none,
                 {401, 401, 401, 404, 404, 404}});
    v.push_back({"GET", "/api/v1/sync-policies", fixed("/api/v1/sync-policies"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"PUT", "/api/v1/sync-policies/{entity}", fixed("/api/v1/sync-policies/products"),
                 fixed(R"({"direction":"both","sourceOfTruth":"qbo","strategy":"manual"})"),
                 {401, 401, 401, 403, 200, 200}});
    v.push_back({"POST", "/api/v1/failed/retry", fixed("/api/v1/failed/retry"),
                 fixed(R"({"entity":"order","sourceId":"no-such-order"})"), {401, 401, 401, 404, 404, 404}});
    v.push_back({"POST", "/api/v1/failed/retry-all", fixed("/api/v1/failed/retry-all"), fixed(R"({"target":"none"})"),
                 {401, 401, 401, 403, 202, 202}});
    v.push_back({"GET", "/api/v1/history", fixed("/api/v1/history?entity=order"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/history/export", fixed("/api/v1/history/export?format=csv"), none,
                 {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/audit", fixed("/api/v1/audit"), none, {401, 401, 401, 403, 200, 200}});
    v.push_back({"GET", "/api/v1/sandbox-mode", fixed("/api/v1/sandbox-mode"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"PUT", "/api/v1/sandbox-mode", fixed("/api/v1/sandbox-mode"), fixed(R"({"enabled":false})"),
                 {401, 401, 401, 403, 200, 200}});
    // Webhook receivers are public and check their own signature (none here): 401 whatever the token.
    v.push_back({"POST", "/webhooks/woo/{tenant}/{connection}", fixed("/webhooks/woo/t1/woo"), fixed(R"({"id":1})"),
                 {401, 401, 401, 401, 401, 401}});
    v.push_back({"POST", "/webhooks/qbo/{tenant}/{connection}", fixed("/webhooks/qbo/t1/qbo"), fixed("[]"),
                 {401, 401, 401, 401, 401, 401}});
    v.push_back({"GET", "/api/v1/webhooks", fixed("/api/v1/webhooks"), none, {401, 401, 401, 200, 200, 200}});
    const std::string maps = "/api/v1/mappings";
    v.push_back({"GET", maps, fixed(maps), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", maps + "/{name}", fixed(maps + "/order"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"PUT", maps + "/{name}", fixed(maps + "/matrix"),
                 fixed(R"({"entity":"order","target":"qbo","rules":[{"source":"number","target":"PrivateNote"}]})"),
                 {401, 401, 401, 403, 200, 200}});
    v.push_back({"GET", maps + "/{name}/versions", fixed(maps + "/order/versions"), none,
                 {401, 401, 401, 200, 200, 200}});
    v.push_back({"POST", maps + "/{name}/rollback", fixed(maps + "/never-saved/rollback"), fixed(R"({"version":1})"),
                 {401, 401, 401, 403, 404, 404}});
    v.push_back({"POST", maps + "/{name}/preview", fixed(maps + "/order/preview"), fixed(R"({"connection":"nope"})"),
                 {401, 401, 401, 404, 404, 404}});
    v.push_back({"PUT", "/api/v1/webhooks/settings", fixed("/api/v1/webhooks/settings"), fixed(R"({"enabled":true})"),
                 {401, 401, 401, 403, 200, 200}});
    const std::string sched = "/api/v1/schedules";
    v.push_back({"GET", sched, fixed(sched), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"POST", sched, fixed(sched), fixed(R"({"name":"Nightly","cron":"0 2 * * *","timezone":"Europe/Berlin"})"),
                 {401, 401, 401, 403, 201, 201}});
    v.push_back({"GET", sched + "/{id}", fixed(sched + "/sch-1"), none, {401, 401, 401, 200, 200, 404}});
    v.push_back({"PUT", sched + "/{id}", fixed(sched + "/sch-1"), fixed(R"({"cron":"@hourly"})"),
                 {401, 401, 401, 403, 200, 404}});
    v.push_back({"DELETE", sched + "/{id}",
                 [sched](Case c) { return sched + (c == kOtherTenant ? "/sch-del-other" : "/sch-del-admin"); }, none,
                 {401, 401, 401, 403, 204, 404}});
    // Dashboard sign-in (server_session_test.cpp covers the cookie side).
    v.push_back({"POST", "/auth/login", fixed("/auth/login"), fixed("{}"), {400, 400, 400, 400, 400, 400}});
    v.push_back({"POST", "/auth/logout", fixed("/auth/logout"), none, {204, 204, 204, 204, 204, 204}});
    v.push_back({"GET", "/auth/link", fixed("/auth/link?token=nope"), none, {400, 400, 400, 400, 400, 400}});
    v.push_back({"GET", "/api/v1/session", fixed("/api/v1/session"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"GET", "/api/v1/conflicts", fixed("/api/v1/conflicts"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"POST", "/api/v1/conflicts/{id}/resolve", fixed("/api/v1/conflicts/999999/resolve"),
                 fixed(R"({"take":"woo"})"), {401, 401, 401, 404, 404, 404}});
    const std::string notifications = "/api/v1/notifications";
    v.push_back({"GET", notifications, fixed(notifications), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"PUT", notifications, fixed(notifications), fixed(R"({"rateLimitMinutes":10})"),
                 {401, 401, 401, 403, 200, 200}});
    // No target configured: nothing to send.
    v.push_back({"POST", notifications + "/test", fixed(notifications + "/test"), none,
                 {401, 401, 401, 403, 400, 400}});
    // Reconcile against the sandboxes (t2 has no connection named woo: 404); the fix of an order needing none is a no-op.
    v.push_back({"GET", "/api/v1/reconcile", fixed("/api/v1/reconcile?limit=5&source=woo&target=qbo"), none,
                 {401, 401, 401, 200, 200, 404}});
    v.push_back({"POST", "/api/v1/reconcile/fix", fixed("/api/v1/reconcile/fix"),
                 fixed(R"({"orderIds":["nope"],"source":"woo","target":"qbo"})"),
                 {401, 401, 401, 403, 200, 404}});
    v.push_back({"GET", "/api/v1/settings", fixed("/api/v1/settings"), none, {401, 401, 401, 200, 200, 200}});
    v.push_back({"PUT", "/api/v1/settings", fixed("/api/v1/settings"), fixed(R"({"timezone":"Europe/Berlin"})"),
                 {401, 401, 401, 403, 200, 200}});
    const std::string users = "/api/v1/users";
    v.push_back({"GET", users, fixed(users), none, {401, 401, 401, 403, 200, 200}});
    v.push_back({"POST", users, fixed(users), [](Case c) {
                   return std::string(R"({"password":"long enough secret","role":"user","email":")") +
                          (c == kOtherTenant ? "erin" : "carol") + "@example.com\"}";
                 },
                 {401, 401, 401, 403, 201, 201}});
    // The other tenant cannot remove t1's carol.
    v.push_back({"DELETE", users + "/{email}", fixed(users + "/carol@example.com"), none,
                 {401, 401, 401, 403, 204, 404}});
    return v;
  }

  static ServerFixture* fx_;
  // Observed (method path) → statuses, for the OpenAPI check.
  static std::map<std::string, std::set<int>>& Observed() {
    static std::map<std::string, std::set<int>> m;
    return m;
  }
};

ServerFixture* AuthzTest::fx_ = nullptr;

Result<Json> LoadOpenApi() {
  std::ifstream in(std::string(ES_SOURCE_DIR) + "/docs/openapi.yaml");
  if (!in) return Status::NotFound("docs/openapi.yaml not found");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseJson(ss.str());  // the file is JSON text (valid YAML)
}

TEST_F(AuthzTest, EveryRouteTimesEveryCallerGetsTheExactStatus) {
  std::set<std::string> covered;
  for (const RouteCase& rc : Routes()) {
    covered.insert(rc.method + " " + rc.path);
    for (int c = 0; c < kCases; ++c) {
      const Case k = static_cast<Case>(c);
      auto r = fx_->Call(rc.method, rc.url(k), TokenFor(k), rc.body(k));
      EXPECT_EQ(r.status, rc.expect[c]) << rc.method << " " << rc.url(k) << " as " << kCaseNames[c] << ": " << r.body;
      Observed()[rc.method + " " + rc.path].insert(r.status);
      if (r.status >= 400) {
        // Errors are JSON {"error":{"category","message"}}.
        EXPECT_TRUE(r.json.is_object() && r.json.contains("error") && r.json["error"].contains("category") &&
                    r.json["error"].contains("message"))
            << rc.method << " " << rc.path << ": " << r.body;
      }
      if (r.status == 401) {
        EXPECT_NE(r.Header("WWW-Authenticate"), "") << rc.path;
      }
    }
  }
  // Every served route is in the matrix.
  for (const auto& route : fx_->server().routes()) {
    EXPECT_TRUE(covered.count(route.method + " " + route.path)) << "not in the matrix: " << route.method << " "
                                                                << route.path;
  }
  // Side effects the matrix relied on: the other tenant deleted nothing.
  auto still = fx_->Call("GET", "/api/v1/connections/del-other", fx_->Admin("t1"));
  EXPECT_EQ(still.status, 200);
  auto gone = fx_->Call("GET", "/api/v1/connections/del-admin", fx_->Admin("t1"));
  EXPECT_EQ(gone.status, 404);
  // The other tenant's connection list shows only its own (one created in the matrix).
  auto other = fx_->Call("GET", "/api/v1/connections", fx_->Admin("t2"));
  ASSERT_EQ(other.status, 200);
  for (const auto& c : other.json["connections"]) EXPECT_EQ(c["id"], "m-5") << other.body;
}

TEST_F(AuthzTest, OpenApiDocumentsExactlyTheServedRoutesAndStatuses) {
  auto doc = LoadOpenApi();
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_TRUE(doc->contains("paths"));
  std::map<std::string, Json> documented;  // "GET /path" → operation
  for (auto p = (*doc)["paths"].begin(); p != (*doc)["paths"].end(); ++p) {
    for (auto m = p.value().begin(); m != p.value().end(); ++m) {
      std::string method = m.key();
      for (char& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented[method + " " + p.key()] = m.value();
    }
  }
  std::set<std::string> served;
  for (const auto& route : fx_->server().routes()) {
    const std::string key = route.method + " " + route.path;
    served.insert(key);
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "served but not documented in docs/openapi.yaml: " << key;
      continue;
    }
    EXPECT_EQ(GetStringOr(it->second, "x-role"), server::AccessName(route.access)) << key;
    const bool secured = it->second.contains("security");
    EXPECT_EQ(secured, route.access != server::Access::kPublic) << key;
  }
  for (const auto& [key, op] : documented) {
    EXPECT_TRUE(served.count(key)) << "documented but not served: " << key;
    // And it is really routed: a request does not get the router's "no route" 404.
    const size_t space = key.find(' ');
    std::string path = key.substr(space + 1);
    for (size_t b; (b = path.find('{')) != std::string::npos;) path.replace(b, path.find('}', b) - b + 1, "x");
    const std::string body = key.substr(0, space) == "GET" ? "" : "{}";
    auto r = fx_->Call(key.substr(0, space), path, fx_->Admin("t9"), body);
    EXPECT_NE(r.status, 405) << key;
    EXPECT_EQ(r.body.find("no route for"), std::string::npos) << key << ": " << r.body;
  }
  // Every status the matrix observed is documented for that operation.
  if (Observed().empty()) GTEST_SKIP() << "run together with the matrix test";
  for (const auto& [key, statuses] : Observed()) {
    auto it = documented.find(key);
    if (it == documented.end()) continue;
    for (int s : statuses) {
      EXPECT_TRUE(it->second["responses"].contains(std::to_string(s)))
          << key << " answered " << s << ", which docs/openapi.yaml does not list";
    }
  }
}

TEST_F(AuthzTest, UnknownRoutesAndHugeBodiesGetJsonErrors) {
  auto r = fx_->Call("GET", "/api/v1/nope", fx_->Admin("t1"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json["error"]["category"], "not_found");
  std::string huge(2u << 20, 'x');
  auto big = fx_->Call("PUT", "/api/v1/connections/spare/credentials", fx_->Admin("t1"), "{\"a\":\"" + huge + "\"}");
  EXPECT_EQ(big.status, 413);
  auto bad = fx_->Call("POST", "/api/v1/connections", fx_->Admin("t1"), std::string("{not json"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["error"]["category"], "validation");
}

}  // namespace
}  // namespace es::testing
