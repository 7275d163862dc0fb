// The engine against both sandboxes in-process: routing errors, the run
// lock, faults, throttling, incremental runs, and sandbox mode's own state.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "engine/sandbox_mode.h"
#include "platforms/platforms.h"
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

// Sends requests for Intuit's sandbox API host to a second QBO sandbox (the
// "sandbox company"), with that company's token, as a connection authorised
// for a sandbox company would; everything else goes through unchanged.
class SandboxHostTransport final : public http::Transport {
 public:
  SandboxHostTransport(http::Transport& inner, std::string company_url, std::string company_token)
      : inner_(inner), company_url_(std::move(company_url)), company_token_(std::move(company_token)) {}
  Result<http::Response> Send(const http::Request& request) override {
    const std::string host = engine::kQboSandboxApiBase;
    if (request.url.rfind(host, 0) != 0) return inner_.Send(request);
    http::Request r = request;
    r.url = company_url_ + r.url.substr(host.size());
    for (auto& [name, value] : r.headers)
      if (name == "Authorization") value = "Bearer " + company_token_;
    ++sent_;
    return inner_.Send(r);
  }
  int64_t sent() const { return sent_; }

 private:
  http::Transport& inner_;
  const std::string company_url_;
  const std::string company_token_;
  int64_t sent_ = 0;
};

TEST(Engine, SandboxModeKeepsItsOwnIdMapAndCursors) {
  FixtureOptions options;
  options.woo.customers = 6;
  options.woo.products = 5;
  options.woo.orders = 14;
  options.qbo.throttle = false;
  SyncFixture f(options);
  ASSERT_TRUE(f.Start().ok());
  qbo::sandbox::Server company(options.qbo);
  ASSERT_TRUE(company.Start(0).ok());
  auto curl = http::MakeCurlTransport();  // closed before the servers stop
  SandboxHostTransport transport(*curl, company.base_url(), company.IssueTokens().access_token);
  engine::EngineOptions eo;
  eo.retry.initial_ms = 5;
  eo.retry.max_ms = 50;
  engine::Orchestrator orchestrator(f.store(), transport, SystemClock::Get(), platforms::Registry(), eo);
  auto sync = [&](const std::string& mode) {
    engine::SyncRequest req;
    req.tenant_id = SyncFixture::kTenant;
    req.source_connection = "woo";
    req.target_connection = "qbo";
    req.mode = mode;
    return orchestrator.Run(req);
  };
  auto docs = [](const qbo::sandbox::Server& s) {
    return s.CountEntities("Invoice") + s.CountEntities("SalesReceipt");
  };
  const int64_t t0 = SystemClock::Get().NowMillis();

  // Sandbox mode on: every document goes to the sandbox company.
  ASSERT_TRUE(f.store().SetSandboxMode(SyncFixture::kTenant, true, t0).ok());
  auto in_sandbox = sync("full");
  ASSERT_TRUE(in_sandbox.ok()) << in_sandbox.status().message();
  const int64_t sandbox_docs = docs(company);
  EXPECT_GT(sandbox_docs, 0);
  EXPECT_EQ(f.QboDocumentCount(), 0);
  EXPECT_GT(transport.sent(), 0);
  EXPECT_EQ(*f.store().CountMappings(SyncFixture::kTenant, "qbo@sandbox", "order"), sandbox_docs);
  EXPECT_EQ(*f.store().CountMappings(SyncFixture::kTenant, "qbo", "order"), 0);
  EXPECT_TRUE(f.store().GetCursor(SyncFixture::kTenant, "woo@sandbox", "qbo@sandbox", "order")->has_value());
  EXPECT_FALSE(f.store().GetCursor(SyncFixture::kTenant, "woo", "qbo", "order")->has_value());
  const int64_t company_writes = company.stats().writes;

  // Off again: real mode finds none of the sandbox's records and creates its
  // own documents in the real company; the sandbox company is not touched.
  ASSERT_TRUE(f.store().SetSandboxMode(SyncFixture::kTenant, false, t0 + 1).ok());
  const int64_t sent_before = transport.sent();
  auto real = sync("incremental");
  ASSERT_TRUE(real.ok()) << real.status().message();
  EXPECT_EQ(f.QboDocumentCount(), sandbox_docs);
  EXPECT_EQ(real->run.totals.created, in_sandbox->run.totals.created);
  EXPECT_EQ(docs(company), sandbox_docs);
  EXPECT_EQ(company.stats().writes, company_writes);
  EXPECT_EQ(transport.sent(), sent_before);
  EXPECT_EQ(*f.store().CountMappings(SyncFixture::kTenant, "qbo", "order"), sandbox_docs);
  EXPECT_EQ(*f.store().CountMappings(SyncFixture::kTenant, "qbo@sandbox", "order"), sandbox_docs);

  // Each mode's next run finds its own records: nothing more is created.
  auto again = sync("full");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.totals.created, 0);
  ASSERT_TRUE(f.store().SetSandboxMode(SyncFixture::kTenant, true, t0 + 2).ok());
  auto sandbox_again = sync("full");
  ASSERT_TRUE(sandbox_again.ok());
  EXPECT_EQ(sandbox_again->run.totals.created, 0);
  EXPECT_EQ(docs(company), sandbox_docs);
  EXPECT_EQ(f.QboDocumentCount(), sandbox_docs);
}

}  // namespace
}  // namespace es::testing
