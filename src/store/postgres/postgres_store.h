// PostgresStore: the StateStore on a PostgreSQL database (SPEC F18: the
// production store that several worker processes can share). The methods
// are SqlStore's (store/sql/sql_store.h); this class opens the pool and runs
// statements through it (PgExecutor).
//
// Contract (in addition to store/store.h):
// - Open(url) takes a postgres:// or postgresql:// URL (libpq syntax: user,
//   password, host, port, database, and query settings such as sslmode or
//   options=-csearch_path%3Dmy_schema), checks it and connects once, but does
//   not migrate: call Migrate() before use (OpenStore does). Tables live in
//   the first schema of the connection's search_path.
// - Thread-safety: every method may be called from any thread. A small pool
//   (PostgresOptions::max_connections, default 4) lets that many calls run
//   at once; more wait for a free connection. Any number of PostgresStore
//   objects and processes may share one database: row-level locking and
//   single-statement upserts keep every method atomic, and Migrate()
//   serialises concurrent migrators with an advisory lock.
// - Durability: every method is one transaction (a single statement, or
//   BEGIN … COMMIT), committed before it returns. The webhook claim locks
//   its candidate rows with FOR UPDATE SKIP LOCKED, so claimers in any
//   process skip each other's rows instead of waiting or overlapping.
// - Connection loss: a broken connection is re-established and the call run
//   once more when that cannot apply a change twice (see pg_pool.h); else the
//   call fails with a retryable Network status. Serialization failures and
//   deadlocks are Network too; unique/foreign-key violations are Conflict.
// - Status messages never contain the password from the URL.
// - Timestamps are the caller's (the *_ms fields); the store never reads a
//   clock except to stamp schema_migrations.applied_at_ms.
// - List limits: a limit <= 0 means "no limit". Text ordering (ties in lists,
//   connections by id) is by bytes (COLLATE "C"), as in SQLite.
// - Text values must not contain NUL bytes (PostgreSQL text cannot hold them):
//   Validation. Invalid UTF-8 is refused with Validation. Connection secrets
//   are BYTEA and may hold any bytes.
// - Required keys (tenant ids, connection ids, entity, source_id, run ids, lock
//   key/owner) must be non-empty, else Validation naming the field.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_executor.h"
#include "store/sql/sql_store.h"

namespace es::store::postgres {

// Pool size, connect timeout and application_name (see pg_pool.h).
using PostgresOptions = PoolOptions;

class PostgresStore final : public sql::SqlStore {
 public:
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url);
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, const PostgresOptions& options);

  // Connections the pool holds open right now (for tests and metrics).
  int TEST_open_connections() { return pg_.pool().open_connections(); }
  // Broken connections re-established so far.
  int64_t TEST_reconnects() { return pg_.pool().reconnects(); }

 private:
  PostgresStore(std::unique_ptr<PgExecutor> exec, PgExecutor& pg) : SqlStore(std::move(exec)), pg_(pg) {}
  PgExecutor& pg_;  // owned by SqlStore
};

}  // namespace es::store::postgres
