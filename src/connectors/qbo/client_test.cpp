// The QBO client: minor version and request ids, queries, token refresh and
// rotation, faults inside successful answers, CDC (batch requests:
// client_batch_test.cpp; shared support: client_test_support.h).
#include "connectors/qbo/client.h"

#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "connectors/qbo/client_test_support.h"
#include "connectors/qbo/codec.h"
#include "http/url.h"

namespace es::qbo::testing {
namespace {

// A token store that logs each Save into a shared event log.
class LoggingTokenStore final : public TokenStore {
 public:
  LoggingTokenStore(OAuthTokens t, std::function<void(const std::string&)> log)
      : inner_(std::move(t)), log_(std::move(log)) {}
  Result<OAuthTokens> Load() override { return inner_.Load(); }
  Status Save(const OAuthTokens& t) override {
    log_("save:" + t.refresh_token);
    return inner_.Save(t);
  }

 private:
  MemoryTokenStore inner_;
  std::function<void(const std::string&)> log_;
};

std::string TokenBody(const std::string& access, const std::string& refresh) {
  return DumpJson(Json{{"token_type", "bearer"},
                       {"access_token", access},
                       {"expires_in", 3600},
                       {"refresh_token", refresh},
                       {"x_refresh_token_expires_in", 8726400}});
}

bool IsTokenCall(const http::Request& r) { return r.url.rfind("https://oauth.test/", 0) == 0; }

std::string Hdr(const http::Request& r, std::string_view name) { return std::string(http::FindHeader(r.headers, name)); }

TEST_F(QboClientTest, MinorVersionOnEveryRequestAndRequestIdOnWrites) {
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    std::string path = http::ParseUrl(r.url)->path;
    if (path.find("/query") != std::string::npos) return JsonResponse(200, R"({"QueryResponse":{},"time":"x"})");
    if (path.find("/batch") != std::string::npos) return JsonResponse(200, R"({"BatchItemResponse":[{"bId":"b1","Customer":{"Id":"1"}}]})");
    if (path.find("/companyinfo") != std::string::npos) return JsonResponse(200, R"({"CompanyInfo":{"Id":"1"}})");
    if (path.find("/invoice") != std::string::npos) return JsonResponse(200, R"({"Invoice":{"Id":"266"}})");
    if (path.find("/payment") != std::string::npos) return JsonResponse(200, R"({"Payment":{"Id":"301"}})");
    return JsonResponse(200, R"({"Customer":{"Id":"70","SyncToken":"0"},"time":"x"})");
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);

  auto created = c.Create("Customer", Json{{"DisplayName", "Ada"}}, "rid-create");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ((*created)["Id"], "70");  // the entity, not the envelope
  ASSERT_TRUE(c.SparseUpdate("Customer", Json{{"Id", "70"}, {"SyncToken", "0"}, {"Active", false}}, "rid-sparse").ok());
  ASSERT_TRUE(c.FullUpdate("Customer", Json{{"Id", "70"}, {"SyncToken", "1"}, {"DisplayName", "Ada"}}, "rid-full").ok());
  ASSERT_TRUE(c.Read("Customer", "70").ok());
  ASSERT_TRUE(c.Query("SELECT * FROM Customer").ok());
  ASSERT_TRUE(c.Ping().ok());
  ASSERT_TRUE(c.Batch({BatchOp{"b1", "create", "Customer", Json{{"DisplayName", "G"}}, "", ""}}, "rid-batch").ok());
  ASSERT_TRUE(c.Delete("Invoice", "266", "3", "rid-del").ok());
  ASSERT_TRUE(c.Void("Invoice", "266", "4", "rid-void-inv").ok());
  ASSERT_TRUE(c.Void("Payment", "301", "1", "rid-void-pay").ok());

