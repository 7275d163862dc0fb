#include "store/sqlite/migrations.h"

#include <sqlite3.h>

#include <string>

#include "store/sqlite/sqlite_stmt.h"

namespace es::store::sqlite {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, what);
  return Status::Ok();
}

Result<bool> IsApplied(sqlite3* db, int version) {
  ES_ASSIGN_OR_RETURN(Statement st,
                      Statement::Prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?1", false));
  Query q(st.get());
  q.Int(1, version);
  return q.Step();
}

std::string Label(const Migration& m) { return sql::MigrationLabel(m); }

Status ApplyOne(sqlite3* db, const Migration& m, int64_t now_ms) {
  ES_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "migration " + Label(m) + ": begin"));
  auto fail = [db](Status s) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  // Re-check inside the write lock: another connection may have applied it.
  Result<bool> applied = IsApplied(db, m.version);
  if (!applied.ok()) return fail(applied.status());
  if (*applied) return Exec(db, "COMMIT", "migration " + Label(m) + ": commit");

  Status s = Exec(db, m.sql, "migration " + Label(m) + " failed");
  if (!s.ok()) return fail(s);
  {
    Result<Statement> st = Statement::Prepare(
        db, "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)", false);
    if (!st.ok()) return fail(st.status());
    Query q(st->get());
    q.Int(1, m.version).Text(2, m.name).Int(3, now_ms);
    s = q.Run();
    if (!s.ok()) return fail(s.WithContext("migration " + Label(m)));
  }
  s = Exec(db, "COMMIT", "migration " + Label(m) + ": commit");
  if (!s.ok()) return fail(s);
  return Status::Ok();
}

}  // namespace

std::span<const Migration> SqliteMigrations() { return sql::RenderedMigrations(sql::Dialect::kSqlite); }

Result<int> AppliedSchemaVersion(sqlite3* db) {
  {
    ES_ASSIGN_OR_RETURN(
        Statement st,
        Statement::Prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                           false));
    Query q(st.get());
    ES_ASSIGN_OR_RETURN(bool exists, q.Step());
    if (!exists) return 0;
  }
  ES_ASSIGN_OR_RETURN(Statement st,
                      Statement::Prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", false));
  Query q(st.get());
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? static_cast<int>(q.ColInt(0)) : 0;
}

Status ApplyMigrations(sqlite3* db, std::span<const Migration> migrations, int64_t now_ms) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return Status::Internal("migrations out of order at version " + std::to_string(migrations[i].version));
    }
  }
  ES_RETURN_IF_ERROR(Exec(db, kCreateMigrationsTable, "create schema_migrations"));
  ES_ASSIGN_OR_RETURN(int current, AppliedSchemaVersion(db));
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return Status::Internal("state store schema version " + std::to_string(current) +
                            " is newer than this binary supports (" + std::to_string(newest) +
                            "); upgrade easysale-sync");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) {
      // Cheap pre-check without the write lock; ApplyOne re-checks under it.
      ES_ASSIGN_OR_RETURN(bool applied, IsApplied(db, m.version));
      if (applied) continue;
    }
    ES_RETURN_IF_ERROR(ApplyOne(db, m, now_ms));
  }
  return Status::Ok();
}

}  // namespace es::store::sqlite
