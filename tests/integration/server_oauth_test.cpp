// QuickBooks OAuth 2.0 through the API: the state cases (missing, unknown,
// another tenant's or user's, expired, reused), a full connect against the
// QBO sandbox's /connect/oauth2 and token endpoint with the tokens stored
// encrypted, and two workers refreshing one connection's tokens at once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/qbo_platform.h"
#include "http/url.h"
#include "integration/server_fixture.h"
#include "server/token_manager.h"

namespace es::testing {
namespace {

std::string QueryValue(const std::string& url, const std::string& key) {
  auto parsed = http::ParseUrl(url);
  if (!parsed.ok()) return "";
  for (const auto& [k, v] : http::ParseQuery(parsed->query))
    if (k == key) return v;
  return "";
}

struct Authorized {
  std::string state, code, realm;
};

// Starts the flow as `token` and follows the authorize URL like a browser
// would, up to the redirect back to the app.
Authorized Authorize(ServerFixture& fx, const std::string& token) {
  auto start = fx.Call("POST", "/api/v1/oauth/qbo/start", token, Json{{"connection", "qbo"}});
  EXPECT_EQ(start.status, 200) << start.body;
  const std::string url = GetStringOr(start.json, "authorizeUrl");
  http::Request req;
  req.url = url;
  auto resp = fx.transport().Send(req);
  EXPECT_TRUE(resp.ok());
  if (!resp.ok()) return {};
  EXPECT_EQ(resp->status, 302) << resp->body;
  const std::string location = resp->Header("Location");
  EXPECT_EQ(location.rfind(kRedirectUri, 0), 0u) << location;
  Authorized a{QueryValue(location, "state"), QueryValue(location, "code"), QueryValue(location, "realmId")};
  EXPECT_EQ(a.state, GetStringOr(start.json, "state"));
  return a;
}

std::string CallbackPath(const Authorized& a) {
  return "/api/v1/oauth/qbo/callback?" +
         http::BuildQuery({{"code", a.code}, {"state", a.state}, {"realmId", a.realm}});
}

TEST(ServerOAuth, StartReturnsAnAuthorizeUrlWithARandomState) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  auto a = fx.Call("POST", "/api/v1/oauth/qbo/start", fx.Admin(), Json::object());
  auto b = fx.Call("POST", "/api/v1/oauth/qbo/start", fx.Admin(), Json::object());
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string url = a.json["authorizeUrl"].get<std::string>();
  EXPECT_EQ(url.rfind(fx.qbo().authorize_url() + "?", 0), 0u) << url;
  EXPECT_EQ(QueryValue(url, "client_id"), fx.options().qbo.client_id);
  EXPECT_EQ(QueryValue(url, "response_type"), "code");
  EXPECT_EQ(QueryValue(url, "redirect_uri"), kRedirectUri);  // configuration, not a constant
  EXPECT_EQ(QueryValue(url, "scope"), "com.intuit.quickbooks.accounting");
  EXPECT_EQ(QueryValue(url, "state").size(), 64u);
  EXPECT_NE(a.json["state"], b.json["state"]);
  EXPECT_EQ(fx.Call("POST", "/api/v1/oauth/qbo/start", fx.User(), Json::object()).status, 403);
}

TEST(ServerOAuth, CallbackRejectsMissingUnknownForeignExpiredAndReusedStates) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  const std::string admin = fx.Admin();
  auto message = [](const ApiResponse& r) { return GetStringOr(r.json["error"], "message"); };

  auto missing = fx.Call("GET", "/api/v1/oauth/qbo/callback?code=abc&realmId=1", admin);
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(message(missing).find("without 'state'"), std::string::npos) << missing.body;

  auto unknown = fx.Call("GET", "/api/v1/oauth/qbo/callback?code=abc&realmId=1&state=" + std::string(64, 'a'), admin);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(message(unknown), "unknown OAuth state");

  Authorized a = Authorize(fx, admin);
  ASSERT_FALSE(a.code.empty());
  // Another tenant's admin, or another user of the same tenant, cannot use it
  // (and does not burn it).
  auto foreign = fx.Call("GET", CallbackPath(a), fx.Admin("t2"));
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(message(foreign), "unknown OAuth state");
  auto other_user = fx.Call("GET", CallbackPath(a), fx.Token("t1", "carol", "admin"));
  EXPECT_EQ(other_user.status, 400);
  EXPECT_EQ(message(other_user), "unknown OAuth state");
  EXPECT_EQ(fx.Call("GET", CallbackPath(a), fx.User()).status, 403);

