#include "store/sql/dialect.h"

#include <gtest/gtest.h>

#include "store/sql/migrations.h"
#include "store/sql/queries.h"

namespace es::store::sql {
namespace {

TEST(Dialect, PlaceholdersBecomeNumberedQuestionMarksInSqlite) {
  EXPECT_EQ(Render("UPDATE t SET a = $3 WHERE k = $1 AND j = $12", Dialect::kSqlite),
            "UPDATE t SET a = ?3 WHERE k = ?1 AND j = ?12");
  EXPECT_EQ(Render("UPDATE t SET a = $3 WHERE k = $1", Dialect::kPostgres), "UPDATE t SET a = $3 WHERE k = $1");
}

TEST(Dialect, TokensRenderPerDialect) {
  const char* q = "SELECT id FROM t ORDER BY id {C} LIMIT $1 {SKIP_LOCKED}";
  EXPECT_EQ(Render(q, Dialect::kSqlite), "SELECT id FROM t ORDER BY id LIMIT ?1");
  EXPECT_EQ(Render(q, Dialect::kPostgres),
            "SELECT id FROM t ORDER BY id COLLATE \"C\" LIMIT $1 FOR UPDATE SKIP LOCKED");
  EXPECT_EQ(Render("x {BYTES}, y {BOOL}, seq {SEQ}", Dialect::kSqlite),
            "x BLOB, y INTEGER, seq INTEGER NOT NULL PRIMARY KEY");
  EXPECT_EQ(Render("x {BYTES}, y {BOOL}, seq {SEQ}", Dialect::kPostgres),
            "x BYTEA, y BOOLEAN, seq BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
  EXPECT_EQ(Render("a {UNKNOWN} $x", Dialect::kSqlite), "a {UNKNOWN} $x");  // left for the database to refuse
}

TEST(Dialect, CatalogueRendersWithoutForeignSyntax) {
  for (const char* q : {q::kClaimWebhooks, q::kListRuns, q::kListFailed, q::kAcquireLock, q::kPutConnection}) {
    const std::string lite = Render(q, Dialect::kSqlite);
    const std::string pg = Render(q, Dialect::kPostgres);
    EXPECT_EQ(lite.find('$'), std::string::npos) << lite;
    EXPECT_EQ(lite.find('{'), std::string::npos) << lite;
    EXPECT_EQ(lite.find("COLLATE"), std::string::npos) << lite;
    EXPECT_EQ(pg.find('?'), std::string::npos) << pg;
    EXPECT_EQ(pg.find('{'), std::string::npos) << pg;
  }
  EXPECT_NE(Render(q::kClaimWebhooks, Dialect::kPostgres).find("FOR UPDATE SKIP LOCKED"), std::string::npos);
}

TEST(Migrations, OneListVersionedOneToNForBothDialects) {
  auto neutral = NeutralMigrations();
  ASSERT_FALSE(neutral.empty());
  // Numbers are assigned ahead of time, so a version may ship before a lower one; never twice or out of order.
  EXPECT_EQ(neutral[0].version, 1);
  for (size_t i = 1; i < neutral.size(); ++i) EXPECT_GT(neutral[i].version, neutral[i - 1].version);
  EXPECT_STREQ(neutral[0].name, "init");
  EXPECT_EQ(MigrationLabel(neutral[3]), "0004_webhooks");
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    auto list = RenderedMigrations(d);
    ASSERT_EQ(list.size(), neutral.size());
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(list[i].version, neutral[i].version);
      EXPECT_STREQ(list[i].name, neutral[i].name);
      EXPECT_EQ(std::string(list[i].sql).find('{'), std::string::npos) << DialectName(d) << " " << list[i].name;
    }
  }
  const std::string lite = RenderedMigrations(Dialect::kSqlite)[0].sql;
  const std::string pg = RenderedMigrations(Dialect::kPostgres)[0].sql;
  EXPECT_NE(lite.find("secret        BLOB NOT NULL"), std::string::npos);
  EXPECT_NE(pg.find("secret        BYTEA NOT NULL"), std::string::npos);
  EXPECT_NE(std::string(RenderedMigrations(Dialect::kPostgres)[1].sql).find("seq         BIGINT  GENERATED ALWAYS"),
            std::string::npos);
  EXPECT_NE(std::string(RenderedMigrations(Dialect::kSqlite)[1].sql).find("seq         INTEGER NOT NULL PRIMARY KEY"),
            std::string::npos);
}

}  // namespace
}  // namespace es::store::sql
