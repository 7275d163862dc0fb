// PostgresStore: sync runs, record results, the failed queue, cursors and run
// locks. See postgres_store.h for the contract.
#include <limits>
#include <set>
#include <utility>

#include "common/clock.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_util.h"

namespace es::store::postgres {
namespace {

constexpr const char kCreateRun[] =
    "INSERT INTO sync_runs (tenant_id, id, source_connection, target_connection, entities, mode, dry_run, "
    "status, counts, count_fetched, count_created, count_updated, count_skipped, count_failed, error, "
    "triggered_by, started_at_ms, finished_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
constexpr const char kUpdateRun[] =
    "UPDATE sync_runs SET source_connection = $3, target_connection = $4, entities = $5, mode = $6, "
    "dry_run = $7, status = $8, counts = $9, count_fetched = $10, count_created = $11, count_updated = $12, "
    "count_skipped = $13, count_failed = $14, error = $15, triggered_by = $16, started_at_ms = $17, "
    "finished_at_ms = $18 WHERE tenant_id = $1 AND id = $2";
#define ES_RUN_COLUMNS                                                                                  \
  "tenant_id, id, source_connection, target_connection, entities, mode, dry_run, status, counts, "     \
  "count_fetched, count_created, count_updated, count_skipped, count_failed, error, triggered_by, "     \
  "started_at_ms, finished_at_ms"
constexpr const char kGetRun[] = "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = $1 AND id = $2";
constexpr const char kListRuns[] =
    "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = $1 AND ($2 = '' OR status = $2) "
    "AND started_at_ms >= $3 AND ($4 = 0 OR started_at_ms < $4) "
    "ORDER BY started_at_ms DESC, id COLLATE \"C\" DESC LIMIT $5";
#undef ES_RUN_COLUMNS

constexpr const char kRunExists[] = "SELECT 1 FROM sync_runs WHERE tenant_id = $1 AND id = $2";
constexpr const char kAddResultsHead[] =
    "INSERT INTO record_results (tenant_id, run_id, entity, source_id, action, target_id, message, duration_us, "
    "at_ms) VALUES ";
constexpr int kResultColumns = 9;
// Rows per INSERT: keeps a statement well under the 65535-parameter limit.
constexpr size_t kResultsPerStatement = 500;
constexpr const char kListResults[] =
    "SELECT run_id, tenant_id, entity, source_id, action, target_id, message, duration_us, at_ms "
    "FROM record_results WHERE tenant_id = $1 AND run_id = $2 ORDER BY seq LIMIT $3";

constexpr const char kPutFailed[] =
    "INSERT INTO failed_records (tenant_id, target_connection, entity, source_id, source_connection, category, "
    "code, message, retry_count, first_failed_at_ms, last_attempt_at_ms, run_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = EXCLUDED.source_connection, category = EXCLUDED.category, code = EXCLUDED.code, "
    "message = EXCLUDED.message, retry_count = failed_records.retry_count + 1, "
    "last_attempt_at_ms = EXCLUDED.last_attempt_at_ms, run_id = EXCLUDED.run_id";
constexpr const char kClearFailed[] =
    "DELETE FROM failed_records WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
constexpr const char kListFailed[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, category, code, message, "
    "retry_count, first_failed_at_ms, last_attempt_at_ms, run_id FROM failed_records WHERE tenant_id = $1 "
    "ORDER BY first_failed_at_ms, target_connection COLLATE \"C\", entity COLLATE \"C\", source_id COLLATE \"C\" "
    "LIMIT $2";

constexpr const char kPutCursor[] =
    "INSERT INTO cursors (tenant_id, source_connection, target_connection, entity, value) "
    "VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (tenant_id, source_connection, target_connection, entity) DO UPDATE SET value = EXCLUDED.value";
constexpr const char kGetCursor[] =
    "SELECT value FROM cursors WHERE tenant_id = $1 AND source_connection = $2 AND target_connection = $3 "
    "AND entity = $4";

// One statement decides: insert when free, take over when the lease expired
// or the caller already owns it; otherwise the WHERE skips the update and no
// row comes back. ON CONFLICT locks the existing row even when the WHERE
// fails, so the holder read next in the same transaction is the one that
// made it fail.
constexpr const char kAcquireLock[] =
    "INSERT INTO locks (tenant_id, lock_key, owner, acquired_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (tenant_id, lock_key) DO UPDATE SET owner = EXCLUDED.owner, "
    "acquired_at_ms = CASE WHEN locks.owner = EXCLUDED.owner THEN locks.acquired_at_ms "
    "ELSE EXCLUDED.acquired_at_ms END, expires_at_ms = EXCLUDED.expires_at_ms "
    "WHERE locks.owner = EXCLUDED.owner OR locks.expires_at_ms <= $4 "
    "RETURNING owner";
constexpr const char kLockHolder[] =
    "SELECT owner, expires_at_ms, acquired_at_ms FROM locks WHERE tenant_id = $1 AND lock_key = $2";
constexpr const char kReleaseLock[] = "DELETE FROM locks WHERE tenant_id = $1 AND lock_key = $2 AND owner = $3";

// Every SyncRun column as $1..$18 (the order of kCreateRun).
Params RunParams(const SyncRun& r) {
  Json entities = Json::array();
  for (const std::string& e : r.entities) entities.push_back(e);
  Params p;
  p.Text(r.tenant_id).Text(r.id).Text(r.source_connection).Text(r.target_connection);
  p.Text(DumpJson(entities)).Text(r.mode).Bool(r.dry_run).Text(RunStatusName(r.status));
  p.Text(DumpJson(r.counts)).Int(r.totals.fetched).Int(r.totals.created).Int(r.totals.updated);
  p.Int(r.totals.skipped).Int(r.totals.failed).Text(r.error).Text(r.triggered_by);
  p.Int(r.started_at_ms).Int(r.finished_at_ms);
  return p;
}

Result<SyncRun> RunFromRow(const PgResult& q, int row) {
  SyncRun r;
  r.tenant_id = q.Text(row, 0);
  r.id = q.Text(row, 1);
  r.source_connection = q.Text(row, 2);
  r.target_connection = q.Text(row, 3);
  ES_ASSIGN_OR_RETURN(Json entities, ParseJsonColumn(q.Text(row, 4), "sync_runs.entities"));
  if (!entities.is_array()) return Status::Internal("stored sync_runs.entities is not a JSON array");
  for (const Json& e : entities) {
    if (!e.is_string()) return Status::Internal("stored sync_runs.entities holds a non-string");
    r.entities.push_back(e.get<std::string>());
  }
  r.mode = q.Text(row, 5);
  r.dry_run = q.Bool(row, 6);
  r.status = ParseRunStatus(q.Text(row, 7));
  ES_ASSIGN_OR_RETURN(r.counts, ParseJsonColumn(q.Text(row, 8), "sync_runs.counts"));
  r.totals.fetched = q.Int(row, 9);
  r.totals.created = q.Int(row, 10);
  r.totals.updated = q.Int(row, 11);
  r.totals.skipped = q.Int(row, 12);
  r.totals.failed = q.Int(row, 13);
  r.totals.linked = CountsTotal(r.counts, "linked");
  r.error = q.Text(row, 14);
  r.triggered_by = q.Text(row, 15);
  r.started_at_ms = q.Int(row, 16);
  r.finished_at_ms = q.Int(row, 17);
  return r;
}

Status ValidateRunKey(const SyncRun& run) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", run.tenant_id));
  return RequireNonEmpty("run id", run.id);
}

Status ValidateCursorKey(const std::string& tenant, const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return RequireNonEmpty("entity", entity);
}

// "INSERT … VALUES ($1, …, $9), ($10, …)" for `rows` results.
std::string AddResultsSql(size_t rows) {
  std::string sql = kAddResultsHead;
  int n = 0;
  for (size_t i = 0; i < rows; ++i) {
    sql += i == 0 ? "(" : ", (";
    for (int c = 0; c < kResultColumns; ++c) {
      if (c > 0) sql += ", ";
      sql += "$" + std::to_string(++n);
    }
    sql += ")";
  }
  return sql;
}

}  // namespace

// ---- runs ------------------------------------------------------------------

Status PostgresStore::CreateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  const Params p = RunParams(run);
  // A transaction: a repeat after a lost COMMIT would turn success into Conflict.
  Status s = pool_->Run(CallKind::kTransaction, "create run",
                        [&](PgSession& session) { return session.Exec(kCreateRun, p).status(); });
  if (s.IsConflict()) return Status::Conflict("run '" + run.id + "' already exists", s.code());
  return s;
}

