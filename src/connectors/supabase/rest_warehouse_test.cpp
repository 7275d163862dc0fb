// REST (PostgREST protocol) warehouse writer against the REST sandbox on a
// real PostgreSQL (scripts/with-postgres.sh); skipped without it.
#include "connectors/supabase/rest_warehouse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/rest_protocol.h"
#include "connectors/supabase/rows.h"
#include "connectors/supabase/sandbox/rest_server.h"
#include "connectors/supabase/warehouse_test_support.h"
#include "http/transport.h"

namespace es::supabase {
namespace {

using ::testing::HasSubstr;
using testing::WarehouseSchema;

Row Customer(const std::string& id, const std::string& email) {
  RowBuilder b(Table::kCustomers, "t/woo", id);
  b.Text("email", email).Bool("is_guest", false).Time("date_created", 1'700'000'000'000).Raw(Json{{"id", id}});
  return std::move(b.Build()).value();
}

class RestWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (store::postgres::TestPgUrl().empty()) GTEST_SKIP() << "EASYSALE_TEST_PG_URL is not set";
    schema_ = std::make_unique<WarehouseSchema>();
    sandbox::Options o;
    o.pg_url = schema_->url();
    o.schema = schema_->name();
    o.service_key = testing::kServiceKey;
    server_ = std::make_unique<sandbox::RestServer>(o);
    ASSERT_TRUE(server_->Start(0).ok());
    transport_ = http::MakeCurlTransport();
  }
  void Migrate() { ASSERT_TRUE(PgWarehouse(schema_->Direct(), SystemClock::Get()).Prepare().ok()); }
  RestWarehouse Writer(const std::string& key = testing::kServiceKey) {
    return RestWarehouse(schema_->Rest(server_->base_url(), key), *transport_, SystemClock::Get());
  }

  std::unique_ptr<WarehouseSchema> schema_;
  std::unique_ptr<sandbox::RestServer> server_;
  std::unique_ptr<http::Transport> transport_;
};

TEST_F(RestWarehouseTest, UpsertsOnlyWhatChanged) {
  Migrate();
  RestWarehouse wh = Writer();
  std::vector<Row> rows;
  for (int i = 1; i <= 30; ++i) rows.push_back(Customer(std::to_string(i), "c" + std::to_string(i) + "@x.test"));
  auto first = wh.Upsert(Table::kCustomers, rows);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->inserted, 30);
  EXPECT_EQ(schema_->Count("customers"), 30);
  auto second = wh.Upsert(Table::kCustomers, rows);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, 30);
  rows[4] = Customer("5", "new \"quoted\" ü@x.test");
  auto third = wh.Upsert(Table::kCustomers, rows);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->updated, 1);
  EXPECT_EQ(schema_->Query("SELECT email FROM " + schema_->Table("customers") + " WHERE source_id = '5'"),
            "new \"quoted\" ü@x.test");
  EXPECT_EQ(*wh.CountRows(Table::kCustomers, "t/woo"), 30);
  EXPECT_EQ(*wh.CountRows(Table::kCustomers, "other"), 0);
  EXPECT_TRUE(wh.Ping().ok());
}

TEST_F(RestWarehouseTest, WrongKeyIsAnAuthenticationErrorWithoutTheKey) {
  Migrate();
  RestWarehouse wh = Writer("sb_secret_wrong_key_123");
  Status s = wh.Prepare();
  EXPECT_TRUE(s.IsAuthentication()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("Invalid API key"));
  EXPECT_THAT(s.ToString(), ::testing::Not(HasSubstr("wrong_key_123")));
  RestWarehouse jwt = Writer("legacy.jwt.key");  // apikey + Bearer
  EXPECT_TRUE(jwt.Ping().IsAuthentication());
}

TEST_F(RestWarehouseTest, MissingTablesAreNamed) {
  RestWarehouse none = Writer();
  Status s = none.Prepare();
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("warehouse table 'schema_migrations' does not exist"));
  Migrate();
  schema_->Query("DROP TABLE " + schema_->Table("refunds"));
  RestWarehouse wh = Writer();
  s = wh.Prepare();
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "warehouse table 'refunds' does not exist (run migrations or disable read_only)");
}

