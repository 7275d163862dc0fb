#include "connectors/woo/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <sstream>

#include "connectors/woo/oauth1.h"
#include "http/url.h"

namespace es::woo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Records requests and answers from a queue of canned responses.
class FakeTransport : public http::Transport {
 public:
  Result<http::Response> Send(const http::Request& request) override {
    requests.push_back(request);
    if (responses.empty()) return Status::Network("GET request failed: Connection refused", "transport");
    auto r = responses.front();
    responses.pop_front();
    return r;
  }
  void Reply(int status, std::string body, http::Headers headers = {}) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    responses.push_back(std::move(r));
  }
  void Fail(Status s) { responses.push_back(std::move(s)); }
  http::Params Query(size_t i = 0) const {
    auto u = http::ParseUrl(requests.at(i).url);
    return u.ok() ? http::ParseQuery(u->query) : http::Params{};
  }
  std::string Param(const std::string& key, size_t i = 0) const {
    for (const auto& [k, v] : Query(i))
      if (k == key) return v;
    return "<absent>";
  }
  std::deque<Result<http::Response>> responses;
  std::vector<http::Request> requests;
};

class WooClientTest : public ::testing::Test {
 protected:
  Client Make(const std::string& base, AuthMode mode = AuthMode::kAuto) {
    Credentials c;
    c.base_url = base;
    c.consumer_key = "ck_live";
    c.consumer_secret = "cs_very_secret_value";
    c.auth = mode;
    return Client(c, transport_, clock_);
  }
  std::string OrdersArray() {
    return "[" + ReadFile("order_full.json") + "," + ReadFile("order_bad_money.json") + "," +
           ReadFile("order_guest.json") + "]";
  }
  FakeTransport transport_;
  FakeClock clock_{1'700'000'000'000};
};

