// Test support for the warehouse tests (test-only): a fresh warehouse
// schema on the server named by EASYSALE_TEST_PG_URL (dropped with
// everything in it on destruction), SQL inspection helpers, and configs for
// both paths. Tests call ES_REQUIRE_WAREHOUSE_PG() first: without the
// variable they are skipped (run them with scripts/with-postgres.sh).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <string>

#include "connectors/supabase/warehouse.h"
#include "store/postgres/postgres_test_harness.h"

namespace es::supabase::testing {

#define ES_REQUIRE_WAREHOUSE_PG()                                                                       \
  do {                                                                                                 \
    if (::es::store::postgres::TestPgUrl().empty())                                                    \
      GTEST_SKIP() << "EASYSALE_TEST_PG_URL is not set: warehouse tests skipped (scripts/with-postgres.sh)"; \
  } while (0)

inline constexpr const char kServiceKey[] = "sb_secret_test_service_key";

class WarehouseSchema {
 public:
  WarehouseSchema() : url_(store::postgres::TestPgUrl()) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "wh_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
  }
  ~WarehouseSchema() {
    if (url_.empty()) return;
    store::postgres::PgAdmin admin(url_);
    if (admin.ok()) admin.Query("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  WarehouseSchema(const WarehouseSchema&) = delete;
  WarehouseSchema& operator=(const WarehouseSchema&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  std::string Table(const std::string& t) const { return name_ + "." + t; }

  // First column of the first row, "" for none, "ERROR: …" on failure.
  std::string Query(const std::string& sql) const {
    store::postgres::PgAdmin admin(url_);
    return admin.Query(sql);
  }
  int64_t Count(const std::string& table, const std::string& where = "true") const {
    std::string v = Query("SELECT count(*) FROM " + Table(table) + " WHERE " + where);
    return v.empty() || v.rfind("ERROR", 0) == 0 ? -1 : std::stoll(v);
  }

  WarehouseConfig Direct() const {
    WarehouseConfig c;
    c.mode = "direct";
    c.url = url_;
    c.schema = name_;
    c.retry_initial_ms = 5;
    return c;
  }
  WarehouseConfig Rest(const std::string& rest_url, const std::string& key = kServiceKey) const {
    WarehouseConfig c;
    c.mode = "rest";
    c.rest_url = rest_url;
    c.service_key = key;
    c.schema = name_;
    c.retry_initial_ms = 5;
    return c;
  }

 private:
  std::string url_;
  std::string name_;
};

}  // namespace es::supabase::testing
