// Opens the configured StateStore implementation from a URL:
//   "postgres://user@host:port/db" or "postgresql://…" → PostgreSQL;
//   "sqlite:///abs/path/state.db", "sqlite://relative.db", a plain file path,
//   or ":memory:" → SQLite.
// Migrations are applied before the store is returned.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace es::store {

Result<std::unique_ptr<StateStore>> OpenStore(const std::string& url);

}  // namespace es::store
