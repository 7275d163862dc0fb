// Versioned schema migrations for the PostgreSQL state store.
//
// The migrations are the shared list of store/sql/migrations.h rendered for
// PostgreSQL (same versions and logical schema as in SQLite). ApplyMigrations creates schema_migrations when
// missing, then applies every listed migration whose version is not yet
// recorded, in ascending order, each in its own transaction together with its
// schema_migrations row (PostgreSQL DDL is transactional: a failing migration
// leaves the database at the previous version). Every such transaction first
// takes a transaction-level advisory lock (pg_advisory_xact_lock), so
// processes migrating the same database at once are serialised and each
// version is applied exactly once. Applying twice is a no-op. A database
// whose recorded version is newer than the newest listed migration is
// refused. Tables are created in the first schema of the search_path.
// Thread-safe (runs through the pool).
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"
#include "store/postgres/pg_pool.h"
#include "store/sql/migrations.h"

namespace es::store::postgres {

using Migration = sql::Migration;

// The advisory lock key every migrator takes ("ESYNCMIG").
inline constexpr int64_t kMigrationLockKey = 0x4553594E434D4947;

// The migrations shipped with this binary, in order.
std::span<const Migration> PostgresMigrations();

// Applies pending `migrations` (must be sorted by version). `now_ms` is
// recorded as applied_at_ms.
Status ApplyMigrations(ConnectionPool& pool, std::span<const Migration> migrations, int64_t now_ms);

// Highest applied version; 0 for a database that was never migrated.
Result<int> AppliedSchemaVersion(ConnectionPool& pool);

}  // namespace es::store::postgres
