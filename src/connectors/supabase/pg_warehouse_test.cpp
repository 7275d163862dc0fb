// Direct (libpq) warehouse writer against a real PostgreSQL
// (scripts/with-postgres.sh); skipped without EASYSALE_TEST_PG_URL.
#include "connectors/supabase/pg_warehouse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/supabase/rows.h"
#include "connectors/supabase/warehouse_test_support.h"

namespace es::supabase {
namespace {

using ::testing::HasSubstr;
using testing::WarehouseSchema;

Row OrderRowFor(const std::string& source, int64_t id, int64_t cents, const std::string& status = "completed") {
  RowBuilder b(Table::kOrders, source, std::to_string(id));
  b.Text("number", std::to_string(id))
      .Text("status", status)
      .Text("currency", "USD")
      .Money("total", model::Money(cents, "USD"))
      .Money("total_tax", model::Money(cents / 10, "USD"))
      .Time("date_modified", 1'700'000'000'000 + id * 1000)
      .Int("line_count", 2)
      .Raw(Json{{"id", id}, {"total", model::Money(cents, "USD").ToString()}, {"note", "tab\there \"q\" \\ n\nx"}});
  return std::move(b.Build()).value();
}

TEST(PgWarehouse, MigratesOnceAndCreatesEveryTable) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  ASSERT_TRUE(wh.Prepare().ok());
  EXPECT_EQ(*wh.SchemaVersion(), RequiredSchemaVersion());
  for (Table t : AllTables()) EXPECT_EQ(schema.Count(TableName(t)), 0) << TableName(t);
  EXPECT_EQ(schema.Query("SELECT count(*) FROM " + schema.Table("schema_migrations")),
            std::to_string(WarehouseMigrations().size()));
  // A second writer (a later run) applies nothing new.
  PgWarehouse again(schema.Direct(), SystemClock::Get());
  ASSERT_TRUE(again.Prepare().ok());
  EXPECT_EQ(schema.Query("SELECT count(*) FROM " + schema.Table("schema_migrations")),
            std::to_string(WarehouseMigrations().size()));
  // Indexes the analytics queries rely on.
  for (const char* idx : {"orders_status_idx", "orders_date_modified_idx", "order_lines_order_id_idx"})
    EXPECT_EQ(schema.Query("SELECT to_regclass('" + schema.name() + "." + idx + "') IS NOT NULL"), "t") << idx;
}

TEST(PgWarehouse, ReadOnlyChecksAndFailsClearlyWhenTablesAreMissing) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  WarehouseConfig ro = schema.Direct();
  ro.read_only = true;
  PgWarehouse empty(ro, SystemClock::Get());
  Status s = empty.Prepare();
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("warehouse table 'schema_migrations' does not exist"));
  EXPECT_THAT(s.message(), HasSubstr("run migrations or disable read_only"));
  EXPECT_EQ(schema.Query("SELECT to_regclass('" + schema.name() + ".orders') IS NULL"), "t");  // nothing created

  ASSERT_TRUE(PgWarehouse(schema.Direct(), SystemClock::Get()).Prepare().ok());
  PgWarehouse ok(ro, SystemClock::Get());
  EXPECT_TRUE(ok.Prepare().ok());
  auto written = ok.Upsert(Table::kOrders, {OrderRowFor("t/woo", 1, 1000)});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->inserted, 1);

  schema.Query("DROP TABLE " + schema.Table("orders"));
  PgWarehouse missing(ro, SystemClock::Get());
  s = missing.Prepare();
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "warehouse table 'orders' does not exist (run migrations or disable read_only)");
  // A writer prepared before the table vanished says the same on write.
  auto w = ok.Upsert(Table::kOrders, {OrderRowFor("t/woo", 2, 1000)});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(), "warehouse table 'orders' does not exist (run migrations or disable read_only)");
}

TEST(PgWarehouse, UnknownRoleIsAnAuthenticationErrorWithoutThePassword) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  WarehouseConfig c = schema.Direct();
  auto at = c.url.find("://");
  auto user_end = c.url.find('@');
  ASSERT_NE(user_end, std::string::npos);
  c.url = c.url.substr(0, at + 3) + "no_such_role" + c.url.substr(user_end);
  c.password = "s3cret-pa55";
  c.max_attempts = 1;
  PgWarehouse wh(c, SystemClock::Get());
  Status s = wh.Prepare();
  EXPECT_TRUE(s.IsAuthentication()) << s.ToString();
  EXPECT_THAT(s.ToString(), ::testing::Not(HasSubstr("s3cret-pa55")));
}

