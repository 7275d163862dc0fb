// Thin RAII helpers over libpq used by PostgresStore.
//
//   Params     the values of one statement's $1, $2, … in order, each with an
//              explicit type (text, bigint, boolean, bytea) so the server
//              never has to guess; bytea travels in binary.
//   PgResult   owns one PGresult; typed column readers for text results.
//   ExecParams runs one parameterised statement (extended protocol: values
//              are never spliced into SQL); ExecScript runs parameterless SQL
//              (BEGIN, COMMIT, migration files) with the simple protocol.
//   StatusFromSqlState / ErrorFromResult map server errors to Status.
//
// Error mapping (code is "pg:<SQLSTATE>"):
//   23505 unique violation, 23503 foreign key violation   → Conflict
//   40001 serialization failure, 40P01 deadlock,
//   class 08 / 57P01-57P03 / a broken connection,
//   class 53 (insufficient resources), 57014 (cancelled)  → Network (retryable)
//   class 22 (data exception, e.g. invalid UTF-8), 54000  → Validation
//   everything else                                       → Internal
// Messages carry the server's primary message only (never DETAIL, which may
// echo row values) and pass through the SecretScrubber, so the password from
// the URL cannot appear in them. Not thread-safe: one PGconn per thread.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_url.h"

namespace es::store::postgres {

class Params {
 public:
  Params& Text(std::string_view value);
  Params& Int(int64_t value);
  Params& Bool(bool value);
  Params& Bytes(std::string_view value);
  // A bigint LIMIT: `limit` > 0, else NULL (no limit).
  Params& Limit(int limit);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend struct WireParams;  // pg_conn.cpp: the arrays libpq takes
  struct Value {
    std::string data;
    Oid type;
    bool binary = false;
    bool null = false;
  };
  std::vector<Value> values_;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const { return r_ == nullptr ? 0 : PQntuples(r_); }
  int columns() const { return r_ == nullptr ? 0 : PQnfields(r_); }
  // The column's type OID (pg_type), e.g. 16 boolean, 17 bytea, 20 bigint.
  Oid type(int col) const { return r_ == nullptr ? 0 : PQftype(r_, col); }
  bool IsNull(int row, int col) const { return r_ == nullptr || PQgetisnull(r_, row, col); }
  // Rows changed by INSERT/UPDATE/DELETE (0 for other statements).
  int64_t affected() const;

  // Column readers (0-based). NULL reads as ""/0/false.
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  // A bytea column in the server's text output (hex or escape format).
  Result<std::string> Bytes(int row, int col) const;

 private:
  PGresult* r_ = nullptr;
};

// Category for a server SQLSTATE (see the table above); `message` is used as is.
Status StatusFromSqlState(std::string_view sqlstate, std::string message);

// Status for a failed statement: from the result's SQLSTATE when there is
// one, else from the connection (a broken connection is Network).
Status ErrorFromResult(const PGresult* res, PGconn* conn, const SecretScrubber& scrub);

// Status for a connection that could not be established or re-established.
Status ConnectionError(PGconn* conn, std::string_view what, const SecretScrubber& scrub);

// Runs one parameterised statement; the caller owns the returned result.
Result<PGresult*> ExecRaw(PGconn* conn, const char* sql, const Params& params, const SecretScrubber& scrub);

// Runs the statement prepared on `conn` as `name`; when `prepare_sql` is not
// null, prepares it first (PQprepare, with the parameter types of `params`).
// A prepared statement lives as long as the server session. `*prepared` is
// set when the statement was prepared by this call.
Result<PGresult*> ExecPreparedRaw(PGconn* conn, const char* name, const char* prepare_sql, const Params& params,
                                  const SecretScrubber& scrub, bool* prepared);

inline Result<PgResult> ExecParams(PGconn* conn, const char* sql, const Params& params,
                                   const SecretScrubber& scrub) {
  ES_ASSIGN_OR_RETURN(PGresult * r, ExecRaw(conn, sql, params, scrub));
  return PgResult(r);
}

// Runs parameterless SQL, possibly several statements (simple query protocol).
Status ExecScript(PGconn* conn, const char* sql, const SecretScrubber& scrub);

}  // namespace es::store::postgres
