// The REST logic without sockets: auth rules, parameter validation,
// pagination headers, routes and writes.
#include "connectors/woo/sandbox/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "connectors/woo/codec.h"
#include "connectors/woo/sandbox/seed.h"

namespace es::woo::sandbox {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHome = "http://127.0.0.1:8080";
constexpr int64_t kNow = 1'800'000'000;

class ApiTest : public ::testing::Test {
 protected:
  explicit ApiTest(bool https = false)
      : store_(GenerateStore({})), api_(store_, ApiConfig{"ck_k", "cs_s", https}) {}

  // A request signed with OAuth 1.0a (HMAC-SHA256) like the official JS client.
  ApiRequest Signed(const std::string& method, const std::string& path, http::Params params = {},
                    const std::string& secret = "cs_s", int64_t ts = kNow) {
    oauth1::SignRequest s;
    s.http_method = method;
    s.url = std::string(kHome) + path;
    s.params = params;
    s.consumer_key = "ck_k";
    s.consumer_secret = secret;
    s.timestamp = ts;
    s.nonce = "n" + std::to_string(++nonce_);
    for (auto& p : oauth1::Sign(s)) params.push_back(p);
    return ApiRequest{method, path, params, {}, ""};
  }
  ApiResponse Call(const ApiRequest& r) { return api_.Handle(r, kHome, kNow); }
  static std::string Header(const ApiResponse& r, const std::string& name) {
    return std::string(http::FindHeader(r.headers, name));
  }

  Store store_;
  Api api_;
  int nonce_ = 0;
};

TEST_F(ApiTest, HttpAcceptsOnlyOAuth) {
  ApiRequest basic{"GET", "/wp-json/wc/v3/orders", {}, {{"Authorization", "Basic " + crypto::Base64Encode("ck_k:cs_s")}}, ""};
  auto r = Call(basic);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "woocommerce_rest_cannot_view");
  EXPECT_EQ(r.body["message"], "Sorry, you cannot list resources.");
  EXPECT_EQ(r.body["data"]["status"], 401);

  ApiRequest query{"GET", "/wp-json/wc/v3/orders", {{"consumer_key", "ck_k"}, {"consumer_secret", "cs_s"}}, {}, ""};
  EXPECT_EQ(Call(query).body["code"], "woocommerce_rest_cannot_view");

