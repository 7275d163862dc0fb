// Probes of the running server as an attacker would run them: SSRF through
// connection URLs and redirects, foreign response bodies in errors,
// credentials typed into a base_url, another tenant's runs in the metrics,
// webhook answers that tell which names exist, and one undecryptable
// connection taking the whole tenant down. Loopback only.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/secret_box.h"
#include "integration/server_fixture.h"
#include "store/encrypted_store.h"

namespace es::testing {
namespace {

// A loopback HTTP service that counts its requests; `handler` answers them.
class LoopbackService {
 public:
  explicit LoopbackService(httplib::Server::Handler handler) {
    http_.Get(".*", [this, handler](const httplib::Request& q, httplib::Response& s) {
      ++hits;
      handler(q, s);
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !http_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackService() {
    http_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::atomic<int> hits{0};

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

constexpr const char* kInternalSecret = "INTERNAL-ONLY-BANNER secret=hunter2";

LoopbackService InternalService() {
  return LoopbackService([](const httplib::Request&, httplib::Response& s) {
    s.set_content(kInternalSecret, "text/plain");
  });
}

Json WooConnection(const std::string& id, const std::string& base_url, bool enabled) {
  return Json{{"id", id},
              {"kind", "woo"},
              {"config", {{"base_url", base_url}}},
              {"credentials", {{"consumer_key", "ck_0123456789abcdef"}, {"consumer_secret", "cs_0123456789abcdef"}}},
              {"enabled", enabled}};
}

TEST(SsrfTest, InternalAddressesInConnectionUrlsAreRefusedBeforeAnyRequest) {
  ServerFixtureOptions o;
  o.allow_private_targets = false;
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  auto internal = InternalService();
  const std::string port = std::to_string(internal.port());
  const std::string admin = fx.Admin();
  const std::vector<std::string> targets = {
      "http://127.0.0.1:" + port,           "http://localhost:" + port,       "http://LOCALHOST.:" + port,
      "http://127.1:" + port,               "http://2130706433:" + port,      "http://0x7f.0.0.1:" + port,
      "http://0.0.0.0:" + port,             "http://[::1]:" + port,           "http://[::ffff:127.0.0.1]:" + port,
      "http://[::ffff:7f00:1]:" + port,     "http://[::127.0.0.1]:" + port,   "http://10.20.30.40/",
      "http://172.16.5.4/",                 "http://192.168.1.10/",           "http://100.64.0.1/",
      "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",        "http://[fd00::1]/",
      "http://[::ffff:169.254.169.254]/",   "http://[64:ff9b::a9fe:a9fe]/",    "http://[2002:7f00:1::]/",
      "https://ignored@127.0.0.1:" + port};
  for (const auto& url : targets) {
    for (bool enabled : {false, true}) {
      auto r = fx.Call("POST", "/api/v1/connections", admin, WooConnection("shop", url, enabled));
      EXPECT_EQ(r.status, 400) << url << " " << r.body;
      EXPECT_EQ(GetStringOr(r.json["error"], "category"), "validation") << url;
    }
  }
  // QuickBooks endpoints too.
  auto q = fx.Call("POST", "/api/v1/connections", admin,
                   Json{{"id", "books"}, {"kind", "qbo"}, {"config", {{"api_base", "http://169.254.169.254"}}}});
  EXPECT_EQ(q.status, 400) << q.body;
  // A public-looking connection cannot be moved onto an internal address.
  auto ok = fx.Call("POST", "/api/v1/connections", admin, WooConnection("shop", "https://shop.example.invalid", false));
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto moved = fx.Call("PATCH", "/api/v1/connections/shop", admin,
                       Json{{"config", {{"base_url", "http://[::ffff:127.0.0.1]:" + port}}}});
  EXPECT_EQ(moved.status, 400) << moved.body;
  EXPECT_EQ(internal.hits.load(), 0);
}

TEST(SsrfTest, TheOperatorsOwnQuickBooksEndpointsStayReachable) {
  ServerFixtureOptions o;
  o.allow_private_targets = false;  // the QBO sandbox (loopback) is the server config's api_base/token_url
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  auto tokens = fx.qbo().IssueTokens();
  const int64_t now = fx.clock().NowMillis();
  auto q = fx.Call("POST", "/api/v1/connections", fx.Admin(),
                   Json{{"id", "qbo"},
                        {"kind", "qbo"},
                        {"config", {{"realm_id", fx.options().qbo.realm_id}}},
                        {"credentials",
                         {{"access_token", tokens.access_token},
                          {"refresh_token", tokens.refresh_token},
                          {"access_expires_at_ms", now + tokens.expires_in_s * 1000},
                          {"refresh_expires_at_ms", now + tokens.refresh_expires_in_s * 1000}}},
                        {"enabled", true}});
  EXPECT_EQ(q.status, 201) << q.body;
  // A tenant cannot add its own internal endpoint next to it.
  auto w = fx.Call("POST", "/api/v1/connections", fx.Admin(), WooConnection("woo", fx.woo().base_url(), true));
  EXPECT_EQ(w.status, 400) << w.body;
}

TEST(SsrfTest, RedirectsToInternalAddressesAreNotFollowedAndForeignBodiesAreNotEchoed) {
  auto internal = InternalService();
  // An allowed host that redirects to the internal one.
  LoopbackService redirector([&internal](const httplib::Request&, httplib::Response& s) {
    s.status = 302;
    s.set_header("Location", internal.url() + "/wp-json/wc/v3/orders");
    s.set_content("moved", "text/plain");
  });
  // An allowed host whose answer is not WooCommerce's.
  LoopbackService talker([](const httplib::Request&, httplib::Response& s) {
    s.status = 500;
    s.set_content(kInternalSecret, "text/plain");
  });
  ServerFixtureOptions o;
  o.allow_private_targets = false;
  o.allowed_targets = {"127.0.0.1:" + std::to_string(redirector.port()), "127.0.0.1:" + std::to_string(talker.port())};
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  const std::string admin = fx.Admin();

  auto r = fx.Call("POST", "/api/v1/connections", admin, WooConnection("redir", redirector.url(), true));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_GE(redirector.hits.load(), 1);
  EXPECT_EQ(internal.hits.load(), 0) << "the redirect was followed";

  auto t = fx.Call("POST", "/api/v1/connections", admin, WooConnection("talk", talker.url(), true));
  EXPECT_EQ(t.status, 409) << t.body;
  EXPECT_GE(talker.hits.load(), 1);
  EXPECT_NE(t.body.find("HTTP 500"), std::string::npos) << t.body;
  // Stored disabled, then tested on demand: the status has no text of the answer either.
  auto stored = fx.Call("POST", "/api/v1/connections", admin, WooConnection("talk", talker.url(), false));
  ASSERT_EQ(stored.status, 201) << stored.body;
  auto probe = fx.Call("POST", "/api/v1/connections/talk/test", admin);
  EXPECT_EQ(probe.status, 200);
  EXPECT_EQ(probe.json["status"]["status"], "error") << probe.body;
  EXPECT_EQ(fx.Responses().find("INTERNAL-ONLY"), std::string::npos) << fx.Responses();
  EXPECT_EQ(fx.Responses().find("hunter2"), std::string::npos);
  EXPECT_EQ(fx.Logs().find("hunter2"), std::string::npos);
}

TEST(LeakTest, CredentialsInABaseUrlAreRefusedAndMaskedWhenStored) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  auto r = fx.Call("POST", "/api/v1/connections", fx.Admin(),
                   WooConnection("shop", "https://admin:s3cret-pass@shop.example.invalid/", false));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("user name or password"), std::string::npos);
  EXPECT_EQ(r.body.find("s3cret-pass"), std::string::npos);
  // A row written before the check (or by another tool) is shown masked to every role.
  store::Connection c;
  c.tenant_id = "t1";
  c.id = "legacy";
  c.kind = "woo";
  c.config = {{"base_url", "https://admin:s3cret-pass@shop.example.invalid/"}};
  ASSERT_TRUE(fx.store().PutConnection(c).ok());
  for (const auto& token : {fx.User(), fx.Admin()}) {
    auto one = fx.Call("GET", "/api/v1/connections/legacy", token);
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(one.json["config"]["base_url"], "https://\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2@shop.example.invalid/");
    auto all = fx.Call("GET", "/api/v1/connections", token);
    EXPECT_EQ(all.body.find("s3cret-pass"), std::string::npos) << all.body;
  }
}

TEST(LeakTest, MetricsCountOnlyTheCallersRuns) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  http::FaultOptions slow;
  slow.latency_ms = 100;  // keeps t1's run going while the metrics are read
  fx.woo().SetFaults(slow);
  auto run = fx.Call("POST", "/api/v1/sync", fx.Admin("t1"), Json{{"entities", {"orders"}}, {"mode", "full"}});
  ASSERT_EQ(run.status, 202) << run.body;
  int64_t mine = 0;
  for (int i = 0; i < 50 && mine == 0; ++i) {
    mine = fx.Call("GET", "/api/v1/metrics", fx.User("t1")).json.value("runsInProgress", int64_t{0});
    if (mine == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto other = fx.Call("GET", "/api/v1/metrics", fx.User("t2"));
  fx.woo().SetFaults({});
  EXPECT_EQ(mine, 1);
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.json.value("runsInProgress", int64_t{-1}), 0) << other.body;
  fx.WaitForRun(fx.Admin("t1"), GetStringOr(run.json, "runId"));
}

TEST(LeakTest, AnonymousWebhookCallsAnswerAlikeWhateverTheNamesAre) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  ASSERT_EQ(fx.Call("PUT", "/api/v1/connections/woo/credentials", fx.Admin(), Json{{"webhook_secret", "s1"}}).status,
            200);
  ASSERT_EQ(fx.Call("POST", "/api/v1/connections", fx.Admin(), WooConnection("nosecret", fx.woo().base_url(), false))
                .status,
            201);
  const std::string body = R"({"id":1})";
  const http::Headers h = {{"X-WC-Webhook-Topic", "order.updated"}, {"X-WC-Webhook-Resource", "order"},
                           {"X-WC-Webhook-Event", "updated"}, {"X-WC-Webhook-Delivery-ID", "x"},
                           {"X-WC-Webhook-Signature", "AAAA"}};
  std::vector<ApiResponse> answers;
  for (const char* path : {"/webhooks/woo/t1/woo", "/webhooks/woo/t1/nosecret", "/webhooks/woo/t1/absent",
                           "/webhooks/woo/t1/qbo", "/webhooks/woo/no-such-tenant/woo"}) {
    answers.push_back(fx.Call("POST", path, "", body, h));
  }
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, answers[0].status);
    EXPECT_EQ(a.body, answers[0].body);
  }
  EXPECT_EQ(answers[0].status, 401);
  std::vector<ApiResponse> qbo;
  for (const char* path : {"/webhooks/qbo/t1/qbo", "/webhooks/qbo/t1/absent", "/webhooks/qbo/t1/woo",
                           "/webhooks/qbo/t9/qbo"}) {
    qbo.push_back(fx.Call("POST", path, "", "{}", {{"intuit-signature", "AAAA"}}));
  }
  for (const auto& a : qbo) {
    EXPECT_EQ(a.status, 401);
    EXPECT_EQ(a.body, qbo[0].body);
  }
}

TEST(IsolationTest, OneUndecryptableConnectionDoesNotTakeTheTenantDown) {
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string admin = fx.Admin(), user = fx.User();
  ASSERT_EQ(fx.Call("POST", "/api/v1/connections", admin, WooConnection("old-shop", fx.woo().base_url(), false)).status,
            201);
  // Sealed with another master key, as after a key change or a copied row.
  auto row = fx.base_store().GetConnection("t1", "old-shop");
  ASSERT_TRUE(row.ok() && row->has_value());
  auto other = SecretBox::FromHexKey(std::string(64, 'a'));
  ASSERT_TRUE(other.ok());
  store::Connection broken = **row;
  broken.secret = other->Seal(R"({"consumer_key":"ck_x","consumer_secret":"cs_x"})",
                              store::EncryptedStore::AssociatedData("t1", "old-shop"));
  ASSERT_TRUE(fx.base_store().PutConnection(broken).ok());

  auto list = fx.Call("GET", "/api/v1/connections", user);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["connections"].size(), 3u);
  for (const Json& c : list.json["connections"]) {
    if (c["id"] == "old-shop") {
      EXPECT_EQ(c["status"]["status"], "unreadable");
      EXPECT_EQ(c["status"]["category"], "credentials_unreadable");
    } else {
      EXPECT_EQ(c["status"]["status"], "ok") << c.dump();
    }
  }
  auto one = fx.Call("GET", "/api/v1/connections/old-shop", admin);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.json["status"]["status"], "unreadable");
  auto test = fx.Call("POST", "/api/v1/connections/old-shop/test", admin);
  EXPECT_EQ(test.status, 409) << test.body;
  EXPECT_NE(test.body.find("old-shop"), std::string::npos);
  EXPECT_EQ(fx.Call("GET", "/api/v1/webhooks", user).status, 200);
  EXPECT_EQ(fx.Call("GET", "/health", user).status, 200);
  EXPECT_EQ(fx.Call("POST", "/webhooks/woo/t1/old-shop", "", "{}", {{"X-WC-Webhook-Signature", "AAAA"}}).status, 401);
  // The other connections still sync.
  auto run = fx.Call("POST", "/api/v1/sync", admin,
                     Json{{"source", "woo"}, {"target", "qbo"}, {"entities", {"customers"}}, {"mode", "full"}});
  ASSERT_EQ(run.status, 202) << run.body;
  Json done = fx.WaitForRun(admin, GetStringOr(run.json, "runId"));
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  // An admin repairs it by entering the credentials again.
  auto fixed = fx.Call("PUT", "/api/v1/connections/old-shop/credentials", admin,
                       Json{{"consumer_key", fx.options().woo.consumer_key},
                            {"consumer_secret", fx.options().woo.consumer_secret}});
  EXPECT_EQ(fixed.status, 200) << fixed.body;
  auto again = fx.Call("POST", "/api/v1/connections/old-shop/test", admin);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json["status"]["status"], "ok") << again.body;
}

}  // namespace
}  // namespace es::testing