Status PostgresStore::UpdateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  const Params p = RunParams(run);
  return pool_->Run(CallKind::kIdempotent, "update run", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kUpdateRun, p));
    if (r.affected() == 0) return Status::NotFound("run '" + run.id + "' not found");
    return Status::Ok();
  });
}

Result<std::optional<SyncRun>> PostgresStore::GetRun(const std::string& tenant, const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  std::optional<SyncRun> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get run", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetRun, Params().Text(tenant).Text(run_id)));
    out.reset();
    if (r.rows() == 0) return Status::Ok();
    ES_ASSIGN_OR_RETURN(SyncRun run, RunFromRow(r, 0));
    out = std::move(run);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<SyncRun>> PostgresStore::ListRuns(const RunFilter& filter) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", filter.tenant_id));
  if (!filter.status.empty() && RunStatusName(ParseRunStatus(filter.status)) != filter.status) {
    return Status::Validation("unknown run status '" + filter.status +
                              "' (expected queued, running, succeeded, partial, failed or stopped)");
  }
  Params p;
  p.Text(filter.tenant_id).Text(filter.status).Int(filter.from_ms).Int(filter.to_ms).Limit(filter.limit);
  std::vector<SyncRun> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list runs", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kListRuns, p));
    out.clear();
    for (int row = 0; row < r.rows(); ++row) {
      ES_ASSIGN_OR_RETURN(SyncRun run, RunFromRow(r, row));
      out.push_back(std::move(run));
    }
    return Status::Ok();
  }));
  return out;
}

