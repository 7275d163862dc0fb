// SQL side of the Supabase REST sandbox: catalogue lookups, PostgREST query
// string → SQL (select lists, filters, order), and statement execution that
// keeps the server's SQLSTATE, message, detail and hint for the error body.
// Values always travel as parameters; identifiers come from the catalogue
// and are quoted. Thread-safe (the pool is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_pool.h"

namespace es::supabase::sandbox {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type(): "numeric(15,2)", "timestamp with time zone", …
  bool generated_always = false;
};

struct TableInfo {
  std::string schema;
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  const ColumnInfo* Find(const std::string& column) const;
  std::string Qualified() const;  // "\"schema\".\"table\""
};

// A PostgREST-shaped failure: HTTP status, code (SQLSTATE or PGRSTxxx), text.
struct RestError {
  int http = 400;
  std::string code;
  std::string message;
  std::string details;
  std::string hint;
};

using SqlParams = std::vector<std::optional<std::string>>;
using SqlRows = std::vector<std::vector<std::optional<std::string>>>;

struct DbResult {
  std::optional<RestError> error;
  SqlRows rows;
  int64_t affected = 0;
};

class Db {
 public:
  explicit Db(store::postgres::ConnectionPool& pool) : pool_(pool) {}
  // The table, or std::nullopt when it does not exist; RestError 503 when
  // the database cannot be reached.
  std::optional<TableInfo> Describe(const std::string& schema, const std::string& table, std::optional<RestError>* err);
  // Runs one statement (inside BEGIN … COMMIT when `transaction`).
  DbResult Run(const std::string& sql, const SqlParams& params, bool transaction);

 private:
  store::postgres::ConnectionPool& pool_;
};

// "a,b" / "*" → a quoted select list (json keys = column names).
std::optional<RestError> SelectList(const TableInfo& t, const std::string& select, std::string* out);
// Filters (every query parameter that is not a reserved word) → " WHERE …".
std::optional<RestError> WhereClause(const TableInfo& t, const std::vector<std::pair<std::string, std::string>>& filters,
                                     SqlParams* params, std::string* out);
// "a.asc,b.desc.nullslast" → " ORDER BY …".
std::optional<RestError> OrderClause(const TableInfo& t, const std::string& order, std::string* out);
// "a,b" or "\"a\",\"b\"" → column names, each checked against the table.
std::optional<RestError> ColumnList(const TableInfo& t, const std::string& list, std::vector<std::string>* out);

// The error of a missing table / column, as PostgREST words them.
RestError TableNotFound(const std::string& schema, const std::string& table);
RestError ColumnNotFound(const std::string& table, const std::string& column);

}  // namespace es::supabase::sandbox
