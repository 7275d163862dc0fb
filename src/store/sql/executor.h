// The seam between the shared store code (SqlStore) and a database backend.
//
//   Params   the values of one statement's $1, $2, … in order, typed (text,
//            bigint, boolean, bytes, a LIMIT that may be "none").
//   Rows     a statement's result, read whole: cells by (row, column), and
//            the number of rows an INSERT/UPDATE/DELETE changed.
//   Session  one borrowed connection for the duration of a call; Exec runs
//            one neutral statement (store/sql/dialect.h), rendered and
//            prepared by the backend. Statements named by a `static` string
//            (the query catalogue) are prepared once per connection and
//            reused; Exec of a built string (a multi-row INSERT) prepares it
//            for that one use.
//   Executor how a call runs: kRead and kIdempotent run the body's
//            statements as they come (each its own transaction), kTransaction
//            wraps the body in one transaction. The PostgreSQL executor also
//            re-runs a call whose connection broke when that is safe (see
//            postgres/pg_pool.h); a body must therefore reset what it fills.
//
// Errors are Status values prefixed with the call's name ("put tenant: …"):
// busy/locked, serialization failures and lost connections are Network
// (retryable), unique/foreign-key violations Conflict, bad values Validation.
// Messages never contain bound values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/sql/dialect.h"

namespace es::store::sql {

struct Value {
  enum class Kind { kText, kInt, kBool, kBytes, kNoLimit };
  Kind kind = Kind::kText;
  std::string text;  // kText, kBytes
  int64_t number = 0;  // kInt, kBool (0/1)
};

class Params {
 public:
  Params& Text(std::string_view v);
  Params& Int(int64_t v);
  Params& Bool(bool v);
  Params& Bytes(std::string_view v);
  // A LIMIT: `limit` > 0, else no limit.
  Params& Limit(int limit);

  const std::vector<Value>& values() const { return values_; }
  size_t size() const { return values_.size(); }

 private:
  std::vector<Value> values_;
};

// One result cell; NULL reads as ""/0/false.
struct Cell {
  std::string text;     // text and bytes columns (bytes already decoded)
  int64_t number = 0;   // integer and boolean columns
  bool is_number = false;
};

class Rows {
 public:
  int size() const { return static_cast<int>(cells_.size() / (columns_ == 0 ? 1 : columns_)); }
  bool empty() const { return cells_.empty(); }
  int64_t affected() const { return affected_; }

  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const { return Int(row, col) != 0; }
  const std::string& Bytes(int row, int col) const { return At(row, col).text; }

  // For executors.
  void SetColumns(int n) { columns_ = n; }
  void Add(Cell c) { cells_.push_back(std::move(c)); }
  void SetAffected(int64_t n) { affected_ = n; }

 private:
  const Cell& At(int row, int col) const { return cells_[static_cast<size_t>(row) * columns_ + col]; }
  int columns_ = 0;
  std::vector<Cell> cells_;
  int64_t affected_ = 0;
};

class Session {
 public:
  virtual ~Session() = default;
  // `sql` is neutral SQL; `cached` says it lives as long as the program (a
  // catalogue constant), so its prepared statement may be kept.
  virtual Result<Rows> Exec(std::string_view sql, const Params& params, bool cached) = 0;
  Result<Rows> Exec(const char* catalogue_sql, const Params& params = Params()) {
    return Exec(catalogue_sql, params, true);
  }
  Result<Rows> ExecOnce(const std::string& built_sql, const Params& params) { return Exec(built_sql, params, false); }
};

enum class Call { kRead, kIdempotent, kTransaction };

class Executor {
 public:
  using Body = std::function<Status(Session&)>;
  virtual ~Executor() = default;
  virtual Dialect dialect() const = 0;
  virtual Status Run(Call kind, std::string_view what, const Body& body) = 0;
  // Applies the shared migrations (store/sql/migrations.h) rendered for this
  // dialect; `now_ms` stamps schema_migrations.
  virtual Status Migrate(int64_t now_ms) = 0;
  // Highest applied migration version; 0 when never migrated.
  virtual Result<int> SchemaVersion() = 0;
};

}  // namespace es::store::sql