  auto reqs = t.requests();
  ASSERT_EQ(reqs.size(), 10u);
  EXPECT_EQ(c.requests_sent(), 10);
  for (const auto& r : reqs) {
    EXPECT_EQ(Param(r.url, "minorversion"), "75") << r.url;
    EXPECT_EQ(Hdr(r, "Authorization"), "Bearer AT-1");
    EXPECT_EQ(Hdr(r, "Accept"), "application/json");
    if (r.method == "POST") {
      EXPECT_EQ(Hdr(r, "Content-Type"), "application/json");
      EXPECT_NE(Param(r.url, "requestid"), "<absent>") << r.url;
    } else {
      EXPECT_EQ(Param(r.url, "requestid"), "<absent>") << r.url;
    }
  }
  EXPECT_EQ(reqs[0].url, Base() + "customer?minorversion=75&requestid=rid-create");
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].body, R"({"DisplayName":"Ada"})");
  EXPECT_EQ(reqs[1].body, R"({"Active":false,"Id":"70","SyncToken":"0","sparse":true})");
  EXPECT_EQ(reqs[2].url, Base() + "customer?minorversion=75&operation=update&requestid=rid-full");
  EXPECT_EQ(reqs[3].url, Base() + "customer/70?minorversion=75");
  EXPECT_EQ(reqs[3].method, "GET");
  EXPECT_EQ(reqs[5].url, Base() + "companyinfo/" + config_.realm_id + "?minorversion=75");
  EXPECT_EQ(reqs[6].url, Base() + "batch?minorversion=75&requestid=rid-batch");
  EXPECT_EQ(reqs[7].url, Base() + "invoice?minorversion=75&operation=delete&requestid=rid-del");
  EXPECT_EQ(reqs[7].body, R"({"Id":"266","SyncToken":"3"})");
  EXPECT_EQ(reqs[8].url, Base() + "invoice?minorversion=75&operation=void&requestid=rid-void-inv");
  EXPECT_EQ(reqs[9].url, Base() + "payment?minorversion=75&operation=update&include=void&requestid=rid-void-pay");
  EXPECT_EQ(reqs[9].body, R"({"Id":"301","SyncToken":"1","sparse":true})");
}

TEST_F(QboClientTest, WriteArgumentsValidatedBeforeSending) {
  FakeTransport t([](const http::Request&) -> Result<http::Response> { return JsonResponse(200, "{}"); });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  EXPECT_TRUE(c.Create("Customer", Json{{"a", 1}}, std::string(51, 'x')).status().IsValidation());
  EXPECT_EQ(c.Create("Customer", Json{{"a", 1}}, std::string(50, 'x')).status().category(),
            ErrorCategory::kInternal);  // sent; the reply lacks "Customer"
  EXPECT_TRUE(c.SparseUpdate("Customer", Json{{"Id", "1"}}, "r").status().IsValidation());
  EXPECT_TRUE(c.Create("cust/omer", Json::object(), "r").status().IsValidation());
  EXPECT_TRUE(c.Create("Customer", Json::array(), "r").status().IsValidation());
  EXPECT_EQ(t.requests().size(), 1u);
}

TEST_F(QboClientTest, QueryUrlEncodingAndPaging) {
  const std::string name = "Amy's \\ Café & Co = 100%";
  const std::string statement = "SELECT * FROM Customer WHERE DisplayName = " + QuoteQueryString(name);
  EXPECT_EQ(QuoteQueryString(name), "'Amy\\'s \\\\ Café & Co = 100%'");
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, ReadFixture("query_customer_response.json"));
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto page = c.Query(statement);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0]["DisplayName"], "Amy's Bird Sanctuary");
  EXPECT_EQ(page->start_position, 1);
  EXPECT_EQ(page->max_results, 2);
  EXPECT_FALSE(page->total_count.has_value());
  // The balance is still exact after passing through the client.
  EXPECT_EQ(*GetDecimal(page->rows[1], "Balance"), *Decimal::Parse("239.00"));

  const std::string url = t.requests().at(0).url;
  EXPECT_EQ(url, Base() + "query?minorversion=75&query=SELECT%20%2A%20FROM%20Customer%20WHERE%20DisplayName%20%3D%20"
                          "%27Amy%5C%27s%20%5C%5C%20Caf%C3%A9%20%26%20Co%20%3D%20100%25%27");
  EXPECT_EQ(Param(url, "query"), statement);
}

TEST_F(QboClientTest, QueryResponseShapes) {
  std::string body;
  FakeTransport t([&](const http::Request&) -> Result<http::Response> { return JsonResponse(200, body); });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  body = R"({"QueryResponse":{},"time":"2026-03-02T06:04:49.352-08:00"})";
  auto empty = c.Query("SELECT * FROM Invoice STARTPOSITION 101 MAXRESULTS 100");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->rows.empty());
  EXPECT_EQ(empty->max_results, 0);
  body = R"({"QueryResponse":{"totalCount":41},"time":"x"})";
  auto count = c.Query("SELECT COUNT(*) FROM Customer");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->total_count, 41);
  body = R"({"QueryResponse":{"Item":[{"Id":"21"}],"startPosition":1,"maxResults":1}})";
  auto lower = c.Query("select * from item where Sku = 'from x'");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->rows.size(), 1u);
  EXPECT_EQ(QueryEntity("select * from item where Sku = 'from x'"), "item");
  EXPECT_EQ(QueryEntity("SELECT * FROM Customer WHERE DisplayName = 'a FROM b'"), "Customer");
  EXPECT_EQ(QueryEntity("SELECT 1"), "");
  body = R"({"Fault":{"Error":[{"Message":"Invalid query","Detail":"QueryValidationError: value 1500 is too large. Max allowed value is 1000","code":"4001"}],"type":"ValidationFault"}})";
  auto bad = c.Query("SELECT * FROM Customer MAXRESULTS 1500");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsValidation());
  EXPECT_EQ(bad.status().code(), "4001");
  EXPECT_NE(bad.status().message().find("1500 is too large"), std::string::npos);
}

