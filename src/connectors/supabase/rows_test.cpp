// Row building, hashing and wire encodings (no server needed).
#include "connectors/supabase/rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/supabase/rest_protocol.h"

namespace es::supabase {
namespace {

using ::testing::HasSubstr;

model::Order SampleOrder() {
  model::Order o;
  o.source_id = "727";
  o.number = "727";
  o.status = model::OrderStatus::kCompleted;
  o.currency = "USD";
  o.created_at_ms = 1'711'135'688'000;
  o.modified_at_ms = 1'711'135'690'000;
  o.total = model::Money(2935, "USD");
  o.total_tax = model::Money(135, "USD");
  o.billing.email = "ann@example.com";
  model::LineItem l;
  l.source_id = "315";
  l.product_id = "93";
  l.sku = "TEE";
  l.name = "T-shirt";
  l.quantity = Decimal::FromInt(3);
  l.subtotal = model::Money(2400, "USD");
  l.total = model::Money(2400, "USD");
  o.lines.push_back(l);
  return o;
}

std::string Value(const Row& r, const std::string& col) {
  int i = Spec(r.table).Index(col);
  EXPECT_GE(i, 0) << col;
  return i >= 0 && r.values[i] ? *r.values[i] : "<null>";
}

TEST(Rows, OrderRowHasParsedColumnsAndRaw) {
  Json raw = {{"id", 727}, {"status", "completed"}, {"total", "29.35"}};
  auto row = OrderRow("t1/woo", SampleOrder(), raw);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->source(), "t1/woo");
  EXPECT_EQ(row->source_id(), "727");
  EXPECT_EQ(Value(*row, "total"), "29.35");
  EXPECT_EQ(Value(*row, "total_tax"), "1.35");
  EXPECT_EQ(Value(*row, "status"), "completed");
  EXPECT_EQ(Value(*row, "date_created"), "2024-03-22T19:28:08Z");
  EXPECT_EQ(Value(*row, "date_paid"), "<null>");
  EXPECT_EQ(Value(*row, "line_count"), "1");
  EXPECT_EQ(Value(*row, "raw"), DumpJson(raw));
}

TEST(Rows, LineRowsTakeTheirOwnRawAndUnitPrice) {
  Json raw = {{"line_items", Json::array({{{"id", 315}, {"sku", "TEE"}}})}};
  auto lines = OrderLineRows("t1/woo", SampleOrder(), raw);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].source_id(), "727:315");
  EXPECT_EQ(Value((*lines)[0], "order_id"), "727");
  EXPECT_EQ(Value((*lines)[0], "unit_price"), "8");
  EXPECT_EQ(Value((*lines)[0], "quantity"), "3");
  EXPECT_EQ(Value((*lines)[0], "raw"), R"({"id":315,"sku":"TEE"})");
}

TEST(Rows, ThreeDecimalMoneyFailsInsteadOfRounding) {
  model::Order o = SampleOrder();
  o.currency = "KWD";
  o.total = model::Money(29355, "KWD");  // 29.355
  auto row = OrderRow("t1/woo", o, Json::object());
  ASSERT_FALSE(row.ok());
  EXPECT_TRUE(row.status().IsValidation());
  EXPECT_THAT(row.status().message(), HasSubstr("orders.total: amount 29.355 KWD has more than 2 decimals"));
  o.total = model::Money(29350, "KWD");  // 29.350 fits
  EXPECT_TRUE(OrderRow("t1/woo", o, Json::object()).ok());
}

TEST(Rows, HashChangesWithAnyValueAndNullDiffersFromEmpty) {
  auto a = OrderRow("t1/woo", SampleOrder(), Json::object());
  model::Order changed = SampleOrder();
  changed.total = model::Money(2936, "USD");
  auto b = OrderRow("t1/woo", changed, Json::object());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ContentHash(*a), ContentHash(*a));
  EXPECT_NE(ContentHash(*a), ContentHash(*b));
  Row x = *a, y = *a;
  x.values[Spec(Table::kOrders).Index("number")] = std::nullopt;
  y.values[Spec(Table::kOrders).Index("number")] = std::string();
  EXPECT_NE(ContentHash(x), ContentHash(y));
}

TEST(Rows, NulBytesAreDropped) {
  model::Customer c;
  c.source_id = "5";
  c.first_name = std::string("An\0n", 4);
  auto row = CustomerRow("t/woo", c, Json::object());
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(Value(*row, "first_name"), "Ann");
}