TEST_F(WooClientTest, OAuthOverHttpIsVerifiable) {
  Client client = Make("http://shop.test/");
  transport_.Reply(200, OrdersArray(), {{"X-WP-Total", "203"}, {"X-WP-TotalPages", "3"}});
  ListQuery q;
  q.page = 2;
  q.statuses = {"processing", "completed"};
  auto page = client.ListOrders(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(transport_.requests.size(), 1u);
  const auto& req = transport_.requests[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url.rfind("http://shop.test/wp-json/wc/v3/orders?", 0), 0u) << req.url;
  EXPECT_EQ(transport_.Param("status"), "processing,completed");
  EXPECT_EQ(transport_.Param("page"), "2");
  EXPECT_EQ(transport_.Param("per_page"), "100");
  EXPECT_EQ(transport_.Param("orderby"), "id");
  EXPECT_EQ(transport_.Param("order"), "asc");
  EXPECT_EQ(transport_.Param("oauth_signature_method"), "HMAC-SHA256");
  EXPECT_EQ(transport_.Param("oauth_timestamp"), "1700000000");
  EXPECT_EQ(transport_.Param("oauth_nonce").size(), 32u);
  EXPECT_EQ(transport_.Param("consumer_secret"), "<absent>");
  EXPECT_THAT(req.url, Not(HasSubstr("cs_very_secret_value")));
  for (const auto& [k, v] : req.headers) EXPECT_NE(k, "Authorization");

  // The signature verifies with the server-side algorithm.
  oauth1::NonceCache nonces;
  auto verdict = oauth1::Verify(
      {"GET", "http://shop.test/wp-json/wc/v3/orders", transport_.Query()},
      [](const std::string& key) -> std::optional<std::string> {
        return key == "ck_live" ? std::optional<std::string>("cs_very_secret_value") : std::nullopt;
      },
      nonces, 1'700'000'010);
  EXPECT_EQ(verdict.outcome, oauth1::VerifyOutcome::kAuthenticated) << verdict.error.ToString();

  EXPECT_EQ(page->page, 2);
  EXPECT_EQ(page->total, 203);
  EXPECT_EQ(page->total_pages, 3);
  EXPECT_TRUE(page->HasMore());
  ASSERT_EQ(page->items.size(), 2u);
  ASSERT_EQ(page->raw.size(), 2u);
  EXPECT_EQ(page->items[0].source_id, "727");
  EXPECT_EQ(page->items[1].source_id, "1042");
  auto raw = ParseJson(page->raw[1]);
  ASSERT_TRUE(raw.ok()) << page->raw[1];
  EXPECT_EQ((*raw)["id"], 1042);
  ASSERT_EQ(page->failures.size(), 1u);
  EXPECT_EQ(page->failures[0].source_id, "900");
  EXPECT_THAT(page->failures[0].reason, HasSubstr("total: invalid number '12.3.4'"));
  EXPECT_EQ(client.requests_sent(), 1);
}

TEST_F(WooClientTest, BasicOverHttps) {
  Client client = Make("https://shop.test");
  transport_.Reply(200, "[]", {{"x-wp-total", "0"}, {"x-wp-totalpages", "0"}});
  ListQuery q;
  q.modified_after = "2024-03-01T00:00:00";
  q.include = {5, 7};
  auto page = client.ListOrders(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_FALSE(page->HasMore());
  const auto& req = transport_.requests[0];
  EXPECT_EQ(std::string(http::FindHeader(req.headers, "Authorization")),
            "Basic Y2tfbGl2ZTpjc192ZXJ5X3NlY3JldF92YWx1ZQ==");
  EXPECT_EQ(transport_.Param("oauth_signature"), "<absent>");
  EXPECT_EQ(transport_.Param("modified_after"), "2024-03-01T00:00:00");
  EXPECT_EQ(transport_.Param("dates_are_gmt"), "true");
  EXPECT_EQ(transport_.Param("orderby"), "modified");
  EXPECT_EQ(transport_.Param("include"), "5,7");
}

TEST_F(WooClientTest, QueryStringAndForcedOAuth) {
  Client qs = Make("https://shop.test", AuthMode::kQueryString);
  transport_.Reply(200, "[]");
  ASSERT_TRUE(qs.ListCustomers({}).ok());
  EXPECT_EQ(transport_.Param("consumer_key"), "ck_live");
  EXPECT_EQ(transport_.Param("consumer_secret"), "cs_very_secret_value");

  Client oauth = Make("https://shop.test", AuthMode::kOAuth1);
  transport_.Reply(200, "[]");
  ASSERT_TRUE(oauth.ListProducts({}).ok());
  EXPECT_EQ(transport_.Param("oauth_consumer_key", 1), "ck_live");
}

TEST_F(WooClientTest, CustomersIgnoreDateFilters) {
  Client client = Make("https://shop.test");
  transport_.Reply(200, "[" + ReadFile("customer.json") + "]");
  ListQuery q;
  q.modified_after = "2024-03-01T00:00:00";
  q.statuses = {"processing"};
  auto page = client.ListCustomers(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_EQ(transport_.Param("modified_after"), "<absent>");
  EXPECT_EQ(transport_.Param("status"), "<absent>");
  EXPECT_EQ(transport_.Param("orderby"), "id");
  // No pagination headers: derived from the page size.
  EXPECT_EQ(page->total, 1);
  EXPECT_EQ(page->total_pages, 1);
}

TEST_F(WooClientTest, ValidatesQueryBeforeSending) {
  Client client = Make("http://shop.test");
  ListQuery q;
  q.per_page = 0;
  auto r = client.ListOrders(q);
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_THAT(r.status().message(), HasSubstr("per_page must be between 1 and 100, got 0"));
  q.per_page = 101;
  EXPECT_TRUE(client.ListOrders(q).status().IsValidation());
  q.per_page = 10;
  q.page = 0;
  EXPECT_TRUE(client.ListOrders(q).status().IsValidation());
  EXPECT_TRUE(client.GetOrder("12/../../x").status().IsValidation());
  EXPECT_TRUE(client.ListRefunds("").status().IsValidation());
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(WooClientTest, MapsHttpErrors) {
  Client client = Make("http://shop.test");
  transport_.Reply(401, R"({"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}})");
  auto s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "woocommerce_rest_cannot_view");
  EXPECT_THAT(s.message(), HasSubstr("woo GET orders: HTTP 401 woocommerce_rest_cannot_view: Sorry, you cannot "
                                     "list resources. — the API key lacks the permission: give it Read/Write access"));

  transport_.Reply(404, R"({"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}})");
  s = client.GetOrder("5").status();
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.code(), "woocommerce_rest_shop_order_invalid_id");

  transport_.Reply(400, R"json({"code":"rest_invalid_param","message":"Invalid parameter(s): per_page","data":{"status":400,"params":{"per_page":"per_page must be between 1 (inclusive) and 100 (inclusive)"}}})json");
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsValidation());
  EXPECT_EQ(s.code(), "rest_invalid_param");
  EXPECT_THAT(s.message(), HasSubstr("per_page must be between 1 (inclusive) and 100 (inclusive)"));

  transport_.Reply(429, "<html>Too Many Requests</html>", {{"Retry-After", "7"}});
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsRateLimit());
  EXPECT_EQ(s.retry_after_ms(), 7000);

  transport_.Reply(503, "<html><body>Service Unavailable</body></html>");
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsNetwork());
  EXPECT_TRUE(s.retryable());
  EXPECT_EQ(s.code(), "http_503");
  EXPECT_THAT(s.message(), HasSubstr("non-JSON body"));

  transport_.Reply(503, "", {{"Retry-After", "Tue, 14 Nov 2023 22:13:40 GMT"}});
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsRateLimit());
  EXPECT_EQ(s.retry_after_ms(), 20'000);

  transport_.Reply(502, "Bad Gateway");
  EXPECT_TRUE(client.ListOrders({}).status().IsNetwork());

  transport_.Reply(200, "<html>Just a moment...</html>");
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsNetwork());
  EXPECT_EQ(s.code(), "non_json");

  transport_.Reply(500, R"({"code":"woocommerce_rest_invalid_order_id","message":"Invalid order ID.","data":404})");
  s = client.ListRefunds("99").status();
  EXPECT_TRUE(s.IsNotFound());

  transport_.Reply(301, "", {{"Location", "https://www.shop.test/wp-json/wc/v3/orders"}});
  EXPECT_TRUE(client.ListOrders({}).status().IsValidation());

  // Transport failure (nothing queued).
  s = client.ListOrders({}).status();
  EXPECT_TRUE(s.IsNetwork());
  EXPECT_EQ(s.message(), "WooCommerce unreachable at http://shop.test (connection refused) — check the connection's "
                         "base_url and that the shop is up");
  EXPECT_EQ(s.code(), "transport");
}

