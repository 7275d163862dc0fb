#include "store/postgres/migrations.h"

#include <string>

namespace es::store::postgres {
namespace {

constexpr const char kLock[] = "SELECT pg_advisory_xact_lock($1)";
constexpr const char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";
constexpr const char kTableExists[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr const char kMaxVersion[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr const char kIsApplied[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
constexpr const char kRecord[] = "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)";

std::string Label(const Migration& m) { return sql::MigrationLabel(m); }

// Inside a transaction: takes the migration lock and makes sure the
// schema_migrations table exists. The lock is released at COMMIT/ROLLBACK.
Status LockAndPrepare(PgSession& s) {
  ES_RETURN_IF_ERROR(s.Exec(kLock, Params().Int(kMigrationLockKey)).status());
  return s.Script(kCreateMigrationsTable);
}

}  // namespace

std::span<const Migration> PostgresMigrations() { return sql::RenderedMigrations(sql::Dialect::kPostgres); }

Result<int> AppliedSchemaVersion(ConnectionPool& pool) {
  int version = 0;
  ES_RETURN_IF_ERROR(pool.Run(CallKind::kRead, "read schema version", [&](PgSession& s) -> Status {
    version = 0;
    ES_ASSIGN_OR_RETURN(PgResult exists, s.Exec(kTableExists));
    if (exists.rows() == 0 || !exists.Bool(0, 0)) return Status::Ok();
    ES_ASSIGN_OR_RETURN(PgResult max, s.Exec(kMaxVersion));
    version = max.rows() > 0 ? static_cast<int>(max.Int(0, 0)) : 0;
    return Status::Ok();
  }));
  return version;
}

Status ApplyMigrations(ConnectionPool& pool, std::span<const Migration> migrations, int64_t now_ms) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return Status::Internal("migrations out of order at version " + std::to_string(migrations[i].version));
    }
  }
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  int current = 0;
  ES_RETURN_IF_ERROR(pool.Run(CallKind::kTransaction, "create schema_migrations", [&](PgSession& s) -> Status {
    ES_RETURN_IF_ERROR(LockAndPrepare(s));
    ES_ASSIGN_OR_RETURN(PgResult max, s.Exec(kMaxVersion));
    current = static_cast<int>(max.Int(0, 0));
    return Status::Ok();
  }));
  if (current > newest) {
    return Status::Internal("state store schema version " + std::to_string(current) +
                            " is newer than this binary supports (" + std::to_string(newest) +
                            "); upgrade easysale-sync");
  }
  for (const Migration& m : migrations) {
    const std::string what = "migration " + Label(m);
    ES_RETURN_IF_ERROR(pool.Run(CallKind::kTransaction, what, [&](PgSession& s) -> Status {
      ES_RETURN_IF_ERROR(LockAndPrepare(s));
      // Under the lock: another process may have applied it meanwhile.
      ES_ASSIGN_OR_RETURN(PgResult applied, s.Exec(kIsApplied, Params().Int(m.version)));
      if (applied.rows() > 0) return Status::Ok();
      Status st = ExecScript(s.conn(), m.sql, pool.scrubber());
      if (!st.ok()) return st.WithContext(what + " failed");
      return s.Exec(kRecord, Params().Int(m.version).Text(m.name).Int(now_ms)).status();
    }));
  }
  return Status::Ok();
}

}  // namespace es::store::postgres
