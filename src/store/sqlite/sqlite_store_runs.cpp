// SqliteStore: sync runs, record results, the failed queue, cursors and run
// locks. See sqlite_store.h for the contract.
#include <sqlite3.h>

#include <limits>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_util.h"

namespace es::store::sqlite {
namespace {

constexpr const char kCreateRun[] =
    "INSERT INTO sync_runs (tenant_id, id, source_connection, target_connection, entities, mode, dry_run, "
    "status, counts, count_fetched, count_created, count_updated, count_skipped, count_failed, error, "
    "triggered_by, started_at_ms, finished_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
constexpr const char kUpdateRun[] =
    "UPDATE sync_runs SET source_connection = ?3, target_connection = ?4, entities = ?5, mode = ?6, "
    "dry_run = ?7, status = ?8, counts = ?9, count_fetched = ?10, count_created = ?11, count_updated = ?12, "
    "count_skipped = ?13, count_failed = ?14, error = ?15, triggered_by = ?16, started_at_ms = ?17, "
    "finished_at_ms = ?18 WHERE tenant_id = ?1 AND id = ?2";
#define ES_RUN_COLUMNS                                                                                  \
  "tenant_id, id, source_connection, target_connection, entities, mode, dry_run, status, counts, "     \
  "count_fetched, count_created, count_updated, count_skipped, count_failed, error, triggered_by, "     \
  "started_at_ms, finished_at_ms"
constexpr const char kGetRun[] = "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = ?1 AND id = ?2";
constexpr const char kListRuns[] =
    "SELECT " ES_RUN_COLUMNS " FROM sync_runs WHERE tenant_id = ?1 AND (?2 = '' OR status = ?2) "
    "AND started_at_ms >= ?3 AND (?4 = 0 OR started_at_ms < ?4) "
    "ORDER BY started_at_ms DESC, id DESC LIMIT ?5";
#undef ES_RUN_COLUMNS

constexpr const char kAddResult[] =
    "INSERT INTO record_results (tenant_id, run_id, entity, source_id, action, target_id, message, duration_us, "
    "at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kListResults[] =
    "SELECT run_id, tenant_id, entity, source_id, action, target_id, message, duration_us, at_ms "
    "FROM record_results WHERE tenant_id = ?1 AND run_id = ?2 ORDER BY seq LIMIT ?3";

constexpr const char kPutFailed[] =
    "INSERT INTO failed_records (tenant_id, target_connection, entity, source_id, source_connection, category, "
    "code, message, retry_count, first_failed_at_ms, last_attempt_at_ms, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = excluded.source_connection, category = excluded.category, code = excluded.code, "
    "message = excluded.message, retry_count = failed_records.retry_count + 1, "
    "last_attempt_at_ms = excluded.last_attempt_at_ms, run_id = excluded.run_id";
constexpr const char kClearFailed[] =
    "DELETE FROM failed_records WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3 AND source_id = ?4";
constexpr const char kListFailed[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, category, code, message, "
    "retry_count, first_failed_at_ms, last_attempt_at_ms, run_id FROM failed_records WHERE tenant_id = ?1 "
    "ORDER BY first_failed_at_ms, target_connection, entity, source_id LIMIT ?2";

constexpr const char kPutCursor[] =
    "INSERT INTO cursors (tenant_id, source_connection, target_connection, entity, value) "
    "VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (tenant_id, source_connection, target_connection, entity) DO UPDATE SET value = excluded.value";
constexpr const char kGetCursor[] =
    "SELECT value FROM cursors WHERE tenant_id = ?1 AND source_connection = ?2 AND target_connection = ?3 "
    "AND entity = ?4";

// One statement decides: insert when free, take over when the lease expired
// or the caller already owns it; otherwise the WHERE skips the update and no
// row changes.
constexpr const char kAcquireLock[] =
    "INSERT INTO locks (tenant_id, lock_key, owner, acquired_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (tenant_id, lock_key) DO UPDATE SET owner = excluded.owner, "
    "acquired_at_ms = CASE WHEN locks.owner = excluded.owner THEN locks.acquired_at_ms "
    "ELSE excluded.acquired_at_ms END, expires_at_ms = excluded.expires_at_ms "
    "WHERE locks.owner = excluded.owner OR locks.expires_at_ms <= excluded.acquired_at_ms";
constexpr const char kLockHolder[] =
    "SELECT owner, expires_at_ms, acquired_at_ms FROM locks WHERE tenant_id = ?1 AND lock_key = ?2";
constexpr const char kReleaseLock[] = "DELETE FROM locks WHERE tenant_id = ?1 AND lock_key = ?2 AND owner = ?3";

// Binds every SyncRun column to ?1..?18 (the order of kCreateRun).
void BindRun(Query& q, const SyncRun& r) {
  Json entities = Json::array();
  for (const std::string& e : r.entities) entities.push_back(e);
  q.Text(1, r.tenant_id).Text(2, r.id).Text(3, r.source_connection).Text(4, r.target_connection);
  q.Text(5, DumpJson(entities)).Text(6, r.mode).Bool(7, r.dry_run).Text(8, RunStatusName(r.status));
  q.Text(9, DumpJson(r.counts)).Int(10, r.totals.fetched).Int(11, r.totals.created).Int(12, r.totals.updated);
  q.Int(13, r.totals.skipped).Int(14, r.totals.failed).Text(15, r.error).Text(16, r.triggered_by);
  q.Int(17, r.started_at_ms).Int(18, r.finished_at_ms);
}

Result<SyncRun> RunFromRow(const Query& q) {
  SyncRun r;
  r.tenant_id = q.ColText(0);
  r.id = q.ColText(1);
  r.source_connection = q.ColText(2);
  r.target_connection = q.ColText(3);
  ES_ASSIGN_OR_RETURN(Json entities, ParseJsonColumn(q.ColText(4), "sync_runs.entities"));
  if (!entities.is_array()) return Status::Internal("stored sync_runs.entities is not a JSON array");
  for (const Json& e : entities) {
    if (!e.is_string()) return Status::Internal("stored sync_runs.entities holds a non-string");
    r.entities.push_back(e.get<std::string>());
  }
  r.mode = q.ColText(5);
  r.dry_run = q.ColBool(6);
  r.status = ParseRunStatus(q.ColText(7));
  ES_ASSIGN_OR_RETURN(r.counts, ParseJsonColumn(q.ColText(8), "sync_runs.counts"));
  r.totals.fetched = q.ColInt(9);
  r.totals.created = q.ColInt(10);
  r.totals.updated = q.ColInt(11);
  r.totals.skipped = q.ColInt(12);
  r.totals.failed = q.ColInt(13);
  r.totals.linked = CountsTotal(r.counts, "linked");
  r.error = q.ColText(14);
  r.triggered_by = q.ColText(15);
  r.started_at_ms = q.ColInt(16);
  r.finished_at_ms = q.ColInt(17);
  return r;
}

Status ValidateRunKey(const SyncRun& run) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", run.tenant_id));
  return RequireNonEmpty("run id", run.id);
}

Status ValidateFailedKey(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                         const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  return RequireNonEmpty("source_id", source_id);
}

Status ValidateCursorKey(const std::string& tenant, const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return RequireNonEmpty("entity", entity);
}

}  // namespace

// ---- runs ------------------------------------------------------------------

Status SqliteStore::CreateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kCreateRun));
  Query q(st);
  BindRun(q, run);
  Status s = q.Run();
  if (s.IsConflict()) return Status::Conflict("run '" + run.id + "' already exists");
  return s.WithContext("create run");
}

