// Warehouse upsert throughput (SPEC §4 "PostgreSQL bulk path ≥ 50,000 rows/s").
//
//   scripts/with-postgres.sh build/warehouse_bench [--rows 100000] [--rest-rows 20000] [--raw-bytes 1500] [--parallel 2]
//                                                 [--copy binary|text]
//
// Generates canonical order rows (with a raw JSON document of about
// --raw-bytes each) and measures rows/s upserted into a fresh warehouse
// schema through:
//   bulk   PgWarehouse::BulkUpsert: a first load into the empty table (COPY
//          straight into it, indexes built after the load), an unchanged
//          re-run, a run where every row changed (updates), and new rows
//          into the now non-empty table (COPY into a temporary table + one
//          merge, the path every load took before the first-load path);
//   batch  the per-page statement (pages of 100 rows, as the flows write);
//   rest   the Supabase REST path (RestWarehouse against the in-process REST
//          sandbox on the same database; hash lookup + POST of 500 rows).
// Wall-clock times include building the COPY/JSON payloads and hashing,
// not generating the rows. Prints one line per measurement and a JSON
// summary. Not a test: it asserts only that every row arrived.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/rest_warehouse.h"
#include "connectors/supabase/rows.h"
#include "connectors/supabase/sandbox/rest_server.h"
#include "http/transport.h"
#include "store/postgres/pg_pool.h"

