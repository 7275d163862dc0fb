// RunExecutor when a run throws: the exception stays on the run's thread and
// becomes a failed run carrying its text, the pair's lock is released, and
// Start/RunNow report Status::Internal. Wired like HttpServer (orchestrator
// and context over one RunObserverStore) against the sandboxes; the
// exception comes from a transport or a store that throws on request.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "server/http_server.h"
#include "server/metrics.h"
#include "server/run_executor.h"
#include "server/server_config.h"
#include "server/token_manager.h"
#include "store/forwarding_store.h"
#include "support/sync_fixture.h"

namespace es::server {
namespace {

using testing::SyncFixture;

// Forwards to the fixture's transport; throws on WooCommerce requests while armed.
class ThrowingTransport final : public http::Transport {
 public:
  ThrowingTransport(http::Transport& inner, std::string woo_base) : inner_(inner), woo_base_(std::move(woo_base)) {}
  Result<http::Response> Send(const http::Request& request) override {
    if (armed && request.url.rfind(woo_base_, 0) == 0) throw std::runtime_error("woo transport exploded");
    return inner_.Send(request);
  }
  std::atomic<bool> armed{false};

 private:
  http::Transport& inner_;
  const std::string woo_base_;
};

// Forwards to the fixture's store; GetConnection throws while armed.
class ThrowingStore final : public store::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::optional<store::Connection>> GetConnection(const std::string& tenant, const std::string& id) override {
    if (armed) throw std::logic_error("store exploded");
    return ForwardingStore::GetConnection(tenant, id);
  }
  std::atomic<bool> armed{false};
};

class RunExecutorExceptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::FixtureOptions fo;
    fo.woo.orders = 6;
    fo.woo.customers = 4;
    fo.woo.products = 4;
    fo.qbo.throttle = false;
    fixture_ = std::make_unique<SyncFixture>(fo);
    ASSERT_TRUE(fixture_->Start().ok());
    transport_ = std::make_unique<ThrowingTransport>(fixture_->transport(), fixture_->woo().base_url());
    throwing_store_ = std::make_unique<ThrowingStore>(fixture_->store());
    observed_ = std::make_unique<RunObserverStore>(*throwing_store_);
    engine::EngineOptions eo;
    eo.retry.initial_ms = 5;
    eo.retry.max_ms = 50;
    orchestrator_ = std::make_unique<engine::Orchestrator>(*observed_, *transport_, SystemClock::Get(),
                                                           platforms::Registry(), eo);
    tokens_ = std::make_unique<QboTokenManager>(*observed_, *transport_, SystemClock::Get(), false);
    ctx_.config = &config_;
    ctx_.store = observed_.get();
    ctx_.transport = transport_.get();
    ctx_.clock = &SystemClock::Get();
    ctx_.metrics = &metrics_;
    ctx_.orchestrator = orchestrator_.get();
    ctx_.tokens = tokens_.get();
    runs_ = std::make_unique<RunExecutor>(ctx_, 2);
    ctx_.runs = runs_.get();
  }

  void TearDown() override {
    runs_.reset();
    orchestrator_.reset();
    tokens_.reset();
    observed_.reset();
    throwing_store_.reset();
    transport_.reset();
    fixture_.reset();
  }

  static engine::SyncRequest Request() {
    engine::SyncRequest r;
    r.tenant_id = SyncFixture::kTenant;
    r.source_connection = "woo";
    r.target_connection = "qbo";
    r.triggered_by = "test";
    return r;
  }

  // Waits until the run started here is over; false after 60 s.
  bool WaitFinished(const std::string& run_id) {
    for (int i = 0; i < 3000; ++i) {
      Json live = runs_->Live(SyncFixture::kTenant, run_id);
      if (live.is_object() && !live["running"].get<bool>()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  store::SyncRun StoredRun(const std::string& run_id) {
    auto run = fixture_->store().GetRun(SyncFixture::kTenant, run_id);
    EXPECT_TRUE(run.ok() && run->has_value()) << "run " << run_id << " is not in the store";
    return run.ok() && run->has_value() ? **run : store::SyncRun{};
  }

  std::unique_ptr<SyncFixture> fixture_;
  std::unique_ptr<ThrowingTransport> transport_;
  std::unique_ptr<ThrowingStore> throwing_store_;
  std::unique_ptr<RunObserverStore> observed_;
  std::unique_ptr<engine::Orchestrator> orchestrator_;
  std::unique_ptr<QboTokenManager> tokens_;
  ServerConfig config_;
  MetricsRegistry metrics_;
  ServerContext ctx_;
  std::unique_ptr<RunExecutor> runs_;
};

TEST_F(RunExecutorExceptionTest, ExceptionInABackgroundRunFailsTheRunWithItsText) {
  transport_->armed = true;
  auto id = runs_->Start(Request());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(WaitFinished(*id));

  store::SyncRun run = StoredRun(*id);
  EXPECT_EQ(run.status, store::RunStatus::kFailed);
  EXPECT_NE(run.error.find("woo transport exploded"), std::string::npos) << run.error;
  EXPECT_GT(run.finished_at_ms, 0);
  EXPECT_EQ(metrics_.Value("easysale_runs_total", {{"tenant", SyncFixture::kTenant}, {"status", "failed"}}), 1);
  EXPECT_EQ(runs_->active(), 0);

  // The pair's lock went with the failed run: the next run starts at once
  // (not Conflict) and completes.
  transport_->armed = false;
  auto next = runs_->Start(Request());
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_TRUE(WaitFinished(*next));
  EXPECT_EQ(StoredRun(*next).status, store::RunStatus::kSucceeded) << StoredRun(*next).error;
}

TEST_F(RunExecutorExceptionTest, ExceptionBeforeTheRunIsRecordedIsReturnedByStart) {
  throwing_store_->armed = true;
  auto id = runs_->Start(Request());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().category(), ErrorCategory::kInternal);
  EXPECT_NE(id.status().message().find("store exploded"), std::string::npos) << id.status().ToString();
  EXPECT_EQ(runs_->active(), 0);
  throwing_store_->armed = false;
  store::RunFilter filter;
  filter.tenant_id = SyncFixture::kTenant;
  auto runs = fixture_->store().ListRuns(filter);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

TEST_F(RunExecutorExceptionTest, RunNowRecordsTheExceptionAsAFailedRun) {
  transport_->armed = true;
  auto report = runs_->RunNow(Request());
  // The engine catches what its run throws and ends the run as failed with
  // the exception's text (a throw outside the engine is returned as Internal).
  if (report.ok()) {
    EXPECT_EQ(report->run.status, store::RunStatus::kFailed);
    EXPECT_NE(report->run.error.find("woo transport exploded"), std::string::npos) << report->run.error;
  } else {
    EXPECT_EQ(report.status().category(), ErrorCategory::kInternal);
  }

  store::RunFilter filter;
  filter.tenant_id = SyncFixture::kTenant;
  auto runs = fixture_->store().ListRuns(filter);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().status, store::RunStatus::kFailed);
  EXPECT_NE(runs->front().error.find("woo transport exploded"), std::string::npos) << runs->front().error;
}

}  // namespace
}  // namespace es::server