TEST_F(RestWarehouseTest, ConstraintViolationFailsOnlyThatRow) {
  Migrate();
  schema_->Query("ALTER TABLE " + schema_->Table("customers") + " ADD CONSTRAINT no_bad CHECK (email <> 'bad')");
  RestWarehouse wh = Writer();
  std::vector<Row> rows = {Customer("1", "a@x.test"), Customer("2", "bad"), Customer("3", "c@x.test")};
  auto r = wh.Upsert(Table::kCustomers, rows);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted, 2);
  EXPECT_EQ(r->failed, 1);
  EXPECT_TRUE(r->outcomes[1].error.IsValidation());
  EXPECT_THAT(r->outcomes[1].error.message(), HasSubstr("no_bad"));
  EXPECT_EQ(r->outcomes[1].error.code(), "pg:23514");
  EXPECT_EQ(schema_->Count("customers"), 2);
}

TEST_F(RestWarehouseTest, DeleteStaleThroughFilters) {
  Migrate();
  RestWarehouse wh = Writer();
  std::vector<Row> lines;
  for (const char* id : {"1:10", "1:11", "2:20", "2:21"}) {
    RowBuilder b(Table::kOrderLines, "t/woo", id);
    b.Text("order_id", std::string(id).substr(0, 1)).Money("total", model::Money(250, "USD"));
    lines.push_back(std::move(b.Build()).value());
  }
  ASSERT_TRUE(wh.Upsert(Table::kOrderLines, lines).ok());
  auto gone = wh.DeleteStale(Table::kOrderLines, "t/woo", "order_id", {"1", "2"}, {"1:10", "2:20", "2:21"});
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(*gone, 1);
  EXPECT_EQ(schema_->Query("SELECT string_agg(source_id, ',' ORDER BY source_id) FROM " +
                           schema_->Table("order_lines")),
            "1:10,2:20,2:21");
}

TEST(RestWarehouseUnreachable, ClosedPortSaysWhatToCheck) {
  // No server needed: nothing listens on port 1.
  WarehouseConfig c;
  c.mode = "rest";
  c.rest_url = "http://127.0.0.1:1";
  c.service_key = "sb_secret_never_shown_42";
  c.max_attempts = 2;
  c.retry_initial_ms = 0;
  auto transport = http::MakeCurlTransport();
  RestWarehouse wh(c, *transport, SystemClock::Get());
  Status s = wh.Prepare();
  EXPECT_TRUE(s.IsNetwork()) << s.ToString();
  EXPECT_EQ(s.message(), "warehouse REST API unreachable at http://127.0.0.1:1 (connection refused; 2 attempts) — "
                         "check the connection's rest_url");
  EXPECT_THAT(s.ToString(), ::testing::Not(HasSubstr("never_shown_42")));
}

TEST(RestProtocol, RefusedKeySaysWhichSettingToCheck) {
  Status s = StatusFromRestError(401, R"({"message":"Invalid API key"})", "orders", std::nullopt);
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_THAT(s.message(), HasSubstr("Invalid API key — check the connection's service_key"));
}

TEST(RestProtocol, ErrorBodiesMapToCategories) {
  EXPECT_TRUE(StatusFromRestError(401, R"({"message":"Invalid API key","hint":"x"})", "orders").IsAuthentication());
  EXPECT_TRUE(StatusFromRestError(401, R"({"code":"PGRST301","details":null,"hint":null,"message":"bad"})", "orders")
                  .IsAuthentication());
  Status missing = StatusFromRestError(404, R"({"code":"PGRST205","details":null,"hint":null,"message":"x"})", "orders");
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_EQ(missing.message(), "warehouse table 'orders' does not exist (run migrations or disable read_only)");
  EXPECT_TRUE(StatusFromRestError(404, R"({"code":"42P01","message":"relation does not exist"})", "t").IsNotFound());
  EXPECT_TRUE(StatusFromRestError(409, R"({"code":"23505","message":"dup"})", "t").IsConflict());
  EXPECT_EQ(StatusFromRestError(400, R"({"code":"23514","message":"check"})", "t").code(), "pg:23514");
  EXPECT_TRUE(StatusFromRestError(503, R"({"code":"PGRST001","message":"db down"})", "t").IsNetwork());
  EXPECT_TRUE(StatusFromRestError(500, R"({"code":"40001","message":"serialization"})", "t").IsNetwork());
  EXPECT_TRUE(StatusFromRestError(429, "", "t", 2000).IsRateLimit());
  EXPECT_TRUE(StatusFromRestError(502, "<html>bad gateway</html>", "t").IsNetwork());
  EXPECT_EQ(HttpStatusForSqlState("23505"), 409);
  EXPECT_EQ(HttpStatusForSqlState("42P01"), 404);
  EXPECT_EQ(HttpStatusForSqlState("08006"), 503);
  EXPECT_EQ(HttpStatusForSqlState("23514"), 400);
}

}  // namespace
}  // namespace es::supabase
