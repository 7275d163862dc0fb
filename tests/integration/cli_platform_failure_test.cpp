// Runs the real easysale-sync binary against connections that fail as a
// whole — an unreachable WooCommerce, refused WooCommerce keys, a warehouse
// whose PostgreSQL is not there — and checks that `sync` ends within seconds
// with one error line naming the connection and the setting to check, rc 1,
// and no failed record per entity. Also: `status` shows a run whose process
// died as abandoned, not as running, and a live run that waits longer than
// its lock's lease on one call keeps its lock (it is never taken for dead).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "engine/run_liveness.h"
#include "support/cli_store_test.h"

namespace es::testing {
namespace {

using CommandResult = es::test::CliRun;

class PlatformFailure : public CliStoreTest {
 protected:
  // Starts the sandboxes and the store; `tweak` changes the fixture's options first.
  void Open(const std::function<void(FixtureOptions&)>& tweak = {}) {
    OpenStore("es-platform-failure", [&tweak](FixtureOptions& o) {
      o.woo.seed = 11;
      o.woo.orders = 12;
      o.woo.customers = 4;
      o.woo.products = 4;
      if (tweak) tweak(o);
    });
  }

  // The one error line of a sync that must end early: rc 1 within `seconds`.
  std::string OneError(const CommandResult& r, double seconds) {
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_LT(r.seconds, seconds) << r.out << r.err;
    auto errors = LinesWith(r.err, "error");
    EXPECT_EQ(errors.size(), 1u) << r.err;
    printf("rc %d after %.1f s\n  stdout: %s  stderr: %s", r.exit_code, r.seconds, r.out.c_str(), r.err.c_str());
    return errors.empty() ? "" : errors[0];
  }
};

TEST_F(PlatformFailure, UnreachableWooCommerceNamesTheShopAndBaseUrl) {
  Open();
  Edit("woo", {{"base_url", "http://127.0.0.1:9"}}, Json::object());
  std::string e = OneError(RunCommand("sync --yes " + Store()), 30.0);
  EXPECT_NE(e.find("connection 'woo': WooCommerce unreachable at http://127.0.0.1:9 (connection refused) — check "
                   "the connection's base_url"),
            std::string::npos)
      << e;
  EXPECT_EQ(FailedRecords(), 0u);
  EXPECT_EQ(f_->qbo().stats().requests, 0);
}

TEST_F(PlatformFailure, RefusedWooCommerceKeysSayWhichSettingsToCheck) {
  Open();
  Edit("woo", Json::object(), {{"consumer_key", "ck_wrong_key"}, {"consumer_secret", "cs_wrong_secret_value"}});
  std::string e = OneError(RunCommand("sync --yes " + Store()), 10.0);
  EXPECT_NE(e.find("connection 'woo'"), std::string::npos) << e;
  EXPECT_NE(e.find("HTTP 401"), std::string::npos) << e;
  EXPECT_NE(e.find("check the connection's consumer_key and consumer_secret"), std::string::npos) << e;
  EXPECT_EQ(e.find("cs_wrong_secret_value"), std::string::npos) << "secret in " << e;
  EXPECT_EQ(FailedRecords(), 0u);
}

TEST_F(PlatformFailure, DeadWarehouseEndsTheRunAsItsConnection) {
  Open();
  store::Connection wh;
  wh.tenant_id = SyncFixture::kTenant;
  wh.id = "wh";
  wh.kind = "supabase";
  wh.config = {{"mode", "direct"}, {"url", "postgres://wh_user@127.0.0.1:1/warehouse?connect_timeout=2"},
               {"schema", "warehouse"}};
  wh.secret = DumpJson(Json{{"password", "wh-pa55-never-shown"}});
  wh.enabled = true;
  ASSERT_TRUE(f_->store().PutConnection(wh).ok());
  auto r = RunCommand("sync --yes " + Store() + " --source woo --target wh");
  std::string e = OneError(r, 20.0);
  EXPECT_NE(e.find("connection 'wh': warehouse unreachable: PostgreSQL at wh_user@127.0.0.1:1/warehouse "
                   "(connection refused"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("check the connection's url"), std::string::npos) << e;
  EXPECT_EQ(e.find("wh-pa55-never-shown"), std::string::npos) << "secret in " << e;
  // The stored run says the same, without a category prefix.
  auto status = RunCommand("status " + Store());
  EXPECT_NE(status.out.find("failed  0 written"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("error: connection 'wh': warehouse unreachable"), std::string::npos) << status.out;
}

TEST_F(PlatformFailure, StatusShowsTheRunOfADeadProcessAsAbandoned) {
  Open();
  // A run that stops as a killed process would: recorded as running, its lock gone.
  engine::SyncRequest customers;
  customers.entities = {"customers"};
  auto crashed = f_->Sync(customers, [](const std::string& point) { return point == "after_record"; });
  ASSERT_TRUE(crashed.ok()) << crashed.status().ToString();
  const std::string id = crashed->run.id;
  ASSERT_EQ((*f_->store().GetRun(SyncFixture::kTenant, id))->status, store::RunStatus::kRunning);

  auto r = RunCommand("status " + Store());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto row = LinesWith(r.out, id);
  ASSERT_FALSE(row.empty()) << r.out;
  EXPECT_NE(row[0].find("abandoned"), std::string::npos) << row[0];
  EXPECT_EQ(row[0].find("so far"), std::string::npos) << row[0];
  EXPECT_NE(r.err.find("notice: run " + id + " was left unfinished"), std::string::npos) << r.err;
  EXPECT_EQ((*f_->store().GetRun(SyncFixture::kTenant, id))->status, store::RunStatus::kAbandoned);
}

TEST_F(PlatformFailure, ARunWaitingLongerThanItsLeaseOnOneCallKeepsItsLock) {
  // Every QuickBooks call takes longer than the whole lease.
  Open([](FixtureOptions& o) { o.qbo.faults.latency_ms = 1500; });
  std::atomic<bool> done{false};
  CommandResult r;
  std::thread sync([&] {
    r = es::test::RunCli("EASYSALE_LOCK_LEASE_MS=900 " ES_BINARY, "sync --yes --entities customers " + Store());
    done = true;
  });
  int checks = 0, dead = 0;
  std::string why;
  while (!done) {
    store::RunFilter f;
    f.tenant_id = SyncFixture::kTenant;
    f.status = "running";
    auto runs = f_->store().ListRuns(f);
    if (runs.ok()) {
      for (const auto& run : *runs) {
        auto live = engine::CheckRunLiveness(f_->store(), run, SystemClock::Get().NowMillis());
        ASSERT_TRUE(live.ok()) << live.status().ToString();
        ++checks;
        if (!live->alive && !done) {
          ++dead;
          why = live->why;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  sync.join();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GT(checks, 5) << "the run ended before it could be watched";
  EXPECT_EQ(dead, 0) << "a live run looked dead: " << why;
  printf("lease 900 ms, QBO calls of 1.5 s: %d checks, %d dead, %.1f s\n", checks, dead, r.seconds);
}

}  // namespace
}  // namespace es::testing
