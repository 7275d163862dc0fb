// SqliteExecutor: runs SqlStore's statements on one SQLite connection.
//
// Owns the sqlite3 handle (closed on destruction). One mutex serialises every
// call. kRead and kIdempotent calls run their statements in autocommit;
// kTransaction wraps the body in BEGIN IMMEDIATE … COMMIT (rolled back when
// the body fails). Catalogue statements are rendered for SQLite and prepared
// once, then reused (cache keyed by the catalogue string's address); built
// statements are prepared per use. A NoLimit parameter binds -1.
#pragma once

#include <mutex>
#include <unordered_map>

#include "store/sql/executor.h"
#include "store/sqlite/sqlite_stmt.h"

namespace es::store::sqlite {

class SqliteExecutor final : public sql::Executor {
 public:
  explicit SqliteExecutor(sqlite3* db) : db_(db) {}
  ~SqliteExecutor() override;
  SqliteExecutor(const SqliteExecutor&) = delete;
  SqliteExecutor& operator=(const SqliteExecutor&) = delete;

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Status Run(sql::Call kind, std::string_view what, const Body& body) override;
  Status Migrate(int64_t now_ms) override;
  Result<int> SchemaVersion() override;

 private:
  class Session;

  std::mutex mu_;
  sqlite3* const db_;                                  // owned; used only under mu_
  std::unordered_map<const char*, Statement> cache_;   // guarded by mu_
};

}  // namespace es::store::sqlite
