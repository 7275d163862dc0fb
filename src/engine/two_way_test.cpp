#include "engine/two_way.h"

#include <gtest/gtest.h>

namespace es::engine {
namespace {

SideView Side(const std::string& kind, const std::string& price, std::optional<std::string> synced_price = {},
              bool written = false, int64_t modified = 0) {
  SideView s;
  s.kind = kind;
  s.connection = kind;
  s.value = Json{{"price", price}, {"stock", nullptr}};
  s.hash = TwoWayHash(s.value);
  s.modified_ms = modified;
  if (synced_price) {
    store::TwoWayState st;
    st.side = kind;
    st.content_hash = TwoWayHash(Json{{"price", *synced_price}, {"stock", nullptr}});
    st.written = written;
    s.synced = st;
  }
  return s;
}

SyncPolicy Policy(Strategy s, const std::string& truth = "qbo") { return {"item", "both", truth, s}; }

TEST(TwoWay, AnEchoOfOurOwnWriteIsRecognisedByContent) {
  auto d = Decide(Policy(Strategy::kSourceWins), Side("woo", "12", "12", true), Side("qbo", "12", "12"));
  EXPECT_EQ(d.verdict, Verdict::kEcho);
  d = Decide(Policy(Strategy::kSourceWins), Side("woo", "12", "12", false), std::nullopt);
  EXPECT_EQ(d.verdict, Verdict::kUnchanged);
}

TEST(TwoWay, AChangeOnOneSideIsWritten) {
  auto d = Decide(Policy(Strategy::kManual), Side("woo", "13", "12"), Side("qbo", "12", "12"));
  EXPECT_EQ(d.verdict, Verdict::kWrite);
  EXPECT_FALSE(d.conflict);
  d = Decide(Policy(Strategy::kManual), Side("woo", "13", "12"), Side("qbo", "13", "12"));
  EXPECT_EQ(d.verdict, Verdict::kInSync);
}

TEST(TwoWay, ConflictsFollowTheStrategy) {
  const SideView woo = Side("woo", "13", "12", false, 2000), qbo = Side("qbo", "14", "12", false, 1000);
  EXPECT_EQ(Decide(Policy(Strategy::kSourceWins, "qbo"), woo, qbo).verdict, Verdict::kSourceLoses);
  EXPECT_EQ(Decide(Policy(Strategy::kSourceWins, "woo"), woo, qbo).verdict, Verdict::kWrite);
  EXPECT_EQ(Decide(Policy(Strategy::kTargetWins, "qbo"), woo, qbo).verdict, Verdict::kWrite);
  EXPECT_EQ(Decide(Policy(Strategy::kNewestWins, "qbo"), woo, qbo).verdict, Verdict::kWrite);
  EXPECT_EQ(Decide(Policy(Strategy::kNewestWins, "qbo"), qbo, woo).verdict, Verdict::kSourceLoses);
  // A tie goes to the source of truth.
  const SideView tie = Side("qbo", "14", "12", false, 2000);
  EXPECT_EQ(Decide(Policy(Strategy::kNewestWins, "qbo"), woo, tie).winner, "qbo");
  auto d = Decide(Policy(Strategy::kManual), woo, qbo);
  EXPECT_EQ(d.verdict, Verdict::kReview);
  EXPECT_TRUE(d.conflict);
  // Never synced and different: a conflict too.
  EXPECT_TRUE(Decide(Policy(Strategy::kSourceWins), Side("woo", "1"), Side("qbo", "2")).conflict);
}

TEST(TwoWay, AStockOnlyOneSideCountsIsNotCompared) {
  const Json shop = {{"price", "9.99"}, {"stock", nullptr}};
  EXPECT_TRUE(SameTwoWayContent(shop, Json{{"price", "9.99"}, {"stock", "0"}}));
  EXPECT_FALSE(SameTwoWayContent(shop, Json{{"price", "9.98"}, {"stock", "0"}}));
  EXPECT_FALSE(SameTwoWayContent(Json{{"price", "9.99"}, {"stock", "3"}}, Json{{"price", "9.99"}, {"stock", "0"}}));
  EXPECT_FALSE(SameTwoWayContent(shop, Json()));
  // The first two-way run of such a pair: in sync, no conflict.
  SideView qbo = Side("qbo", "9.99");
  qbo.value["stock"] = "0";
  qbo.hash = TwoWayHash(qbo.value);
  auto d = Decide(Policy(Strategy::kManual), qbo, Side("woo", "9.99"));
  EXPECT_EQ(d.verdict, Verdict::kInSync);
  EXPECT_FALSE(d.conflict);
}

TEST(TwoWay, PoliciesAreChecked) {
  EXPECT_TRUE(PolicyFromRecord({"t", "item", "both", "qbo", "manual", 0}).ok());
  EXPECT_TRUE(PolicyFromRecord({"t", "item", "qbo->woo", "qbo", "newest_wins", 0}).ok());
  EXPECT_FALSE(PolicyFromRecord({"t", "item", "sideways", "qbo", "manual", 0}).ok());
  EXPECT_FALSE(PolicyFromRecord({"t", "item", "woo->qbo", "xero", "manual", 0}).ok());
  EXPECT_FALSE(PolicyFromRecord({"t", "item", "both", "qbo", "coin_flip", 0}).ok());
  auto p = PolicyFromRecord({"t", "item", "woo->qbo", "woo", "manual", 0});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Allows("woo", "qbo"));
  EXPECT_FALSE(p->Allows("qbo", "woo"));
}

TEST(TwoWay, TheValueIsCanonical) {
  model::Product a;
  a.regular_price = model::Money::FromDecimal(*Decimal::Parse("12.50"), "USD");
  a.manage_stock = true;
  a.stock_quantity = Decimal::FromInt(3);
  model::Product b = a;
  b.regular_price = model::Money::FromDecimal(*Decimal::Parse("12.5"), "");
  b.name = "other name";
  EXPECT_EQ(TwoWayHash(TwoWayValue(a)), TwoWayHash(TwoWayValue(b)));
  b.manage_stock = false;
  EXPECT_NE(TwoWayHash(TwoWayValue(a)), TwoWayHash(TwoWayValue(b)));
  EXPECT_EQ(TwoWayValue(a), (Json{{"price", "12.5"}, {"stock", "3"}}));
}

}  // namespace
}  // namespace es::engine
