// PostgreSQL-only failure tests: connections killed by the server, errors that
// must not leak the URL's password, unmigrated and corrupt databases.
// Skipped when EASYSALE_TEST_PG_URL is unset (except the server-free ones).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_test_harness.h"

namespace es::store::postgres {
namespace {

constexpr const char kPassword[] = "S3cret-Pw-4711";

FailedRecord Failed(const std::string& source_id, int64_t at_ms) {
  FailedRecord f;
  f.tenant_id = "t1";
  f.source_connection = "woo-main";
  f.target_connection = "qbo-main";
  f.entity = "order";
  f.source_id = source_id;
  f.category = "network";
  f.last_attempt_at_ms = at_ms;
  return f;
}

IdMapping Mapping(const std::string& source_id) {
  IdMapping m;
  m.tenant_id = "t1";
  m.source_connection = "woo-main";
  m.target_connection = "qbo-main";
  m.entity = "customer";
  m.source_id = source_id;
  m.target_id = "T" + source_id;
  return m;
}

// Terminates every backend whose application_name is `app` and waits until
// the server has let them go. Returns how many were terminated.
int TerminateBackends(const std::string& app) {
  PgAdmin admin(TestPgUrl());
  EXPECT_TRUE(admin.ok()) << admin.error();
  const std::string killed = admin.Query(
      "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + app + "'");
  for (int i = 0; i < 200; ++i) {
    if (admin.Query("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + app + "'") == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::atoi(killed.c_str());
}

// The test server URL with `password` added to its userinfo.
std::string WithPassword(const std::string& url, const std::string& password) {
  const size_t start = url.find("://") + 3;
  const size_t at = url.find('@', start);
  if (at == std::string::npos) return url.substr(0, start) + "postgres:" + password + "@" + url.substr(start);
  const size_t colon = url.find(':', start);
  if (colon != std::string::npos && colon < at) return url.substr(0, colon + 1) + password + url.substr(at);
  return url.substr(0, at) + ":" + password + url.substr(at);
}

void ExpectNoPassword(const Status& s) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString().find(kPassword), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find("S3cret"), std::string::npos) << s.ToString();
}

TEST(PostgresErrors, BadUrlsFailWithoutThePassword) {
  // No server needed: these fail before or at connect.
  Status not_pg = PostgresStore::Open("mysql://u:S3cret-Pw-4711@h/db").status();
  EXPECT_TRUE(not_pg.IsValidation());
  ExpectNoPassword(not_pg);

  Status bad_escape = PostgresStore::Open("postgres://u:S3cret-Pw-4711%zz@127.0.0.1:1/db").status();
  EXPECT_TRUE(bad_escape.IsValidation()) << bad_escape.ToString();
  EXPECT_NE(bad_escape.message().find("invalid PostgreSQL store URL"), std::string::npos);
  ExpectNoPassword(bad_escape);

  Status bad_param = PostgresStore::Open("postgres://127.0.0.1:1/db?password=S3cret-Pw-4711&bogus=1").status();
  EXPECT_TRUE(bad_param.IsValidation()) << bad_param.ToString();
  ExpectNoPassword(bad_param);

  Status spaces = PostgresStore::Open("postgres://u:S3cret-Pw-4711 x@127.0.0.1:1/db").status();
  ExpectNoPassword(spaces);

  // Nothing listens on port 1: a retryable connection error naming the server.
  Status refused = PostgresStore::Open("postgres://easysale:S3cret-Pw-4711@127.0.0.1:1/db?connect_timeout=2").status();
  EXPECT_TRUE(refused.IsNetwork()) << refused.ToString();
  EXPECT_TRUE(refused.retryable());
  EXPECT_NE(refused.message().find("cannot connect to PostgreSQL at easysale@127.0.0.1:1/db"), std::string::npos)
      << refused.message();
  ExpectNoPassword(refused);

  Status raw_at = PostgresStore::Open("postgres://u:S3cret@Pw-4711@127.0.0.1:1/db?connect_timeout=2").status();
  ExpectNoPassword(raw_at);
  EXPECT_EQ(raw_at.ToString().find("Pw-4711"), std::string::npos) << raw_at.ToString();
}

TEST(PostgresErrors, ServerErrorsDoNotCarryThePassword) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  // Unknown database: refused by the server, not retryable.
  std::string url = WithPassword(TestPgUrl(), kPassword);
  const size_t slash = url.find('/', url.find("://") + 3);
  ASSERT_NE(slash, std::string::npos);
  const size_t query = url.find('?', slash);
  const std::string no_db =
      url.substr(0, slash) + "/es_no_such_db" + (query == std::string::npos ? "" : url.substr(query));
  Status missing = PostgresStore::Open(no_db).status();
  EXPECT_TRUE(missing.IsValidation()) << missing.ToString();
  EXPECT_NE(missing.message().find("es_no_such_db"), std::string::npos) << missing.message();
  ExpectNoPassword(missing);

  // A working store with a password in its URL: statement errors are clean.
  auto store = PostgresStore::Open(WithPassword(schema.url(), kPassword));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto unmigrated = (*store)->GetTenant("t1");
  ASSERT_FALSE(unmigrated.ok());
  EXPECT_EQ(unmigrated.status().category(), ErrorCategory::kInternal);
  EXPECT_NE(unmigrated.status().message().find("relation \"tenants\" does not exist"), std::string::npos)
      << unmigrated.status().message();
  EXPECT_EQ(unmigrated.status().code(), "pg:42P01");
  ExpectNoPassword(unmigrated.status());
}

TEST(PostgresStore, RecoversAfterBackendsAreTerminated) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  const std::string app = "es_kill_" + schema.name();
  auto opened = PostgresStore::Open(WithUrlParam(schema.url(), "application_name=" + app));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  PostgresStore& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());