TEST(Encodings, CopyTextEscapes) {
  std::string out;
  AppendCopyValue(&out, std::string("a\tb\\c\nd\re"));
  out += '|';
  AppendCopyValue(&out, std::nullopt);
  EXPECT_EQ(out, "a\\tb\\\\c\\nd\\re|\\N");
}

TEST(Encodings, ArrayLiteralQuotesEverything) {
  std::optional<std::string> a = "x\"y", b = std::nullopt, c = "back\\slash", d = "NULL";
  EXPECT_EQ(TextArrayLiteral({&a, &b, &c, &d}), R"({"x\"y",NULL,"back\\slash","NULL"})");
}

TEST(Encodings, InListRoundTrips) {
  std::vector<std::string> v = {"1", "a,b", "q\"uote", "back\\slash", "(x)"};
  std::vector<std::string> back;
  ASSERT_TRUE(ParseInList(InList(v), &back));
  EXPECT_EQ(back, v);
  EXPECT_TRUE(ParseInList("(1,2,3)", &back));
  EXPECT_EQ(back, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_FALSE(ParseInList("(\"open", &back));
  EXPECT_FALSE(ParseInList("1,2", &back));
}

TEST(Encodings, JsonStringsRejectInvalidUtf8) {
  std::string out;
  EXPECT_TRUE(AppendJsonString(&out, "tab\t \"ü\" \x01"));
  EXPECT_EQ(out, "\"tab\\t \\\"ü\\\" \\u0001\"");
  EXPECT_FALSE(AppendJsonString(&out, "bad \xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));
}

TEST(Config, ParsesBothModesAndNamesBadFields) {
  auto direct = WarehouseConfig::FromJson({{"url", "postgres://u@h/db"}}, {{"password", "pw"}}, "wh");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->mode, "direct");
  EXPECT_EQ(direct->schema, "warehouse");
  EXPECT_EQ(direct->password, "pw");
  auto rest = WarehouseConfig::FromJson({{"rest_url", "https://x.supabase.co"}, {"read_only", true}},
                                        {{"service_key", "sb_secret_k"}}, "wh");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->mode, "rest");
  EXPECT_TRUE(rest->read_only);
  auto no_key = WarehouseConfig::FromJson({{"mode", "rest"}, {"rest_url", "https://x"}}, Json::object(), "wh");
  EXPECT_THAT(no_key.status().message(), HasSubstr("'service_key' is missing"));
  auto bad_schema = WarehouseConfig::FromJson({{"url", "postgres://h/db"}, {"schema", "a; drop"}}, {}, "wh");
  EXPECT_THAT(bad_schema.status().message(), HasSubstr("'schema'"));
  auto bad_url = WarehouseConfig::FromJson({{"url", "mysql://u:secretpw@h/db"}}, {}, "wh");
  EXPECT_FALSE(bad_url.ok());
  EXPECT_THAT(bad_url.status().message(), ::testing::Not(HasSubstr("secretpw")));
  EXPECT_FALSE(WarehouseConfig::FromJson({{"url", "postgres://h/db"}, {"mode", "odbc"}}, {}, "wh").ok());
}

TEST(Config, SplitsThePasswordOutOfAUrl) {
  EXPECT_EQ(SplitPostgresPassword("postgres://u:p%40ss@h:5432/db?sslmode=require"),
            std::make_pair(std::string("postgres://u@h:5432/db?sslmode=require"), std::string("p@ss")));
  EXPECT_EQ(SplitPostgresPassword("postgres://u@h/db"), std::make_pair(std::string("postgres://u@h/db"), std::string()));
  EXPECT_EQ(SplitPostgresPassword("postgresql://h/db"), std::make_pair(std::string("postgresql://h/db"), std::string()));
}

TEST(Schema, SpecsMatchTheMigration) {
  const std::string sql = WarehouseMigrations()[0].sql;
  for (Table t : AllTables()) {
    const TableSpec& spec = Spec(t);
    EXPECT_NE(sql.find("{schema}." + spec.name + " ("), std::string::npos) << spec.name;
    for (const auto& c : spec.columns) EXPECT_NE(sql.find("  " + c.name + " "), std::string::npos) << spec.name << "." << c.name;
  }
  EXPECT_EQ(WithSchema("a {schema}.b {schema}", "\"s\""), "a \"s\".b \"s\"");
  EXPECT_EQ(QuoteIdent("we\"ird"), "\"we\"\"ird\"");
  EXPECT_FALSE(IsPlainIdentifier("1abc"));
  EXPECT_TRUE(IsPlainIdentifier("wh_test"));
}

}  // namespace
}  // namespace es::supabase
