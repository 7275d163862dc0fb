// The realm budget shared through the state store: two handles on one
// store file stand for two processes; the QBO sandbox counts what they send.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "connectors/qbo/client.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/qbo/sync/gateway.h"
#include "connectors/qbo/sync/qbo_platform.h"
#include "store/factory/open_store.h"

namespace es::qbo {
namespace {

class SharedStoreFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("es-budget-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (int i = 0; i < 2; ++i) {
      auto s = store::OpenStore((dir_ / "state.db").string());
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      ASSERT_TRUE((*s)->Migrate().ok());
      stores_.push_back(std::move(*s));
    }
  }
  void TearDown() override {
    stores_.clear();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<store::StateStore>> stores_;  // one per "process"
};

TEST_F(SharedStoreFile, TwoProcessesTogetherNeverExceedTheRealmLimits) {
  FakeClock clock(1'767'225'600'000);
  const engine::BudgetLimits limits = QboBudgetLimits();
  engine::AccountBudget a("qbo:1", limits, clock, MakeStoreBudgetBackend(*stores_[0]));
  engine::AccountBudget b("qbo:1", limits, clock, MakeStoreBudgetBackend(*stores_[1]));
  std::vector<std::pair<int64_t, bool>> starts;
  for (int i = 0; i < 1200; ++i) {
    engine::AccountBudget& budget = i % 3 == 0 ? b : a;
    auto p = budget.Acquire({"t", engine::Lane::kBackfill, true, i % 4 == 0});
    ASSERT_TRUE(p.valid());
    starts.emplace_back(clock.NowMillis(), p.batch());
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    int minute = 0, second = 0, batches = 0;
    for (size_t k = 0; k <= i; ++k) {
      if (starts[k].first > starts[i].first - 60'000) {
        ++minute;
        batches += starts[k].second ? 1 : 0;
      }
      if (starts[k].first > starts[i].first - 1'000) ++second;
    }
    ASSERT_LE(minute, limits.per_minute) << i;
    ASSERT_LE(batches, limits.batch_per_minute) << i;
    ASSERT_LE(second, limits.per_second) << i;
  }
  EXPECT_GT(a.stats().requests, 0);
  EXPECT_GT(b.stats().requests, 0);
  EXPECT_GT(a.stats().blocks, 0);
  // The minute was used: 1,200 requests in under three and a half minutes.
  EXPECT_LT(clock.NowMillis() - 1'767'225'600'000, 210'000);
}

TEST_F(SharedStoreFile, ThrottledInOneProcessBacksOffTheOther) {
  FakeClock clock(1'767'225'600'000);
  engine::AccountBudget a("qbo:1", QboBudgetLimits(), clock, MakeStoreBudgetBackend(*stores_[0]));
  engine::AccountBudget b("qbo:1", QboBudgetLimits(), clock, MakeStoreBudgetBackend(*stores_[1]));
  const int64_t t0 = clock.NowMillis();
  EXPECT_EQ(a.Throttled(0), 2'000);   // a first 429 without Retry-After: a short wait...
  EXPECT_EQ(a.Throttled(0), 60'000);  // ...a second within the minute: 60 s, for everyone on the realm
  auto p = b.Acquire({"t", engine::Lane::kRealtime});
  ASSERT_TRUE(p.valid());
  EXPECT_GE(clock.NowMillis() - t0, 60'000);
}

struct Process {
  std::unique_ptr<MemoryTokenStore> tokens;
  std::unique_ptr<Client> client;
  std::shared_ptr<engine::AccountBudget> budget;
};

// Two processes, five threads each, send as fast as their budgets let them for
// three seconds; returns the sandbox's counts.
sandbox::Server::Stats Race(bool shared, std::vector<std::unique_ptr<store::StateStore>>& stores) {
  sandbox::Options o;
  sandbox::Server qbo(o);
  EXPECT_TRUE(qbo.Start(0).ok());
  auto transport = http::MakeCurlTransport();
  auto t = qbo.IssueTokens();
  std::vector<Process> procs(2);
  for (int i = 0; i < 2; ++i) {
    OAuthTokens tokens;
    tokens.access_token = t.access_token;
    tokens.refresh_token = t.refresh_token;
    tokens.access_expires_at_ms = SystemClock::Get().NowMillis() + t.expires_in_s * 1000;
    Config cfg;
    cfg.api_base = qbo.base_url();
    cfg.token_url = qbo.token_url();
    cfg.realm_id = o.realm_id;
    cfg.client_id = o.client_id;
    cfg.client_secret = o.client_secret;
    procs[i].tokens = std::make_unique<MemoryTokenStore>(tokens);
    procs[i].client = std::make_unique<Client>(cfg, *transport, SystemClock::Get(), *procs[i].tokens);
    procs[i].budget = std::make_shared<engine::AccountBudget>(
        QboBudgetAccount(o.realm_id, qbo.base_url()), QboBudgetLimits(), SystemClock::Get(),
        shared ? MakeStoreBudgetBackend(*stores[i]) : nullptr);
  }
  const int64_t until = SystemClock::Get().NowMillis() + 3'000;
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 5; ++k) {
      threads.emplace_back([&, i] {
        for (;;) {
          engine::AccountBudget::Ask ask{"t", engine::Lane::kBackfill};
          ask.deadline_ms = until;
          auto permit = procs[i].budget->Acquire(ask);
          if (!permit.valid()) return;
          (void)procs[i].client->Query("SELECT * FROM CompanyInfo");
        }
      });
    }
  }
  for (auto& th : threads) th.join();
  return qbo.stats();
}

TEST_F(SharedStoreFile, TwoProcessesOnOneRealmCountedAtTheSandbox) {
  // Each process alone keeps 9 requests/s; together without the store they
  // send about twice the realm's 10/s, and the sandbox refuses some.
  auto apart = Race(false, stores_);
  EXPECT_GT(apart.throttled, 0);
  auto together = Race(true, stores_);
  EXPECT_EQ(together.throttled, 0);
  // They did work (at most 7.5/s with 100 ms blocks; less when the store
  // file is slow to commit, as blocks then last longer).
  EXPECT_GE(together.requests, 6);
  EXPECT_LE(together.requests, 3 * 10);
}

}  // namespace
}  // namespace es::qbo