TEST_F(QboClientTest, RefreshBeforeExpiryPersistsRotationBeforeUse) {
  std::mutex log_mu;
  std::vector<std::string> log;
  auto add = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(log_mu);
    log.push_back(e);
  };
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) {
      add("token");
      return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    }
    add("api:" + Hdr(r, "Authorization"));
    return JsonResponse(200, R"({"Customer":{"Id":"70"}})");
  });
  LoggingTokenStore store(Tokens(2 * 60 * 1000), add);  // 2 min left < 5 min margin
  Client c(config_, t, clock_, store);
  ASSERT_TRUE(c.Read("Customer", "70").ok());
  EXPECT_EQ(log, (std::vector<std::string>{"token", "save:RT-2", "api:Bearer AT-2"}));

  auto reqs = t.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const http::Request& tok = reqs[0];
  EXPECT_EQ(tok.method, "POST");
  EXPECT_EQ(tok.url, "https://oauth.test/tokens");
  EXPECT_EQ(Hdr(tok, "Authorization"), "Basic " + crypto::Base64Encode("cid:csecret"));
  EXPECT_EQ(Hdr(tok, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(Hdr(tok, "Accept"), "application/json");
  EXPECT_EQ(tok.body, "grant_type=refresh_token&refresh_token=RT-1");
  EXPECT_EQ(c.requests_sent(), 2);

  OAuthTokens saved = *store.Load();
  EXPECT_EQ(saved.access_token, "AT-2");
  EXPECT_EQ(saved.refresh_token, "RT-2");
  EXPECT_EQ(saved.access_expires_at_ms, clock_.NowMillis() + 3600 * 1000);
  EXPECT_EQ(saved.refresh_expires_at_ms, clock_.NowMillis() + 8726400LL * 1000);
  EXPECT_EQ(saved.realm_id, config_.realm_id);

  // Fresh now: no second refresh.
  ASSERT_TRUE(c.Read("Customer", "70").ok());
  EXPECT_EQ(c.requests_sent(), 3);
  // An hour later it refreshes again, spending the rotated token.
  clock_.Advance(kHourMs);
  ASSERT_TRUE(c.Read("Customer", "70").ok());
  EXPECT_EQ(t.requests()[3].body, "grant_type=refresh_token&refresh_token=RT-2");
}

TEST_F(QboClientTest, ConcurrentRefreshSendsOneTokenRequest) {
  std::atomic<int> token_calls{0};
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) {
      ++token_calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // widen the race window
      return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    }
    if (Hdr(r, "Authorization") != "Bearer AT-2") return JsonResponse(401, ReadFixture("fault_401_gateway.json"));
    return JsonResponse(200, R"({"Customer":{"Id":"70"}})");
  });
  MemoryTokenStore store(Tokens(60 * 1000));
  Client c(config_, t, clock_, store);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (c.Read("Customer", "70").ok()) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(token_calls.load(), 1);
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(c.requests_sent(), 9);
}

TEST_F(QboClientTest, ConcurrentUnauthorizedRefreshesOnce) {
  // The stored token looks fresh but the server has revoked it: all eight
  // threads get a 401 at once and must share a single refresh.
  std::atomic<int> token_calls{0};
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) {
      ++token_calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    }
    if (Hdr(r, "Authorization") != "Bearer AT-2") {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return JsonResponse(401, ReadFixture("fault_401_gateway.json"));
    }
    return JsonResponse(200, R"({"Customer":{"Id":"70"}})");
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (c.Read("Customer", "70").ok()) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(token_calls.load(), 1);
  EXPECT_EQ(ok.load(), 8);
}