  auto ok = Call(Signed("GET", "/wp-json/wc/v3/orders"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body.size(), 10u);  // default per_page
  EXPECT_EQ(Header(ok, "X-WP-Total"), "300");
  EXPECT_EQ(Header(ok, "X-WP-TotalPages"), "30");

  ApiRequest single{"GET", "/wp-json/wc/v3/orders/" + ok.body[0]["id"].dump(), {}, {}, ""};
  EXPECT_EQ(Call(single).body["message"], "Sorry, you cannot view this resource.");
}

TEST_F(ApiTest, OAuthErrors) {
  auto wrong = Call(Signed("GET", "/wp-json/wc/v3/orders", {}, "cs_wrong"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["code"], "woocommerce_rest_authentication_error");
  EXPECT_EQ(wrong.body["message"], "Invalid signature - provided signature does not match.");

  EXPECT_EQ(Call(Signed("GET", "/wp-json/wc/v3/orders", {}, "cs_s", kNow - 3600)).body["message"], "Invalid timestamp.");

  ApiRequest once = Signed("GET", "/wp-json/wc/v3/orders");
  EXPECT_EQ(Call(once).status, 200);
  EXPECT_EQ(Call(once).body["message"], "Invalid nonce - nonce has already been used.");

  ApiRequest unknown = Signed("GET", "/wp-json/wc/v3/orders");
  for (auto& p : unknown.query)
    if (p.first == "oauth_consumer_key") p.second = "ck_other";
  EXPECT_EQ(Call(unknown).body["message"], "Consumer key is invalid.");

  ApiRequest missing = Signed("GET", "/wp-json/wc/v3/orders");
  std::erase_if(missing.query, [](const auto& p) { return p.first == "oauth_signature"; });
  auto m = Call(missing);
  EXPECT_EQ(m.body["code"], "woocommerce_rest_authentication_missing_parameter");

  // Signed for another path: the base string differs.
  ApiRequest moved = Signed("GET", "/wp-json/wc/v3/orders");
  moved.path = "/wp-json/wc/v3/customers";
  EXPECT_EQ(Call(moved).body["message"], "Invalid signature - provided signature does not match.");

  // The Authorization: OAuth header form works too.
  ApiRequest header = Signed("GET", "/wp-json/wc/v3/customers");
  std::string value = "OAuth ";
  http::Params rest;
  for (const auto& [k, v] : header.query) {
    if (k.rfind("oauth_", 0) == 0) value += k + "=\"" + http::PercentEncode(v) + "\",";
    else rest.emplace_back(k, v);
  }
  value.pop_back();
  header.query = rest;
  header.headers = {{"Authorization", value}};
  EXPECT_EQ(Call(header).status, 200);
}

class HttpsApiTest : public ApiTest {
 protected:
  HttpsApiTest() : ApiTest(true) {}
};

TEST_F(HttpsApiTest, BasicAndQueryKeys) {
  ApiRequest basic{"GET", "/wp-json/wc/v3/customers", {}, {{"Authorization", "Basic " + crypto::Base64Encode("ck_k:cs_s")}}, ""};
  EXPECT_EQ(Call(basic).status, 200);
  ApiRequest query{"GET", "/wp-json/wc/v3/products", {{"consumer_key", "ck_k"}, {"consumer_secret", "cs_s"}}, {}, ""};
  EXPECT_EQ(Call(query).status, 200);

  ApiRequest bad{"GET", "/wp-json/wc/v3/orders", {}, {{"Authorization", "Basic " + crypto::Base64Encode("ck_k:nope")}}, ""};
  auto r = Call(bad);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["message"], "Consumer secret is invalid.");
  EXPECT_THAT(Header(r, "WWW-Authenticate"), HasSubstr("WooCommerce API"));

  ApiRequest unknown{"GET", "/wp-json/wc/v3/orders", {}, {{"Authorization", "Basic " + crypto::Base64Encode("ck_x:cs_s")}}, ""};
  EXPECT_EQ(Call(unknown).body["code"], "woocommerce_rest_cannot_view");
}

TEST_F(ApiTest, ValidatesParameters) {
  auto r = Call(Signed("GET", "/wp-json/wc/v3/orders", {{"per_page", "0"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "rest_invalid_param");
  EXPECT_EQ(r.body["message"], "Invalid parameter(s): per_page");
  EXPECT_EQ(r.body["data"]["params"]["per_page"], "per_page must be between 1 (inclusive) and 100 (inclusive)");
  EXPECT_EQ(r.body["data"]["details"]["per_page"]["code"], "rest_out_of_bounds");

  r = Call(Signed("GET", "/wp-json/wc/v3/orders",
                  {{"page", "0"}, {"status", "bogus"}, {"modified_after", "yesterday"}, {"per_page", "x"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("page"));
  EXPECT_EQ(r.body["data"]["params"]["page"], "page must be greater than or equal to 1");
  EXPECT_EQ(r.body["data"]["params"]["per_page"], "per_page is not of type integer.");
  EXPECT_THAT(r.body["data"]["params"]["status"].get<std::string>(), HasSubstr("status[0] is not one of any, trash"));
  EXPECT_EQ(r.body["data"]["params"]["modified_after"], "Invalid date.");
}

TEST_F(ApiTest, PaginationHeadersAndPastTheEnd) {
  auto r = Call(Signed("GET", "/wp-json/wc/v3/orders", {{"per_page", "100"}, {"page", "2"}}));
  EXPECT_EQ(r.body.size(), 100u);
  std::string link = Header(r, "Link");
  size_t comma = link.find(">; rel=\"prev\", <");
  ASSERT_NE(comma, std::string::npos) << link;
  EXPECT_THAT(link.substr(0, comma), HasSubstr("page=1"));
  EXPECT_THAT(link.substr(comma), HasSubstr("page=3"));
  EXPECT_THAT(link, HasSubstr(">; rel=\"next\""));
  EXPECT_THAT(link, HasSubstr("oauth_signature="));  // echoes credentials, like the real thing

  auto past = Call(Signed("GET", "/wp-json/wc/v3/orders", {{"per_page", "100"}, {"page", "9"}}));
  EXPECT_EQ(past.status, 200);
  EXPECT_TRUE(past.body.empty());
  EXPECT_EQ(Header(past, "X-WP-Total"), "300");
  EXPECT_EQ(Header(past, "X-WP-TotalPages"), "3");
}

TEST_F(ApiTest, FiltersAndOrdering) {
  auto all = Call(Signed("GET", "/wp-json/wc/v3/orders",
                         {{"per_page", "100"}, {"status", "completed,refunded"}, {"orderby", "id"}, {"order", "asc"}}));
  ASSERT_EQ(all.status, 200);
  int64_t prev = 0;
  for (const auto& o : all.body) {
    EXPECT_TRUE(o["status"] == "completed" || o["status"] == "refunded");
    EXPECT_GT(o["id"].get<int64_t>(), prev);
    prev = o["id"].get<int64_t>();
  }
  // modified_after is exclusive and honours dates_are_gmt.
  auto first = Call(Signed("GET", "/wp-json/wc/v3/orders", {{"orderby", "modified"}, {"order", "asc"}, {"per_page", "1"}}));
  std::string cut = first.body[0]["date_modified_gmt"];
  auto after = Call(Signed("GET", "/wp-json/wc/v3/orders",
                           {{"modified_after", cut}, {"dates_are_gmt", "true"}, {"per_page", "100"}}));
  EXPECT_EQ(after.status, 200);
  EXPECT_LT(std::stoi(Header(after, "X-WP-Total")), 300);
  for (const auto& o : after.body) EXPECT_GT(o["date_modified_gmt"].get<std::string>(), cut);

  auto inc = Call(Signed("GET", "/wp-json/wc/v3/orders",
                         {{"include", all.body[1]["id"].dump() + "," + all.body[0]["id"].dump()}, {"orderby", "include"}, {"order", "asc"}}));
  ASSERT_EQ(inc.body.size(), 2u);
  EXPECT_EQ(inc.body[0]["id"], all.body[1]["id"]);
}

TEST_F(ApiTest, RoutesAndNotFound) {
  EXPECT_EQ(Call(Signed("GET", "/wp-json/wc/v3/bogus")).body["code"], "rest_no_route");
  EXPECT_EQ(Call(Signed("GET", "/wp-json/wc/v3/orders/abc")).body["code"], "rest_no_route");
  auto missing = Call(Signed("GET", "/wp-json/wc/v3/orders/99999999"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["code"], "woocommerce_rest_shop_order_invalid_id");
  EXPECT_EQ(Call(Signed("GET", "/wp-json/wc/v3/customers/99999999")).body["code"], "woocommerce_rest_invalid_id");
  EXPECT_EQ(Call(Signed("GET", "/wp-json/wc/v3/products/99999999")).body["code"], "woocommerce_rest_product_invalid_id");
  auto refunds = Call(Signed("GET", "/wp-json/wc/v3/orders/99999999/refunds"));
  EXPECT_EQ(refunds.status, 500);
  EXPECT_EQ(refunds.body["code"], "woocommerce_rest_invalid_order_id");
  EXPECT_EQ(refunds.body["data"], 404);
  EXPECT_EQ(Call(ApiRequest{"GET", "/shop/", {}, {}, ""}).status, 404);
}

TEST_F(ApiTest, ProductsVariationsAndSkuSearch) {
  auto variable = Call(Signed("GET", "/wp-json/wc/v3/products", {{"type", "variable"}, {"per_page", "100"}}));
  ASSERT_EQ(variable.status, 200);
  ASSERT_FALSE(variable.body.empty());
  const Json& p = variable.body[0];
  auto decoded = DecodeProduct(p);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->kind, model::ProductKind::kVariable);
  std::string path = "/wp-json/wc/v3/products/" + p["id"].dump() + "/variations";
  auto vars = Call(Signed("GET", path));
  ASSERT_EQ(vars.status, 200);
  EXPECT_EQ(vars.body.size(), p["variations"].size());
  auto v = DecodeVariation(vars.body[0], p["id"].dump());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto by_sku = Call(Signed("GET", "/wp-json/wc/v3/products", {{"sku", v->sku}}));
  ASSERT_EQ(by_sku.body.size(), 1u);
  EXPECT_EQ(by_sku.body[0]["type"], "variation");
  auto single = Call(Signed("GET", path + "/" + v->source_id));
  EXPECT_EQ(single.body["sku"], v->sku);
}

TEST_F(ApiTest, CreateAndUpdateOrders) {
  auto products = Call(Signed("GET", "/wp-json/wc/v3/products", {{"type", "simple"}, {"per_page", "5"}}));
  Json body = {{"status", "processing"},
               {"customer_id", 0},
               {"billing", {{"first_name", "New"}, {"last_name", "Buyer"}, {"email", "new@example.com"}, {"country", "US"}, {"state", "NY"}}},
               {"line_items", Json::array({{{"product_id", products.body[0]["id"]}, {"quantity", 2}},
                                           {{"product_id", products.body[1]["id"]}, {"quantity", 1}}})},
               {"shipping_lines", Json::array({{{"method_id", "flat_rate"}, {"method_title", "Flat rate"}, {"total", "10.00"}}})},
               {"coupon_lines", Json::array({{{"code", "SAVE10"}}})}};
  ApiRequest create = Signed("POST", "/wp-json/wc/v3/orders");
  create.body = DumpJson(body);
  auto r = Call(create);
  ASSERT_EQ(r.status, 201) << DumpJson(r.body);
  EXPECT_THAT(Header(r, "Location"), HasSubstr("/wp-json/wc/v3/orders/"));
  auto o = DecodeOrder(r.body);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->coupons.at(0).code, "save10");
  EXPECT_EQ(o->shipping_lines.at(0).total.ToString(), "10.00");
  EXPECT_TRUE(o->payment.IsPaid());
  model::Money sum = o->total_tax;
  for (const auto& l : o->lines) sum += l.total;
  for (const auto& s : o->shipping_lines) sum += s.total;
  EXPECT_EQ(sum, o->total);
  EXPECT_EQ(o->modified_at_ms, kNow * 1000);

  ApiRequest update = Signed("PUT", "/wp-json/wc/v3/orders/" + o->source_id);
  update.body = R"({"status":"refunded"})";
  auto u = Call(update);
  ASSERT_EQ(u.status, 200) << DumpJson(u.body);
  auto refunded = DecodeOrder(u.body);
  ASSERT_TRUE(refunded.ok());
  EXPECT_EQ(refunded->RefundedTotal(), refunded->total);
  EXPECT_GT(refunded->modified_at_ms, o->modified_at_ms);

  ApiRequest bad = Signed("POST", "/wp-json/wc/v3/orders");
  bad.body = R"({"customer_id": 999999, "line_items": []})";
  EXPECT_EQ(Call(bad).body["code"], "woocommerce_rest_invalid_customer_id");
  ApiRequest junk = Signed("POST", "/wp-json/wc/v3/orders");
  junk.body = "{not json";
  EXPECT_EQ(Call(junk).body["code"], "rest_invalid_json");
  ApiRequest missing = Signed("PUT", "/wp-json/wc/v3/orders/99999999");
  missing.body = "{}";
  auto m = Call(missing);
  EXPECT_EQ(m.status, 400);
  EXPECT_EQ(m.body["code"], "woocommerce_rest_shop_order_invalid_id");
}

TEST_F(ApiTest, BatchUpdatesPriceAndStock) {
  auto products = Call(Signed("GET", "/wp-json/wc/v3/products", {{"type", "simple"}, {"per_page", "2"}}));
  int64_t id = products.body[0]["id"];
  ApiRequest batch = Signed("POST", "/wp-json/wc/v3/products/batch");
  batch.body = DumpJson(Json{{"update", Json::array({{{"id", id}, {"regular_price", "12.34"}, {"manage_stock", true}, {"stock_quantity", 7}},
                                                     {{"id", 99999999}, {"regular_price", "1.00"}}})}});
  auto r = Call(batch);
  ASSERT_EQ(r.status, 200) << DumpJson(r.body);
  EXPECT_EQ(r.body["update"][0]["regular_price"], "12.34");
  EXPECT_EQ(r.body["update"][0]["stock_quantity"], 7);
  EXPECT_EQ(r.body["update"][1]["error"]["code"], "woocommerce_rest_product_invalid_id");
  Json many = {{"update", Json::array()}};
  for (int i = 0; i < 101; ++i) many["update"].push_back({{"id", id}});
  ApiRequest big = Signed("POST", "/wp-json/wc/v3/products/batch");
  big.body = DumpJson(many);
  EXPECT_EQ(Call(big).status, 413);
}

}  // namespace
}  // namespace es::woo::sandbox