namespace {

using es::supabase::Row;
using es::supabase::Table;

std::vector<Row> MakeRows(int n, int raw_bytes, int version) {
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(n));
  const std::string filler(static_cast<size_t>(std::max(0, raw_bytes - 400)), 'x');
  for (int i = 1; i <= n; ++i) {
    const int64_t cents = (i * 7919LL + version) % 250'000 + 1;
    es::model::Money total(cents, "USD");
    es::Json raw = {{"id", i},
                    {"number", std::to_string(i)},
                    {"status", "completed"},
                    {"currency", "USD"},
                    {"total", total.ToString()},
                    {"billing", {{"first_name", "Ann"}, {"last_name", "Lee"}, {"email", "ann@example.com"},
                                 {"country", "US"}, {"city", "Austin"}}},
                    {"line_items", es::Json::array({{{"id", i * 10}, {"sku", "TEE-" + std::to_string(i % 97)},
                                                     {"quantity", 2}, {"total", total.ToString()}}})},
                    {"customer_note", filler},
                    {"version", version}};
    es::supabase::RowBuilder b(Table::kOrders, "bench/woo", std::to_string(i));
    b.Text("number", std::to_string(i))
        .Text("status", "completed")
        .Text("currency", "USD")
        .Bool("prices_include_tax", false)
        .Text("billing_email", "ann@example.com")
        .Text("billing_country", "US")
        .Text("payment_method", "stripe")
        .Time("date_created", 1'700'000'000'000 + i * 1000LL)
        .Time("date_modified", 1'700'000'000'000 + i * 1000LL + version)
        .Money("discount_total", es::model::Money(0, "USD"))
        .Money("shipping_total", es::model::Money(500, "USD"))
        .Money("total_tax", es::model::Money(cents / 10, "USD"))
        .Money("total", total)
        .Int("line_count", 1)
        .Raw(raw);
    rows.push_back(std::move(b.Build()).value());
  }
  return rows;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Measure {
  std::string name;
  int64_t rows = 0;
  double seconds = 0;
  double rate() const { return seconds > 0 ? rows / seconds : 0; }
};

void Print(const Measure& m) {
  std::printf("%-28s %9lld rows in %7.3f s  = %9.0f rows/s\n", m.name.c_str(), static_cast<long long>(m.rows),
              m.seconds, m.rate());
  std::fflush(stdout);
}

int Fail(const std::string& what, const es::Status& s) {
  std::fprintf(stderr, "error: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string pg = std::getenv("EASYSALE_TEST_PG_URL") ? std::getenv("EASYSALE_TEST_PG_URL") : "";
  int n = 100'000, rest_n = 20'000, raw_bytes = 1500, parallel = 2;
  bool text_copy = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--pg") pg = argv[i + 1];
    else if (a == "--rows") n = std::atoi(argv[i + 1]);
    else if (a == "--rest-rows") rest_n = std::atoi(argv[i + 1]);
    else if (a == "--raw-bytes") raw_bytes = std::atoi(argv[i + 1]);
    else if (a == "--parallel") parallel = std::atoi(argv[i + 1]);
    else if (a == "--copy") text_copy = std::string(argv[i + 1]) == "text";
  }
  if (pg.empty()) {
    std::fprintf(stderr, "usage: warehouse_bench --pg postgres://… (or run under scripts/with-postgres.sh)\n");
    return 2;
  }
  const std::string schema = "wh_bench_" + std::to_string(es::SystemClock::Get().NowMillis() % 1'000'000);
  es::supabase::WarehouseConfig cfg;
  cfg.url = pg;
  cfg.schema = schema;
  cfg.bulk_parallelism = parallel;
  cfg.binary_copy = !text_copy;
  es::supabase::PgWarehouse wh(cfg, es::SystemClock::Get());
  if (es::Status s = wh.Prepare(); !s.ok()) return Fail("prepare", s);

  std::vector<Measure> all;
  auto run = [&](const std::string& name, const std::vector<Row>& rows, auto&& fn, int64_t expect_changed) -> int {
    auto start = std::chrono::steady_clock::now();
    auto r = fn(rows);
    Measure m{name, static_cast<int64_t>(rows.size()), Seconds(start)};
    if (!r.ok()) return Fail(name, r.status());
    if (r->failed != 0 || (expect_changed >= 0 && r->changed() != expect_changed)) {
      std::fprintf(stderr, "error: %s: %lld changed, %lld failed\n", name.c_str(),
                   static_cast<long long>(r->changed()), static_cast<long long>(r->failed));
      return 1;
    }
    Print(m);
    all.push_back(m);
    return 0;
  };
  auto bulk = [&](const std::vector<Row>& rows) { return wh.BulkUpsert(Table::kOrders, rows); };
  auto pages = [&](const std::vector<Row>& rows) -> es::Result<es::supabase::UpsertResult> {
    es::supabase::UpsertResult total;
    for (size_t start = 0; start < rows.size(); start += 100) {
      std::vector<Row> page(rows.begin() + static_cast<std::ptrdiff_t>(start),
                            rows.begin() + static_cast<std::ptrdiff_t>(std::min(start + 100, rows.size())));
      auto r = wh.BatchUpsert(Table::kOrders, page);
      if (!r.ok()) return r.status();
      total.inserted += r->inserted;
      total.updated += r->updated;
      total.unchanged += r->unchanged;
      total.failed += r->failed;
    }
    return total;
  };

  double load[1] = {-1};
  (void)getloadavg(load, 1);
  std::printf("warehouse_bench: %d orders, raw JSON ~%d bytes each, bulk over %d connections, %s COPY, schema %s, "
              "load %.1f\n",
              n, raw_bytes, parallel, text_copy ? "text" : "binary", schema.c_str(), load[0]);
  {
    auto v1 = MakeRows(n, raw_bytes, 1);
    if (run("bulk first load (COPY, indexes after)", v1, bulk, n)) return 1;
    if (run("bulk unchanged re-run", v1, bulk, 0)) return 1;
    auto v2 = MakeRows(n, raw_bytes, 2);
    if (run("bulk update (all changed)", v2, bulk, n)) return 1;
    auto more = MakeRows(n, raw_bytes, 5);
    for (auto& r : more) r.values[1] = "m" + *r.values[1];
    if (run("bulk insert into non-empty (COPY+merge)", more, bulk, n)) return 1;
  }
  {
    const int m = std::min(n, 20'000);
    auto p = MakeRows(m, raw_bytes, 3);
    for (auto& r : p) r.values[1] = "p" + *r.values[1];
    if (run("batch insert (pages of 100)", p, pages, m)) return 1;
    if (run("batch unchanged (pages)", p, pages, 0)) return 1;
  }
  {
    es::supabase::sandbox::Options so;
    so.pg_url = pg;
    so.schema = schema;
    so.service_key = "sb_secret_bench";
    es::supabase::sandbox::RestServer server(so);
    if (es::Status s = server.Start(0); !s.ok()) return Fail("rest sandbox", s);
    auto transport = es::http::MakeCurlTransport();
    es::supabase::WarehouseConfig rc;
    rc.mode = "rest";
    rc.rest_url = server.base_url();
    rc.service_key = so.service_key;
    rc.schema = schema;
    es::supabase::RestWarehouse rest(rc, *transport, es::SystemClock::Get());
    auto r = MakeRows(rest_n, raw_bytes, 4);
    for (auto& row : r) row.values[1] = "r" + *row.values[1];
    auto via_rest = [&](const std::vector<Row>& rows) -> es::Result<es::supabase::UpsertResult> {
      es::supabase::UpsertResult total;
      for (size_t start = 0; start < rows.size(); start += 1000) {
        std::vector<Row> chunk(rows.begin() + static_cast<std::ptrdiff_t>(start),
                               rows.begin() + static_cast<std::ptrdiff_t>(std::min(start + 1000, rows.size())));
        auto res = rest.Upsert(Table::kOrders, chunk);
        if (!res.ok()) return res.status();
        total.inserted += res->inserted;
        total.updated += res->updated;
        total.unchanged += res->unchanged;
        total.failed += res->failed;
      }
      return total;
    };
    if (run("rest insert (POST 500/req)", r, via_rest, rest_n)) return 1;
    if (run("rest unchanged re-run", r, via_rest, 0)) return 1;
    server.Stop();
  }
  auto count = wh.CountRows(Table::kOrders, "bench/woo");
  const int64_t expected = 2 * static_cast<int64_t>(n) + std::min(n, 20'000) + rest_n;
  if (!count.ok() || *count != expected) {
    std::fprintf(stderr, "error: expected %lld rows, found %lld\n", static_cast<long long>(expected),
                 static_cast<long long>(count.ok() ? *count : -1));
    return 1;
  }
  std::printf("{");
  for (size_t i = 0; i < all.size(); ++i)
    std::printf("%s\"%s\":%.0f", i ? "," : "", all[i].name.c_str(), all[i].rate());
  std::printf("}\n");
  // Leave the server as we found it.
  es::store::postgres::PoolOptions po;
  auto pool = es::store::postgres::ConnectionPool::Open(pg, po);
  if (pool.ok())
    (void)(*pool)->Run(es::store::postgres::CallKind::kIdempotent, "drop bench schema",
                       [&](es::store::postgres::PgSession& s) {
                         return s.Script(("DROP SCHEMA IF EXISTS " + schema + " CASCADE").c_str());
                       });
  return 0;
}
