#include "store/postgres/pg_conn.h"

#include <charconv>
#include <cstring>

namespace es::store::postgres {
namespace {

// Type OIDs from the server catalogue (pg_type); stable across versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// libpq messages end with a newline and may span lines (with tab-indented
// hints); make them one line with single spaces.
std::string OneLine(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

Params& Params::Text(std::string_view value) {
  values_.push_back({std::string(value), kTextOid});
  return *this;
}

Params& Params::Int(int64_t value) {
  values_.push_back({std::to_string(value), kInt8Oid});
  return *this;
}

Params& Params::Bool(bool value) {
  values_.push_back({value ? "true" : "false", kBoolOid});
  return *this;
}

Params& Params::Bytes(std::string_view value) {
  values_.push_back({std::string(value), kByteaOid, /*binary=*/true});
  return *this;
}

Params& Params::Limit(int limit) {
  if (limit > 0) return Int(limit);
  values_.push_back({std::string(), kInt8Oid, false, /*null=*/true});
  return *this;
}

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int64_t PgResult::affected() const {
  if (r_ == nullptr) return 0;
  const char* n = PQcmdTuples(r_);
  int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::strlen(n), v);
  return v;
}

std::string PgResult::Text(int row, int col) const {
  if (r_ == nullptr || PQgetisnull(r_, row, col)) return {};
  return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
}

int64_t PgResult::Int(int row, int col) const {
  if (r_ == nullptr || PQgetisnull(r_, row, col)) return 0;
  const char* p = PQgetvalue(r_, row, col);
  int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r_, row, col), v);
  return v;
}

bool PgResult::Bool(int row, int col) const {
  if (r_ == nullptr || PQgetisnull(r_, row, col)) return false;
  return PQgetvalue(r_, row, col)[0] == 't';
}

Result<std::string> PgResult::Bytes(int row, int col) const {
  if (r_ == nullptr || PQgetisnull(r_, row, col)) return std::string();
  size_t len = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &len);
  if (raw == nullptr) return Status::Internal("cannot decode bytea column " + std::to_string(col));
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

Status StatusFromSqlState(std::string_view sqlstate, std::string message) {
  std::string code = "pg:" + std::string(sqlstate);
  if (sqlstate == "23505" || sqlstate == "23503") return Status::Conflict(std::move(message), std::move(code));
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return Status::Network("transaction aborted, retry: " + message, std::move(code));
  }
  if (StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return Status::Network("PostgreSQL connection lost: " + message, std::move(code));
  }
  if (StartsWith(sqlstate, "53") || sqlstate == "57014") {
    return Status::Network("PostgreSQL unavailable: " + message, std::move(code));
  }
  if (StartsWith(sqlstate, "22") || sqlstate == "54000") return Status::Validation(std::move(message), std::move(code));
  return Status::Internal(std::move(message), std::move(code));
}

Status ErrorFromResult(const PGresult* res, PGconn* conn, const SecretScrubber& scrub) {
  const bool broken = conn == nullptr || PQstatus(conn) == CONNECTION_BAD;
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message;
  if (primary != nullptr && primary[0] != '\0') {
    message = primary;
  } else if (conn != nullptr) {
    message = PQerrorMessage(conn);
  }
  message = scrub.Scrub(OneLine(message));
  if (message.empty()) message = "unknown PostgreSQL error";
  if (state != nullptr && state[0] != '\0') {
    Status s = StatusFromSqlState(state, message);
    // A statement error on a connection that then died is a connection error.
    if (broken && !s.IsNetwork()) return Status::Network("PostgreSQL connection lost: " + message, s.code());
    return s;
  }
  if (broken) return Status::Network("PostgreSQL connection lost: " + message, "pg:08006");
  return Status::Internal(message);
}

Status ConnectionError(PGconn* conn, std::string_view what, const SecretScrubber& scrub) {
  const std::string detail = conn != nullptr ? OneLine(PQerrorMessage(conn)) : "out of memory";
  std::string msg = std::string(what) + ": " + scrub.Scrub(detail);
  // Connection failures carry no SQLSTATE; tell the ones that retrying
  // cannot fix by their (English) text.
  if (detail.find("authentication failed") != std::string::npos ||
      detail.find("no pg_hba.conf entry") != std::string::npos ||
      detail.find("password") != std::string::npos) {
    return Status::Authentication(std::move(msg), "pg:28000");
  }
  if (detail.find("does not exist") != std::string::npos) return Status::Validation(std::move(msg), "pg:3D000");
  return Status::Network(std::move(msg), "pg:08001");
}

// The four parallel arrays libpq takes for a statement's parameters.
struct WireParams {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  // Validation when a text value holds a NUL byte.
  Status Fill(const Params& params) {
    const size_t n = params.values_.size();
    types.resize(n);
    values.resize(n);
    lengths.resize(n);
    formats.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const Params::Value& v = params.values_[i];
      if (!v.binary && v.data.find('\0') != std::string::npos) {
        return Status::Validation("parameter $" + std::to_string(i + 1) +
                                  " contains a NUL byte, which PostgreSQL text cannot store");
      }
      types[i] = v.type;
      values[i] = v.null ? nullptr : v.data.c_str();
      lengths[i] = static_cast<int>(v.data.size());
      formats[i] = v.binary ? 1 : 0;
    }
    return Status::Ok();
  }
  int size() const { return static_cast<int>(types.size()); }
};

namespace {

// The result of a statement, or its error (the result is then freed).
Result<PGresult*> Checked(PGresult* r, PGconn* conn, const SecretScrubber& scrub) {
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  Status s = ErrorFromResult(r, conn, scrub);
  PQclear(r);
  return s;
}

}  // namespace

Result<PGresult*> ExecRaw(PGconn* conn, const char* sql, const Params& params, const SecretScrubber& scrub) {
  WireParams w;
  ES_RETURN_IF_ERROR(w.Fill(params));
  return Checked(PQexecParams(conn, sql, w.size(), w.types.data(), w.values.data(), w.lengths.data(),
                              w.formats.data(), 0),
                 conn, scrub);
}

Result<PGresult*> ExecPreparedRaw(PGconn* conn, const char* name, const char* prepare_sql, const Params& params,
                                  const SecretScrubber& scrub, bool* prepared) {
  *prepared = false;
  WireParams w;
  ES_RETURN_IF_ERROR(w.Fill(params));
  if (prepare_sql != nullptr) {
    ES_ASSIGN_OR_RETURN(PGresult * p,
                        Checked(PQprepare(conn, name, prepare_sql, w.size(), w.types.data()), conn, scrub));
    PQclear(p);
    *prepared = true;
  }
  return Checked(PQexecPrepared(conn, name, w.size(), w.values.data(), w.lengths.data(), w.formats.data(), 0), conn,
                 scrub);
}

Status ExecScript(PGconn* conn, const char* sql, const SecretScrubber& scrub) {
  // PQexec stops at the first failing statement and returns its result;
  // otherwise the last statement's.
  PGresult* r = PQexec(conn, sql);
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
    PQclear(r);
    return Status::Ok();
  }
  Status s = ErrorFromResult(r, conn, scrub);
  PQclear(r);
  return s;
}

}  // namespace es::store::postgres