TEST_F(QboClientTest, UnauthorizedRefreshesAndRetriesSameRequestOnce) {
  int api_calls = 0;
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    if (++api_calls == 1) return JsonResponse(401, ReadFixture("fault_401_gateway.json"));
    return JsonResponse(200, R"({"Invoice":{"Id":"266","SyncToken":"0"}})");
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto r = c.Create("Invoice", Json{{"CustomerRef", {{"value", "58"}}}}, "rid-inv-1042");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto reqs = t.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_FALSE(IsTokenCall(reqs[0]));
  EXPECT_TRUE(IsTokenCall(reqs[1]));
  EXPECT_EQ(reqs[0].url, reqs[2].url);
  EXPECT_EQ(reqs[0].body, reqs[2].body);
  EXPECT_EQ(Param(reqs[2].url, "requestid"), "rid-inv-1042");
  EXPECT_EQ(Hdr(reqs[0], "Authorization"), "Bearer AT-1");
  EXPECT_EQ(Hdr(reqs[2], "Authorization"), "Bearer AT-2");
  EXPECT_EQ(store.Load()->refresh_token, "RT-2");
}

TEST_F(QboClientTest, PersistentUnauthorizedGivesUpAfterOneRetry) {
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    return JsonResponse(401, ReadFixture("fault_401_gateway.json"));
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto r = c.Read("Customer", "70");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsAuthentication());
  EXPECT_EQ(r.status().code(), "3200");
  EXPECT_EQ(t.requests().size(), 3u);
  const std::string text = r.status().ToString();
  for (const char* secret : {"AT-1", "AT-2", "RT-1", "RT-2", "csecret", "AB0eyJ"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked in " << text;
  }
  EXPECT_NE(text.find("intuit_tid 1-abc-tid"), std::string::npos) << text;
}

TEST_F(QboClientTest, InvalidGrantIsAuthenticationWithoutSecrets) {
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) return JsonResponse(400, ReadFixture("oauth_invalid_grant.json"));
    return JsonResponse(200, R"({"Customer":{"Id":"70"}})");
  });
  MemoryTokenStore store(Tokens(0));
  Client c(config_, t, clock_, store);
  auto r = c.Read("Customer", "70");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsAuthentication());
  EXPECT_EQ(r.status().code(), "invalid_grant");
  EXPECT_EQ(r.status().message().find("RT-1"), std::string::npos);
  EXPECT_EQ(t.requests().size(), 1u);  // no API call with a stale token
  EXPECT_EQ(store.Load()->refresh_token, "RT-1");  // nothing overwritten
}

TEST_F(QboClientTest, ExpiredOrMissingRefreshTokenNeedsReconnect) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> { return JsonResponse(500, ""); });
  OAuthTokens tok = Tokens(0);
  tok.refresh_expires_at_ms = clock_.NowMillis() - 1;
  MemoryTokenStore store(tok);
  Client c(config_, t, clock_, store);
  Status s = c.Ping();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_NE(s.message().find("reconnect"), std::string::npos);
  MemoryTokenStore empty(OAuthTokens{});
  Client c2(config_, t, clock_, empty);
  EXPECT_TRUE(c2.Ping().IsAuthentication());
  EXPECT_TRUE(t.requests().empty());
}

class FailingSaveStore final : public TokenStore {
 public:
  explicit FailingSaveStore(OAuthTokens t) : t_(std::move(t)) {}
  Result<OAuthTokens> Load() override { return t_; }
  Status Save(const OAuthTokens& t) override {
    return Status::Internal("disk full while writing " + t.refresh_token);
  }

 private:
  OAuthTokens t_;
};

TEST_F(QboClientTest, RotatedTokenNotUsedWhenSaveFails) {
  FakeTransport t([&](const http::Request& r) -> Result<http::Response> {
    if (IsTokenCall(r)) return JsonResponse(200, TokenBody("AT-2", "RT-2"));
    return JsonResponse(200, R"({"Customer":{"Id":"70"}})");
  });
  FailingSaveStore store(Tokens(0));
  Client c(config_, t, clock_, store);
  auto r = c.Read("Customer", "70");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("RT-2"), std::string::npos) << r.status().message();
  EXPECT_EQ(t.requests().size(), 1u);
}