Status SqliteStore::UpdateRun(const SyncRun& run) {
  ES_RETURN_IF_ERROR(ValidateRunKey(run));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kUpdateRun));
  Query q(st);
  BindRun(q, run);
  ES_RETURN_IF_ERROR(q.Run().WithContext("update run"));
  if (q.Changes() == 0) return Status::NotFound("run '" + run.id + "' not found");
  return Status::Ok();
}

Result<std::optional<SyncRun>> SqliteStore::GetRun(const std::string& tenant, const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetRun));
  Query q(st);
  q.Text(1, tenant).Text(2, run_id);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<SyncRun>();
  ES_ASSIGN_OR_RETURN(SyncRun r, RunFromRow(q));
  return std::optional<SyncRun>(std::move(r));
}

Result<std::vector<SyncRun>> SqliteStore::ListRuns(const RunFilter& filter) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", filter.tenant_id));
  if (!filter.status.empty() && RunStatusName(ParseRunStatus(filter.status)) != filter.status) {
    return Status::Validation("unknown run status '" + filter.status +
                              "' (expected queued, running, succeeded, partial, failed or stopped)");
  }
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListRuns));
  Query q(st);
  q.Text(1, filter.tenant_id).Text(2, filter.status).Int(3, filter.from_ms).Int(4, filter.to_ms);
  q.Int(5, SqlLimit(filter.limit));
  std::vector<SyncRun> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ES_ASSIGN_OR_RETURN(SyncRun r, RunFromRow(q));
    out.push_back(std::move(r));
  }
  return out;
}

