// Small RAII wrappers over the SQLite C API used by SqliteStore.
//
//   Statement  owns one prepared sqlite3_stmt (finalized on destruction).
//   Query      borrows a Statement for one execution: binds parameters, steps,
//              reads columns, and resets + clears the bindings when it goes out
//              of scope so the statement can be reused from a cache.
//   Transaction BEGIN IMMEDIATE … COMMIT, rolled back on destruction unless
//              committed.
//   SqliteError maps an SQLite result code to an es::Status.
//
// Not thread-safe: callers serialise access to the connection (SqliteStore
// holds a mutex). Values are always bound as parameters, never spliced into
// SQL text. Error messages carry SQLite's text (table/column names), never
// bound values, so secrets cannot leak through them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace es::store::sqlite {

// Status for SQLite result code `rc` on `db` (db may be null), prefixed by
// `what`. BUSY/LOCKED map to Network (retryable: the database stayed locked
// past the busy timeout), constraint failures to Conflict, the rest to Internal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Compiles exactly one statement. `persistent` hints SQLite that the
  // statement will be cached and reused.
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql, bool persistent);

  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }

 private:
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  sqlite3_stmt* stmt_ = nullptr;
};

class Query {
 public:
  // `stmt` must outlive the Query. Parameter indexes are 1-based (?1, ?2, …).
  explicit Query(sqlite3_stmt* stmt);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Binders remember the first failure; Step()/Run() report it.
  Query& Text(int index, std::string_view value);
  Query& Blob(int index, std::string_view bytes);
  Query& Int(int index, int64_t value);
  Query& Bool(int index, bool value) { return Int(index, value ? 1 : 0); }

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  Status Run();
  // Rows changed by the last completed Run()/Step() on this connection.
  int64_t Changes() const;

  // Column readers for the current row (0-based). NULL reads as ""/0.
  std::string ColText(int col) const;
  std::string ColBlob(int col) const;
  int64_t ColInt(int col) const;
  bool ColBool(int col) const { return ColInt(col) != 0; }
  bool ColIsNull(int col) const;

 private:
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;  // SQLITE_OK
  int bind_index_ = 0;
};

class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Takes the database write lock (waits up to the busy timeout).
  Status Begin();
  Status Commit();

 private:
  sqlite3* db_;
  bool open_ = false;
};

}  // namespace es::store::sqlite