TEST(PgWarehouse, ClosedPortSaysUnreachableAndWhatToCheck) {
  // No server needed: nothing listens on port 1.
  WarehouseConfig c;
  c.url = "postgres://wh_user@127.0.0.1:1/warehouse?connect_timeout=2";
  c.password = "s3cret-pa55";
  c.max_attempts = 2;
  c.retry_initial_ms = 0;
  PgWarehouse wh(c, SystemClock::Get());
  Status s = wh.Prepare();
  EXPECT_TRUE(s.IsNetwork()) << s.ToString();
  EXPECT_EQ(s.message(),
            "warehouse unreachable: PostgreSQL at wh_user@127.0.0.1:1/warehouse (connection refused; 2 attempts) — "
            "check the connection's url and that the database server is running");
  EXPECT_THAT(s.ToString(), ::testing::Not(HasSubstr("s3cret-pa55")));
  EXPECT_EQ(wh.Ping().message(), s.message());
}

TEST(PgWarehouse, ConnectFailuresSayWhatToFix) {
  const std::string at = "cannot connect to PostgreSQL at u@db.example:5432/wh: ";
  Status login = ConnectFailure(
      Status::Authentication(at + "connection to server failed: FATAL: password authentication failed for user \"u\"",
                             "pg:28000"),
      1);
  EXPECT_TRUE(login.IsAuthentication());
  EXPECT_THAT(login.message(), HasSubstr("warehouse login refused by PostgreSQL at u@db.example:5432/wh ("));
  EXPECT_THAT(login.message(), HasSubstr("— check the user in the connection's url and the password in its secret"));
  Status role = ConnectFailure(
      Status::Validation(at + "connection to server failed: FATAL: role \"u\" does not exist", "pg:3D000"), 1);
  EXPECT_TRUE(role.IsAuthentication()) << role.ToString();
  Status db = ConnectFailure(
      Status::Validation(at + "connection to server failed: FATAL: database \"wh\" does not exist", "pg:3D000"), 1);
  EXPECT_TRUE(db.IsValidation());
  EXPECT_THAT(db.message(), HasSubstr("— check the database name in the connection's url"));
  Status dns = ConnectFailure(
      Status::Network(at + "could not translate host name \"db.example\" to address: Name or service not known",
                      "pg:08001"),
      4);
  EXPECT_THAT(dns.message(), HasSubstr("(host name not found; 4 attempts)"));
}

TEST(PgWarehouse, UpsertReportsInsertedUpdatedUnchanged) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  std::vector<Row> rows;
  for (int i = 1; i <= 10; ++i) rows.push_back(OrderRowFor("t/woo", i, i * 1001));
  auto first = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->inserted, 10);
  EXPECT_FALSE(first->bulk);
  auto second = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, 10);
  EXPECT_EQ(second->changed(), 0);
  const std::string synced = schema.Query("SELECT max(synced_at) FROM " + schema.Table("orders"));
  rows[3] = OrderRowFor("t/woo", 4, 99999, "refunded");
  auto third = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->updated, 1);
  EXPECT_EQ(third->unchanged, 9);
  EXPECT_EQ(third->outcomes[3].kind, RowOutcome::Kind::kUpdated);
  EXPECT_EQ(schema.Query("SELECT total::text || ' ' || status FROM " + schema.Table("orders") + " WHERE source_id='4'"),
            "999.99 refunded");
  // Untouched rows keep their synced_at.
  EXPECT_EQ(schema.Count("orders", "synced_at > '" + synced + "'"), 1);
  // Raw JSON with tabs, quotes and backslashes survives.
  EXPECT_EQ(schema.Query("SELECT raw->>'note' FROM " + schema.Table("orders") + " WHERE source_id='1'"),
            "tab\there \"q\" \\ n\nx");
  // The same key twice in one batch counts once (the last wins).
  auto dup = wh.Upsert(Table::kOrders, {OrderRowFor("t/woo", 20, 100), OrderRowFor("t/woo", 20, 200)});
  ASSERT_TRUE(dup.ok()) << dup.status().ToString();
  EXPECT_EQ(dup->inserted, 1);
  EXPECT_EQ(schema.Query("SELECT total::text FROM " + schema.Table("orders") + " WHERE source_id='20'"), "2.00");
}

