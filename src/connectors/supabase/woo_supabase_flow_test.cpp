// End to end: WooCommerce sandbox → WooSource → engine pipeline →
// WarehouseTarget → warehouse on a real PostgreSQL, directly and through the
// REST sandbox (scripts/with-postgres.sh); skipped without EASYSALE_TEST_PG_URL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/supabase/flow_test_env.h"
#include "connectors/woo/client.h"

namespace es::supabase {
namespace {

using ::testing::HasSubstr;
using testing::FlowEnv;
using testing::FlowEnvOptions;

FlowEnvOptions Small(std::string mode = "direct") {
  FlowEnvOptions o;
  o.woo.seed = 7;
  o.woo.customers = 12;
  o.woo.products = 10;
  o.woo.orders = 60;
  o.mode = std::move(mode);
  return o;
}

engine::SyncRequest Req(std::vector<std::string> entities, bool dry_run = false, std::string target = {}) {
  engine::SyncRequest r;
  r.entities = std::move(entities);
  r.dry_run = dry_run;
  r.target_connection = std::move(target);
  return r;
}

struct Expected {
  int64_t customers = 0, products = 0, orders = 0, lines = 0, refunds = 0;
  std::map<std::string, std::string> totals;  // order id → total text
};

Expected FromWoo(FlowEnv& env) {
  Expected e;
  Json all = env.woo().AllOrdersJson();
  for (const Json& o : all) {
    ++e.orders;
    e.lines += static_cast<int64_t>(o["line_items"].size());
    e.refunds += static_cast<int64_t>(o["refunds"].size());
    e.totals[ScalarText(o["id"])] = GetStringOr(o, "total");
  }
  woo::Credentials c;
  c.base_url = env.woo().base_url();
  c.consumer_key = env.woo().options().consumer_key;
  c.consumer_secret = env.woo().options().consumer_secret;
  woo::Client client(c, env.curl(), SystemClock::Get());
  woo::ListQuery q;
  for (q.page = 1;; ++q.page) {
    auto page = client.ListCustomers(q);
    if (!page.ok()) break;
    e.customers += static_cast<int64_t>(page->items.size());
    if (!page->HasMore()) break;
  }
  for (q.page = 1;; ++q.page) {
    auto page = client.ListProducts(q);
    if (!page.ok()) break;
    // The source delivers what sells: products, and variable products
    // through their variations.
    for (const auto& p : page->items) {
      if (p.kind == model::ProductKind::kGrouped) continue;
      if (p.kind != model::ProductKind::kVariable) {
        ++e.products;
        continue;
      }
      auto vars = client.ListVariations(p.source_id, woo::ListQuery());
      if (vars.ok()) e.products += static_cast<int64_t>(vars->items.size());
    }
    if (!page->HasMore()) break;
  }
  return e;
}

void ExpectWarehouseMatchesWoo(FlowEnv& env, const Expected& e) {
  auto& s = env.schema();
  const std::string src = "source = '" + env.source() + "'";
  EXPECT_EQ(s.Count("customers", src), e.customers);
  EXPECT_EQ(s.Count("products", src), e.products);
  EXPECT_EQ(s.Count("orders", src), e.orders);
  EXPECT_EQ(s.Count("order_lines", src), e.lines);
  EXPECT_EQ(s.Count("refunds", src), e.refunds);
  // Every order total to the cent.
  std::string got = s.Query("SELECT string_agg(source_id || '=' || total::text, ',' ORDER BY source_id) FROM " +
                            s.Table("orders"));
  std::map<std::string, std::string> stored;
  for (size_t start = 0; start < got.size();) {
    size_t comma = got.find(',', start);
    std::string item = got.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = item.find('=');
    stored[item.substr(0, eq)] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ASSERT_EQ(stored.size(), e.totals.size());
  for (const auto& [id, total] : e.totals) {
    auto a = Decimal::Parse(total), b = Decimal::Parse(stored[id]);
    ASSERT_TRUE(a.ok() && b.ok()) << id;
    EXPECT_EQ(*a, *b) << "order " << id << ": woo " << total << ", warehouse " << stored[id];
  }
  // Each line's raw is its element of the order's line_items.
  EXPECT_EQ(s.Query("SELECT count(*) FROM " + s.Table("order_lines") + " WHERE raw->>'id' IS NULL"), "0");
}

TEST(WooSupabaseFlow, DirectPathEndToEndAndIdempotent) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  auto first = env.Sync();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->run.status, store::RunStatus::kSucceeded) << first->run.error;
  Expected e = FromWoo(env);
  ASSERT_GT(e.refunds, 0);
  ExpectWarehouseMatchesWoo(env, e);
  EXPECT_EQ(first->counts.at("order").created, e.orders);
  EXPECT_EQ(first->counts.at("order_line").created, e.lines);
  EXPECT_EQ(env.schema().Count("sync_logs"), 4);
  EXPECT_EQ(env.schema().Query("SELECT string_agg(entity, ',' ORDER BY entity) FROM " +
                               env.schema().Table("sync_logs")),
            "customer,item,order,refund");
  EXPECT_EQ(env.schema().Query("SELECT fetched::text || '/' || created::text || '/' || status FROM " +
                               env.schema().Table("sync_logs") + " WHERE entity = 'order'"),
            std::to_string(e.orders) + "/" + std::to_string(e.orders) + "/succeeded");
  EXPECT_EQ(first->counts.at("item").created, e.products);
  // The raw column is the order exactly as WooCommerce sent it.
  const int64_t some = env.woo().OrderIds().front();
  const std::string woo_json = DumpJson(env.woo().OrderJson(some));
  EXPECT_EQ(env.schema().Query("SELECT raw = $json$" + woo_json + "$json$::jsonb FROM " +
                               env.schema().Table("orders") + " WHERE source_id = '" + std::to_string(some) + "'"),
            "t");
  // Paid orders have a payment row.
  EXPECT_GT(env.schema().Count("payments"), 0);

