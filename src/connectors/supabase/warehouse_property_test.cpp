// Property (rapidcheck): for random WooCommerce stores, syncing woo →
// supabase (WooSource → WarehouseTarget) twice leaves exactly one warehouse row per source record, and the
// second run changes nothing. Each case starts its own Woo sandbox and
// warehouse schema, so the number of cases is kept small: RC_PARAMS
// max_success (default 100) is capped at ES_WAREHOUSE_PROPERTY_CASES
// (default 6). Needs scripts/with-postgres.sh; skipped otherwise.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdlib>
#include <sstream>

#include "connectors/supabase/flow_test_env.h"

namespace es::supabase {
namespace {

using testing::FlowEnv;
using testing::FlowEnvOptions;

int64_t Distinct(testing::WarehouseSchema& s, const std::string& table) {
  std::string v = s.Query("SELECT count(DISTINCT (source, source_id)) FROM " + s.Table(table));
  return v.empty() || v.rfind("ERROR", 0) == 0 ? -1 : std::stoll(v);
}

TEST(WarehouseProperty, RandomStoresSyncedTwiceHaveOneRowPerRecord) {
  ES_REQUIRE_WAREHOUSE_PG();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  int cap = 6;
  if (const char* env = std::getenv("ES_WAREHOUSE_PROPERTY_CASES")) cap = std::max(1, std::atoi(env));
  params.maxSuccess = std::min(params.maxSuccess, cap);
  params.disableShrinking = true;  // each case costs a sandbox and two syncs
  rc::detail::TestMetadata meta;
  meta.id = "WarehouseProperty/RandomStoresSyncedTwiceHaveOneRowPerRecord";
  meta.description = "one warehouse row per source record after two syncs";

  auto result = rc::detail::checkTestable(
      [] {
        FlowEnvOptions o;
        o.woo.seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
        o.woo.customers = *rc::gen::inRange(0, 12);
        o.woo.products = *rc::gen::inRange(1, 8);
        o.woo.orders = *rc::gen::inRange(0, 40);
        o.mode = *rc::gen::element(std::string("direct"), std::string("direct"), std::string("rest"));
        FlowEnv env(o);
        Status started = env.Start();
        RC_ASSERT(started.ok());
        auto first = env.Sync();
        RC_ASSERT(first.ok());
        RC_ASSERT(first->run.status == store::RunStatus::kSucceeded);
        auto second = env.Sync();
        RC_ASSERT(second.ok());
        RC_ASSERT(second->run.status == store::RunStatus::kSucceeded);
        RC_ASSERT(FlowEnv::Changed(*second) == 0);

        auto& s = env.schema();
        int64_t orders = 0, lines = 0, refunds = 0;
        for (const Json& j : env.woo().AllOrdersJson()) {
          ++orders;
          lines += static_cast<int64_t>(j["line_items"].size());
          refunds += static_cast<int64_t>(j["refunds"].size());
        }
        RC_ASSERT(s.Count("orders") == orders);
        RC_ASSERT(s.Count("order_lines") == lines);
        RC_ASSERT(s.Count("refunds") == refunds);
        for (const char* t : {"customers", "products", "orders", "order_lines", "refunds", "payments"})
          RC_ASSERT(s.Count(t) == Distinct(s, t));
        // The runs' own counts agree with the tables.
        RC_ASSERT(first->counts["order"].created == orders);
        RC_ASSERT(second->counts["order"].skipped == orders);
        RC_ASSERT(s.Count("customers") == first->counts["customer"].created);
        RC_ASSERT(s.Count("products") == first->counts["item"].created);
      },
      meta, params);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream ss;
    rc::detail::printResultMessage(result, ss);
    FAIL() << ss.str();
  }
}

}  // namespace
}  // namespace es::supabase
