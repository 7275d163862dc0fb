// Transport-level behaviour of the QBO sandbox: query endpoint, batch,
// CDC, OAuth, 401s, throttling and fault injection.
#include "connectors/qbo/sandbox/sandbox_test_util.h"

#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/crypto.h"
#include "connectors/qbo/sandbox/webhooks.h"

namespace es::qbo::sandbox {
namespace {

TEST_F(SandboxTest, QueryEscapingAndShapes) {
  const std::vector<std::string> names = {"Amy's Bird Sanctuary", R"(Back\slash \\ Co)", "x'; DROP TABLE Customer; --",
                                          "Zoë & Sons 東京 🚀", "100% Cotton_Ltd", "Amy"};
  for (const auto& n : names) NewCustomer(n);
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + "'";
  };
  for (const auto& n : names) {
    auto [s, b] = Query("SELECT * FROM Customer WHERE DisplayName = " + quote(n));
    ASSERT_EQ(s, 200) << n << " " << DumpJson(b);
    ASSERT_EQ(b["QueryResponse"]["Customer"].size(), 1u) << n;
    EXPECT_EQ(b["QueryResponse"]["Customer"][0]["DisplayName"], n);
    EXPECT_EQ(b["QueryResponse"]["startPosition"], 1);
    EXPECT_EQ(b["QueryResponse"]["maxResults"], 1);
  }
  // POST /query with the statement as the body.
  http::Response r = Raw("POST", ApiUrl("/query?minorversion=75"),
                         "select * from Customer where DisplayName like 'amy%' orderby DisplayName desc",
                         Auth("application/text"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json rows = Parse(r.body)["QueryResponse"]["Customer"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["DisplayName"], "Amy's Bird Sanctuary");
  // LIKE: '_' is literal, '%' the wildcard.
  EXPECT_EQ(Query("SELECT * FROM Customer WHERE DisplayName LIKE '100% Cotton_%'").second["QueryResponse"]["Customer"].size(), 1u);
  // COUNT, paging, empty page, errors.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM Customer").second["QueryResponse"]["totalCount"], 6);
  auto [ps, page] = Query("SELECT * FROM Customer STARTPOSITION 5 MAXRESULTS 10");
  EXPECT_EQ(page["QueryResponse"]["maxResults"], 2);
  EXPECT_EQ(page["QueryResponse"]["startPosition"], 5);
  EXPECT_EQ(Query("SELECT * FROM Customer STARTPOSITION 50").second["QueryResponse"], Json::object());
  auto [es, err] = Query("SELECT * FROM Customer MAXRESULTS 1500");
  EXPECT_EQ(es, 400);
  EXPECT_EQ(FaultCode(err), "4001");
  EXPECT_EQ(FaultCode(Query("SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'").second), "4001");
  EXPECT_EQ(FaultCode(Query("SELECT * FROM Customer WHERE NoSuchField = 'a'").second), "4001");
  EXPECT_EQ(FaultCode(Query("SELECT * FROM Unicorn").second), "4001");
  EXPECT_EQ(FaultCode(Query("SELECT * FROM Customer WHERE DisplayName = 'unterminated").second), "4001");
}

TEST_F(SandboxTest, BatchOf30AndOf31) {
  Json items = Json::array();
  for (int i = 0; i < 30; ++i)
    items.push_back(Json{{"bId", "b" + std::to_string(i)}, {"operation", "create"},
                         {"Customer", {{"DisplayName", "Batch " + std::to_string(i)}}}});
  auto [s, b] = Post("/batch", Json{{"BatchItemRequest", items}});
  ASSERT_EQ(s, 200) << DumpJson(b);
  ASSERT_EQ(b["BatchItemResponse"].size(), 30u);
  EXPECT_EQ(b["BatchItemResponse"][7]["bId"], "b7");
  EXPECT_EQ(b["BatchItemResponse"][7]["Customer"]["DisplayName"], "Batch 7");
  EXPECT_EQ(server_->CountEntities("Customer"), 30);
  items.push_back(Json{{"bId", "b30"}, {"operation", "create"}, {"Customer", {{"DisplayName", "Batch 30"}}}});
  auto [s31, b31] = Post("/batch", Json{{"BatchItemRequest", items}});
  EXPECT_EQ(s31, 400);
  EXPECT_FALSE(FaultCode(b31).empty());
  EXPECT_EQ(server_->CountEntities("Customer"), 30);
  // Per-item faults come back with HTTP 200, next to successes and queries.
  std::string id = b["BatchItemResponse"][0]["Customer"]["Id"];
  Json mixed = Json::array({
      Json{{"bId", "dup"}, {"operation", "create"}, {"Customer", {{"DisplayName", "Batch 1"}}}},
      Json{{"bId", "stale"}, {"operation", "update"}, {"Customer", {{"Id", id}, {"SyncToken", "9"}, {"sparse", true}}}},
      Json{{"bId", "gone"}, {"operation", "delete"}, {"Invoice", {{"Id", "9999"}, {"SyncToken", "0"}}}},
      Json{{"bId", "q"}, {"Query", "SELECT * FROM Customer WHERE DisplayName = 'Batch 3'"}},
      Json{{"bId", "ok"}, {"operation", "update"}, {"Customer", {{"Id", id}, {"SyncToken", "0"}, {"sparse", true}, {"Notes", "hi"}}}},
  });
  auto [ms, m] = Post("/batch?requestid=batch-1", Json{{"BatchItemRequest", mixed}});
  ASSERT_EQ(ms, 200) << DumpJson(m);
  const Json& rs = m["BatchItemResponse"];
  EXPECT_EQ(rs[0]["Fault"]["Error"][0]["code"], "6240");
  EXPECT_EQ(rs[1]["Fault"]["Error"][0]["code"], "5010");
  EXPECT_EQ(rs[2]["Fault"]["Error"][0]["code"], "610");
  EXPECT_EQ(rs[3]["QueryResponse"]["Customer"].size(), 1u);
  EXPECT_EQ(rs[4]["Customer"]["SyncToken"], "1");
  // Replaying the batch requestid does not execute again.
  auto [rs2, again] = Post("/batch?requestid=batch-1", Json{{"BatchItemRequest", mixed}});
  EXPECT_EQ(again, m);
  EXPECT_EQ(FaultCode(Post("/batch?requestid=" + std::string(37, 'x'), Json{{"BatchItemRequest", mixed}}).second), "2050");
  EXPECT_EQ(server_->stats().batches, 5);
}

TEST_F(SandboxTest, ChangeDataCapture) {
  std::string since = "2026-01-01T00:00:00Z";
  std::string cust = NewCustomer("CDC Person");
  std::string item = NewItem("CDC Item");
  Json line = {{"Amount", 5}, {"DetailType", "SalesItemLineDetail"}, {"SalesItemLineDetail", {{"ItemRef", {{"value", item}}}}}};
  auto [s, inv] = Post("/invoice", Json{{"CustomerRef", {{"value", cust}}}, {"Line", Json::array({line})}});
  std::string id = inv["Invoice"]["Id"];
  Post("/invoice?operation=delete", Json{{"Id", id}, {"SyncToken", "0"}});
  auto [cs, cdc] = Get("/cdc?entities=invoice,Customer&changedSince=" + http::PercentEncode(since));
  ASSERT_EQ(cs, 200) << DumpJson(cdc);
  const Json& qr = cdc["CDCResponse"][0]["QueryResponse"];
  ASSERT_EQ(qr.size(), 2u);
  EXPECT_EQ(qr[0]["Invoice"][0]["status"], "Deleted");
  EXPECT_EQ(qr[0]["Invoice"][0]["Id"], id);
  EXPECT_TRUE(qr[0]["Invoice"][0]["MetaData"].contains("LastUpdatedTime"));
  EXPECT_EQ(qr[1]["Customer"][0]["DisplayName"], "CDC Person");
  clock_.Advance(3'600'000);
  token_ = server_->IssueTokens().access_token;
  auto [es, empty] = Get("/cdc?entities=Invoice&changedSince=" +
                         http::PercentEncode(FormatIso8601Utc(clock_.NowMillis())));
  EXPECT_EQ(empty["CDCResponse"][0]["QueryResponse"], Json::array({Json::object()}));
  EXPECT_EQ(Get("/cdc?entities=Invoice&changedSince=2025-01-01T00:00:00Z").first, 400);
}

TEST_F(SandboxTest, BadBearerIs401GatewayBody) {
  for (const std::string& auth : {std::string(), std::string("Bearer nope"), std::string("Basic abc")}) {
    http::Headers h = {{"Accept", "application/json"}};
    if (!auth.empty()) h.push_back({"Authorization", auth});
    http::Response r = Raw("GET", ApiUrl("/customer/1"), {}, h);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer realm=\"Intuit\", error=\"invalid_token\"");
    Json b = Parse(r.body);
    EXPECT_EQ(b["fault"]["error"][0]["code"], "3200");
    EXPECT_EQ(b["fault"]["type"], "AUTHENTICATION");
    EXPECT_TRUE(b["time"].is_number());
  }
  clock_.Advance(3601 * 1000);
  http::Response r = Raw("GET", ApiUrl("/customer/1"), {}, Auth());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Parse(r.body)["fault"]["error"][0]["detail"], "Token expired");
  // A token for this realm does not open another one.
  token_ = server_->IssueTokens().access_token;
  r = Raw("GET", server_->base_url() + "/v3/company/123/customer/1", {}, Auth());
  EXPECT_EQ(r.status, 403);
}

TEST_F(SandboxTest, OAuthCodeExchangeAndRotation) {
  const Options& o = server_->options();
  std::string basic = "Basic " + crypto::Base64Encode(o.client_id + ":" + o.client_secret);
  http::Headers form = {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"},
                        {"Accept", "application/json"}};
  // Authorize redirect (auto-consent).
  std::string redirect = "https://app.example/qbo/callback";
  http::Response a = Raw("GET", server_->authorize_url() + "?client_id=" + o.client_id +
                                    "&response_type=code&scope=com.intuit.quickbooks.accounting&redirect_uri=" +
                                    http::PercentEncode(redirect) + "&state=st%20ate");
  ASSERT_EQ(a.status, 302);
  std::string loc = a.Header("Location");
  ASSERT_EQ(loc.rfind(redirect + "?code=", 0), 0u) << loc;
  EXPECT_NE(loc.find("&state=st%20ate&realmId=" + o.realm_id), std::string::npos);
  auto params = http::ParseQuery(loc.substr(loc.find('?') + 1));
  std::string code = params[0].second;

  auto token = [&](const std::string& body, const http::Headers& h) {
    http::Response r = Raw("POST", server_->token_url(), body, h);
    return std::make_pair(r.status, Parse(r.body));
  };
  // Wrong redirect_uri burns the code.
  auto [ws, wb] = token("grant_type=authorization_code&code=" + code + "&redirect_uri=" + http::PercentEncode(redirect + "x"), form);
  EXPECT_EQ(ws, 400);
  EXPECT_EQ(wb["error"], "invalid_grant");
  code = server_->IssueAuthorizationCode(redirect);
  auto [bs, bad] = token("grant_type=authorization_code&code=" + code + "&redirect_uri=" + http::PercentEncode(redirect),
                         {{"Authorization", "Basic " + crypto::Base64Encode("x:y")}, {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(bs, 401);
  EXPECT_EQ(bad["error"], "invalid_client");
  auto [s1, t1] = token("grant_type=authorization_code&code=" + code + "&redirect_uri=" + http::PercentEncode(redirect), form);
  ASSERT_EQ(s1, 200) << DumpJson(t1);
  EXPECT_EQ(t1["token_type"], "bearer");
  EXPECT_EQ(t1["expires_in"], 3600);
  EXPECT_EQ(t1["x_refresh_token_expires_in"], 8726400);
  auto [s1b, reuse] = token("grant_type=authorization_code&code=" + code + "&redirect_uri=" + http::PercentEncode(redirect), form);
  EXPECT_EQ(reuse["error"], "invalid_grant");
  // Rotation: a new refresh token each time; the old one is dead.
  std::string rt1 = t1["refresh_token"];
  auto [s2, t2] = token("grant_type=refresh_token&refresh_token=" + http::PercentEncode(rt1), form);
  ASSERT_EQ(s2, 200);
  EXPECT_NE(t2["refresh_token"], rt1);
  auto [s3, t3] = token("grant_type=refresh_token&refresh_token=" + http::PercentEncode(rt1), form);
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(t3, (Json{{"error", "invalid_grant"}}));
  // The new access token works on the API.
  token_ = t2["access_token"];
  EXPECT_EQ(Get("/companyinfo/" + o.realm_id).first, 200);
  // Refresh tokens expire too.
  clock_.Advance(int64_t{8726400} * 1000 + 1000);
  EXPECT_EQ(token("grant_type=refresh_token&refresh_token=" + http::PercentEncode(t2["refresh_token"].get<std::string>()), form).first, 400);
  EXPECT_EQ(token("grant_type=password", form).second["error"], "unsupported_grant_type");
}

TEST_F(SandboxTest, ThrottleAfter500RequestsPerMinute) {
  for (int i = 0; i < 500; ++i) {
    clock_.Advance(101);  // under 10 req/s
    http::Response r = Raw("GET", ApiUrl("/companyinfo/" + server_->options().realm_id), {}, Auth(), false);
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.body;
  }
  clock_.Advance(101);
  http::Response r = Raw("GET", ApiUrl("/customer/1"), {}, Auth(), false);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(FaultCode(Parse(r.body)), "3001");
  EXPECT_EQ(r.Header("Retry-After"), "");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(server_->stats().throttled, 1);
  clock_.Advance(60'000);
  EXPECT_EQ(Raw("GET", ApiUrl("/companyinfo/" + server_->options().realm_id), {}, Auth(), false).status, 200);
}

TEST_F(SandboxTest, ThrottlePerSecondAndBatchPerMinute) {
  Options o;
  o.retry_after_header = true;
  StartServer(o);
  int ok = 0, limited = 0;
  for (int i = 0; i < 11; ++i) {
    http::Response r = Raw("GET", ApiUrl("/preferences"), {}, Auth(), false);
    (r.status == 200 ? ok : limited)++;
    if (r.status == 429) {
      EXPECT_EQ(r.Header("Retry-After"), "1");
    }
  }
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(limited, 1);
  std::string batch = DumpJson(Json{{"BatchItemRequest", Json::array({Json{{"bId", "1"}, {"Query", "SELECT * FROM Item"}}})}});
  for (int i = 0; i < 40; ++i) {
    clock_.Advance(1001);
    ASSERT_EQ(Raw("POST", ApiUrl("/batch"), batch, Auth(), false).status, 200) << i;
  }
  clock_.Advance(1001);
  EXPECT_EQ(Raw("POST", ApiUrl("/batch"), batch, Auth(), false).status, 429);
  EXPECT_EQ(Raw("GET", ApiUrl("/preferences"), {}, Auth(), false).status, 200);  // singles still pass
  server_->SetThrottle(false);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Raw("POST", ApiUrl("/batch"), batch, Auth(), false).status, 200);
}

TEST_F(SandboxTest, AtMostTenRequestsInFlight) {
  server_->SetLatencyMs(600);
  std::vector<std::thread> threads;
  std::vector<int> statuses(11, 0);
  const std::string url = ApiUrl("/preferences");
  const http::Headers headers = Auth();
  for (int i = 0; i < 11; ++i) {
    clock_.Advance(101);  // stay under 10 req/s: only the in-flight limit can refuse
    threads.emplace_back([&, i] {
      http::Request req;
      req.url = url;
      req.headers = headers;
      auto r = transport_->Send(req);
      statuses[i] = r.ok() ? r->status : -1;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 10);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), 1);
  server_->SetLatencyMs(0);
}

TEST_F(SandboxTest, FaultInjection) {
  http::FaultOptions f;
  f.error_rate = 1;
  server_->SetFaults(f);
  http::Response r = Raw("GET", ApiUrl("/preferences"), {}, Auth());
  EXPECT_TRUE(r.status == 500 || r.status == 503);
  EXPECT_EQ(FaultCode(Parse(r.body)), "10000");
  f = {};
  f.rate_limit_rate = 1;
  server_->SetFaults(f);
  EXPECT_EQ(Raw("GET", ApiUrl("/preferences"), {}, Auth()).status, 429);
  // A dropped connection after the write executed: the requestid retry gets the original.
  f = {};
  f.drop_rate = 1;
  server_->SetFaults(f);
  http::Request req;
  req.method = "POST";
  req.url = ApiUrl("/customer?requestid=drop-1");
  req.body = DumpJson(Json{{"DisplayName", "Dropped"}});
  req.headers = Auth();
  EXPECT_FALSE(transport_->Send(req).ok());
  server_->SetFaults({});
  auto [s, b] = Post("/customer?requestid=drop-1", Json{{"DisplayName", "Dropped"}});
  EXPECT_EQ(s, 200);
  EXPECT_EQ(server_->CountEntities("Customer"), 1);
}

TEST(WebhookPayload, SignatureMatchesIntuitVector) {
  const std::string body =
      R"({"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]})";
  EXPECT_EQ(WebhookSender::Sign("b5771f19b12ddb4bcdb9f08bdc50bc63878a", body), "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=");
  std::vector<ChangeEvent> ev = {{"Invoice", "145", "Update", 1'767'225'600'000}};
  Json legacy = ParseJson(WebhookSender::LegacyPayload("42", ev)).value();
  EXPECT_EQ(legacy["eventNotifications"][0]["dataChangeEvent"]["entities"][0]["lastUpdated"], "2026-01-01T00:00:00.000Z");
  Json ce = ParseJson(WebhookSender::CloudEventsPayload("42", ev)).value();
  EXPECT_EQ(ce[0]["type"], "qbo.invoice.updated.v1");
  EXPECT_EQ(ce[0]["intuitaccountid"], "42");
  EXPECT_EQ(ce[0]["time"], "2026-01-01T00:00:00.000000000Z");
}

TEST(WebhookDelivery, PostsSignedCloudEventsAfterAWrite) {
  httplib::Server receiver;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, std::string>> got;  // body, intuit-signature
  receiver.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      got.emplace_back(req.body, req.get_header_value("intuit-signature"));
    }
    cv.notify_all();
    res.status = 200;
  });
  int port = receiver.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread th([&] { receiver.listen_after_bind(); });
  for (int i = 0; i < 2000 && !receiver.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  Options o;
  o.throttle = false;
  o.webhook.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  o.webhook.interval_ms = 20;
  Server server(o);
  ASSERT_TRUE(server.Start(0).ok());
  auto transport = http::MakeCurlTransport();
  http::Request req;
  req.method = "POST";
  req.url = server.base_url() + "/v3/company/" + o.realm_id + "/customer";
  req.body = R"({"DisplayName":"Hooked"})";
  req.headers = {{"Authorization", "Bearer " + server.IssueTokens().access_token}, {"Content-Type", "application/json"}};
  auto res = transport->Send(req);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->status, 200);
  std::string id = ParseJson(res->body).value()["Customer"]["Id"];
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return !got.empty(); });
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].second, WebhookSender::Sign(o.verifier_token, got[0].first));
    Json events = ParseJson(got[0].first).value();
    ASSERT_TRUE(events.is_array());
    EXPECT_EQ(events[0]["type"], "qbo.customer.created.v1");
    EXPECT_EQ(events[0]["intuitentityid"], id);
    EXPECT_EQ(events[0]["intuitaccountid"], o.realm_id);
  }
  transport.reset();
  server.Stop();
  receiver.stop();
  th.join();
}

}  // namespace
}  // namespace es::qbo::sandbox