// ---- record results --------------------------------------------------------

Status PostgresStore::AddRecordResults(const std::vector<RecordResult>& results) {
  std::set<std::pair<std::string, std::string>> runs;  // (tenant, run id) named by the batch
  for (const RecordResult& r : results) {
    ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
    ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", r.run_id));
    runs.emplace(r.tenant_id, r.run_id);
  }
  if (results.empty()) return Status::Ok();
  return pool_->Run(CallKind::kTransaction, "add record results", [&](PgSession& s) -> Status {
    // Name the missing run instead of reporting a bare foreign-key error.
    for (const auto& [tenant, run_id] : runs) {
      ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kRunExists, Params().Text(tenant).Text(run_id)));
      if (r.rows() == 0) return Status::NotFound("record result refers to unknown run '" + run_id + "'");
    }
    for (size_t begin = 0; begin < results.size(); begin += kResultsPerStatement) {
      const size_t end = std::min(results.size(), begin + kResultsPerStatement);
      Params p;
      for (size_t i = begin; i < end; ++i) {
        const RecordResult& r = results[i];
        p.Text(r.tenant_id).Text(r.run_id).Text(r.entity).Text(r.source_id).Text(r.action);
        p.Text(r.target_id).Text(r.message).Int(r.duration_us).Int(r.at_ms);
      }
      Result<PgResult> inserted = s.Exec(AddResultsSql(end - begin), p);
      if (inserted.status().IsConflict()) return Status::NotFound("record result refers to an unknown run");
      ES_RETURN_IF_ERROR(inserted.status());
    }
    return Status::Ok();
  });
}