TEST_F(QboClientTest, FaultsInsideSuccessfulResponsesAndThrottles) {
  int n = 0;
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    switch (n++) {
      case 0:
        return JsonResponse(200, R"({"Fault":{"Error":[{"Message":"Invalid Company Status","code":"6190"}],"type":"ValidationFault"}})");
      case 1: {
        http::Response r = JsonResponse(429, ReadFixture("fault_429_throttle.xml"));
        r.headers.emplace_back("Retry-After", "30");
        return r;
      }
      case 2:
        return JsonResponse(400, ReadFixture("fault_6240_duplicate_name.json"));
      case 3:
        return JsonResponse(503, "<html>Service Unavailable</html>");
      default:
        return Status::Network("connection reset by peer");
    }
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto a = c.Read("Invoice", "1");
  EXPECT_TRUE(a.status().IsValidation());
  EXPECT_EQ(a.status().code(), "6190");
  auto b = c.Read("Invoice", "1");
  EXPECT_TRUE(b.status().IsRateLimit());
  EXPECT_EQ(b.status().retry_after_ms(), 30000);
  auto d = c.Create("Customer", Json{{"DisplayName", "Ada"}}, "r");
  EXPECT_TRUE(d.status().IsConflict());
  EXPECT_EQ(d.status().code(), "6240");
  EXPECT_NE(d.status().message().find("QBO POST Customer"), std::string::npos) << d.status().message();
  EXPECT_TRUE(c.Read("Invoice", "1").status().IsNetwork());
  EXPECT_TRUE(c.Read("Invoice", "1").status().IsNetwork());
}

TEST_F(QboClientTest, ExchangeAuthorizationCode) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, ReadFixture("token_response.json"));
  });
  OAuthTokens out;
  auto id = ExchangeAuthorizationCode(config_, t, clock_, "AB11code/x", "https://app.example/qbo/callback", &out);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "eyJraWQiOiJPUElDUFJEMDgxNTIwMTUiLCJhbGciOiJSUzI1NiJ9.id");
  EXPECT_EQ(out.refresh_token, "RT1-222-H0-1780000000xyz");
  EXPECT_EQ(out.access_expires_at_ms, clock_.NowMillis() + 3600 * 1000);
  EXPECT_EQ(out.refresh_expires_at_ms, clock_.NowMillis() + 8726400LL * 1000);
  EXPECT_EQ(out.realm_id, config_.realm_id);
  auto req = t.requests().at(0);
  EXPECT_EQ(req.body,
            "grant_type=authorization_code&code=AB11code%2Fx&redirect_uri=https%3A%2F%2Fapp.example%2Fqbo%2Fcallback");
  EXPECT_EQ(Hdr(req, "Authorization"), "Basic " + crypto::Base64Encode("cid:csecret"));

  FakeTransport bad([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(400, ReadFixture("oauth_invalid_grant.json"));
  });
  OAuthTokens untouched;
  auto r = ExchangeAuthorizationCode(config_, bad, clock_, "AB11code", "https://app.example/cb", &untouched);
  EXPECT_TRUE(r.status().IsAuthentication());
  EXPECT_TRUE(untouched.refresh_token.empty());
  EXPECT_TRUE(ExchangeAuthorizationCode(config_, bad, clock_, "", "https://x", &untouched).status().IsValidation());
}

TEST_F(QboClientTest, ChangeDataCapture) {
  FakeTransport t([&](const http::Request&) -> Result<http::Response> {
    return JsonResponse(200, R"({"CDCResponse":[{"QueryResponse":[
      {"Invoice":[{"Id":"48","SyncToken":"3"},{"domain":"QBO","status":"Deleted","Id":"39"}],"startPosition":1,"maxResults":2},
      {"Customer":[{"Id":"58","Active":false}],"startPosition":1,"maxResults":1}]}],
      "time":"2026-03-03T07:52:34.949-08:00"})");
  });
  MemoryTokenStore store(Tokens(kHourMs));
  Client c(config_, t, clock_, store);
  auto r = c.ChangeDataCapture({"Invoice", "Customer"}, "2026-03-01T00:00:00-08:00");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->time, "2026-03-03T07:52:34.949-08:00");
  ASSERT_EQ(r->rows["Invoice"].size(), 2u);
  EXPECT_EQ(r->rows["Invoice"][1]["status"], "Deleted");
  EXPECT_EQ(r->rows["Customer"].size(), 1u);
  const std::string url = t.requests()[0].url;
  EXPECT_EQ(Param(url, "entities"), "Invoice,Customer");
  EXPECT_EQ(Param(url, "changedSince"), "2026-03-01T00:00:00-08:00");
  EXPECT_TRUE(c.ChangeDataCapture({"Invoice"}, "yesterday").status().IsValidation());
}

}  // namespace
}  // namespace es::qbo::testing