  // Fill the pool: four calls at once need four connections.
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 20; ++i) EXPECT_TRUE(store.PutMapping(Mapping(std::to_string(t * 100 + i))).ok());
      });
    }
    for (auto& th : threads) th.join();
  }
  ASSERT_GE(TerminateBackends(app), 1);
  EXPECT_EQ(store.TEST_reconnects(), 0);

  // Every kind of call works again: reads, idempotent writes, transactions.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    for (int i = 0; i < 6; ++i) {  // more calls than pooled connections
      auto got = store.GetMapping("t1", "qbo-main", "customer", "1");
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(got->has_value());
      EXPECT_TRUE(store.PutCursor("t1", "woo", "qbo", "order", "c" + std::to_string(i)).ok());
    }
    // Non-idempotent calls are applied exactly once across the reconnect.
    ASSERT_TRUE(store.PutFailed(Failed("f-" + std::to_string(round), 1000)).ok());
    ASSERT_TRUE(store.PutFailed(Failed("f-" + std::to_string(round), 2000)).ok());
    ASSERT_TRUE(store.AcquireLock("t1", "k" + std::to_string(round), "w", 1000, 60'000).ok());
    TerminateBackends(app);
  }
  EXPECT_GE(store.TEST_reconnects(), 2);
  auto failed = store.ListFailed("t1", 0);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  ASSERT_EQ(failed->size(), 2u);
  EXPECT_EQ((*failed)[0].retry_count, 1);
  EXPECT_EQ((*failed)[1].retry_count, 1);

  // Killed without waiting for the server: the retry covers the race.
  PgAdmin admin(TestPgUrl());
  for (int i = 0; i < 5; ++i) {
    admin.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'");
    Status s = store.PutTenant({"t1", "Shop " + std::to_string(i), 1});
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ((*store.GetTenant("t1"))->name, "Shop 4");
  EXPECT_GE(store.TEST_reconnects(), 2 + 5);
  EXPECT_LE(store.TEST_open_connections(), 4);
}

TEST(PostgresStore, CorruptJsonColumnIsAnErrorNotACrash) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto opened = PostgresStore::Open(schema.url());
  ASSERT_TRUE(opened.ok());
  PostgresStore& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  Connection c;
  c.tenant_id = "t1";
  c.id = "woo";
  c.kind = "woo";
  ASSERT_TRUE(store.PutConnection(c).ok());
  SyncRun r;
  r.tenant_id = "t1";
  r.id = "r";
  ASSERT_TRUE(store.CreateRun(r).ok());
  PgAdmin admin(schema.url());
  ASSERT_EQ(admin.Query("UPDATE connections SET config = '{not json'"), "");
  ASSERT_EQ(admin.Query("UPDATE sync_runs SET entities = '{\"a\":1}'"), "");
  auto got = store.GetConnection("t1", "woo");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().category(), ErrorCategory::kInternal);
  EXPECT_NE(got.status().message().find("connections.config"), std::string::npos);
  auto run = store.GetRun("t1", "r");
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("sync_runs.entities"), std::string::npos);
}

TEST(PostgresStore, TextWithNulIsValidationAndSecretsKeepEveryByte) {
  ES_REQUIRE_TEST_PG();
  PgSchema schema;
  auto opened = PostgresStore::Open(schema.url());
  ASSERT_TRUE(opened.ok());
  PostgresStore& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  Status nul = store.PutTenant({"t1", std::string("a\0b", 3), 1});
  EXPECT_TRUE(nul.IsValidation()) << nul.ToString();
  EXPECT_NE(nul.message().find("NUL byte"), std::string::npos);

  Connection c;
  c.tenant_id = "t1";
  c.id = "qbo";
  c.kind = "qbo";
  for (int b = 0; b < 256; ++b) c.secret += static_cast<char>(b);
  ASSERT_TRUE(store.PutConnection(c).ok());
  auto got = store.GetConnection("t1", "qbo");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->secret, c.secret);
  EXPECT_TRUE(store.PutTenant({"t1", "fine", 1}).ok());  // the pool is still healthy
}

}  // namespace
}  // namespace es::store::postgres