// ---- record results --------------------------------------------------------

Status SqliteStore::AddRecordResults(const std::vector<RecordResult>& results) {
  for (const RecordResult& r : results) {
    ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
    ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", r.run_id));
  }
  if (results.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kAddResult));
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext("add record results"));
  for (const RecordResult& r : results) {
    Query q(st);
    q.Text(1, r.tenant_id).Text(2, r.run_id).Text(3, r.entity).Text(4, r.source_id).Text(5, r.action);
    q.Text(6, r.target_id).Text(7, r.message).Int(8, r.duration_us).Int(9, r.at_ms);
    Status s = q.Run();
    if (s.IsConflict()) return Status::NotFound("record result refers to unknown run '" + r.run_id + "'");
    ES_RETURN_IF_ERROR(s.WithContext("add record results"));
  }
  return txn.Commit().WithContext("add record results");
}

Result<std::vector<RecordResult>> SqliteStore::ListRecordResults(const std::string& tenant,
                                                                 const std::string& run_id, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run_id", run_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListResults));
  Query q(st);
  q.Text(1, tenant).Text(2, run_id).Int(3, SqlLimit(limit));
  std::vector<RecordResult> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    RecordResult r;
    r.run_id = q.ColText(0);
    r.tenant_id = q.ColText(1);
    r.entity = q.ColText(2);
    r.source_id = q.ColText(3);
    r.action = q.ColText(4);
    r.target_id = q.ColText(5);
    r.message = q.ColText(6);
    r.duration_us = q.ColInt(7);
    r.at_ms = q.ColInt(8);
    out.push_back(std::move(r));
  }
  return out;
}

// ---- failed queue ----------------------------------------------------------

Status SqliteStore::PutFailed(const FailedRecord& f) {
  ES_RETURN_IF_ERROR(ValidateFailedKey(f.tenant_id, f.target_connection, f.entity, f.source_id));
  const int64_t first = f.first_failed_at_ms != 0 ? f.first_failed_at_ms : f.last_attempt_at_ms;
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutFailed));
  Query q(st);
  q.Text(1, f.tenant_id).Text(2, f.target_connection).Text(3, f.entity).Text(4, f.source_id);
  q.Text(5, f.source_connection).Text(6, f.category).Text(7, f.code).Text(8, f.message);
  q.Int(9, f.retry_count).Int(10, first).Int(11, f.last_attempt_at_ms).Text(12, f.run_id);
  return q.Run().WithContext("put failed record");
}

