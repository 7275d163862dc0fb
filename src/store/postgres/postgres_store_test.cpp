// Runs the StateStore contract on PostgreSQL (one fresh schema per test on the
// server named by EASYSALE_TEST_PG_URL; skipped when unset), plus tests of
// the PostgreSQL-specific parts: migrations under concurrency, the lock race
// across store instances, recovery from killed connections, corrupt rows.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/postgres/migrations.h"
#include "store/postgres/postgres_test_harness.h"
#include "store/store_contract_test.h"

namespace es::store::postgres {
namespace {

using contract::StoreContractParam;
using contract::StoreContractParamName;
using contract::StoreContractTest;

// A pool of one connection: every concurrent contract test queues on it.
Result<std::unique_ptr<StateStore>> OpenWithPoolOfOne(const std::string& url) {
  PostgresOptions o;
  o.max_connections = 1;
  ES_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> s, PostgresStore::Open(url, o));
  ES_RETURN_IF_ERROR(s->Migrate());
  return std::unique_ptr<StateStore>(std::move(s));
}

INSTANTIATE_TEST_SUITE_P(
    Postgres, StoreContractTest,
    ::testing::Values(StoreContractParam{"schema", [] { return MakePostgresHarnessOrSkip(); }},
                      StoreContractParam{"schema_pool1", [] { return MakePostgresHarnessOrSkip(OpenWithPoolOfOne); }}),
    StoreContractParamName);

std::unique_ptr<PostgresStore> OpenOrDie(const std::string& url, const PostgresOptions& o = {}) {
  auto s = PostgresStore::Open(url, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

std::unique_ptr<PostgresStore> OpenMigrated(const std::string& url, const PostgresOptions& o = {}) {
  auto s = OpenOrDie(url, o);
  if (s == nullptr) return nullptr;
  Status m = s->Migrate();
  EXPECT_TRUE(m.ok()) << m.ToString();
  return m.ok() ? std::move(s) : nullptr;
}

TEST(PostgresMigrations, ShippedListIsOrderedFromOne) {
  auto ms = PostgresMigrations();
  ASSERT_GE(ms.size(), 4u);  // same versions as the SQLite dialect (0004_webhooks and later)
  EXPECT_EQ(ms[0].version, 1);
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(ms[i].version, ms[i - 1].version);  // numbers are assigned ahead: gaps allowed
    }
    EXPECT_NE(std::string(ms[i].sql).find("CREATE TABLE"), std::string::npos);
  }
  EXPECT_STREQ(ms[0].name, "init");
  EXPECT_STREQ(ms[1].name, "runs");
}

TEST(PostgresMigrations, FreshSchemaGetsEveryVersionOnce) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto store = OpenOrDie(schema.url());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), 0);
  ASSERT_TRUE(store->Migrate().ok());
  ASSERT_TRUE(store->Migrate().ok());
  const int newest = PostgresMigrations().back().version;
  EXPECT_EQ(store->SchemaVersion(), newest);
  PgAdmin admin(schema.url());
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM schema_migrations"), std::to_string(PostgresMigrations().size()));
  EXPECT_EQ(admin.Query("SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations").rfind("init,runs", 0),
            0u);
  // Dialect choices the schema doc promises.
  EXPECT_EQ(admin.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = '" + schema.name() +
                        "' AND table_name = 'connections' AND column_name = 'secret'"),
            "bytea");
  EXPECT_EQ(admin.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = '" + schema.name() +
                        "' AND table_name = 'sync_runs' AND column_name = 'dry_run'"),
            "boolean");
  EXPECT_EQ(admin.Query("SELECT is_identity FROM information_schema.columns WHERE table_schema = '" +
                        schema.name() + "' AND table_name = 'record_results' AND column_name = 'seq'"),
            "YES");
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '" + schema.name() +
                        "' AND indexname IN ('idx_id_mappings_target', 'idx_sync_runs_started', "
                        "'idx_record_results_run', 'idx_failed_records_first')"),
            "4");
  EXPECT_EQ(admin.Query("SELECT is_identity FROM information_schema.columns WHERE table_schema = '" +
                        schema.name() + "' AND table_name = 'webhook_deliveries' AND column_name = 'seq'"),
            "YES");
  EXPECT_EQ(admin.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = '" + schema.name() +
                        "' AND table_name = 'webhook_settings' AND column_name = 'enabled'"),
            "boolean");
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '" + schema.name() +
                        "' AND indexname IN ('idx_webhook_deliveries_claim', 'idx_webhook_deliveries_tenant')"),
            "2");
}

