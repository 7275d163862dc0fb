// Two-way sync through the binary (docs/two-way.md): QuickBooks stock and
// prices reach the shop's products in one run of the QBO → Woo route, the
// echo of every write is recognised and writes nothing, a change on both
// sides follows the tenant's strategy, and the manual review queue is
// listed and resolved. Writes are counted at the sandboxes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_connections.h"
#include "support/cli_run.h"

namespace es::testing {
namespace {

using es::test::Quote;

class CliTwoWay : public ::testing::Test {
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
          ("es-twoway-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(db_);
    store_ = "--store sqlite://" + db_.string() + " --tenant shop1";
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    ASSERT_EQ(Run("tenant add shop1 --store sqlite://" + db_.string()).exit_code, 0);
    auto r = Run("connection add " + store_ + es::test::WooConnectionArgs(*woo_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto tokens = qbo_->IssueTokens();
    r = Run("connection add " + store_ + es::test::QboConnectionArgs(*qbo_, tokens));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Items are created as Inventory items, so QuickBooks keeps their stock.
    ASSERT_EQ(Run("config set " + store_ + " " + Quote(R"({"item_type":"Inventory","income_account_id":"2","expense_account_id":"3","asset_account_id":"4"})")).exit_code, 0);
    r = Run("sync " + store_ + " --entities products --json");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

    Pick(true);
  }

  void TearDown() override {
    woo_->Stop();
    qbo_->Stop();
    std::filesystem::remove(db_);
  }

  // A simple product without a sale whose stock the shop does (or does not)
  // manage, and its QBO item (same SKU).
  void Pick(bool manage_stock) {
    woo_id_ = 0;
    qbo_id_.clear();
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

  // The policy alone: the next two-way run has no baseline yet.
  void SetPolicy(const std::string& strategy, const std::string& truth = "qbo") {
    auto r = Run("conflicts policy " + store_ + " --entity products --direction both --source-of-truth " + truth +
                 " --strategy " + strategy);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void Policy(const std::string& strategy, const std::string& truth = "qbo") {
    SetPolicy(strategy, truth);
    if (HasFatalFailure()) return;
    // The first two-way runs find both sides equal and record them as synced.
    const int64_t w = WooWrites(), q = QboWrites();
    SyncQboToWoo();
    SyncWooToQbo();
    ASSERT_EQ(WooWrites(), w);
    ASSERT_EQ(QboWrites(), q);
  }
  // One webhook-style run: incremental, limited to the changed record.
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
  void ChangeQbo(const std::string& price, int qty) {
    auto r = qbo_->UpdateEntity("Item", qbo_id_, {{"UnitPrice", JsonNumber(*Decimal::Parse(price))}, {"QtyOnHand", qty}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void ChangeWoo(const std::string& price) { ASSERT_TRUE(woo_->ModifyProduct(woo_id_, {{"regular_price", price}}).ok()); }
  Decimal WooPrice() { return *Decimal::Parse(GetStringOr(woo_->ProductJson(woo_id_), "regular_price")); }
  Decimal QboPrice() {
    for (const Json& i : qbo_->AllEntities("Item"))
      if (GetStringOr(i, "Id") == qbo_id_) return *DecimalFromJson(i["UnitPrice"]);
    return Decimal();
  }
  int64_t WooWrites() { return woo_->product_writes(); }
  int64_t QboWrites() { return qbo_->stats().writes; }
  Json Conflicts(const std::string& status = "") {
    auto r = Run("conflicts list " + store_ + (status.empty() ? "" : " --status " + status) + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = ParseJson(r.out);
    return j.ok() ? (*j)["conflicts"] : Json::array();
  }
  // Changes both sides, then runs both directions (each once, the order given).
  void BothChangeThenSync(bool qbo_first) {
    ChangeWoo("31.00");
    ChangeQbo("47.00", 5);
    if (qbo_first) {
      SyncQboToWoo();
      SyncWooToQbo();
    } else {
      SyncWooToQbo();
      SyncQboToWoo();
    }
    // Both webhooks again: quiet.
    const int64_t w = WooWrites(), q = QboWrites();
    SyncQboToWoo();
    SyncWooToQbo();
    EXPECT_EQ(WooWrites(), w);
    EXPECT_EQ(QboWrites(), q);
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

TEST_F(CliTwoWay, WithoutAPolicyTheWayBackWritesNothing) {
  ChangeQbo("42.50", 17);
  const int64_t w = WooWrites();
  Json j = SyncQboToWoo();
  EXPECT_EQ(WooWrites(), w);
  EXPECT_EQ(j["counts"]["item"]["skipped"].get<int64_t>(), 1) << DumpJson(j);
}

TEST_F(CliTwoWay, AQboStockAndPriceChangeReachesTheShopInOneRunAndDoesNotEcho) {
  Policy("source_wins");
  ChangeQbo("42.50", 17);
  const int64_t w = WooWrites(), q = QboWrites();
  Json j = SyncQboToWoo();
  EXPECT_EQ(j["status"], "succeeded") << DumpJson(j);
  EXPECT_EQ(WooWrites(), w + 1);  // exactly one write for the one change
  Json p = woo_->ProductJson(woo_id_);
  EXPECT_EQ(*Decimal::Parse(GetStringOr(p, "regular_price")), *Decimal::Parse("42.5"));
  EXPECT_EQ(GetIntOr(p, "stock_quantity", -1), 17);
  // The shop's webhook for our write: recognised, nothing goes back.
  SyncWooToQbo();
  EXPECT_EQ(QboWrites(), q);
  // QuickBooks announces the item again: quiet.
  SyncQboToWoo();
  EXPECT_EQ(WooWrites(), w + 1);
  EXPECT_EQ(QboWrites(), q);
}

TEST_F(CliTwoWay, IncrementalRunsReadQuickBooksChangesThroughCdc) {
  Policy("source_wins");
  // A full walk of the way back sets the cursor (and settles every item).
  auto full = Run("sync " + store_ + " --source qbo --target woo --entities products --json");
  ASSERT_NE(full.exit_code, 1) << full.out << full.err;
  ChangeQbo("55.00", 9);
  const int64_t w = WooWrites(), q = QboWrites();
  Json j = SyncJson("--source qbo --target woo --entities products --mode incremental");
  EXPECT_EQ(j["status"], "succeeded") << DumpJson(j);
  EXPECT_EQ(WooWrites(), w + 1);
  EXPECT_EQ(QboWrites(), q);
  Json p = woo_->ProductJson(woo_id_);
  EXPECT_EQ(*Decimal::Parse(GetStringOr(p, "regular_price")), *Decimal::Parse("55"));
  EXPECT_EQ(GetIntOr(p, "stock_quantity", -1), 9);
  EXPECT_EQ(j["source_requests"].get<int64_t>(), 1) << "one CDC request, no paged query";
}

TEST_F(CliTwoWay, AShopChangeReachesQuickBooksOnceAndDoesNotEcho) {
  Policy("source_wins");
  ChangeWoo("19.99");
  const int64_t w = WooWrites(), q = QboWrites();
  SyncWooToQbo();
  EXPECT_EQ(QboWrites(), q + 1);
  EXPECT_EQ(QboPrice(), *Decimal::Parse("19.99"));
  SyncQboToWoo();  // QuickBooks' webhook for our write
  SyncWooToQbo();
  EXPECT_EQ(WooWrites(), w);
  EXPECT_EQ(QboWrites(), q + 1);
}

TEST_F(CliTwoWay, SourceOfTruthWinsAConflictWhicheverRunComesFirst) {
  Policy("source_wins", "qbo");
  BothChangeThenSync(false);
  EXPECT_EQ(WooPrice(), *Decimal::Parse("47"));
  EXPECT_EQ(QboPrice(), *Decimal::Parse("47"));
  Json c = Conflicts("resolved");
  ASSERT_EQ(c.size(), 1u) << DumpJson(c);
  EXPECT_EQ(c[0]["winner"], "qbo");
  EXPECT_EQ(c[0]["sides"].size(), 2u);
}

TEST_F(CliTwoWay, TargetWinsGivesTheOtherSidesValue) {
  Policy("target_wins", "qbo");
  BothChangeThenSync(true);
  EXPECT_EQ(WooPrice(), *Decimal::Parse("31"));
  EXPECT_EQ(QboPrice(), *Decimal::Parse("31"));
}

TEST_F(CliTwoWay, NewestWinsByEachSidesTimestamp) {
  Policy("newest_wins", "woo");
  ChangeWoo("31.00");
  // QuickBooks' times have whole seconds: its change is later.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ChangeQbo("47.00", 5);
  SyncWooToQbo();
  SyncQboToWoo();
  EXPECT_EQ(WooPrice(), *Decimal::Parse("47"));
  EXPECT_EQ(QboPrice(), *Decimal::Parse("47"));
}

TEST_F(CliTwoWay, ManualConflictsWaitInTheReviewQueueUntilResolved) {
  Policy("manual");
  const int64_t w0 = WooWrites(), q0 = QboWrites();
  ChangeWoo("31.00");
  ChangeQbo("47.00", 5);
  SyncQboToWoo();
  SyncWooToQbo();
  EXPECT_EQ(WooWrites(), w0 + 1);  // only the test's own change
  EXPECT_EQ(QboWrites(), q0 + 1);
  Json open = Conflicts("open");
  ASSERT_EQ(open.size(), 1u) << DumpJson(open);
  const std::string id = std::to_string(open[0]["id"].get<int64_t>());
  // Both values are logged.
  std::string both = DumpJson(open[0]["sides"]);
  EXPECT_NE(both.find("31"), std::string::npos) << both;
  EXPECT_NE(both.find("47"), std::string::npos) << both;

  auto bad = Run("conflicts resolve " + store_ + " " + id + " --take shopify");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  auto r = Run("conflicts resolve " + store_ + " " + id + " --take woo --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(QboPrice(), *Decimal::Parse("31"));
  EXPECT_EQ(WooPrice(), *Decimal::Parse("31"));
  EXPECT_TRUE(Conflicts("open").empty());
  Json done = Conflicts("resolved_manual");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["winner"], "woo");
  // Resolving twice is refused; the system is quiet afterwards.
  EXPECT_NE(Run("conflicts resolve " + store_ + " " + id + " --take qbo").exit_code, 0);
  const int64_t w = WooWrites(), q = QboWrites();
  SyncQboToWoo();
  SyncWooToQbo();
  EXPECT_EQ(WooWrites(), w);
  EXPECT_EQ(QboWrites(), q);
}

// Resolving a conflict from the review queue: the chosen side's value
// reaches the other side exactly once, even when the chosen side did not
// change since its last one-way sync (the target's unchanged-content skip
// must not swallow it), and the system is quiet afterwards. A product whose
// stock the shop does not track is no conflict on the first two-way run.
TEST_F(CliTwoWay, TakingTheUnchangedShopsPriceWritesItToQuickBooks) {
  Pick(true);
  const Decimal shop = WooPrice();
  SetPolicy("manual");
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

TEST_F(CliTwoWay, TakingTheUnchangedQuickBooksPriceWritesItToTheShop) {
  Pick(true);
  const Decimal books = QboPrice();
  SetPolicy("manual");
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

TEST_F(CliTwoWay, AStockTheShopDoesNotTrackIsNoConflict) {
  Pick(false);
  SetPolicy("manual");
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