  auto second = env.Sync();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->run.status, store::RunStatus::kSucceeded);
  EXPECT_EQ(FlowEnv::Changed(*second), 0);
  EXPECT_EQ(second->counts.at("order").skipped, e.orders);
  ExpectWarehouseMatchesWoo(env, e);

  // A changed order changes one order row (and nothing else of the others).
  ASSERT_TRUE(env.woo().ModifyOrder(some, {{"customer_note", "gift wrap, please"}}).ok());
  auto third = env.Sync();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->counts.at("order").updated, 1);
  EXPECT_EQ(third->counts.at("order").created, 0);
  EXPECT_EQ(env.schema().Query("SELECT raw->>'customer_note' FROM " + env.schema().Table("orders") +
                               " WHERE source_id = '" + std::to_string(some) + "'"),
            "gift wrap, please");
}

TEST(WooSupabaseFlow, RestPathEndToEndAndIdempotent) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnvOptions o = Small("rest");
  o.woo.orders = 30;
  FlowEnv env(o);
  ASSERT_TRUE(env.Start().ok());
  auto first = env.Sync();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->run.status, store::RunStatus::kSucceeded) << first->run.error;
  ExpectWarehouseMatchesWoo(env, FromWoo(env));
  auto second = env.Sync();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(FlowEnv::Changed(*second), 0);
}

TEST(WooSupabaseFlow, ReadOnlyFailsClearlyWithoutTablesAndWorksWithThem) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnvOptions o = Small();
  o.read_only = true;
  {
    FlowEnv env(o);
    ASSERT_TRUE(env.Start().ok());
    auto run = env.Sync();
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->run.status, store::RunStatus::kFailed);
    EXPECT_THAT(run->run.error, HasSubstr("warehouse table 'schema_migrations' does not exist"));
    EXPECT_THAT(run->run.error, HasSubstr("(run migrations or disable read_only)"));
    EXPECT_EQ(env.schema().Query("SELECT to_regclass('" + env.schema().name() + ".orders') IS NULL"), "t");
  }
  o.migrate_first = true;
  FlowEnv env(o);
  ASSERT_TRUE(env.Start().ok());
  auto run = env.Sync();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->run.status, store::RunStatus::kSucceeded) << run->run.error;
  EXPECT_EQ(env.schema().Count("orders"), static_cast<int64_t>(env.woo().order_count()));
}