TEST(PostgresMigrations, EachMigrationIsAppliedOnceAndAtomically) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto pool = ConnectionPool::Open(schema.url(), PoolOptions{});
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  const Migration good[] = {
      {1, "one", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
      {2, "two", "CREATE TABLE b (y INTEGER);"},
  };
  ASSERT_TRUE(ApplyMigrations(**pool, good, 5).ok());
  ASSERT_TRUE(ApplyMigrations(**pool, good, 6).ok());  // no-op: the INSERT would duplicate
  PgAdmin admin(schema.url());
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM a"), "1");
  EXPECT_EQ(*AppliedSchemaVersion(**pool), 2);
  EXPECT_EQ(admin.Query("SELECT applied_at_ms FROM schema_migrations WHERE version = 2"), "5");

  const Migration broken[] = {
      good[0], good[1],
      {3, "broken", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  Status s = ApplyMigrations(**pool, broken, 7);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("migration 0003_broken failed"), std::string::npos) << s.message();
  EXPECT_EQ(*AppliedSchemaVersion(**pool), 2);
  EXPECT_EQ(admin.Query("SELECT to_regclass('c') IS NULL"), "t");  // DDL rolled back too

  Status older = ApplyMigrations(**pool, std::span<const Migration>(good, 1), 8);
  EXPECT_NE(older.message().find("newer than this binary supports"), std::string::npos) << older.message();
  const Migration unordered[] = {good[1], good[0]};
  EXPECT_FALSE(ApplyMigrations(**pool, unordered, 9).ok());
}

TEST(PostgresMigrations, UpgradeKeepsData) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  {
    auto pool = ConnectionPool::Open(schema.url(), PoolOptions{});
    ASSERT_TRUE(pool.ok());
    ASSERT_TRUE(ApplyMigrations(**pool, PostgresMigrations().first(1), 1).ok());
    PgAdmin admin(schema.url());
    ASSERT_EQ(admin.Query("INSERT INTO tenants (id, name, created_at_ms) VALUES ('t1', 'Old', 7)"), "");
  }
  auto store = OpenOrDie(schema.url());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), 1);
  ASSERT_TRUE(store->Migrate().ok());
  EXPECT_EQ(store->SchemaVersion(), PostgresMigrations().back().version);
  auto t = store->GetTenant("t1");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->name, "Old");
  EXPECT_TRUE(store->CreateRun(StoreContractTest::Run("t1", "r", 1)).ok());
}

TEST(PostgresMigrations, ConcurrentThreadsMigrateOnce) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  constexpr int kMigrators = 6;
  std::vector<std::unique_ptr<PostgresStore>> stores;
  for (int i = 0; i < kMigrators; ++i) {
    stores.push_back(OpenOrDie(schema.url()));
    ASSERT_NE(stores.back(), nullptr);
  }
  std::atomic<int> go{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      Status s = stores[i]->Migrate();
      if (!s.ok()) {
        ++failures;
        ADD_FAILURE() << s.ToString();
      }
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  PgAdmin admin(schema.url());
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM schema_migrations"), std::to_string(PostgresMigrations().size()));
  EXPECT_EQ(stores[0]->SchemaVersion(), PostgresMigrations().back().version);
}

TEST(PostgresMigrations, ConcurrentProcessesMigrateOnce) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  const std::string url = schema.url();
  constexpr int kChildren = 4;
  int gate[2];
  ASSERT_EQ(pipe(gate), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
      close(gate[1]);
      auto s = PostgresStore::Open(url);  // connect first, then wait for the gate
      if (!s.ok()) _exit(2);
      char c;
      if (read(gate[0], &c, 1) != 0) _exit(3);  // EOF when the parent closes the gate
      _exit((*s)->Migrate().ok() && (*s)->SchemaVersion() == PostgresMigrations().back().version ? 0 : 4);
    }
    children.push_back(pid);
  }
  close(gate[0]);
  usleep(200 * 1000);  // let the children connect
  close(gate[1]);
  for (pid_t pid : children) {
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFEXITED(wstatus));
    EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  }
  PgAdmin admin(url);
  EXPECT_EQ(admin.Query("SELECT COUNT(*) FROM schema_migrations"), std::to_string(PostgresMigrations().size()));
}

TEST(PostgresMigrations, NewerDatabaseIsRefused) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto store = OpenMigrated(schema.url());
  ASSERT_NE(store, nullptr);
  PgAdmin admin(schema.url());
  ASSERT_EQ(admin.Query("INSERT INTO schema_migrations VALUES (99, 'future', 1)"), "");
  Status s = store->Migrate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("schema version 99 is newer than this binary supports (" +
                            std::to_string(PostgresMigrations().back().version) + ")"),
            std::string::npos)
      << s.message();
}

TEST(PostgresStore, LockRaceAcrossInstancesHasExactlyOneWinner) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto a = OpenMigrated(schema.url());
  auto b = OpenMigrated(schema.url());
  ASSERT_TRUE(a && b);
  constexpr int kThreads = 8;
  for (int round = 0; round < 20; ++round) {
    const std::string key = "race-" + std::to_string(round);
    std::atomic<int> winners{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> go{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        PostgresStore& s = t % 2 == 0 ? *a : *b;
        while (go.load() == 0) std::this_thread::yield();
        Status st = s.AcquireLock("t1", key, "worker-" + std::to_string(t), 1000, 60'000);
        if (st.ok()) ++winners;
        if (st.IsConflict()) ++conflicts;
        if (!st.ok() && !st.IsConflict()) ADD_FAILURE() << st.ToString();
      });
    }
    go = 1;
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << key;
    EXPECT_EQ(conflicts.load(), kThreads - 1) << key;
  }
  // Take-over race on one expired lease: again exactly one winner.
  ASSERT_TRUE(a->AcquireLock("t1", "expiring", "old", 0, 10).ok());
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresStore& s = t % 2 == 0 ? *a : *b;
      if (s.AcquireLock("t1", "expiring", "new-" + std::to_string(t), 5000, 60'000).ok()) ++winners;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST(PostgresStore, PoolBoundsConnectionsUnderLoad) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  PostgresOptions o;
  o.max_connections = 2;
  auto store = OpenMigrated(schema.url(), o);
  ASSERT_NE(store, nullptr);
  std::atomic<int> errors{0};
  std::atomic<int> max_open{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!store->PutMapping(StoreContractTest::Mapping("t1", id, "T" + id)).ok()) ++errors;
        int open = store->TEST_open_connections();
        int seen = max_open.load();
        while (open > seen && !max_open.compare_exchange_weak(seen, open)) {
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_LE(max_open.load(), 2);
  EXPECT_EQ(*store->CountMappings("t1", "qbo-main", "customer"), 8 * 40);
  EXPECT_TRUE(PostgresStore::Open(schema.url(), PostgresOptions{0, 10, "x"}).status().IsValidation());
}

}  // namespace
}  // namespace es::store::postgres