  auto ok = fx.Call("GET", CallbackPath(a), admin);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto reused = fx.Call("GET", CallbackPath(a), admin);
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(message(reused), "OAuth state was already used");

  Authorized late = Authorize(fx, admin);
  fx.clock().Advance(5 * 60 * 1000 + 1000);  // just past the 5-minute lifetime
  auto expired = fx.Call("GET", CallbackPath(late), fx.Admin());
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(message(expired), "OAuth state expired");

  // A valid state with a bad code: the state is spent, the exchange fails.
  Authorized bad = Authorize(fx, fx.Admin());
  bad.code = "not-a-real-code";
  auto refused = fx.Call("GET", CallbackPath(bad), fx.Admin());
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(fx.Call("GET", CallbackPath(bad), fx.Admin()).status, 400);

  auto audit = fx.Call("GET", "/api/v1/audit?action=oauth.callback_rejected", fx.Admin());
  EXPECT_GE(audit.json["entries"].size(), 3u);
}

TEST(ServerOAuth, FullConnectStoresTokensEncryptedAndSyncs) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  const std::string admin = fx.Admin();
  // Only the WooCommerce side exists; QBO is connected through OAuth.
  auto w = fx.Call("POST", "/api/v1/connections", admin,
                   Json{{"id", "woo"},
                        {"kind", "woo"},
                        {"config", {{"base_url", fx.woo().base_url()}}},
                        {"credentials",
                         {{"consumer_key", fx.options().woo.consumer_key},
                          {"consumer_secret", fx.options().woo.consumer_secret}}},
                        {"enabled", true}});
  ASSERT_EQ(w.status, 201) << w.body;

  Authorized a = Authorize(fx, admin);
  auto cb = fx.Call("GET", CallbackPath(a), admin);
  ASSERT_EQ(cb.status, 200) << cb.body;
  EXPECT_EQ(cb.json["realmId"], fx.options().qbo.realm_id);
  EXPECT_TRUE(cb.json["connection"]["enabled"].get<bool>());
  EXPECT_TRUE(cb.json["connection"]["connected"].get<bool>());
  EXPECT_EQ(cb.json["connection"]["status"]["status"], "ok") << cb.body;
  EXPECT_EQ(cb.json["connection"]["config"]["realm_id"], fx.options().qbo.realm_id);

  // Stored encrypted; decrypted only through the server's store.
  auto raw = fx.base_store().GetConnection("t1", "qbo");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_TRUE(SecretBox::LooksSealed((*raw)->secret));
  auto plain = fx.store().GetConnection("t1", "qbo");
  ASSERT_TRUE(plain.ok() && plain->has_value());
  auto secret = ParseJson((*plain)->secret);
  ASSERT_TRUE(secret.ok());
  const std::string refresh = GetStringOr(*secret, "refresh_token");
  const std::string access = GetStringOr(*secret, "access_token");
  ASSERT_FALSE(refresh.empty());
  EXPECT_EQ((*raw)->secret.find(refresh), std::string::npos);
  EXPECT_EQ(fx.Responses().find(refresh), std::string::npos);
  EXPECT_EQ(fx.Responses().find(access), std::string::npos);
  EXPECT_EQ(fx.Logs().find(a.code), std::string::npos);
  EXPECT_EQ(fx.Logs().find(a.state), std::string::npos);

  // The connection works for a sync.
  auto sync = fx.Call("POST", "/api/v1/sync", fx.User(), Json{{"entities", Json::array({"customers"})}, {"mode", "full"}});
  ASSERT_EQ(sync.status, 202) << sync.body;
  Json run = fx.WaitForRun(fx.User(), sync.json["runId"].get<std::string>());
  EXPECT_EQ(run["status"], "succeeded") << DumpJson(run);
  EXPECT_GT(run["totals"]["created"].get<int64_t>(), 0);
  auto audit = fx.Call("GET", "/api/v1/audit?action=oauth.connect", admin);
  ASSERT_EQ(audit.json["entries"].size(), 1u);
  EXPECT_EQ(audit.json["entries"][0]["userId"], "alice");
}

