// Runs the StateStore contract on SQLite (memory and file), plus tests of the
// SQLite-specific parts: migrations, pragmas, busy handling, corrupt rows.
#include "store/sqlite/sqlite_stmt.h"
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_harness.h"
#include "store/store_contract_test.h"

namespace es::store::sqlite {
namespace {

using contract::StoreContractParam;
using contract::StoreContractParamName;
using contract::StoreContractTest;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContractTest,
    ::testing::Values(StoreContractParam{"memory", [] { return std::make_unique<SqliteMemoryHarness>(); }},
                      StoreContractParam{"file", [] { return std::make_unique<SqliteFileHarness>(); }}),
    StoreContractParamName);

// A raw connection for inspecting or tampering with a database file.
class RawDb {
 public:
  explicit RawDb(const std::string& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
  ~RawDb() { sqlite3_close_v2(db_); }
  sqlite3* get() { return db_; }
  int Exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string One(const std::string& sql) {
    auto st = Statement::Prepare(db_, sql, false);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok()) return {};
    Query q(st->get());
    auto row = q.Step();
    return row.ok() && *row ? q.ColText(0) : std::string("<none>");
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(SqliteMigrations, ShippedListIsOrderedFromOne) {
  auto ms = SqliteMigrations();
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms[0].version, 1);
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(ms[i].version, ms[i - 1].version);  // numbers are assigned ahead: gaps allowed
    }
    EXPECT_NE(std::string(ms[i].name), "");
    EXPECT_NE(std::string(ms[i].sql).find("CREATE TABLE"), std::string::npos);
  }
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->SchemaVersion(), 0);
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ((*store)->SchemaVersion(), ms.back().version);
}

TEST(SqliteMigrations, EachMigrationIsAppliedOnceAndAtomically) {
  RawDb db(":memory:");
  const Migration good[] = {
      {1, "one", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
      {2, "two", "CREATE TABLE b (y INTEGER);"},
  };
  ASSERT_TRUE(ApplyMigrations(db.get(), good, 5).ok());
  ASSERT_TRUE(ApplyMigrations(db.get(), good, 6).ok());  // no-op: the INSERT would duplicate
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM a"), "1");
  EXPECT_EQ(*AppliedSchemaVersion(db.get()), 2);
  EXPECT_EQ(db.One("SELECT applied_at_ms FROM schema_migrations WHERE version = 2"), "5");

  const Migration broken[] = {
      good[0], good[1],
      {3, "broken", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  Status s = ApplyMigrations(db.get(), broken, 7);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("migration 0003_broken failed"), std::string::npos) << s.message();
  EXPECT_EQ(*AppliedSchemaVersion(db.get()), 2);
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'"), "0");  // rolled back

  // A database newer than the binary is refused.
  Status older = ApplyMigrations(db.get(), std::span<const Migration>(good, 1), 8);
  EXPECT_NE(older.message().find("newer than this binary supports"), std::string::npos) << older.message();

  const Migration unordered[] = {good[1], good[0]};
  EXPECT_FALSE(ApplyMigrations(db.get(), unordered, 9).ok());
}

TEST(SqliteMigrations, UpgradeKeepsData) {
  TempDir dir;
  const std::string path = (dir.path() / "state.db").string();
  {
    RawDb db(path);
    ASSERT_TRUE(ApplyMigrations(db.get(), SqliteMigrations().first(1), 1).ok());
    ASSERT_EQ(db.Exec("INSERT INTO tenants (id, name, created_at_ms) VALUES ('t1', 'Old', 7)"), SQLITE_OK);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->SchemaVersion(), 1);
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ((*store)->SchemaVersion(), SqliteMigrations().back().version);
  auto t = (*store)->GetTenant("t1");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->name, "Old");
  EXPECT_TRUE((*store)->CreateRun(contract::StoreContractTest::Run("t1", "r", 1)).ok());
}

TEST(SqliteStore, FileUsesWalJournal) {
  TempDir dir;
  const std::string path = (dir.path() / "state.db").string();
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  RawDb raw(path);
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStore, FullSyncOptionWritesAndReopens) {
  TempDir dir;
  const std::string path = (dir.path() / "state.db").string();
  SqliteOptions o;
  o.full_sync = true;
  {
    auto store = SqliteStore::Open(path, o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
    ASSERT_TRUE((*store)->PutCursor("t1", "woo", "qbo", "order", "c-1").ok());
  }
  auto store = SqliteStore::Open(path, o);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ(**(*store)->GetCursor("t1", "woo", "qbo", "order"), "c-1");
}

TEST(SqliteStore, OpenErrorsAreStatuses) {
  EXPECT_TRUE(SqliteStore::Open("").status().IsValidation());
  EXPECT_TRUE(SqliteStore::Open(std::string("a\0b", 3)).status().IsValidation());
  auto missing_dir = SqliteStore::Open("/nonexistent-dir-es-store/x/state.db");
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_NE(missing_dir.status().message().find("open state store"), std::string::npos);
}

TEST(SqliteStore, UnmigratedStoreFailsCleanly) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  auto t = (*store)->GetTenant("t1");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("no such table"), std::string::npos) << t.status().message();
}