TEST(WooSupabaseFlow, WrongServiceKeyFailsTheRunNamingTheKeyToCheck) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnvOptions o = Small("rest");
  o.rest_key = "sb_secret_not_the_key";
  FlowEnv env(o);
  ASSERT_TRUE(env.Start().ok());
  auto run = env.Sync();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->run.status, store::RunStatus::kFailed);
  // One line naming the connection and the setting to check.
  EXPECT_THAT(run->run.error, HasSubstr("connection 'wh'"));
  EXPECT_THAT(run->run.error, HasSubstr("the service key was refused: Invalid API key"));
  EXPECT_THAT(run->run.error, HasSubstr("check the connection's service_key"));
  EXPECT_THAT(run->run.error, ::testing::Not(HasSubstr("not_the_key")));
}

TEST(WooSupabaseFlow, DecodeFailureAndConstraintViolationFailOnlyTheirRecords) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnvOptions o = Small();
  o.migrate_first = true;
  FlowEnv env(o);
  ASSERT_TRUE(env.Start().ok());
  std::vector<int64_t> ids = env.woo().OrderIds();
  const int64_t broken = ids[3], refused = ids[7];
  env.transport().corrupt_order = broken;
  env.schema().Query("ALTER TABLE " + env.schema().Table("orders") + " ADD CONSTRAINT not_this_one CHECK (source_id <> '" +
                     std::to_string(refused) + "')");
  auto run = env.Sync(Req({"orders"}));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->run.status, store::RunStatus::kPartial) << run->run.error;
  EXPECT_EQ(run->counts.at("order").failed, 2);
  EXPECT_EQ(run->counts.at("order").created, static_cast<int64_t>(ids.size()) - 2);
  EXPECT_EQ(env.schema().Count("orders"), static_cast<int64_t>(ids.size()) - 2);
  auto failed = env.store().ListFailed(FlowEnv::kTenant, 100);
  ASSERT_TRUE(failed.ok());
  std::map<std::string, store::FailedRecord> by_id;
  for (const auto& f : *failed) by_id[f.source_id] = f;
  ASSERT_TRUE(by_id.count(std::to_string(broken)));
  EXPECT_EQ(by_id[std::to_string(broken)].category, "validation");
  EXPECT_THAT(by_id[std::to_string(broken)].message, HasSubstr("total"));
  ASSERT_TRUE(by_id.count(std::to_string(refused)));
  EXPECT_THAT(by_id[std::to_string(refused)].message, HasSubstr("not_this_one"));
  EXPECT_EQ(by_id[std::to_string(refused)].target_connection, "wh");

  // Fixed at the source and in the warehouse: the retry run syncs both and
  // empties the failed queue.
  env.transport().corrupt_order = 0;
  env.schema().Query("ALTER TABLE " + env.schema().Table("orders") + " DROP CONSTRAINT not_this_one");
  auto again = env.Sync(Req({"orders"}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.status, store::RunStatus::kSucceeded);
  EXPECT_EQ(again->counts.at("order").created, 2);
  EXPECT_EQ(env.schema().Count("orders"), static_cast<int64_t>(ids.size()));
  auto left = env.store().ListFailed(FlowEnv::kTenant, 100);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST(WooSupabaseFlow, DryRunWritesNothing) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  auto run = env.Sync(Req({"orders"}, true));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->run.status, store::RunStatus::kSucceeded) << run->run.error;
  ASSERT_FALSE(run->previews.empty());
  const Json* order = nullptr;
  for (const Json& p : run->previews)
    if (p["target_type"] == "orders") {
      order = &p;
      break;
    }
  ASSERT_NE(order, nullptr);
  EXPECT_EQ((*order)["operation"], "create");
  EXPECT_EQ((*order)["payload"]["source"], env.source());
  EXPECT_FALSE((*order)["payload"].contains("raw"));
  EXPECT_EQ(run->counts.at("order").created, static_cast<int64_t>(env.woo().order_count()));
  EXPECT_EQ(env.schema().Query("SELECT to_regclass('" + env.schema().name() + ".orders') IS NULL"), "t");
}

