// What a run costs the source: an incremental run over an unchanged
// WooCommerce store asks one page of customers (not the whole customer
// list), and the run reports the requests it sent — in its report
// and in the run's stored counts.
#include <gtest/gtest.h>


#include "support/sync_fixture.h"

namespace es::testing {
namespace {

TEST(SourceEconomy, IncrementalRunOverAnUnchangedStoreAsksOnePagePerEntity) {
  FixtureOptions o;
  o.woo.orders = 60;
  o.woo.customers = 834;  // 9 pages of 100
  SyncFixture f(o);
  ASSERT_TRUE(f.Start().ok());
  auto full = f.Sync();
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ASSERT_EQ(full->run.status, store::RunStatus::kSucceeded) << full->run.error;
  EXPECT_GE(f.woo().requests("customers"), 9);
  EXPECT_EQ(full->source_requests, f.woo().requests());

  const int64_t before = f.woo().requests(), customers_before = f.woo().requests("customers");
  engine::SyncRequest req;
  req.mode = "incremental";
  auto inc = f.Sync(req);
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  ASSERT_EQ(inc->run.status, store::RunStatus::kSucceeded) << inc->run.error;
  const int64_t sent = f.woo().requests() - before;
  // One page of customers; the orders of the re-read window (3 days) also
  // fetch their refunds.
  EXPECT_EQ(f.woo().requests("customers") - customers_before, 1);
  EXPECT_LE(sent, full->source_requests - 8) << "the 8 further pages of customers are not asked for";
  EXPECT_EQ(inc->source_requests, sent);
  EXPECT_EQ(inc->run.counts["requests"]["source"], sent);
  EXPECT_EQ(inc->run.counts["requests"]["target"], inc->target_requests);
  auto stored = f.store().GetRun(SyncFixture::kTenant, inc->run.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((**stored).counts["requests"]["source"], sent);
  for (const auto& [entity, c] : inc->counts) EXPECT_EQ(c.created + c.updated, 0) << entity;
}

}  // namespace
}  // namespace es::testing