TEST_F(WooClientTest, RefusedKeysSayWhichSettingsToCheck) {
  Client client = Make("http://shop.test");
  transport_.Reply(401, R"({"code":"woocommerce_rest_authentication_error","message":"Consumer key is invalid.","data":{"status":401}})");
  auto s = client.ListCustomers({}).status();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "woocommerce_rest_authentication_error");
  EXPECT_EQ(s.message(), "woo GET customers: HTTP 401 woocommerce_rest_authentication_error: Consumer key is invalid. "
                         "— check the connection's consumer_key and consumer_secret (WooCommerce → Settings → "
                         "Advanced → REST API)");
}

TEST_F(WooClientTest, TransportFailuresNameTheShopAndTheSettingToCheck) {
  const std::string shop = "https://shop.test";
  auto says = [&](const std::string& curl, const char* code = "transport") {
    return Unreachable(Status::Network("GET request failed: " + curl, code), shop);
  };
  Status refused = says("Failed to connect to shop.test port 443 after 0 ms: Couldn't connect to server");
  EXPECT_TRUE(refused.IsNetwork());
  EXPECT_TRUE(refused.retryable());
  EXPECT_EQ(refused.message(),
            "WooCommerce unreachable at https://shop.test (connection refused) — check the connection's base_url and "
            "that the shop is up");
  EXPECT_THAT(says("Could not resolve host: shop.test").message(), HasSubstr("(host name not found)"));
  Status slow = says("Operation timed out after 10001 milliseconds", "timeout");
  EXPECT_THAT(slow.message(), HasSubstr("(timed out)"));
  EXPECT_EQ(slow.code(), "timeout");
  EXPECT_THAT(says("OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number").message(),
              HasSubstr("(TLS failure: the server there does not speak TLS) — check the connection's base_url: use "
                        "http:// for a plain-HTTP server"));
  EXPECT_THAT(says("SSL certificate problem: self-signed certificate").message(),
              HasSubstr("(TLS failure: SSL certificate problem: self-signed certificate) — check the connection's "
                        "base_url (or set insecure_skip_tls_verify for a test server)"));
}

TEST_F(WooClientTest, NeverLeaksTheSecret) {
  Client client = Make("https://shop.test", AuthMode::kQueryString);
  transport_.Reply(400, R"({"code":"x","message":"bad consumer_secret=cs_very_secret_value","data":{"status":400}})");
  auto s = client.ListOrders({}).status();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.ToString(), Not(HasSubstr("cs_very_secret_value")));
  EXPECT_THAT(s.ToString(), Not(HasSubstr("?")));  // no URL with query
}

TEST_F(WooClientTest, GetAndRefunds) {
  Client client = Make("http://shop.test");
  transport_.Reply(200, ReadFile("order_full.json"));
  auto o = client.GetOrder("727");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->total.ToString(), "41.31");
  EXPECT_EQ(transport_.requests[0].url.substr(0, transport_.requests[0].url.find('?')),
            "http://shop.test/wp-json/wc/v3/orders/727");

  transport_.Reply(200, "[" + ReadFile("refund.json") + "]", {{"X-WP-Total", "2"}, {"X-WP-TotalPages", "2"}});
  transport_.Reply(200, "[" + ReadFile("refund.json") + "]", {{"X-WP-Total", "2"}, {"X-WP-TotalPages", "2"}});
  auto refunds = client.ListRefunds("727");
  ASSERT_TRUE(refunds.ok()) << refunds.status().ToString();
  EXPECT_EQ(refunds->size(), 2u);
  EXPECT_EQ(transport_.Param("page", 2), "2");
  EXPECT_EQ((*refunds)[0].amount.ToString(), "9.56");

  transport_.Reply(200, ReadFile("product_variable.json"));
  auto p = client.GetProduct("794");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->variation_ids.size(), 2u);

  transport_.Reply(200, "[" + ReadFile("variation.json") + "]");
  auto v = client.ListVariations("794", {});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->items.at(0).parent_source_id, "794");

  transport_.Reply(200, ReadFile("customer.json"));
  EXPECT_TRUE(client.GetCustomer("25").ok());

  transport_.Reply(200, "[]");
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(transport_.Param("per_page", transport_.requests.size() - 1), "1");
}

}  // namespace
}  // namespace es::woo