TEST(PgWarehouse, ConstraintViolationFailsOnlyThatRow) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  ASSERT_TRUE(wh.Prepare().ok());
  schema.Query("ALTER TABLE " + schema.Table("orders") + " ADD CONSTRAINT no_test_status CHECK (status <> 'test')");
  for (bool bulk : {false, true}) {
    std::vector<Row> rows;
    for (int i = 1; i <= 6; ++i) rows.push_back(OrderRowFor(bulk ? "bulk/woo" : "t/woo", i, 500, i == 3 ? "test" : "ok"));
    auto r = bulk ? wh.BulkUpsert(Table::kOrders, rows) : wh.BatchUpsert(Table::kOrders, rows);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->inserted, 5);
    EXPECT_EQ(r->failed, 1);
    EXPECT_EQ(r->outcomes[2].kind, RowOutcome::Kind::kFailed);
    EXPECT_TRUE(r->outcomes[2].error.IsValidation());
    EXPECT_THAT(r->outcomes[2].error.message(), HasSubstr("no_test_status"));
    EXPECT_THAT(r->outcomes[2].error.message(), HasSubstr("orders row 3"));
  }
  EXPECT_EQ(schema.Count("orders"), 10);
}

TEST(PgWarehouse, BadTextFailsTheRowNotTheBatch) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  std::vector<Row> rows = {OrderRowFor("t/woo", 1, 100), OrderRowFor("t/woo", 2, 100)};
  rows[1].values[Spec(Table::kOrders).Index("billing_email")] = std::string("bad\xff\xfe utf8");
  auto r = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted, 1);
  EXPECT_EQ(r->failed, 1);
  EXPECT_THAT(r->outcomes[1].error.message(), HasSubstr("UTF8"));
}

TEST(PgWarehouse, ReconnectsAndRetriesAfterTheConnectionIsKilled) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  ASSERT_TRUE(wh.Upsert(Table::kOrders, {OrderRowFor("t/woo", 1, 100)}).ok());
  for (int round = 0; round < 3; ++round) {
    schema.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                 "'easysale-sync-warehouse' AND pid <> pg_backend_pid()");
    std::vector<Row> rows;
    for (int i = 1; i <= 50; ++i) rows.push_back(OrderRowFor("t/woo", round * 100 + i, 100 + i));
    auto r = round == 2 ? wh.BulkUpsert(Table::kOrders, rows) : wh.Upsert(Table::kOrders, rows);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->failed, 0);
  }
  EXPECT_GE(wh.reconnects(), 1);
  EXPECT_EQ(schema.Count("orders"), 150);
}

TEST(PgWarehouse, DeleteStaleRemovesOnlyVanishedChildren) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  std::vector<Row> lines;
  for (const char* id : {"1:10", "1:11", "1:12", "2:20"}) {
    RowBuilder b(Table::kOrderLines, "t/woo", id);
    b.Text("order_id", std::string(id).substr(0, 1)).Money("total", model::Money(100, "USD"));
    lines.push_back(std::move(b.Build()).value());
  }
  ASSERT_TRUE(wh.Upsert(Table::kOrderLines, lines).ok());
  auto gone = wh.DeleteStale(Table::kOrderLines, "t/woo", "order_id", {"1"}, {"1:10", "1:12"});
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(*gone, 1);
  EXPECT_EQ(schema.Count("order_lines"), 3);
  EXPECT_EQ(*wh.CountRows(Table::kOrderLines, "t/woo"), 3);
  EXPECT_EQ(*wh.CountRows(Table::kOrderLines, "other"), 0);
}

