#include "engine/sync_plan.h"

#include <gtest/gtest.h>

#include "engine/sandbox_mode.h"
#include "store/factory/open_store.h"

namespace es::engine {
namespace {

TEST(SyncPlan, SummaryCountsWritesAndDestruction) {
  std::map<std::string, EntityCounts> counts;
  counts["order"].created = 8;
  counts["order"].updated = 2;
  counts["order"].voided = 1;
  counts["order"].skipped = 30;
  counts["order"].failed = 3;
  counts["customer"].created = 4;
  counts["customer"].deleted = 1;
  PlanSummary s = SummarizeCounts(counts);
  EXPECT_EQ(s.touched, 16);
  EXPECT_EQ(s.destructive, 2);
  EXPECT_EQ(s.ops["order"]["skip"], 30);
  EXPECT_EQ(s.ops["order"]["fail"], 3);
  EXPECT_EQ(s.ops["customer"].count("update"), 0u);  // zero counts are left out
  EXPECT_TRUE(s.NeedsConfirmation());
  Json j = s.ToJson();
  EXPECT_EQ(j["touched"], 16);
  EXPECT_EQ(j["entities"]["order"]["void"], 1);

  PlanSummary small;
  small.Add("order", "create", 10);
  EXPECT_FALSE(small.NeedsConfirmation());
  small.Add("order", "overwrite", 1);
  EXPECT_EQ(small.destructive, 1);
  EXPECT_TRUE(small.NeedsConfirmation(100));
}

TEST(SyncPlan, HashBindsOperationRequestAndPlan) {
  PlanSummary a;
  a.Add("order", "create", 20);
  PlanSummary b = a;
  const Json req = {{"mode", "full"}, {"entities", {"orders"}}};
  EXPECT_EQ(PlanHash("sync", req, a), PlanHash("sync", req, b));
  EXPECT_EQ(PlanHash("sync", req, a).size(), 64u);
  b.Add("order", "update", 1);
  EXPECT_NE(PlanHash("sync", req, a), PlanHash("sync", req, b));
  EXPECT_NE(PlanHash("sync", req, a), PlanHash("failed.retry_all", req, a));
  EXPECT_NE(PlanHash("sync", req, a), PlanHash("sync", Json{{"mode", "incremental"}, {"entities", {"orders"}}}, a));
}

store::Connection Conn(const std::string& id, const std::string& kind, Json config) {
  store::Connection c;
  c.tenant_id = "t1";
  c.id = id;
  c.kind = kind;
  c.name = id;
  c.config = std::move(config);
  return c;
}

TEST(SandboxMode, PointsQboAndWarehouseAway) {
  const store::Connection qbo =
      Conn("qbo", "qbo", {{"api_base", "https://quickbooks.api.intuit.com"}, {"realm_id", "123"}});
  const store::Connection wh = Conn("wh", "supabase", {{"mode", "direct"}, {"schema", "shop"}});
  const store::Connection bare = Conn("wh2", "supabase", Json::object());
  const store::Connection woo = Conn("woo", "woo", {{"base_url", "https://shop.example"}});

  EXPECT_EQ(SandboxConnection(qbo, false).config, qbo.config);
  EXPECT_EQ(SandboxConnection(qbo, true).config["api_base"], "https://sandbox-quickbooks.api.intuit.com");
  EXPECT_EQ(SandboxConnection(qbo, true).config["realm_id"], "123");
  EXPECT_EQ(SandboxConnection(wh, true).config["schema"], "shop_sandbox");
  EXPECT_EQ(SandboxConnection(bare, true).config["schema"], "warehouse_sandbox");
  EXPECT_EQ(SandboxConnection(woo, true).config, woo.config);

  auto s = store::OpenStore(":memory:");
  ASSERT_TRUE(s.ok());
  auto& store = **s;
  EXPECT_EQ(ResolveSandboxMode(store, qbo)->config["api_base"], "https://quickbooks.api.intuit.com");
  ASSERT_TRUE(store.SetSandboxMode("t1", true, 1).ok());
  EXPECT_EQ(ResolveSandboxMode(store, qbo)->config["api_base"], "https://sandbox-quickbooks.api.intuit.com");
  // The stored connection itself never changes.
  ASSERT_TRUE(store.PutTenant({"t1", "Shop", 1}).ok());
  ASSERT_TRUE(store.PutConnection(qbo).ok());
  auto loaded = LoadEnabledConnection(store, "t1", "qbo");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config["api_base"], "https://sandbox-quickbooks.api.intuit.com");
  EXPECT_EQ((*store.GetConnection("t1", "qbo"))->config["api_base"], "https://quickbooks.api.intuit.com");
}

TEST(SandboxMode, KeepsItsStateUnderItsOwnKeys) {
  EXPECT_EQ(StateKey("qbo", false), "qbo");
  EXPECT_EQ(StateKey("qbo", true), "qbo@sandbox");
  EXPECT_EQ(ConnectionOfStateKey("qbo@sandbox"), "qbo");
  EXPECT_EQ(ConnectionOfStateKey("qbo"), "qbo");
  EXPECT_EQ(ConnectionOfStateKey("@sandbox"), "@sandbox");  // no connection id before the suffix
  RunInfo run;
  run.source_connection = "woo";
  run.target_connection = "qbo";
  EXPECT_EQ(run.SourceState(), "woo");
  EXPECT_EQ(run.TargetState(), "qbo");
  run.sandbox = true;
  EXPECT_EQ(run.SourceState(), "woo@sandbox");
  EXPECT_EQ(run.TargetState(), "qbo@sandbox");
}

}  // namespace
}  // namespace es::engine
