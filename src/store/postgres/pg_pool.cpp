#include "store/postgres/pg_pool.h"

#include <cstring>

namespace es::store::postgres {
namespace {

void IgnoreNotice(void*, const char*) {}

// "user@host:port/db" from the parsed URL: enough to say which server, never
// the password.
std::string DescribeTarget(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  PQfreemem(err);
  if (opts == nullptr) return "PostgreSQL";
  std::string user, host, port, db;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::strcmp(o->keyword, "user") == 0) user = o->val;
    if (std::strcmp(o->keyword, "host") == 0) host = o->val;
    if (std::strcmp(o->keyword, "hostaddr") == 0 && host.empty()) host = o->val;
    if (std::strcmp(o->keyword, "port") == 0) port = o->val;
    if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "PostgreSQL at ";
  if (!user.empty()) out += user + "@";
  out += host.empty() ? "localhost" : host;
  if (!port.empty()) out += ":" + port;
  if (!db.empty()) out += "/" + db;
  return out;
}

}  // namespace

Result<PgResult> PgSession::Exec(const char* sql, const Params& params) {
  Result<PgResult> r = ExecParams(conn_, sql, params, scrub_);
  if (!r.ok()) return r.status().WithContext(what_);
  return r;
}

Result<PgResult> PgSession::ExecPrepared(const char* name, const char* prepare_sql, const Params& params,
                                         bool* prepared) {
  Result<PGresult*> r = ExecPreparedRaw(conn_, name, prepare_sql, params, scrub_, prepared);
  if (!r.ok()) return r.status().WithContext(what_);
  return PgResult(*r);
}

Status PgSession::Script(const char* sql) { return ExecScript(conn_, sql, scrub_).WithContext(what_); }

ConnectionPool::ConnectionPool(std::string url, const PoolOptions& options)
    : url_(std::move(url)), scrub_(url_), target_(scrub_.Scrub(DescribeTarget(url_))), options_(options) {}

ConnectionPool::~ConnectionPool() {
  std::lock_guard lock(mu_);
  for (PGconn* c : idle_) PQfinish(c);
  idle_.clear();
}

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& url, const PoolOptions& options) {
  if (!IsPostgresUrl(url)) {
    return Status::Validation("PostgreSQL store URL must start with postgres:// or postgresql://");
  }
  if (url.find('\0') != std::string::npos) return Status::Validation("PostgreSQL store URL contains a NUL byte");
  if (options.max_connections < 1) {
    return Status::Validation("PostgreSQL pool max_connections must be at least 1, got " +
                              std::to_string(options.max_connections));
  }
  const SecretScrubber scrub(url);
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (parsed == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::Validation("invalid PostgreSQL store URL: " + scrub.Scrub(std::move(msg)));
  }
  PQconninfoFree(parsed);
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(url, options));
  ES_ASSIGN_OR_RETURN(PGconn * first, pool->Connect());
  std::lock_guard lock(pool->mu_);
  pool->idle_.push_back(first);
  pool->open_ = 1;
  return pool;
}

Result<PGconn*> ConnectionPool::Connect() {
  const std::string timeout = std::to_string(options_.connect_timeout_s);
  // Settings before "dbname" are defaults: the URL expanded from dbname
  // overrides them.
  // TCP keepalives notice a silently vanished server within about a minute
  // instead of the kernel's two hours (ignored on Unix sockets).
  const char* const keys[] = {"connect_timeout", "application_name", "client_encoding", "keepalives_idle",
                              "keepalives_interval", "keepalives_count", "dbname", nullptr};
  const char* const values[] = {timeout.c_str(), options_.application_name.c_str(), "UTF8", "30", "10", "3",
                                url_.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    Status s = ConnectionError(conn, "cannot connect to " + target_, scrub_);
    PQfinish(conn);
    return s;
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

Result<PGconn*> ConnectionPool::Acquire() {
  PGconn* conn = nullptr;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !idle_.empty() || open_ < options_.max_connections; });
    if (!idle_.empty()) {
      conn = idle_.back();
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (conn == nullptr) {
    Result<PGconn*> made = Connect();
    if (!made.ok()) {
      std::lock_guard lock(mu_);
      --open_;
      cv_.notify_one();
    }
    return made;
  }
  // Read what the server sent while the connection sat idle: a terminated
  // backend's goodbye and EOF mark the connection bad here, before use.
  if (PQstatus(conn) == CONNECTION_OK) PQconsumeInput(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) {
      Status s = ConnectionError(conn, "cannot reconnect to " + target_, scrub_);
      Discard(conn);
      return s;
    }
    ++reconnects_;
  }
  if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
    // A call never leaves a transaction open; be safe anyway.
    (void)ExecScript(conn, "ROLLBACK", scrub_);
  }
  return conn;
}

void ConnectionPool::Release(PGconn* conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(conn);
  cv_.notify_one();
}

void ConnectionPool::Discard(PGconn* conn) {
  PQfinish(conn);
  std::lock_guard lock(mu_);
  --open_;
  cv_.notify_one();
}

int ConnectionPool::open_connections() {
  std::lock_guard lock(mu_);
  return open_;
}

Status ConnectionPool::RunOnce(PGconn* conn, CallKind kind, std::string_view what, const Body& body,
                               bool* commit_sent) {
  PgSession session(conn, what, scrub_);
  if (kind != CallKind::kTransaction) return body(session);
  ES_RETURN_IF_ERROR(session.Script("BEGIN"));
  Status s = body(session);
  if (!s.ok()) {
    if (PQstatus(conn) == CONNECTION_OK) (void)ExecScript(conn, "ROLLBACK", scrub_);
    return s;
  }
  *commit_sent = true;
  PGresult* r = PQexec(conn, "COMMIT");
  if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) {
    Status e = ErrorFromResult(r, conn, scrub_).WithContext(what);
    PQclear(r);
    return e;
  }
  // COMMIT of a transaction that failed earlier answers "ROLLBACK".
  const bool rolled_back = std::strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
  PQclear(r);
  if (rolled_back) return Status::Internal(std::string(what) + ": transaction was rolled back");
  return Status::Ok();
}

Status ConnectionPool::Run(CallKind kind, std::string_view what, const Body& body) {
  for (int attempt = 0;; ++attempt) {
    Result<PGconn*> acquired = Acquire();
    if (!acquired.ok()) return acquired.status().WithContext(what);
    PGconn* conn = *acquired;
    bool commit_sent = false;
    Status s = RunOnce(conn, kind, what, body, &commit_sent);
    const bool broken = PQstatus(conn) != CONNECTION_OK;
    Release(conn);
    if (s.ok() || !broken) return s;
    if (commit_sent) {
      return Status::Network(std::string(what) +
                                 ": connection to PostgreSQL lost during COMMIT; the change may or may not "
                                 "have been applied",
                             "pg:08007");
    }
    if (attempt >= 1) return s;
    // The connection broke before anything could have been committed: run
    // the call once more on a re-established connection.
  }
}

}  // namespace es::store::postgres
