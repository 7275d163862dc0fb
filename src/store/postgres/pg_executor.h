// PgExecutor: runs SqlStore's statements through a ConnectionPool.
//
// A call borrows one pooled connection for its whole body; the pool decides
// transactions and safe re-runs (pg_pool.h: kRead and kIdempotent retried on
// a broken connection, kTransaction only when COMMIT was not sent).
// Catalogue statements are rendered for PostgreSQL once, prepared on each
// server session the first time it runs them (named es_<n>) and reused;
// built statements are rendered per use. A session is told apart by its
// backend process id, so a connection re-established by the pool prepares
// again. Result columns are read by type: boolean
// and integer columns as numbers, bytea decoded to raw bytes, the rest text.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
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

  struct Statement {
    std::string sql;   // rendered for PostgreSQL
    std::string name;  // es_<n>
  };
  // The rendered text and statement name of a catalogue statement.
  const Statement& Catalogued(const char* neutral);
  // Whether `name` must still be prepared on this session (marks it prepared).
  bool NeedsPrepare(PGconn* conn, const std::string& name);
  // Forgets that `name` is prepared on this session.
  void Forget(PGconn* conn, const std::string& name);

 private:
  class Session;

  const std::unique_ptr<ConnectionPool> pool_;
  std::mutex mu_;
  std::unordered_map<const char*, Statement> catalogued_;  // guarded by mu_; values never move
  // Statement names prepared per (connection, backend pid); guarded by mu_.
  std::map<std::pair<PGconn*, int>, std::set<std::string>> prepared_;
};

}  // namespace es::store::postgres
