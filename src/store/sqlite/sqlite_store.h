// SqliteStore: the StateStore on one SQLite database file (or ":memory:").
// The methods are SqlStore's (store/sql/sql_store.h); this class opens the
// database and runs statements through one connection (SqliteExecutor).
//
// Contract (in addition to store/store.h and store/sql/sql_store.h):
// - Open() configures the connection (WAL journal, busy_timeout 5000 ms,
//   foreign_keys on, synchronous NORMAL unless SqliteOptions::full_sync) but
//   does not migrate: call Migrate() before use (OpenStore does).
// - Durability: every method is one transaction, committed before it returns.
//   With WAL + synchronous=NORMAL a commit survives the process dying at any
//   moment (kill -9, crash, OOM kill) because the WAL write has reached the OS;
//   on power loss or an OS crash the most recent commits may roll back, always
//   as a suffix (never a cursor without the mapping committed before it).
//   full_sync (synchronous=FULL) fsyncs the WAL on every commit and closes
//   that window at the cost of one fsync per write.
// - Thread-safety: all methods may be called from any thread; one mutex
//   serialises use of the single connection. Several SqliteStore objects (or
//   processes) on the same file are safe too: multi-statement calls take the
//   database lock with BEGIN IMMEDIATE and wait up to the busy timeout, after
//   which the call fails with a retryable Network status.
// - Prepared statements are cached on the connection and reused.
#pragma once

#include <memory>
#include <string>

#include "store/sql/sql_store.h"

namespace es::store::sqlite {

struct SqliteOptions {
  bool full_sync = false;       // synchronous=FULL instead of NORMAL
  int busy_timeout_ms = 5000;   // how long a writer waits for the file lock
};

class SqliteStore final : public sql::SqlStore {
 public:
  // Opens or creates the database at `path` (":memory:" for a private
  // in-memory database). The parent directory must exist.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, const SqliteOptions& options);

 private:
  using SqlStore::SqlStore;
};

}  // namespace es::store::sqlite
