// Versioned schema migrations for the SQLite state store.
//
// The migrations are the shared list of store/sql/migrations.h rendered for
// SQLite. ApplyMigrations creates the
// schema_migrations table when missing, then applies every listed migration
// whose version is not yet recorded, in ascending order, each in its own
// IMMEDIATE transaction together with its schema_migrations row: a failing
// migration leaves the database at the previous version. Applying twice is a
// no-op. A database whose recorded version is newer than the newest listed
// migration is refused (an older binary must not write a newer schema).
// Not thread-safe on one connection; concurrent migrators on separate
// connections are serialised by the database write lock.
#pragma once

#include <span>

#include "common/status.h"
#include "store/sql/migrations.h"

struct sqlite3;

namespace es::store::sqlite {

using Migration = sql::Migration;

// The migrations shipped with this binary, in order.
std::span<const Migration> SqliteMigrations();

// Applies pending `migrations` (must be sorted by version) on `db`.
// `now_ms` is recorded as applied_at_ms.
Status ApplyMigrations(sqlite3* db, std::span<const Migration> migrations, int64_t now_ms);

// Highest applied version; 0 for a database that was never migrated.
Result<int> AppliedSchemaVersion(sqlite3* db);

}  // namespace es::store::sqlite