Result<std::vector<RecordResult>> PostgresStore::ListRecordResults(const std::string& tenant,
                                                                   const std::string& run_id, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", run_id));
  std::vector<RecordResult> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list record results", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kListResults, Params().Text(tenant).Text(run_id).Limit(limit)));
    out.clear();
    out.reserve(q.rows());
    for (int row = 0; row < q.rows(); ++row) {
      RecordResult r;
      r.run_id = q.Text(row, 0);
      r.tenant_id = q.Text(row, 1);
      r.entity = q.Text(row, 2);
      r.source_id = q.Text(row, 3);
      r.action = q.Text(row, 4);
      r.target_id = q.Text(row, 5);
      r.message = q.Text(row, 6);
      r.duration_us = q.Int(row, 7);
      r.at_ms = q.Int(row, 8);
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  return out;
}

// ---- failed queue ----------------------------------------------------------

Status PostgresStore::PutFailed(const FailedRecord& f) {
  ES_RETURN_IF_ERROR(RequireRecordKey(f.tenant_id, f.target_connection, f.entity, f.source_id));
  const int64_t first = f.first_failed_at_ms != 0 ? f.first_failed_at_ms : f.last_attempt_at_ms;
  Params p;
  p.Text(f.tenant_id).Text(f.target_connection).Text(f.entity).Text(f.source_id);
  p.Text(f.source_connection).Text(f.category).Text(f.code).Text(f.message);
  p.Int(f.retry_count).Int(first).Int(f.last_attempt_at_ms).Text(f.run_id);
  // A transaction: a repeat after a lost COMMIT would count the retry twice.
  return pool_->Run(CallKind::kTransaction, "put failed record",
                    [&](PgSession& s) { return s.Exec(kPutFailed, p).status(); });
}

Status PostgresStore::ClearFailed(const std::string& tenant, const std::string& target_connection,
                                  const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  Params p;
  p.Text(tenant).Text(target_connection).Text(entity).Text(source_id);
  return pool_->Run(CallKind::kIdempotent, "clear failed record",
                    [&](PgSession& s) { return s.Exec(kClearFailed, p).status(); });
}

Result<std::vector<FailedRecord>> PostgresStore::ListFailed(const std::string& tenant, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::vector<FailedRecord> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list failed records", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kListFailed, Params().Text(tenant).Limit(limit)));
    out.clear();
    out.reserve(q.rows());
    for (int row = 0; row < q.rows(); ++row) {
      FailedRecord f;
      f.tenant_id = q.Text(row, 0);
      f.target_connection = q.Text(row, 1);
      f.entity = q.Text(row, 2);
      f.source_id = q.Text(row, 3);
      f.source_connection = q.Text(row, 4);
      f.category = q.Text(row, 5);
      f.code = q.Text(row, 6);
      f.message = q.Text(row, 7);
      f.retry_count = q.Int(row, 8);
      f.first_failed_at_ms = q.Int(row, 9);
      f.last_attempt_at_ms = q.Int(row, 10);
      f.run_id = q.Text(row, 11);
      out.push_back(std::move(f));
    }
    return Status::Ok();
  }));
  return out;
}

// ---- cursors ---------------------------------------------------------------

Status PostgresStore::PutCursor(const std::string& tenant, const std::string& source_connection,
                                const std::string& target_connection, const std::string& entity,
                                const std::string& value) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  Params p;
  p.Text(tenant).Text(source_connection).Text(target_connection).Text(entity).Text(value);
  return pool_->Run(CallKind::kIdempotent, "put cursor", [&](PgSession& s) { return s.Exec(kPutCursor, p).status(); });
}

Result<std::optional<std::string>> PostgresStore::GetCursor(const std::string& tenant,
                                                            const std::string& source_connection,
                                                            const std::string& target_connection,
                                                            const std::string& entity) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  Params p;
  p.Text(tenant).Text(source_connection).Text(target_connection).Text(entity);
  std::optional<std::string> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get cursor", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetCursor, p));
    out.reset();
    if (r.rows() > 0) out = r.Text(0, 0);
    return Status::Ok();
  }));
  return out;
}

// ---- locks -----------------------------------------------------------------

Status PostgresStore::AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                                  int64_t now_ms, int64_t lease_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  if (lease_ms <= 0) return Status::Validation("lock lease_ms must be positive, got " + std::to_string(lease_ms));
  const int64_t expires = now_ms > std::numeric_limits<int64_t>::max() - lease_ms
                              ? std::numeric_limits<int64_t>::max()
                              : now_ms + lease_ms;
  const Params acquire = Params().Text(tenant).Text(key).Text(owner).Int(now_ms).Int(expires);
  return pool_->Run(CallKind::kTransaction, "acquire lock", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult won, s.Exec(kAcquireLock, acquire));
    if (won.rows() == 1) return Status::Ok();
    ES_ASSIGN_OR_RETURN(PgResult holder, s.Exec(kLockHolder, Params().Text(tenant).Text(key)));
    if (holder.rows() == 0) return Status::Internal("acquire lock: lock for " + key + " neither acquired nor held");
    return Status::Conflict("run lock for " + key + " is held by " + holder.Text(0, 0) + " until " +
                            FormatIso8601Utc(holder.Int(0, 1)));
  });
}

Status PostgresStore::ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  const Params p = Params().Text(tenant).Text(key).Text(owner);
  return pool_->Run(CallKind::kIdempotent, "release lock",
                    [&](PgSession& s) { return s.Exec(kReleaseLock, p).status(); });
}

Result<std::optional<LockHolder>> PostgresStore::GetLock(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  const Params p = Params().Text(tenant).Text(key);
  std::optional<LockHolder> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get lock", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kLockHolder, p));
    out.reset();
    if (r.rows() > 0) out = LockHolder{r.Text(0, 0), r.Int(0, 2), r.Int(0, 1)};
    return Status::Ok();
  }));
  return out;
}

}  // namespace es::store::postgres
