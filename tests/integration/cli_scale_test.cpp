// The job queue at scale through the real binary on PostgreSQL: T tenants,
// each with its own WooCommerce sandbox store of N orders and its own QBO
// sandbox realm (the sandboxes serve one store / one realm each; they run as
// servers inside this test process, not as 2 × T processes), one full sync
// job per tenant, three `worker` processes sharing the queue, one of them
// killed with SIGKILL once a tenth of the orders are written while it holds
// a job. Then: every job succeeded (none lost, the killed worker's resumed
// by the others after its lease), every order written exactly once per
// tenant (DocNumbers counted at each QBO sandbox), reconcile clean for every
// tenant. Prints one JSON line with the figures (tenants, orders, jobs,
// attempts, seconds, documents, duplicates).
//
// Size: ES_SCALE_TENANTS (default 20) × ES_SCALE_ORDERS (default 8) with
// ES_SCALE_PRODUCTS products per store (default 5), small enough for ctest;
// bench/jobs_scale.sh runs 20 × 500 with 30 products (docs/BENCHMARKS.md).
// Run under scripts/with-postgres.sh (skipped without EASYSALE_TEST_PG_URL).
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/secret_box.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/reconcile.h"
#include "http/transport.h"
#include "platforms/platforms.h"
#include "store/encrypted_store.h"
#include "store/factory/open_store.h"
#include "store/postgres/postgres_test_harness.h"
#include "support/child_process.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using Proc = es::test::Child;

constexpr char kMasterKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

int EnvInt(const char* name, int fallback) {
  const char* v = getenv(name);
  return v != nullptr && atoi(v) > 0 ? atoi(v) : fallback;
}

std::string Tenant(int t) { return "scale" + std::to_string(t); }

struct Shop {
  std::unique_ptr<woo::sandbox::Server> woo;
  std::unique_ptr<qbo::sandbox::Server> qbo;
  int64_t Docs() const { return qbo->CountEntities("Invoice") + qbo->CountEntities("SalesReceipt"); }
};

