// ConnectionPool: a few libpq connections shared by the threads of one
// PostgresStore, and the one place that decides how a store call runs.
//
// Ownership: the pool owns its PGconn objects; a call borrows one for its
// whole duration (so a transaction never hops connections) and gives it back.
// At most `max_connections` are open; further callers wait on a condition
// variable. Connections are made on demand (Open makes the first one, so a
// wrong URL or an unreachable server fails at once).
//
// Thread-safety: Run may be called from any number of threads at once.
// The pool must outlive every call in progress.
//
// Reconnection: before a borrowed connection is used, input the server sent
// while it was idle is consumed; a connection found broken is re-established
// with PQreset. When a call fails because its connection broke, it is run
// once more on a re-established connection if that is known to be safe:
//   kRead         reads only                       → always retried
//   kIdempotent   one statement that a repeat does
//                 not change (upsert, delete by key) → always retried
//   kTransaction  BEGIN … COMMIT around the body    → retried only when the
//                 connection broke before COMMIT was sent (the server then
//                 rolled the transaction back); a break during COMMIT is a
//                 Network error saying the outcome is unknown.
// Failures are Status values (see pg_conn.h for the mapping); the password
// in the URL never appears in them.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_url.h"

namespace es::store::postgres {

struct PoolOptions {
  int max_connections = 4;     // >= 1
  int connect_timeout_s = 10;  // libpq connect_timeout (a URL setting wins)
  std::string application_name = "easysale-sync";  // a URL setting wins
};

enum class CallKind { kRead, kIdempotent, kTransaction };

// The connection borrowed by one call. Statement failures come back prefixed
// with the call's name ("put tenant: …").
class PgSession {
 public:
  Result<PgResult> Exec(const char* sql, const Params& params = Params());
  Result<PgResult> Exec(const std::string& sql, const Params& params = Params()) {
    return Exec(sql.c_str(), params);
  }
  // Runs the statement prepared on this connection as `name`, preparing it
  // from `prepare_sql` first when that is not null (see ExecPreparedRaw).
  Result<PgResult> ExecPrepared(const char* name, const char* prepare_sql, const Params& params, bool* prepared);
  // Parameterless SQL, possibly several statements.
  Status Script(const char* sql);
  PGconn* conn() const { return conn_; }

 private:
  friend class ConnectionPool;
  PgSession(PGconn* conn, std::string_view what, const SecretScrubber& scrub)
      : conn_(conn), what_(what), scrub_(scrub) {}
  PGconn* conn_;
  std::string_view what_;
  const SecretScrubber& scrub_;
};

class ConnectionPool {
 public:
  using Body = std::function<Status(PgSession&)>;

  // `url` must be a postgres:// or postgresql:// URL. Connects once.
  static Result<std::unique_ptr<ConnectionPool>> Open(const std::string& url, const PoolOptions& options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs `body` as one call named `what` (see the retry rules above). The
  // body may run twice; it must reset any output it fills.
  Status Run(CallKind kind, std::string_view what, const Body& body);

  const SecretScrubber& scrubber() const { return scrub_; }
  // "user@host:port/db" of the server, for messages (never the password).
  const std::string& target() const { return target_; }
  // Connections currently open (idle or borrowed). For tests and metrics.
  int open_connections();
  // Connections re-established after they broke, since Open.
  int64_t reconnects() const { return reconnects_.load(); }

 private:
  ConnectionPool(std::string url, const PoolOptions& options);

  Result<PGconn*> Connect();
  // Borrows a healthy connection (reconnecting a broken one) or fails.
  Result<PGconn*> Acquire();
  void Release(PGconn* conn);
  void Discard(PGconn* conn);
  // One attempt; sets *commit_sent once COMMIT has been sent.
  Status RunOnce(PGconn* conn, CallKind kind, std::string_view what, const Body& body, bool* commit_sent);

  // Constant after construction.
  const std::string url_;
  const SecretScrubber scrub_;
  const std::string target_;  // scrubbed: a mistyped URL can put password text in the host
  const PoolOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;  // guarded by mu_
  int open_ = 0;               // guarded by mu_: idle + borrowed + being made
  std::atomic<int64_t> reconnects_{0};
};

}  // namespace es::store::postgres
