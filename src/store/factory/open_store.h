// Opens the configured StateStore implementation from a URL:
//   "postgres://user@host:port/db" or "postgresql://…" → PostgreSQL;
//   "sqlite:///abs/path/state.db", "sqlite://relative.db", a plain file path,
//   or ":memory:" → SQLite.
// Migrations are applied before the store is returned. A SQLite file, its
// -wal/-shm and any directory created for it are the owner's only (0600 /
// 0700; an existing file readable by others is narrowed to 0600).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace es::store {

Result<std::unique_ptr<StateStore>> OpenStore(const std::string& url);

}  // namespace es::store