TEST(WooSupabaseFlow, DryRunAfterASyncPredictsFromTheIdMap) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  auto first = env.Sync(Req({"orders"}));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->run.status, store::RunStatus::kSucceeded) << first->run.error;
  const int64_t orders = static_cast<int64_t>(env.woo().order_count());
  auto dry = env.Sync(Req({"orders"}, true));
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->counts.at("order").skipped, orders);
  EXPECT_EQ(FlowEnv::Changed(*dry), 0);
  EXPECT_TRUE(dry->previews.empty());

  const int64_t some = env.woo().OrderIds().front();
  ASSERT_TRUE(env.woo().ModifyOrder(some, {{"customer_note", "leave at the door"}}).ok());
  auto again = env.Sync(Req({"orders"}, true));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->counts.at("order").updated, 1);
  EXPECT_EQ(again->counts.at("order").created, 0);
  ASSERT_EQ(again->previews.size(), 1u);
  EXPECT_EQ(again->previews[0]["source_id"], std::to_string(some));
  EXPECT_EQ(again->previews[0]["reason"], "content changed");
}

TEST(WooSupabaseFlow, RowsLostFromTheWarehouseAreWrittenAgain) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  auto first = env.Sync(Req({"orders"}));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->run.status, store::RunStatus::kSucceeded) << first->run.error;
  std::vector<int64_t> ids = env.woo().OrderIds();
  env.schema().Query("DELETE FROM " + env.schema().Table("orders") + " WHERE source_id IN ('" + std::to_string(ids[1]) +
                     "', '" + std::to_string(ids[2]) + "')");
  auto again = env.Sync(Req({"orders"}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.status, store::RunStatus::kSucceeded) << again->run.error;
  EXPECT_EQ(again->counts.at("order").created, 2);
  EXPECT_EQ(again->counts.at("order").skipped, static_cast<int64_t>(ids.size()) - 2);
  EXPECT_EQ(env.schema().Count("orders"), static_cast<int64_t>(ids.size()));
}

TEST(WooSupabaseFlow, LinesGoneFromAStoredOrderAreDeleted) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  auto first = env.Sync(Req({"orders"}));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->run.status, store::RunStatus::kSucceeded) << first->run.error;
  const int64_t lines = env.schema().Count("order_lines");
  const std::string some = std::to_string(env.woo().OrderIds().front());
  // A line the order no longer has (copied from one of its lines).
  env.schema().Query("INSERT INTO " + env.schema().Table("order_lines") +
                     " (source, source_id, order_id, line_id, content_hash) VALUES ('" + env.source() + "', '" + some +
                     ":999999', '" + some + "', '999999', 'x')");
  ASSERT_EQ(env.schema().Count("order_lines"), lines + 1);
  auto again = env.Sync(Req({"orders"}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.status, store::RunStatus::kSucceeded) << again->run.error;
  EXPECT_EQ(env.schema().Count("order_lines"), lines);
  EXPECT_EQ(env.schema().Count("order_lines", "source_id = '" + some + ":999999'"), 0);
}