Status SqliteStore::ClearFailed(const std::string& tenant, const std::string& target_connection,
                                const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(ValidateFailedKey(tenant, target_connection, entity, source_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kClearFailed));
  Query q(st);
  q.Text(1, tenant).Text(2, target_connection).Text(3, entity).Text(4, source_id);
  return q.Run().WithContext("clear failed record");
}

Result<std::vector<FailedRecord>> SqliteStore::ListFailed(const std::string& tenant, int limit) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListFailed));
  Query q(st);
  q.Text(1, tenant).Int(2, SqlLimit(limit));
  std::vector<FailedRecord> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    FailedRecord f;
    f.tenant_id = q.ColText(0);
    f.target_connection = q.ColText(1);
    f.entity = q.ColText(2);
    f.source_id = q.ColText(3);
    f.source_connection = q.ColText(4);
    f.category = q.ColText(5);
    f.code = q.ColText(6);
    f.message = q.ColText(7);
    f.retry_count = q.ColInt(8);
    f.first_failed_at_ms = q.ColInt(9);
    f.last_attempt_at_ms = q.ColInt(10);
    f.run_id = q.ColText(11);
    out.push_back(std::move(f));
  }
  return out;
}

// ---- cursors ---------------------------------------------------------------

Status SqliteStore::PutCursor(const std::string& tenant, const std::string& source_connection,
                              const std::string& target_connection, const std::string& entity,
                              const std::string& value) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutCursor));
  Query q(st);
  q.Text(1, tenant).Text(2, source_connection).Text(3, target_connection).Text(4, entity).Text(5, value);
  return q.Run().WithContext("put cursor");
}

Result<std::optional<std::string>> SqliteStore::GetCursor(const std::string& tenant,
                                                          const std::string& source_connection,
                                                          const std::string& target_connection,
                                                          const std::string& entity) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetCursor));
  Query q(st);
  q.Text(1, tenant).Text(2, source_connection).Text(3, target_connection).Text(4, entity);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q.ColText(0));
}

// ---- locks -----------------------------------------------------------------

Status SqliteStore::AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                                int64_t now_ms, int64_t lease_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  if (lease_ms <= 0) return Status::Validation("lock lease_ms must be positive, got " + std::to_string(lease_ms));
  const int64_t expires = now_ms > std::numeric_limits<int64_t>::max() - lease_ms
                              ? std::numeric_limits<int64_t>::max()
                              : now_ms + lease_ms;
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * acquire, Prepared(kAcquireLock));
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * holder, Prepared(kLockHolder));
  // The upsert alone is atomic; the transaction makes the holder we report on
  // failure the one that made it fail.
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext("acquire lock"));
  {
    Query q(acquire);
    q.Text(1, tenant).Text(2, key).Text(3, owner).Int(4, now_ms).Int(5, expires);
    ES_RETURN_IF_ERROR(q.Run().WithContext("acquire lock"));
    if (q.Changes() == 1) return txn.Commit().WithContext("acquire lock");
  }
  Query q(holder);
  q.Text(1, tenant).Text(2, key);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Internal("acquire lock: lock for " + key + " neither acquired nor held");
  return Status::Conflict("run lock for " + key + " is held by " + q.ColText(0) + " until " +
                          FormatIso8601Utc(q.ColInt(1)));
}

Status SqliteStore::ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kReleaseLock));
  Query q(st);
  q.Text(1, tenant).Text(2, key).Text(3, owner);
  return q.Run().WithContext("release lock");
}

Result<std::optional<LockHolder>> SqliteStore::GetLock(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kLockHolder));
  Query q(st);
  q.Text(1, tenant).Text(2, key);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<LockHolder>();
  return std::optional<LockHolder>(LockHolder{q.ColText(0), q.ColInt(2), q.ColInt(1)});
}

}  // namespace es::store::sqlite
