#include "store/factory/open_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/postgres/migrations.h"
#include "store/postgres/postgres_test_harness.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_harness.h"
#include "store/store_contract_test.h"

namespace es::store {
namespace {

using contract::StoreContractParam;
using contract::StoreContractParamName;
using contract::StoreContractTest;
using sqlite::SqliteFileHarness;
using sqlite::TempDir;

// The whole contract once more, through OpenStore("sqlite:///…") and
// OpenStore("postgres://…") (the latter skipped without EASYSALE_TEST_PG_URL).
INSTANTIATE_TEST_SUITE_P(Factory, StoreContractTest,
                         ::testing::Values(StoreContractParam{"sqlite_url",
                                                              [] {
                                                                return std::make_unique<SqliteFileHarness>(
                                                                    [](const std::string& path) {
                                                                      return OpenStore("sqlite://" + path);
                                                                    });
                                                              }},
                                           StoreContractParam{"postgres_url",
                                                              [] {
                                                                return postgres::MakePostgresHarnessOrSkip(
                                                                    [](const std::string& url) {
                                                                      return OpenStore(url);
                                                                    });
                                                              }}),
                         StoreContractParamName);

void ExpectUsable(StateStore& s) {
  EXPECT_GE(s.SchemaVersion(), 1);
  ASSERT_TRUE(s.PutTenant({"t1", "Shop", 1}).ok());
  auto t = s.GetTenant("t1");
  ASSERT_TRUE(t.ok() && t->has_value());
}

TEST(OpenStore, MemoryIsMigrated) {
  auto s = OpenStore(":memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectUsable(**s);
  auto s2 = OpenStore("sqlite://:memory:");
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  ExpectUsable(**s2);
}

TEST(OpenStore, AbsoluteUrlCreatesParentDirectoryAndPersists) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "deep" / "er" / "state.db";
  const std::string url = "sqlite://" + file.string();  // "sqlite:///tmp/…"
  ASSERT_EQ(url.rfind("sqlite:///", 0), 0u);
  {
    auto s = OpenStore(url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ExpectUsable(**s);
  }
  EXPECT_TRUE(std::filesystem::exists(file));
  auto again = OpenStore(url);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->GetTenant("t1")->has_value());
}

TEST(OpenStore, PlainPathAndRelativeUrl) {
  TempDir dir;
  {
    auto s = OpenStore((dir.path() / "plain" / "state.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ExpectUsable(**s);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "plain" / "state.db"));

  const std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto s = OpenStore("sqlite://rel/dir/state.db");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) ExpectUsable(**s);
  }
  std::filesystem::current_path(old_cwd);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rel" / "dir" / "state.db"));
}

TEST(OpenStore, SynchronousOption) {
  TempDir dir;
  const std::string base = "sqlite://" + (dir.path() / "state.db").string();
  EXPECT_TRUE(OpenStore(base + "?synchronous=full").ok());
  EXPECT_TRUE(OpenStore(base + "?synchronous=normal").ok());
  auto bad_value = OpenStore(base + "?synchronous=fast");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_TRUE(bad_value.status().IsValidation());
  auto unknown = OpenStore(base + "?cache=huge");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown sqlite store option 'cache'"), std::string::npos);
}

TEST(OpenStore, UnknownSchemeIsValidationWithoutEchoingCredentials) {
  auto my = OpenStore("mysql://root:pw@host/db");
  ASSERT_FALSE(my.ok());
  EXPECT_TRUE(my.status().IsValidation());
  EXPECT_EQ(my.status().message(), "no store driver for scheme 'mysql' (supported: sqlite, postgres)");
  EXPECT_EQ(my.status().message().find("pw@"), std::string::npos);
}

TEST(OpenStore, PostgresUrlGoesToPostgresWithoutEchoingCredentials) {
  // Nothing listens on port 1: the PostgreSQL driver answers, not "no driver".
  for (const std::string scheme : {"postgres", "postgresql"}) {
    auto pg = OpenStore(scheme + "://admin:s3cr3t-pw@127.0.0.1:1/sync?connect_timeout=2");
    ASSERT_FALSE(pg.ok());
    EXPECT_TRUE(pg.status().IsNetwork()) << pg.status().ToString();
    EXPECT_NE(pg.status().message().find("cannot connect to PostgreSQL at admin@127.0.0.1:1/sync"),
              std::string::npos)
        << pg.status().message();
    EXPECT_EQ(pg.status().ToString().find("s3cr3t"), std::string::npos) << pg.status().ToString();
  }
  auto bad = OpenStore("postgres://admin:s3cr3t-pw@127.0.0.1:1/sync?no_such_option=1");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsValidation()) << bad.status().ToString();
  EXPECT_EQ(bad.status().ToString().find("s3cr3t"), std::string::npos) << bad.status().ToString();
}

TEST(OpenStore, PostgresUrlIsMigrated) {
  ES_REQUIRE_TEST_PG();
  postgres::PgSchema schema;
  std::string url = schema.url();
  url.replace(0, url.find("://"), "postgresql");  // the long scheme works too
  auto s = OpenStore(url);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectUsable(**s);
  EXPECT_EQ((*s)->SchemaVersion(), postgres::PostgresMigrations().back().version);  // every shipped migration
}

TEST(OpenStore, BothDialectsShipTheSameMigrations) {
  auto lite = sqlite::SqliteMigrations();
  auto pg = postgres::PostgresMigrations();
  ASSERT_EQ(lite.size(), pg.size());
  for (size_t i = 0; i < lite.size(); ++i) {
    EXPECT_EQ(lite[i].version, pg[i].version);
    EXPECT_STREQ(lite[i].name, pg[i].name);
  }
  auto s = OpenStore(":memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->SchemaVersion(), lite.back().version);
}

TEST(OpenStore, BadUrlsAreValidationErrors) {
  EXPECT_TRUE(OpenStore("").status().IsValidation());
  EXPECT_TRUE(OpenStore("sqlite://").status().IsValidation());
  EXPECT_TRUE(OpenStore("sqlite://?synchronous=full").status().IsValidation());

  // The parent "directory" is a regular file: cannot be created.
  TempDir dir;
  const std::filesystem::path blocker = dir.path() / "file";
  std::ofstream(blocker) << "x";
  auto s = OpenStore((blocker / "sub" / "state.db").string());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsValidation()) << s.status().ToString();
  EXPECT_NE(s.status().message().find("cannot create state store directory"), std::string::npos);
}

}  // namespace
}  // namespace es::store