TEST(WooSupabaseFlow, AnOrderWhoseLineIsRefusedFailsWithItsDependents) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnvOptions o = Small();
  o.migrate_first = true;
  FlowEnv env(o);
  ASSERT_TRUE(env.Start().ok());
  // A paid order, so that it has a payment row to hold back.
  std::string refused;
  for (const Json& j : env.woo().AllOrdersJson())
    if (!GetStringOr(j, "date_paid").empty() && !j["line_items"].empty()) {
      refused = ScalarText(j["id"]);
      break;
    }
  ASSERT_FALSE(refused.empty());
  env.schema().Query("ALTER TABLE " + env.schema().Table("order_lines") + " ADD CONSTRAINT no_lines_here CHECK (order_id <> '" +
                     refused + "')");
  auto run = env.Sync(Req({"orders"}));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->run.status, store::RunStatus::kPartial) << run->run.error;
  EXPECT_EQ(run->counts.at("order").failed, 1);
  EXPECT_GE(run->counts.at("order_line").failed, 1);
  EXPECT_EQ(env.schema().Count("orders", "source_id = '" + refused + "'"), 0);
  EXPECT_EQ(env.schema().Count("payments", "source_id = '" + refused + "'"), 0);
  EXPECT_GE(run->counts.at("payment").skipped, 1);
  auto failed = env.store().ListFailed(FlowEnv::kTenant, 100);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].entity, "order");
  EXPECT_EQ((*failed)[0].source_id, refused);
  EXPECT_THAT((*failed)[0].message, HasSubstr("no_lines_here"));
  EXPECT_EQ(env.schema().Query("SELECT status FROM " + env.schema().Table("sync_logs") + " WHERE entity = 'order'"),
            "partial");

  env.schema().Query("ALTER TABLE " + env.schema().Table("order_lines") + " DROP CONSTRAINT no_lines_here");
  auto again = env.Sync(Req({"orders"}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.status, store::RunStatus::kSucceeded) << again->run.error;
  EXPECT_EQ(again->counts.at("order").created, 1);
  EXPECT_EQ(env.schema().Count("payments", "source_id = '" + refused + "'"), 1);
  auto left = env.store().ListFailed(FlowEnv::kTenant, 100);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST(WooSupabaseFlow, QboDocumentIdsGoToTheInvoicesTable) {
  ES_REQUIRE_WAREHOUSE_PG();
  FlowEnv env(Small());
  ASSERT_TRUE(env.Start().ok());
  ASSERT_TRUE(env.AddConnection("qbo", "qbo").ok());
  ASSERT_TRUE(env.AddConnection("qbo2", "qbo").ok());
  // The id maps a woo → qbo route leaves behind: some orders booked as
  // invoices or sales receipts, a customer, and one order of another store.
  std::vector<int64_t> ids = env.woo().OrderIds();
  auto map = [&](const std::string& conn, const std::string& source, const std::string& entity,
                 const std::string& id, const std::string& type, const std::string& target) {
    store::IdMapping m;
    m.tenant_id = FlowEnv::kTenant;
    m.source_connection = source;
    m.target_connection = conn;
    m.entity = entity;
    m.source_id = id;
    m.target_type = type;
    m.target_id = target;
    return env.store().PutMapping(m);
  };
  ASSERT_TRUE(map("qbo", "woo", "order", std::to_string(ids[0]), "Invoice", "101").ok());
  ASSERT_TRUE(map("qbo", "woo", "order", std::to_string(ids[1]), "SalesReceipt", "102").ok());
  ASSERT_TRUE(map("qbo2", "woo", "order", std::to_string(ids[1]), "Invoice", "7").ok());
  ASSERT_TRUE(map("qbo", "woo2", "order", std::to_string(ids[2]), "Invoice", "103").ok());
  auto run = env.Sync();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->run.status, store::RunStatus::kSucceeded) << run->run.error;
  EXPECT_EQ(env.schema().Count("invoices"), 3);
  EXPECT_EQ(env.schema().Count("invoices", "qbo_connection = 'qbo'"), 2);
  EXPECT_EQ(env.schema().Query("SELECT qbo_type || ':' || qbo_id FROM " + env.schema().Table("invoices") +
                               " WHERE source_id = '" + std::to_string(ids[1]) + ":qbo'"),
            "SalesReceipt:102");
  // The other store's order 103 is not this store's.
  EXPECT_EQ(env.schema().Count("invoices", "qbo_id = '103'"), 0);
  EXPECT_EQ(env.schema().Count("id_mappings", "entity = 'order'"), 3);
  EXPECT_EQ(run->counts.at("invoice").created, 3);

  // A customer mapped later shows up on the next run; nothing else changes.
  const std::string customer = env.schema().Query("SELECT min(source_id) FROM " + env.schema().Table("customers"));
  ASSERT_FALSE(customer.empty());
  ASSERT_TRUE(map("qbo", "woo", "customer", customer, "Customer", "58").ok());
  auto again = env.Sync();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FlowEnv::Changed(*again), 1);
  EXPECT_EQ(env.schema().Count("id_mappings", "entity = 'customer' AND target_id = '58'"), 1);
  auto third = env.Sync();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(FlowEnv::Changed(*third), 0);
}

}  // namespace
}  // namespace es::supabase
