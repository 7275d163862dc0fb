// The state store's schema migrations, one list for every dialect.
//
// Each entry's SQL is neutral (store/sql/dialect.h) and comes from
// src/store/migrations/NNNN_name.sql, compiled into the binary. Rendered()
// gives the list for one dialect, rendered once and kept for the life of the
// program; the backends apply it (sqlite/migrations.h, postgres/migrations.h).
#pragma once

#include <span>

#include "store/sql/dialect.h"

namespace es::store::sql {

struct Migration {
  int version;       // 1, 2, … strictly increasing; never renumbered
  const char* name;  // "init" — file NNNN_<name>.sql
  const char* sql;   // one or more statements
};

// The neutral list, in order.
std::span<const Migration> NeutralMigrations();

// The list rendered for `d` (same versions and names). Thread-safe.
std::span<const Migration> RenderedMigrations(Dialect d);

// "0001_init".
std::string MigrationLabel(const Migration& m);

}  // namespace es::store::sql
