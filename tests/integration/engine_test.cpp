// The engine against both sandboxes in-process: routing errors, the run
// lock, faults, throttling, and incremental runs.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "support/sync_fixture.h"

namespace es::testing {
namespace {

TEST(Engine, UnsupportedRouteFailsBeforeAnyWork) {
  SyncFixture f;
  ASSERT_TRUE(f.Start().ok());
  engine::SyncRequest req;
  req.entities = {"orders", "stock_levels"};
  auto r = f.Sync(req);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_NE(r.status().message().find("stock_levels"), std::string::npos) << r.status().message();
  EXPECT_EQ(f.QboDocumentCount(), 0);
  store::RunFilter filter;
  filter.tenant_id = SyncFixture::kTenant;
  EXPECT_TRUE(f.store().ListRuns(filter)->empty());
}

TEST(Engine, OnlyOneRunPerTenantAndConnectionPair) {
  SyncFixture f;
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(f.store().AcquireLock(SyncFixture::kTenant, "woo>qbo", "other-worker", SystemClock::Get().NowMillis(),
                                    60'000).ok());
  auto r = f.Sync();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsConflict()) << r.status().ToString();
  ASSERT_TRUE(f.store().ReleaseLock(SyncFixture::kTenant, "woo>qbo", "other-worker").ok());
  auto ok = f.Sync();
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->run.status, store::RunStatus::kSucceeded);
}

TEST(Engine, DisabledConnectionIsRefused) {
  SyncFixture f;
  ASSERT_TRUE(f.Start().ok());
  auto c = f.store().GetConnection(SyncFixture::kTenant, "qbo");
  ASSERT_TRUE(c.ok() && c->has_value());
  store::Connection conn = **c;
  conn.enabled = false;
  ASSERT_TRUE(f.store().PutConnection(conn).ok());
  auto r = f.Sync();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("disabled"), std::string::npos);
}

TEST(Engine, ClientSideLimiterKeepsUnderQboThrottling) {
  FixtureOptions o;
  o.woo.orders = 300;
  o.qbo.throttle = true;
  SyncFixture f(o);
  ASSERT_TRUE(f.Start().ok());
  auto r = f.Sync();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->run.totals.failed, 0);
  EXPECT_EQ(f.qbo().stats().throttled, 0) << "the engine should not provoke 429s";
  EXPECT_EQ(r->rate_limited, 0);
  auto rec = f.Reconcile();
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->mismatches, 0);
}

TEST(Engine, FaultsEndWithEveryOrderSyncedOnceOrQueuedWithAReason) {
  FixtureOptions o;
  o.woo.orders = 120;
  o.woo.faults.error_rate = 0.1;
  o.woo.faults.seed = 3;
  o.qbo.throttle = false;
  o.qbo.faults.error_rate = 0.1;
  o.qbo.faults.rate_limit_rate = 0.05;
  o.qbo.faults.drop_rate = 0.02;
  o.qbo.faults.seed = 4;
  SyncFixture f(o);
  ASSERT_TRUE(f.Start().ok());
  for (int i = 0; i < 3; ++i) (void)f.Sync();
  auto orders = f.SyncedWooOrders();
  ASSERT_FALSE(orders.empty());
  EXPECT_TRUE(f.DuplicateDocNumbers().empty());
  auto failed = f.store().ListFailed(SyncFixture::kTenant, 1000);
  ASSERT_TRUE(failed.ok());
  int64_t mapped = 0;
  for (const auto& [id, total] : orders) {
    auto m = f.store().GetMapping(SyncFixture::kTenant, "qbo", "order", id);
    ASSERT_TRUE(m.ok());
    if (m->has_value()) {
      ++mapped;
      continue;
    }
    bool queued = false;
    for (const auto& fr : *failed) queued = queued || (fr.entity == "order" && fr.source_id == id && !fr.message.empty());
    EXPECT_TRUE(queued) << "order " << id << " neither synced nor in the failed queue";
  }
  EXPECT_EQ(f.QboDocumentCount(), mapped);
}

TEST(Engine, IncrementalRunAfterFullRunCreatesNothing) {
  SyncFixture f;
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(f.Sync().ok());
  int64_t docs = f.QboDocumentCount();
  engine::SyncRequest req;
  req.mode = "incremental";
  auto r = f.Sync(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->run.totals.created, 0);
  EXPECT_EQ(f.QboDocumentCount(), docs);
  auto cursor = f.store().GetCursor(SyncFixture::kTenant, "woo", "qbo", "order");
  ASSERT_TRUE(cursor.ok() && cursor->has_value());
}

}  // namespace
}  // namespace es::testing