// SPEC §4 bulk path: ≥ 100,000 canonical orders through COPY + merge.
TEST(PgWarehouse, BulkPathUpserts100kOrdersExactly) {
  ES_REQUIRE_WAREHOUSE_PG();
  WarehouseSchema schema;
  PgWarehouse wh(schema.Direct(), SystemClock::Get());
  constexpr int kOrders = 100'000;
  std::vector<Row> rows;
  rows.reserve(kOrders);
  int64_t expected_cents = 0;
  for (int i = 1; i <= kOrders; ++i) {
    const int64_t cents = (i * 7919LL) % 250'000 + 1;
    expected_cents += cents;
    rows.push_back(OrderRowFor("bulk/woo", i, cents));
  }
  auto first = wh.Upsert(Table::kOrders, rows);  // ≥ bulk_threshold → COPY path
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->bulk);
  EXPECT_EQ(first->inserted, kOrders);
  EXPECT_EQ(schema.Count("orders"), kOrders);
  const std::string expected_sum = Decimal::FromUnits(expected_cents * 10'000).ToFixed(2);
  EXPECT_EQ(schema.Query("SELECT sum(total)::text FROM " + schema.Table("orders")), expected_sum);
  EXPECT_EQ(schema.Query("SELECT count(DISTINCT (source, source_id)) FROM " + schema.Table("orders")),
            std::to_string(kOrders));

  auto again = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, kOrders);
  EXPECT_EQ(again->changed(), 0);

  rows[41] = OrderRowFor("bulk/woo", 42, 1);
  auto one = wh.Upsert(Table::kOrders, rows);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->updated, 1);
  EXPECT_EQ(one->outcomes[41].kind, RowOutcome::Kind::kUpdated);
  EXPECT_EQ(schema.Count("orders"), kOrders);
}

// Binary COPY stores exactly what text COPY stores: every column kind, NULLs,
// negative and fractional amounts, sub-second times, escapes and non-ASCII
// text, on the first-load path and on the merge path.
TEST(PgWarehouse, BinaryAndTextCopyStoreTheSameRows) {
  ES_REQUIRE_WAREHOUSE_PG();
  auto rows_for = [](int round) {
    std::vector<Row> rows;
    for (int i = 1; i <= 1200; ++i) {
      RowBuilder b(Table::kOrders, "woo", std::to_string(i));
      b.Text("number", i % 5 == 0 ? std::string("Nº ") + std::to_string(i) + " \\ \t" : std::to_string(i))
          .Text("status", round == 0 ? "completed" : "refunded")
          .Text("currency", "USD")
          .Bool("prices_include_tax", i % 2 == 0)
          .Money("total", model::Money((i % 3 == 0 ? -1 : 1) * (i * 1013LL + round), "USD"))
          .Money("discount_total", model::Money(i % 100, "USD"))
          .Time("date_created", 1'700'000'000'000 + i * 1234LL)
          .Time("date_paid", i % 4 == 0 ? 0 : 946'684'799'000 + i)
          .Int("line_count", i % 7 - 3)
          .Raw(Json{{"id", i}, {"note", "é \"q\" \\ \n"}, {"n", std::to_string(i) + ".5"}});
      rows.push_back(std::move(b.Build()).value());
    }
    return rows;
  };
  std::string cols;
  for (const auto& c : Spec(Table::kOrders).columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c.name) + "::text";
  std::string contents[2];
  for (int binary = 0; binary < 2; ++binary) {
    WarehouseSchema schema;
    WarehouseConfig config = schema.Direct();
    config.binary_copy = binary == 1;
    PgWarehouse wh(config, SystemClock::Get());
    auto first = wh.BulkUpsert(Table::kOrders, rows_for(0));  // empty table: the first-load path
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->inserted, 1200) << first->failed << " " << first->outcomes[0].error.ToString();
    auto changed = wh.BulkUpsert(Table::kOrders, rows_for(1));  // every row changed: the merge path
    ASSERT_TRUE(changed.ok()) << changed.status().ToString();
    EXPECT_EQ(changed->updated, 1200);
    EXPECT_EQ(wh.binary_copies(), binary == 1 ? 2 : 0);  // the load and the merge's stage
    contents[binary] = schema.Query("SELECT md5(string_agg(concat_ws('|', " + cols +
                                    ", content_hash), E'\\n' ORDER BY source_id)) FROM " + schema.Table("orders"));
    EXPECT_EQ(schema.Query("SELECT count(*) FROM " + schema.Table("orders") + " WHERE date_paid IS NULL"), "300");
  }
  EXPECT_FALSE(contents[0].empty());
  EXPECT_EQ(contents[0], contents[1]);
}

}  // namespace
}  // namespace es::supabase
