// PgExecutor: runs SqlStore's statements through a ConnectionPool.
//
// A call borrows one pooled connection for its whole body; the pool decides
// transactions and safe re-runs (pg_pool.h: kRead and kIdempotent retried on
// a broken connection, kTransaction only when COMMIT was not sent).
// Catalogue statements are rendered for PostgreSQL once and kept; built
// statements are rendered per use. Result columns are read by type: boolean
// and integer columns as numbers, bytea decoded to raw bytes, the rest text.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/postgres/pg_pool.h"
#include "store/sql/executor.h"

namespace es::store::postgres {

class PgExecutor final : public sql::Executor {
 public:
  explicit PgExecutor(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Status Run(sql::Call kind, std::string_view what, const Body& body) override;
  Status Migrate(int64_t now_ms) override;
  Result<int> SchemaVersion() override;

  ConnectionPool& pool() { return *pool_; }

  // The PostgreSQL text of a catalogue statement (rendered once).
  const std::string& Rendered(const char* neutral);

 private:
  class Session;

  const std::unique_ptr<ConnectionPool> pool_;
  std::mutex mu_;
  std::unordered_map<const char*, std::string> rendered_;  // guarded by mu_; values never move
};

}  // namespace es::store::postgres
