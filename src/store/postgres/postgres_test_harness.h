// Test support for running the StateStore contract (and PostgreSQL-only
// tests) against the server named by EASYSALE_TEST_PG_URL. Test-only.
//
// Each PgSchema is a fresh schema (es_test_<pid>_<n>_<random>) on that
// server, dropped with everything in it on destruction; its url() points the
// connection's search_path at it, so migrations and queries stay inside it.
// When EASYSALE_TEST_PG_URL is unset, MakePostgresHarnessOrSkip marks the
// current test skipped (GTEST_SKIP) and returns a stand-in harness, so the
// shared fixture's SetUp succeeds and GoogleTest skips the test body.
// Run with the server: scripts/with-postgres.sh ./build/src/store_postgres_test
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/store_test_harness.h"

namespace es::store::postgres {

// EASYSALE_TEST_PG_URL, or "" when unset.
inline std::string TestPgUrl() {
  const char* v = std::getenv("EASYSALE_TEST_PG_URL");
  return v != nullptr ? v : "";
}

inline constexpr const char kNoPgMessage[] =
    "EASYSALE_TEST_PG_URL is not set: PostgreSQL tests skipped (run them with scripts/with-postgres.sh)";

// Skips the current test when there is no test server.
#define ES_REQUIRE_TEST_PG()                                              \
  do {                                                                   \
    if (::es::store::postgres::TestPgUrl().empty()) {                    \
      GTEST_SKIP() << ::es::store::postgres::kNoPgMessage;                \
    }                                                                    \
  } while (0)

// `url` with one more query parameter ("key=value", already encoded).
inline std::string WithUrlParam(const std::string& url, const std::string& key_value) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + key_value;
}

// A plain libpq connection for test set-up and inspection.
class PgAdmin {
 public:
  explicit PgAdmin(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) == CONNECTION_OK) PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgAdmin() { PQfinish(conn_); }
  PgAdmin(const PgAdmin&) = delete;
  PgAdmin& operator=(const PgAdmin&) = delete;

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_); }
  // Runs `sql` (no parameters); the first column of the first row, "" when
  // there is none, or an error message prefixed by "ERROR: ".
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string out;
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      out = "ERROR: " + std::string(PQresultErrorMessage(r));
    } else if (PQntuples(r) > 0 && PQnfields(r) > 0) {
      out = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
    return out;
  }

 private:
  PGconn* conn_;
};

// A fresh, empty schema on the test server for the lifetime of the object.
class PgSchema {
 public:
  PgSchema() : base_url_(TestPgUrl()) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "es_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(rd() % 1000000);
    PgAdmin admin(base_url_);
    EXPECT_TRUE(admin.ok()) << admin.error();
    EXPECT_EQ(admin.Query("CREATE SCHEMA " + name_), "");
  }
  ~PgSchema() {
    PgAdmin admin(base_url_);
    if (admin.ok()) admin.Query("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  const std::string& name() const { return name_; }
  // The test server URL with search_path set to this schema.
  std::string url() const { return WithUrlParam(base_url_, "options=-csearch_path%3D" + name_); }
  // Schema-qualified table name for PgAdmin queries.
  std::string Table(const std::string& table) const { return name_ + "." + table; }

 private:
  std::string base_url_;
  std::string name_;
};

class PostgresSchemaHarness final : public contract::StoreHarness {
 public:
  using Opener = std::function<Result<std::unique_ptr<StateStore>>(const std::string& url)>;
  explicit PostgresSchemaHarness(Opener open = {}) : open_(std::move(open)) {}

  Result<std::unique_ptr<StateStore>> Open() override {
    if (open_) return open_(schema_.url());
    ES_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> s, PostgresStore::Open(schema_.url()));
    ES_RETURN_IF_ERROR(s->Migrate());
    return std::unique_ptr<StateStore>(std::move(s));
  }
  bool persistent() const override { return true; }
  const PgSchema& schema() const { return schema_; }

 private:
  PgSchema schema_;
  Opener open_;
};

// Stands in for a store while a skipped test unwinds; never used for real:
// every call fails (argument checks aside) without touching a database.
class NoDatabase final : public sql::Executor {
 public:
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Status Run(sql::Call, std::string_view, const Body&) override { return Status::Internal(kNoPgMessage); }
  Status Migrate(int64_t) override { return Status::Internal(kNoPgMessage); }
  Result<int> SchemaVersion() override { return Status::Internal(kNoPgMessage); }
};

class SkippedStore final : public sql::SqlStore {
 public:
  SkippedStore() : SqlStore(std::make_unique<NoDatabase>()) {}
};

class SkippedHarness final : public contract::StoreHarness {
 public:
  Result<std::unique_ptr<StateStore>> Open() override { return std::unique_ptr<StateStore>(new SkippedStore()); }
  bool persistent() const override { return false; }
};

inline void SkipWithoutTestPg() { GTEST_SKIP() << kNoPgMessage; }

// A PostgresSchemaHarness, or (no test server) a skip of the current test.
inline std::unique_ptr<contract::StoreHarness> MakePostgresHarnessOrSkip(PostgresSchemaHarness::Opener open = {}) {
  if (TestPgUrl().empty()) {
    SkipWithoutTestPg();
    return std::make_unique<SkippedHarness>();
  }
  return std::make_unique<PostgresSchemaHarness>(std::move(open));
}

}  // namespace es::store::postgres