// Marks the stored access token as expired (keeping the refresh token).
void ExpireAccessToken(ServerFixture& fx) {
  auto c = fx.store().GetConnection("t1", "qbo");
  ASSERT_TRUE(c.ok() && c->has_value());
  store::Connection conn = **c;
  auto secret = ParseJson(conn.secret);
  ASSERT_TRUE(secret.ok());
  (*secret)["access_expires_at_ms"] = fx.clock().NowMillis() - 1000;
  conn.secret = DumpJson(*secret);
  ASSERT_TRUE(fx.store().PutConnection(conn).ok());
}

std::string StoredRefreshToken(ServerFixture& fx) {
  auto c = fx.store().GetConnection("t1", "qbo");
  if (!c.ok() || !c->has_value()) return "";
  auto s = ParseJson((*c)->secret);
  return s.ok() ? GetStringOr(*s, "refresh_token") : "";
}

TEST(ServerOAuth, TwoWorkersRefreshingAtOnceKeepTheNewestRefreshToken) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections();
  for (int round = 0; round < 5; ++round) {
    ExpireAccessToken(fx);
    const std::string before = StoredRefreshToken(fx);
    // Two managers = two workers (as in two processes): only the store guards them.
    server::QboTokenManager a(fx.store(), fx.transport(), fx.clock(), false);
    server::QboTokenManager b(fx.store(), fx.transport(), fx.clock(), false);
    std::atomic<bool> go{false};
    Status sa, sb;
    std::thread ta([&] {
      while (!go) std::this_thread::yield();
      sa = a.EnsureFresh("t1", "qbo", 5 * 60 * 1000);
    });
    std::thread tb([&] {
      while (!go) std::this_thread::yield();
      sb = b.EnsureFresh("t1", "qbo", 5 * 60 * 1000);
    });
    go = true;
    ta.join();
    tb.join();
    EXPECT_TRUE(sa.ok()) << sa.ToString();
    EXPECT_TRUE(sb.ok()) << sb.ToString();
    EXPECT_EQ(a.refreshes() + b.refreshes(), 1) << "round " << round;  // the second found fresh tokens
    const std::string after = StoredRefreshToken(fx);
    EXPECT_NE(after, before);
    // The stored refresh token is the live one: spending it works (the sandbox
    // kills rotated-away tokens at once).
    server::QboTokenManager c(fx.store(), fx.transport(), fx.clock(), false);
    Status forced = c.Refresh("t1", "qbo", "");
    EXPECT_TRUE(forced.ok()) << forced.ToString();
  }

  // Two plain qbo::Client instances (one per run) refreshing at once: one may
  // lose the race at the token endpoint, but the newest token stays stored.
  for (int round = 0; round < 5; ++round) {
    auto conn = fx.store().GetConnection("t1", "qbo");
    ASSERT_TRUE(conn.ok() && conn->has_value());
    auto cfg = qbo::ConfigOf(**conn);
    ASSERT_TRUE(cfg.ok());
    qbo::ConnectionTokenStore ts1(fx.store(), "t1", "qbo"), ts2(fx.store(), "t1", "qbo");
    qbo::Client c1(*cfg, fx.transport(), fx.clock(), ts1), c2(*cfg, fx.transport(), fx.clock(), ts2);
    std::atomic<bool> go{false};
    std::thread t1([&] {
      while (!go) std::this_thread::yield();
      (void)c1.RefreshTokens();
    });
    std::thread t2([&] {
      while (!go) std::this_thread::yield();
      (void)c2.RefreshTokens();
    });
    go = true;
    t1.join();
    t2.join();
    server::QboTokenManager m(fx.store(), fx.transport(), fx.clock(), false);
    Status s = m.Refresh("t1", "qbo", "");
    EXPECT_TRUE(s.ok()) << "round " << round << ": " << s.ToString();
    qbo::Client check(*cfg, fx.transport(), fx.clock(), ts1);
    EXPECT_TRUE(check.Ping().ok());
  }
}

}  // namespace
}  // namespace es::testing
