// The durable job queue through the real binary on PostgreSQL: several
// tenants' syncs queued with `jobs enqueue`, three `worker` processes
// sharing the queue, one of them killed with SIGKILL in the middle of a run.
// Every job must end succeeded (the killed worker's jobs resumed by the
// others after their lease), every order must be in its tenant's QBO sandbox
// exactly once, and reconcile must be clean. Run under
// scripts/with-postgres.sh (skipped without EASYSALE_TEST_PG_URL).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"
#include "store/postgres/postgres_test_harness.h"
#include "support/child_process.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr int kTenants = 6;
constexpr int kOrders = 40;

using es::test::ReadFile;
using es::test::WaitExit;
using Proc = es::test::Child;

std::string ReadAll(const fs::path& p) { return ReadFile(p); }

Proc Spawn(const std::vector<std::string>& args, const fs::path& dir, const std::string& name) {
  return es::test::Spawn(ES_BINARY, args, dir, name);
}

bool WaitFor(const std::function<bool()>& cond, int timeout_ms) { return es::test::WaitFor(cond, timeout_ms, 50); }

// The JSON lines of a worker's stdout.
std::vector<Json> Events(const fs::path& out) {
  std::vector<Json> v;
  std::stringstream ss(ReadAll(out));
  std::string line;
  while (std::getline(ss, line)) {
    auto j = ParseJson(line);
    if (j.ok()) v.push_back(*j);
  }
  return v;
}

struct Shop {
  std::unique_ptr<woo::sandbox::Server> woo;
  std::unique_ptr<qbo::sandbox::Server> qbo;
};

class CliJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (store::postgres::TestPgUrl().empty()) GTEST_SKIP() << store::postgres::kNoPgMessage;
    schema_ = std::make_unique<store::postgres::PgSchema>();
    url_ = schema_->url();
    dir_ = fs::temp_directory_path() / ("es-jobs-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    for (int t = 0; t < kTenants; ++t) {
      const std::string tenant = Tenant(t);
      Shop s;
      woo::sandbox::Options wo;
      wo.orders = kOrders;
      wo.seed = 100 + t;
      qbo::sandbox::Options qo;
      qo.throttle = false;
      s.woo = std::make_unique<woo::sandbox::Server>(wo);
      s.qbo = std::make_unique<qbo::sandbox::Server>(qo);
      ASSERT_TRUE(s.woo->Start(0).ok());
      ASSERT_TRUE(s.qbo->Start(0).ok());
      s.qbo->SetLatencyMs(15);  // runs last long enough to be killed in the middle
      auto tokens = s.qbo->IssueTokens();
      ASSERT_EQ(Run({"tenant", "add", tenant, "--store", url_}), 0);
      Json woo_config = {{"base_url", s.woo->base_url()}};
      Json woo_secret = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
      ASSERT_EQ(Run({"connection", "add", "--store", url_, "--tenant", tenant, "--id", "woo", "--kind", "woo",
                     "--config", DumpJson(woo_config), "--secret", DumpJson(woo_secret)}),
                0);
      Json qbo_config = {{"api_base", s.qbo->base_url()}, {"token_url", s.qbo->token_url()},
                         {"realm_id", qo.realm_id}, {"client_id", qo.client_id}};
      Json qbo_secret = {{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                         {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
      ASSERT_EQ(Run({"connection", "add", "--store", url_, "--tenant", tenant, "--id", "qbo", "--kind", "qbo",
                     "--config", DumpJson(qbo_config), "--secret", DumpJson(qbo_secret)}),
                0);
      shops_.push_back(std::move(s));
    }
  }
  void TearDown() override {
    shops_.clear();
    schema_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static std::string Tenant(int t) { return "shop" + std::to_string(t); }

  int Run(const std::vector<std::string>& args) {
    Proc p = Spawn(args, dir_, "cli");
    int code = WaitExit(p.pid, 60'000);
    if (code != 0) ADD_FAILURE() << ReadAll(p.err);
    last_out_ = ReadAll(p.out);
    return code;
  }

  int64_t Docs(int t) const {
    return shops_[t].qbo->CountEntities("Invoice") + shops_[t].qbo->CountEntities("SalesReceipt");
  }

  // Jobs of every tenant, read from the store.
  std::vector<store::Job> AllJobs() {
    std::vector<store::Job> all;
    auto s = store::OpenStore(url_);
    if (!s.ok()) return all;
    for (int t = 0; t < kTenants; ++t) {
      auto jobs = (*s)->ListJobs({Tenant(t), "", "", 0, ""});
      if (jobs.ok()) all.insert(all.end(), jobs->begin(), jobs->end());
    }
    return all;
  }

  std::unique_ptr<store::postgres::PgSchema> schema_;
  std::string url_;
  fs::path dir_;
  std::vector<Shop> shops_;
  std::string last_out_;
};

TEST_F(CliJobs, ThreeWorkersOneKilledEveryOrderExactlyOnce) {
  // Two jobs per tenant: a full sync and an incremental one behind it (which
  // waits for the first one's run lock, then finds nothing new).
  for (int t = 0; t < kTenants; ++t) {
    ASSERT_EQ(Run({"jobs", "enqueue", "--store", url_, "--tenant", Tenant(t), "--mode", "full", "--json"}), 0);
    ASSERT_EQ(Run({"jobs", "enqueue", "--store", url_, "--tenant", Tenant(t), "--json"}), 0);
  }
  ASSERT_EQ(AllJobs().size(), static_cast<size_t>(2 * kTenants));

  std::vector<Proc> workers;
  for (int w = 0; w < 3; ++w) {
    workers.push_back(Spawn({"worker", "--store", url_, "--workers", "2", "--lease-ms", "2000", "--poll-ms", "50"},
                            dir_, "worker" + std::to_string(w)));
  }
  // Worker 0 is killed while one of its runs is writing.
  std::set<std::string> in_flight;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::set<std::string> claimed, done;
        for (const Json& e : Events(workers[0].out)) {
          if (e.value("event", "") == "job_claimed") claimed.insert(e.value("job", ""));
          if (e.value("event", "") == "job_finished" || e.value("event", "") == "job_requeued")
            done.insert(e.value("job", ""));
        }
        in_flight.clear();
        for (const auto& j : claimed)
          if (!done.count(j)) in_flight.insert(j);
        int64_t docs = 0;
        for (int t = 0; t < kTenants; ++t) docs += Docs(t);
        return !in_flight.empty() && docs >= 20;
      },
      60'000))
      << ReadAll(workers[0].out) << ReadAll(workers[0].err);
  ASSERT_EQ(kill(workers[0].pid, SIGKILL), 0);
  EXPECT_EQ(WaitExit(workers[0].pid, 10'000), 128 + SIGKILL);

  // The other two finish everything, the killed worker's jobs included.
  const bool all_done = WaitFor(
      [&] {
        auto jobs = AllJobs();
        for (const auto& j : jobs)
          if (j.status != "succeeded" && j.status != "failed" && j.status != "abandoned") return false;
        return jobs.size() == static_cast<size_t>(2 * kTenants);
      },
      120'000);
  for (size_t w = 1; w < workers.size(); ++w) {
    kill(workers[w].pid, SIGTERM);
    EXPECT_EQ(WaitExit(workers[w].pid, 30'000), 0) << ReadAll(workers[w].err);
  }
  ASSERT_TRUE(all_done) << ReadAll(workers[1].out) << ReadAll(workers[2].out);

  std::map<std::string, store::Job> by_id;
  for (const auto& j : AllJobs()) {
    by_id[j.id] = j;
    EXPECT_EQ(j.status, "succeeded") << j.id << ": " << j.error;
  }
  for (const auto& id : in_flight) {
    ASSERT_TRUE(by_id.count(id)) << id;
    EXPECT_GE(by_id[id].attempts, 2) << "job " << id << " was resumed after its worker died";
  }
  for (int t = 0; t < kTenants; ++t) {
    std::map<std::string, int> seen;
    for (const char* type : {"Invoice", "SalesReceipt"})
      for (const auto& doc : shops_[t].qbo->AllEntities(type)) ++seen[GetStringOr(doc, "DocNumber")];
    EXPECT_GT(seen.size(), 0u) << Tenant(t);
    for (const auto& [dn, n] : seen) EXPECT_EQ(n, 1) << Tenant(t) << " DocNumber " << dn << " written " << n << " times";
    ASSERT_EQ(Run({"reconcile", "--store", url_, "--tenant", Tenant(t), "--json"}), 0);
    auto rec = ParseJson(last_out_);
    ASSERT_TRUE(rec.ok()) << last_out_;
    EXPECT_EQ((*rec)["mismatches"].get<int64_t>(), 0) << Tenant(t) << ": " << last_out_;
    EXPECT_EQ((*rec)["matched"].get<int64_t>(), Docs(t)) << Tenant(t) << ": " << last_out_;
  }
}

TEST_F(CliJobs, JobsListAndShowDescribeTheQueue) {
  ASSERT_EQ(Run({"jobs", "enqueue", "--store", url_, "--tenant", Tenant(0), "--mode", "full", "--lane", "backfill",
                 "--dedupe-key", "nightly", "--json"}),
            0);
  auto first = ParseJson(last_out_);
  ASSERT_TRUE(first.ok()) << last_out_;
  EXPECT_EQ((*first)["status"], "queued");
  EXPECT_FALSE((*first)["coalesced"].get<bool>());
  ASSERT_EQ(Run({"jobs", "enqueue", "--store", url_, "--tenant", Tenant(0), "--dedupe-key", "nightly", "--json"}), 0);
  auto second = ParseJson(last_out_);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)["coalesced"].get<bool>());
  EXPECT_EQ((*second)["id"], (*first)["id"]);
  ASSERT_EQ(Run({"jobs", "list", "--store", url_, "--tenant", Tenant(0), "--json"}), 0);
  auto list = ParseJson(last_out_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ((*list)["jobs"].size(), 1u);
  EXPECT_EQ((*list)["jobs"][0]["lane"], "backfill");
  ASSERT_EQ(Run({"jobs", "list", "--store", url_, "--tenant", Tenant(0)}), 0);
  EXPECT_NE(last_out_.find("backfill"), std::string::npos) << last_out_;
  ASSERT_EQ(Run({"jobs", "show", (*first)["id"].get<std::string>(), "--store", url_, "--tenant", Tenant(0)}), 0);
  EXPECT_NE(last_out_.find((*first)["run_id"].get<std::string>()), std::string::npos);
  // An unknown connection is refused before anything is queued.
  Proc bad = Spawn({"jobs", "enqueue", "--store", url_, "--tenant", Tenant(0), "--source", "nope"}, dir_, "bad");
  EXPECT_EQ(WaitExit(bad.pid, 30'000), 2);
  EXPECT_NE(ReadAll(bad.err).find("nope"), std::string::npos);
  // A worker drains the queue and exits once idle.
  Proc w = Spawn({"worker", "--store", url_, "--workers", "1", "--poll-ms", "50", "--idle-exit-ms", "1500"}, dir_,
                 "idle-worker");
  EXPECT_EQ(WaitExit(w.pid, 60'000), 0) << ReadAll(w.err);
  auto jobs = AllJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].status, "succeeded") << jobs[0].error;
  EXPECT_GT(Docs(0), 0);
}

}  // namespace
}  // namespace es::testing