TEST(SqliteStore, BusyDatabaseIsRetryableAfterTimeout) {
  TempDir dir;
  const std::string path = (dir.path() / "state.db").string();
  SqliteOptions o;
  o.busy_timeout_ms = 50;
  auto store = SqliteStore::Open(path, o);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  RawDb other(path);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
  Status s = (*store)->PutTenant({"t1", "x", 1});
  EXPECT_TRUE(s.IsNetwork()) << s.ToString();
  EXPECT_TRUE(s.retryable());
  s = (*store)->AddRecordResults({contract::StoreContractTest::Result1("t1", "r", "1")});
  EXPECT_TRUE(s.IsNetwork()) << s.ToString();
  ASSERT_EQ(other.Exec("ROLLBACK"), SQLITE_OK);
  EXPECT_TRUE((*store)->PutTenant({"t1", "x", 1}).ok());
}

TEST(SqliteStore, CorruptJsonColumnIsAnErrorNotACrash) {
  TempDir dir;
  const std::string path = (dir.path() / "state.db").string();
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  Connection c;
  c.tenant_id = "t1";
  c.id = "woo";
  c.kind = "woo";
  ASSERT_TRUE((*store)->PutConnection(c).ok());
  ASSERT_TRUE((*store)->CreateRun(contract::StoreContractTest::Run("t1", "r", 1)).ok());
  RawDb raw(path);
  ASSERT_EQ(raw.Exec("UPDATE connections SET config = '{not json'"), SQLITE_OK);
  ASSERT_EQ(raw.Exec("UPDATE sync_runs SET entities = '{\"a\":1}'"), SQLITE_OK);
  auto got = (*store)->GetConnection("t1", "woo");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().category(), ErrorCategory::kInternal);
  EXPECT_NE(got.status().message().find("connections.config"), std::string::npos);
  auto run = (*store)->GetRun("t1", "r");
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("sync_runs.entities"), std::string::npos);
}

TEST(SqliteStmt, PrepareRejectsSecondStatementAndReportsBindErrors) {
  RawDb db(":memory:");
  EXPECT_FALSE(Statement::Prepare(db.get(), "SELECT 1; SELECT 2", false).ok());
  EXPECT_TRUE(Statement::Prepare(db.get(), "SELECT 1;  ", false).ok());
  auto bad = Statement::Prepare(db.get(), "SELEC 1", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos);

  auto st = Statement::Prepare(db.get(), "SELECT ?1", false);
  ASSERT_TRUE(st.ok());
  {
    Query q(st->get());
    q.Text(7, "out of range");
    auto r = q.Step();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("bind parameter 7"), std::string::npos) << r.status().message();
  }
  {
    Query q(st->get());  // reset by the previous Query: reusable
    q.Blob(1, std::string("\0x\0", 3));
    auto r = q.Step();
    ASSERT_TRUE(r.ok() && *r);
    EXPECT_EQ(q.ColBlob(0), std::string("\0x\0", 3));
  }
}

}  // namespace
}  // namespace es::store::sqlite
