// The batch endpoints of the sandbox (reference §4) driven by the
// connector's BatchWriter over real sockets: per-item errors inside a 200,
// the 100-item limit (413 for a request over it; the writer splits), and
// variations through their parent's endpoint.
#include <gtest/gtest.h>

#include "common/decimal.h"
#include "connectors/woo/batch_writer.h"
#include "connectors/woo/sandbox/api.h"
#include "connectors/woo/sandbox/seed.h"
#include "connectors/woo/sandbox/server.h"

namespace es::woo::sandbox {
namespace {

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.seed = 11;
    o.products = 40;
    o.orders = 1;
    server_ = std::make_unique<Server>(o);
    ASSERT_TRUE(server_->Start(0).ok());
    transport_ = http::MakeCurlTransport();
    creds_.base_url = server_->base_url();
    creds_.consumer_key = o.consumer_key;
    creds_.consumer_secret = o.consumer_secret;
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<http::Transport> transport_;
  Credentials creds_;
};

TEST_F(BatchTest, ItemErrorsComeBackInsideA200AndTheOthersAreWritten) {
  std::vector<int64_t> simple;
  int64_t parent = 0, variation = 0;
  for (const Json& p : server_->AllProductsJson()) {
    const std::string type = GetStringOr(p, "type");
    if (type == "simple" && simple.size() < 2) simple.push_back(GetIntOr(p, "id", 0));
    if (type == "variation" && variation == 0) {
      variation = GetIntOr(p, "id", 0);
      parent = GetIntOr(p, "parent_id", 0);
    }
  }
  ASSERT_EQ(simple.size(), 2u);
  ASSERT_NE(variation, 0);
  BatchWriter w(creds_, *transport_, SystemClock::Get());
  const int64_t before = server_->product_writes();
  auto r = w.Update(0, {{simple[0], {{"regular_price", "12.34"}}}, {999999, {{"regular_price", "1"}}},
                        {simple[1], {{"regular_price", "5"}}}, {variation, {{"regular_price", "7"}}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_TRUE((*r)[0].status.ok());
  EXPECT_EQ(GetStringOr((*r)[0].item, "regular_price"), "12.34");
  EXPECT_EQ((*r)[1].status.code(), "woocommerce_rest_product_invalid_id");
  EXPECT_TRUE((*r)[2].status.ok());
  // A variation is not a product of products/batch.
  EXPECT_FALSE((*r)[3].status.ok());
  EXPECT_EQ(server_->product_writes(), before + 2);
  EXPECT_EQ(GetStringOr(server_->ProductJson(simple[0]), "regular_price"), "12.34");

  auto v = w.Update(parent, {{variation, {{"regular_price", "8.50"}}}});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE((*v)[0].status.ok()) << (*v)[0].status.ToString();
  // The amount, whatever the number of decimals it is shown with.
  EXPECT_EQ(*Decimal::Parse(GetStringOr(server_->ProductJson(variation), "regular_price")), *Decimal::Parse("8.5"));
}

TEST_F(BatchTest, MoreThanAHundredUpdatesAreSplitAndOneRequestOverTheLimitIsRefused) {
  int64_t id = 0;
  for (const Json& p : server_->AllProductsJson())
    if (GetStringOr(p, "type") == "simple") id = GetIntOr(p, "id", 0);
  ASSERT_NE(id, 0);
  std::vector<BatchUpdate> many(150, BatchUpdate{id, {{"regular_price", "3"}}});
  BatchWriter w(creds_, *transport_, SystemClock::Get());
  const int64_t before = server_->requests("products");
  auto r = w.Update(0, many);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 150u);
  EXPECT_EQ(w.requests_sent(), 2);
  EXPECT_EQ(server_->requests("products") - before, 2);
  for (const auto& item : *r) EXPECT_TRUE(item.status.ok());

  // The sandbox itself refuses 101 in one request, as WooCommerce does.
  SeedOptions seed;
  seed.products = 5;
  seed.orders = 1;
  Store store(GenerateStore(seed));
  const int64_t first = store.Read([](const StoreData& d) { return d.products.begin()->first; });
  Json list = Json::array();
  for (int i = 0; i < 101; ++i) list.push_back({{"id", first}, {"regular_price", "3"}});
  ApiResponse over = api::UpdateProducts(store, Json{{"update", list}}, "http://shop.test", 0, 1'700'000'000);
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(GetStringOr(over.body, "code"), "woocommerce_rest_request_entity_too_large");
  list.erase(list.begin());
  EXPECT_EQ(api::UpdateProducts(store, Json{{"update", list}}, "http://shop.test", 0, 1'700'000'000).status, 200);
}

}  // namespace
}  // namespace es::woo::sandbox
