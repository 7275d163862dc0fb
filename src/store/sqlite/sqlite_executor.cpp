#include "store/sqlite/sqlite_executor.h"

#include <sqlite3.h>

#include "store/sqlite/migrations.h"

namespace es::store::sqlite {

class SqliteExecutor::Session final : public sql::Session {
 public:
  Session(sqlite3* db, std::unordered_map<const char*, Statement>& cache) : db_(db), cache_(cache) {}

  Result<sql::Rows> Exec(std::string_view neutral, const sql::Params& params, bool cached) override {
    Statement once;
    sqlite3_stmt* st = nullptr;
    if (cached) {
      auto it = cache_.find(neutral.data());
      if (it == cache_.end()) {
        ES_ASSIGN_OR_RETURN(Statement prepared,
                            Statement::Prepare(db_, sql::Render(neutral, sql::Dialect::kSqlite), true));
        it = cache_.emplace(neutral.data(), std::move(prepared)).first;
      }
      st = it->second.get();
    } else {
      ES_ASSIGN_OR_RETURN(once, Statement::Prepare(db_, sql::Render(neutral, sql::Dialect::kSqlite), false));
      st = once.get();
    }
    Query q(st);
    int index = 0;
    for (const sql::Value& v : params.values()) {
      ++index;
      switch (v.kind) {
        case sql::Value::Kind::kText: q.Text(index, v.text); break;
        case sql::Value::Kind::kBytes: q.Blob(index, v.text); break;
        case sql::Value::Kind::kInt:
        case sql::Value::Kind::kBool: q.Int(index, v.number); break;
        case sql::Value::Kind::kNoLimit: q.Int(index, -1); break;
      }
    }
    sql::Rows rows;
    const int columns = sqlite3_column_count(st);
    rows.SetColumns(columns);
    while (true) {
      ES_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      for (int c = 0; c < columns; ++c) {
        sql::Cell cell;
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_INTEGER:
            cell.number = q.ColInt(c);
            cell.is_number = true;
            break;
          case SQLITE_NULL: break;
          case SQLITE_BLOB: cell.text = q.ColBlob(c); break;
          default: cell.text = q.ColText(c);
        }
        rows.Add(std::move(cell));
      }
    }
    if (!sqlite3_stmt_readonly(st)) rows.SetAffected(q.Changes());
    return rows;
  }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, Statement>& cache_;
};

SqliteExecutor::~SqliteExecutor() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status SqliteExecutor::Run(sql::Call kind, std::string_view what, const Body& body) {
  std::lock_guard lock(mu_);
  Session session(db_, cache_);
  if (kind != sql::Call::kTransaction) return body(session).WithContext(what);
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext(what));
  ES_RETURN_IF_ERROR(body(session).WithContext(what));
  return txn.Commit().WithContext(what);
}

Status SqliteExecutor::Migrate(int64_t now_ms) {
  std::lock_guard lock(mu_);
  return ApplyMigrations(db_, SqliteMigrations(), now_ms);
}

Result<int> SqliteExecutor::SchemaVersion() {
  std::lock_guard lock(mu_);
  return AppliedSchemaVersion(db_);
}

}  // namespace es::store::sqlite