class CliScale : public ::testing::Test {
 protected:
  void SetUp() override {
    if (store::postgres::TestPgUrl().empty()) GTEST_SKIP() << store::postgres::kNoPgMessage;
    tenants_ = EnvInt("ES_SCALE_TENANTS", 20);
    orders_ = EnvInt("ES_SCALE_ORDERS", 8);
    products_ = EnvInt("ES_SCALE_PRODUCTS", 5);
    schema_ = std::make_unique<store::postgres::PgSchema>();
    url_ = schema_->url();
    dir_ = fs::temp_directory_path() / ("es-scale-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("EASYSALE_MASTER_KEY", kMasterKey, 1);
    auto base = store::OpenStore(url_);
    ASSERT_TRUE(base.ok()) << base.status().ToString();
    base_ = std::move(*base);
    auto box = SecretBox::FromHexKey(kMasterKey);
    ASSERT_TRUE(box.ok());
    box_ = std::make_unique<SecretBox>(std::move(*box));
    store_ = std::make_unique<store::EncryptedStore>(*base_, *box_);
    const int64_t now = SystemClock::Get().NowMillis();
    for (int t = 0; t < tenants_; ++t) {
      Shop s;
      woo::sandbox::Options wo;
      wo.orders = orders_;
      wo.customers = orders_ / 6 + 1;
      wo.products = products_;
      wo.seed = 500 + t;
      qbo::sandbox::Options qo;
      qo.throttle = false;
      s.woo = std::make_unique<woo::sandbox::Server>(wo);
      s.qbo = std::make_unique<qbo::sandbox::Server>(qo);
      ASSERT_TRUE(s.woo->Start(0).ok());
      ASSERT_TRUE(s.qbo->Start(0).ok());
      auto tokens = s.qbo->IssueTokens();
      ASSERT_TRUE(store_->PutTenant({Tenant(t), "Scale tenant " + std::to_string(t), now}).ok());
      store::Connection w;
      w.tenant_id = Tenant(t);
      w.id = "woo";
      w.kind = "woo";
      w.config = {{"base_url", s.woo->base_url()}};
      w.secret = DumpJson({{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}});
      ASSERT_TRUE(store_->PutConnection(w).ok());
      store::Connection q;
      q.tenant_id = Tenant(t);
      q.id = "qbo";
      q.kind = "qbo";
      q.config = {{"api_base", s.qbo->base_url()}, {"token_url", s.qbo->token_url()},
                  {"realm_id", qo.realm_id}, {"client_id", qo.client_id}};
      q.secret = DumpJson({{"client_secret", qo.client_secret},
                           {"access_token", tokens.access_token},
                           {"refresh_token", tokens.refresh_token},
                           {"access_expires_at_ms", now + tokens.expires_in_s * 1000},
                           {"refresh_expires_at_ms", now + tokens.refresh_expires_in_s * 1000}});
      ASSERT_TRUE(store_->PutConnection(q).ok());
      shops_.push_back(std::move(s));
    }
  }
  void TearDown() override {
    store_.reset();
    base_.reset();
    shops_.clear();
    schema_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::vector<store::Job> AllJobs() {
    std::vector<store::Job> all;
    for (int t = 0; t < tenants_; ++t) {
      auto jobs = store_->ListJobs({Tenant(t), "", "", 0, ""});
      if (jobs.ok()) all.insert(all.end(), jobs->begin(), jobs->end());
    }
    return all;
  }

  int64_t AllDocs() const {
    int64_t n = 0;
    for (const auto& s : shops_) n += s.Docs();
    return n;
  }

  int tenants_ = 0, orders_ = 0, products_ = 0;
  std::unique_ptr<store::postgres::PgSchema> schema_;
  std::string url_;
  fs::path dir_;
  std::unique_ptr<store::StateStore> base_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<store::StateStore> store_;
  std::vector<Shop> shops_;
};

// Job ids a worker claimed and did not finish or hand back, from its JSON lines.
std::set<std::string> InFlight(const fs::path& out) {
  std::set<std::string> claimed, done;
  std::stringstream ss(es::test::ReadFile(out));
  std::string line;
  while (std::getline(ss, line)) {
    auto e = ParseJson(line);
    if (!e.ok()) continue;
    const std::string event = e->value("event", "");
    if (event == "job_claimed") claimed.insert(e->value("job", ""));
    if (event == "job_finished" || event == "job_requeued") done.insert(e->value("job", ""));
  }
  std::set<std::string> open;
  for (const auto& j : claimed)
    if (!done.count(j)) open.insert(j);
  return open;
}

TEST_F(CliScale, ThreeWorkersOneKilledManyTenantsEveryOrderOnce) {
  // One full sync per tenant, queued as the API and schedules queue backfills.
  const int64_t now = SystemClock::Get().NowMillis();
  for (int t = 0; t < tenants_; ++t) {
    store::Job j;
    j.id = crypto::Uuid4();
    j.run_id = crypto::Uuid4();
    j.tenant_id = Tenant(t);
    j.kind = "sync";
    j.lane = "backfill";
    j.source_connection = "woo";
    j.target_connection = "qbo";
    j.request = {{"entities", Json::array()}, {"mode", "full"}, {"dry_run", false},
                 {"ids", Json::array()}, {"triggered_by", "scale-test"}};
    j.created_at_ms = now;
    j.not_before_ms = now;
    ASSERT_TRUE(store_->EnqueueJob(j).ok());
  }
  const auto t0 = SteadyClock::now();
  std::vector<Proc> workers;
  for (int w = 0; w < 3; ++w) {
    workers.push_back(es::test::Spawn(
        ES_BINARY, {"worker", "--store", url_, "--workers", "2", "--lease-ms", "3000", "--poll-ms", "100"}, dir_,
        "worker" + std::to_string(w)));
  }
  // Worker 0 is killed while it holds a job, once a tenth of the orders are written.
  const int64_t kill_at = std::max<int64_t>(1, static_cast<int64_t>(tenants_) * orders_ / 10);
  std::set<std::string> in_flight;
  ASSERT_TRUE(es::test::WaitFor(
      [&] {
        in_flight = InFlight(workers[0].out);
        return !in_flight.empty() && AllDocs() >= kill_at;
      },
      300'000, 50))
      << workers[0].Out() << workers[0].Err();
  const int64_t docs_at_kill = AllDocs();
  const double kill_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  ASSERT_EQ(kill(workers[0].pid, SIGKILL), 0);
  EXPECT_EQ(es::test::WaitExit(workers[0].pid, 10'000), 128 + SIGKILL);

  const bool all_done = es::test::WaitFor(
      [&] {
        auto jobs = AllJobs();
        for (const auto& j : jobs)
          if (j.status == "queued" || j.status == "leased" || j.status == "running") return false;
        return jobs.size() == static_cast<size_t>(tenants_);
      },
      1'800'000, 200);
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  for (size_t w = 1; w < workers.size(); ++w) {
    kill(workers[w].pid, SIGTERM);
    EXPECT_EQ(es::test::WaitExit(workers[w].pid, 30'000), 0) << workers[w].Err();
  }
  ASSERT_TRUE(all_done) << workers[1].Out() << workers[2].Out();

  int64_t attempts = 0, succeeded = 0;
  std::map<std::string, store::Job> by_id;
  for (const auto& j : AllJobs()) {
    by_id[j.id] = j;
    attempts += j.attempts;
    if (j.status == "succeeded") ++succeeded;
    EXPECT_EQ(j.status, "succeeded") << j.tenant_id << " job " << j.id << ": " << j.error;
  }
  for (const auto& id : in_flight) {
    ASSERT_TRUE(by_id.count(id)) << id;
    EXPECT_GE(by_id[id].attempts, 2) << "job " << id << " was resumed after its worker died";
  }
  int64_t duplicates = 0, docs = 0, created = 0;
  auto transport = http::MakeCurlTransport();
  for (int t = 0; t < tenants_; ++t) {
    std::map<std::string, int> seen;
    for (const char* type : {"Invoice", "SalesReceipt"})
      for (const auto& doc : shops_[t].qbo->AllEntities(type)) ++seen[GetStringOr(doc, "DocNumber")];
    EXPECT_GT(seen.size(), 0u) << Tenant(t);
    for (const auto& [dn, n] : seen) {
      EXPECT_EQ(n, 1) << Tenant(t) << " DocNumber " << dn << " written " << n << " times";
      duplicates += n - 1;
    }
    docs += shops_[t].Docs();
    auto rec = engine::Reconcile(platforms::Registry(), *store_, *transport, SystemClock::Get(), Tenant(t), "woo",
                                 "qbo");
    ASSERT_TRUE(rec.ok()) << Tenant(t) << ": " << rec.status().ToString();
    EXPECT_EQ(rec->mismatches, 0) << Tenant(t);
    EXPECT_EQ(rec->missing, 0) << Tenant(t);
    EXPECT_EQ(rec->matched, rec->orders) << Tenant(t);
    EXPECT_EQ(rec->matched, shops_[t].Docs()) << Tenant(t);
    for (const auto& j : by_id)
      if (j.second.tenant_id == Tenant(t)) {
        auto run = store_->GetRun(Tenant(t), j.second.run_id);
        if (run.ok() && run->has_value()) created += (*run)->totals.created;
      }
  }
  const Json figures = {{"tenants", tenants_},        {"orders_per_tenant", orders_}, {"products", products_},
                        {"jobs", by_id.size()},
                        {"succeeded", succeeded},     {"attempts", attempts},         {"resumed", in_flight.size()},
                        {"seconds", seconds},         {"killed_at_s", kill_s},        {"docs_at_kill", docs_at_kill},
                        {"qbo_documents", docs},      {"duplicates", duplicates},     {"records_created", created}};
  printf("[ scale ] %s\n", DumpJson(figures).c_str());
  EXPECT_EQ(duplicates, 0);
}

}  // namespace
}  // namespace es::testing
