#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include "store/sqlite/sqlite_executor.h"

namespace es::store::sqlite {
namespace {

Status PragmaExec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) { return Open(path, SqliteOptions{}); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, const SqliteOptions& options) {
  if (path.empty()) return Status::Validation("sqlite store path is empty");
  if (path.find('\0') != std::string::npos) return Status::Validation("sqlite store path contains a NUL byte");
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open state store '" + path + "'");
    sqlite3_close_v2(db);
    return s;
  }
  auto exec = std::make_unique<SqliteExecutor>(db);  // owns db from here
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  {
    // WAL lets readers proceed during a write; an in-memory database answers
    // "memory", which is fine.
    ES_ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db, "PRAGMA journal_mode = WAL", false));
    Query q(st.get());
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    std::string mode = row ? q.ColText(0) : "";
    if (mode != "wal" && mode != "memory") {
      return Status::Internal("state store '" + path + "': cannot enable WAL journal (got '" + mode + "')");
    }
  }
  ES_RETURN_IF_ERROR(PragmaExec(db, options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  ES_RETURN_IF_ERROR(PragmaExec(db, "PRAGMA foreign_keys = ON"));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(exec)));
}

}  // namespace es::store::sqlite
