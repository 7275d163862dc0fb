#include "store/sqlite/sqlite_stmt.h"

#include <sqlite3.h>

#include <utility>

namespace es::store::sqlite {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  // sqlite3_errmsg describes the most recent failure on `db`; fall back to the
  // generic text for the code when there is no handle or it disagrees.
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)) {
    msg += sqlite3_errmsg(db);
  } else {
    msg += sqlite3_errstr(rc);
  }
  const std::string code = "sqlite:" + std::to_string(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Network("state store busy: " + msg, code);
    case SQLITE_CONSTRAINT:
      return Status::Conflict(msg, code);
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return Status::Validation(msg, code);
    default:
      return Status::Internal(msg, code);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(db, rc, "prepare");
  }
  Statement st(raw);
  if (raw == nullptr) return Status::Internal("prepare: empty SQL statement");
  // Reject trailing statements: one Statement is exactly one SQL statement.
  for (const char* p = tail; p != nullptr && p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      return Status::Internal("prepare: more than one SQL statement in one Statement");
    }
  }
  return st;
}

Query::Query(sqlite3_stmt* stmt) : stmt_(stmt) {}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::Text(int index, std::string_view value) {
  if (bind_rc_ == SQLITE_OK) {
    // An empty view may have a null data(); SQLite would bind NULL then.
    const char* data = value.data() != nullptr ? value.data() : "";
    bind_rc_ = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    bind_index_ = index;
  }
  return *this;
}

Query& Query::Blob(int index, std::string_view bytes) {
  if (bind_rc_ == SQLITE_OK) {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    bind_rc_ = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
    bind_index_ = index;
  }
  return *this;
}

Query& Query::Int(int index, int64_t value) {
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = sqlite3_bind_int64(stmt_, index, value);
    bind_index_ = index;
  }
  return *this;
}

Result<bool> Query::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return SqliteError(nullptr, bind_rc_, "bind parameter " + std::to_string(bind_index_));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(stmt_), rc, "step");
}

Status Query::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

int64_t Query::Changes() const { return sqlite3_changes64(sqlite3_db_handle(stmt_)); }

std::string Query::ColText(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string Query::ColBlob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) return {};
  return std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

int64_t Query::ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Query::ColIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::Begin() {
  int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "begin transaction");
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "commit");  // destructor rolls back
  open_ = false;
  return Status::Ok();
}

}  // namespace es::store::sqlite
