// Two-way sync through `serve` with both platforms' webhooks on: a stock
// and price change in the QBO sandbox reaches the WooCommerce sandbox's
// product within the one webhook-triggered run, the shop's webhook for that
// write comes back and is recognised as an echo, and the system goes quiet:
// exactly one write per real change, on either side, counted at the
// sandboxes.
#include <gtest/gtest.h>

#include <set>

#include "connectors/qbo/sandbox/webhooks.h"
#include "engine/two_way.h"
#include "integration/server_fixture.h"

namespace es::testing {
namespace {

constexpr const char* kWooSecret = "woo-webhook-secret-for-two-way";
constexpr const char* kQboVerifier = "qbo-verifier-token-for-two-way";

class TwoWayWebhooks : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fx_.Start().ok());
    fx_.AddSandboxConnections("t1");
    ASSERT_EQ(fx_.Call("PUT", "/api/v1/connections/woo/credentials", fx_.Admin(), Json{{"webhook_secret", kWooSecret}})
                  .status,
              200);
    ASSERT_EQ(fx_.Call("PUT", "/api/v1/connections/qbo/credentials", fx_.Admin(),
                       Json{{"webhook_verifier_token", kQboVerifier}})
                  .status,
              200);
    ASSERT_TRUE(fx_.store().PutTransformerConfig("t1", "qbo", Json{{"item_type", "Inventory"}, {"income_account_id", "2"}, {"expense_account_id", "3"}, {"asset_account_id", "4"}}).ok());
    Sync("woo", "qbo", {});
    ASSERT_TRUE(fx_.store().PutSyncPolicy({"t1", "item", "both", "qbo", "source_wins", 1}).ok());

    for (const Json& p : fx_.woo().AllProductsJson()) {
      if (GetStringOr(p, "type") != "simple" || GetStringOr(p, "sku").empty()) continue;
      if (!p.value("manage_stock", false) || !GetStringOr(p, "sale_price").empty()) continue;
      for (const Json& i : fx_.qbo().AllEntities("Item"))
        if (GetStringOr(i, "Sku") == GetStringOr(p, "sku")) {
          woo_id_ = GetIntOr(p, "id", 0);
          qbo_id_ = GetStringOr(i, "Id");
        }
      if (woo_id_ != 0) break;
    }
    ASSERT_NE(woo_id_, 0);
    // The first two-way runs of the record find both sides equal.
    Sync("qbo", "woo", {qbo_id_});
    Sync("woo", "qbo", {std::to_string(woo_id_)});

    // The shop's product webhooks go to the server.
    woo::sandbox::WebhookSubscription sub;
    sub.delivery_url = fx_.server().base_url() + "/webhooks/woo/t1/woo";
    sub.secret = kWooSecret;
    sub.topics = {"product.updated"};
    ASSERT_TRUE(fx_.woo().AddWebhook(sub).ok());
    ASSERT_TRUE(fx_.woo().FlushWebhooks(10000));
  }

  void Sync(const std::string& source, const std::string& target, const std::vector<std::string>& ids) {
    Json body = {{"source", source}, {"target", target}, {"entities", {"products"}}, {"mode", "incremental"}};
    if (!ids.empty()) body["ids"] = ids;
    auto t = fx_.Call("POST", "/api/v1/sync", fx_.Admin(), body);
    ASSERT_EQ(t.status, 202) << t.body;
    Json run = fx_.WaitForRun(fx_.Admin(), GetStringOr(t.json, "runId"));
    ASSERT_EQ(GetStringOr(run, "status"), "succeeded") << DumpJson(run);
  }

  // QuickBooks' webhook for an Item change, signed like Intuit's.
  void PostQboItemEvent() {
    const std::string body = qbo::sandbox::WebhookSender::CloudEventsPayload(
        fx_.options().qbo.realm_id, {{"Item", qbo_id_, "Update", fx_.clock().NowMillis()}});
    auto r = fx_.Call("POST", "/webhooks/qbo/t1/qbo", "", body,
                      {{"Content-Type", "application/json"},
                       {"intuit-signature", qbo::sandbox::WebhookSender::Sign(kQboVerifier, body)}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Until neither sandbox nor the server has anything in flight.
  void Settle() {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(fx_.woo().FlushWebhooks(10000));
      ASSERT_TRUE(fx_.webhooks().WaitIdle(60000));
    }
  }

  std::vector<store::WebhookDelivery> Deliveries() {
    store::WebhookFilter f;
    f.tenant_id = "t1";
    f.limit = 0;
    auto v = fx_.store().ListWebhooks(f);
    return v.ok() ? *v : std::vector<store::WebhookDelivery>{};
  }

  ServerFixture fx_;
  int64_t woo_id_ = 0;
  std::string qbo_id_;
};

TEST_F(TwoWayWebhooks, AQboStockChangeReachesTheShopInOneWebhookRunAndTheSystemGoesQuiet) {
  const int64_t woo0 = fx_.woo().product_writes(), qbo0 = fx_.qbo().stats().writes;
  ASSERT_TRUE(fx_.qbo().UpdateEntity("Item", qbo_id_, {{"UnitPrice", JsonNumber(*Decimal::Parse("42.5"))}, {"QtyOnHand", 17}}).ok());
  PostQboItemEvent();
  Settle();

  Json p = fx_.woo().ProductJson(woo_id_);
  EXPECT_EQ(*Decimal::Parse(GetStringOr(p, "regular_price")), *Decimal::Parse("42.5"));
  EXPECT_EQ(GetIntOr(p, "stock_quantity", -1), 17);
  EXPECT_EQ(fx_.woo().product_writes(), woo0 + 1);  // one write for the one change
  EXPECT_EQ(fx_.qbo().stats().writes, qbo0 + 1);    // the test's own change only: no echo
  // One QBO delivery (one run that wrote), one shop delivery (its echo, which wrote nothing).
  auto d = Deliveries();
  ASSERT_EQ(d.size(), 2u);
  for (const auto& x : d) EXPECT_EQ(x.status, "done") << x.error;
  std::set<std::string> sources;
  for (const auto& x : d) sources.insert(x.source);
  EXPECT_EQ(sources, (std::set<std::string>{"qbo", "woo"}));
}

TEST_F(TwoWayWebhooks, AShopPriceChangeReachesQuickBooksOnceAndTheSystemGoesQuiet) {
  const int64_t qbo0 = fx_.qbo().stats().writes;
  ASSERT_TRUE(fx_.woo().ModifyProduct(woo_id_, {{"regular_price", "23.45"}}).ok());
  const int64_t woo1 = fx_.woo().product_writes();
  Settle();
  EXPECT_EQ(fx_.qbo().stats().writes, qbo0 + 1);
  // QuickBooks announces our write; it is recognised and nothing goes back.
  PostQboItemEvent();
  Settle();
  EXPECT_EQ(fx_.woo().product_writes(), woo1);
  EXPECT_EQ(fx_.qbo().stats().writes, qbo0 + 1);
  for (const Json& i : fx_.qbo().AllEntities("Item")) {
    if (GetStringOr(i, "Id") == qbo_id_) {
      EXPECT_EQ(*DecimalFromJson(i["UnitPrice"]), *Decimal::Parse("23.45"));
    }
  }
}

}  // namespace
}  // namespace es::testing
