// Resolving a two-way conflict through the binary (docs/two-way.md, "The
// review queue"): the chosen side's value reaches the other side exactly
// once, even when the chosen side did not change since its last one-way
// sync (the target's unchanged-content skip must not swallow it), and the
// system is quiet afterwards. Also: a product whose stock the shop does not
// track is no conflict on the first two-way run. Writes are counted at the
// sandboxes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_run.h"

namespace es::testing {
namespace {

using es::test::Quote;

class CliTwoWayResolve : public ::testing::Test {
 protected:
  void SetUp() override {
    woo::sandbox::Options wo;
    wo.orders = 2;
    wo.products = 12;
    wo.customers = 2;
    wo.seed = 21;
    woo_ = std::make_unique<woo::sandbox::Server>(wo);
    qbo_ = std::make_unique<qbo::sandbox::Server>(qbo::sandbox::Options{});
    ASSERT_TRUE(woo_->Start(0).ok());
    ASSERT_TRUE(qbo_->Start(0).ok());
    db_ = std::filesystem::temp_directory_path() /
          ("es-twoway-resolve-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(db_);
    store_ = "--store sqlite://" + db_.string() + " --tenant shop1";
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    ASSERT_EQ(Run("tenant add shop1 --store sqlite://" + db_.string()).exit_code, 0);
    Json woo_config = {{"base_url", woo_->base_url()}};
    Json woo_secret = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
    auto r = Run("connection add " + store_ + " --id woo --kind woo --config " + Quote(DumpJson(woo_config)) +
                 " --secret " + Quote(DumpJson(woo_secret)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto& qo = qbo_->options();
    auto tokens = qbo_->IssueTokens();
    Json qbo_config = {{"api_base", qbo_->base_url()}, {"token_url", qbo_->token_url()}, {"realm_id", qo.realm_id},
                       {"client_id", qo.client_id}};
    Json qbo_secret = {{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
    r = Run("connection add " + store_ + " --id qbo --kind qbo --config " + Quote(DumpJson(qbo_config)) +
            " --secret " + Quote(DumpJson(qbo_secret)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Run("config set " + store_ + " " + Quote(R"({"item_type":"Inventory","income_account_id":"2","expense_account_id":"3","asset_account_id":"4"})")).exit_code, 0);
    // The one-way sync every product went through before two-way was on.
    r = Run("sync " + store_ + " --entities products --json");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  void TearDown() override {
    woo_->Stop();
    qbo_->Stop();
    std::filesystem::remove(db_);
  }

  // A simple product without a sale whose stock the shop does (or does not)
  // manage, and its QBO item (same SKU).
  void Pick(bool manage_stock) {
    for (const Json& p : woo_->AllProductsJson()) {
      if (GetStringOr(p, "type") != "simple" || GetStringOr(p, "sku").empty()) continue;
      if (p.value("manage_stock", false) != manage_stock || !GetStringOr(p, "sale_price").empty()) continue;
      for (const Json& i : qbo_->AllEntities("Item")) {
        if (GetStringOr(i, "Sku") != GetStringOr(p, "sku")) continue;
        woo_id_ = GetIntOr(p, "id", 0);
        qbo_id_ = GetStringOr(i, "Id");
      }
      if (woo_id_ != 0) break;
    }
    ASSERT_NE(woo_id_, 0) << "the seeded shop has no simple product (manage_stock " << manage_stock
                          << ") with an item in QBO";
  }

  es::test::CliRun Run(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }

  void ManualPolicy() {
    auto r = Run("conflicts policy " + store_ + " --entity products --direction both --source-of-truth qbo --strategy manual");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  Json SyncQboToWoo() { return SyncJson("--source qbo --target woo --entities products --mode incremental --ids " + qbo_id_); }
  Json SyncWooToQbo() {
    return SyncJson("--source woo --target qbo --entities products --mode incremental --ids " + std::to_string(woo_id_));
  }
  Json SyncJson(const std::string& args) {
    auto r = Run("sync " + store_ + " " + args + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto j = ParseJson(r.out);
    return j.ok() ? *j : Json();
  }
  Decimal WooPrice() { return *Decimal::Parse(GetStringOr(woo_->ProductJson(woo_id_), "regular_price")); }
  Decimal QboPrice() {
    for (const Json& i : qbo_->AllEntities("Item"))
      if (GetStringOr(i, "Id") == qbo_id_) return *DecimalFromJson(i["UnitPrice"]);
    return Decimal();
  }
  int64_t WooWrites() { return woo_->product_writes(); }
  int64_t QboWrites() { return qbo_->stats().writes; }
  Json Conflicts(const std::string& status) {
    auto r = Run("conflicts list " + store_ + " --status " + status + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = ParseJson(r.out);
    return j.ok() ? (*j)["conflicts"] : Json::array();
  }
  // The id of the one open conflict.
  std::string OpenConflict() {
    Json open = Conflicts("open");
    EXPECT_EQ(open.size(), 1u) << DumpJson(open);
    return open.empty() ? "" : std::to_string(open[0]["id"].get<int64_t>());
  }
  // Both directions twice: nothing is written anywhere.
  void ExpectQuiet() {
    const int64_t w = WooWrites(), q = QboWrites();
    for (int i = 0; i < 2; ++i) {
      SyncQboToWoo();
      SyncWooToQbo();
    }
    EXPECT_EQ(WooWrites(), w);
    EXPECT_EQ(QboWrites(), q);
    EXPECT_TRUE(Conflicts("open").empty());
  }

  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;
  std::filesystem::path db_;
  std::string store_;
  int64_t woo_id_ = 0;
  std::string qbo_id_;
};

TEST_F(CliTwoWayResolve, TakingTheUnchangedShopsPriceWritesItToQuickBooks) {
  Pick(true);
  const Decimal shop = WooPrice();
  ManualPolicy();
  // Only QuickBooks changes; the shop's product is as the one-way sync left it.
  ASSERT_TRUE(qbo_->UpdateEntity("Item", qbo_id_, {{"UnitPrice", JsonNumber(*Decimal::Parse("47.25"))}}).ok());
  SyncQboToWoo();  // the first two-way run: no baseline, the sides differ
  const std::string id = OpenConflict();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(WooPrice(), shop);

  const int64_t w = WooWrites(), q = QboWrites();
  auto r = Run("conflicts resolve " + store_ + " " + id + " --take woo --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(QboPrice(), shop) << r.out;
  EXPECT_EQ(QboWrites(), q + 1);  // exactly once
  EXPECT_EQ(WooWrites(), w);
  ExpectQuiet();
  EXPECT_EQ(QboPrice(), shop);
  EXPECT_EQ(WooPrice(), shop);
}

TEST_F(CliTwoWayResolve, TakingTheUnchangedQuickBooksPriceWritesItToTheShop) {
  Pick(true);
  const Decimal books = QboPrice();
  ManualPolicy();
  // Only the shop changes.
  ASSERT_TRUE(woo_->ModifyProduct(woo_id_, {{"regular_price", "31.00"}}).ok());
  SyncWooToQbo();  // the first two-way run: no baseline, the sides differ
  const std::string id = OpenConflict();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(QboPrice(), books);

  const int64_t w = WooWrites(), q = QboWrites();
  auto r = Run("conflicts resolve " + store_ + " " + id + " --take qbo --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(WooPrice(), books) << r.out;
  EXPECT_EQ(WooWrites(), w + 1);  // exactly once
  EXPECT_EQ(QboWrites(), q);
  ExpectQuiet();
  EXPECT_EQ(WooPrice(), books);
  EXPECT_EQ(QboPrice(), books);
}

TEST_F(CliTwoWayResolve, AStockTheShopDoesNotTrackIsNoConflict) {
  Pick(false);
  ManualPolicy();
  // QuickBooks counts the item's stock (0); the shop counts none: only the
  // prices are compared, and they are equal.
  const int64_t w = WooWrites(), q = QboWrites();
  SyncQboToWoo();
  SyncWooToQbo();
  EXPECT_TRUE(Conflicts("open").empty()) << DumpJson(Conflicts("open"));
  EXPECT_EQ(WooWrites(), w);
  EXPECT_EQ(QboWrites(), q);
  // A later price change in QuickBooks flows to the shop as usual.
  ASSERT_TRUE(qbo_->UpdateEntity("Item", qbo_id_, {{"UnitPrice", JsonNumber(*Decimal::Parse("12.34"))}}).ok());
  SyncQboToWoo();
  EXPECT_EQ(WooPrice(), *Decimal::Parse("12.34"));
  EXPECT_EQ(WooWrites(), w + 1);
  ExpectQuiet();
}

}  // namespace
}  // namespace es::testing
