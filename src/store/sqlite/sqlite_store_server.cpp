// SqliteStore: the HTTP server's records (migration 0003_server): audit log,
// OAuth connect states, sync-request idempotency keys and the history query.
// See store.h (server block) and sqlite_store.h for the contract.
#include <sqlite3.h>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_util.h"

namespace es::store::sqlite {
namespace {

constexpr const char kAddAudit[] =
    "INSERT INTO audit_log (tenant_id, at_ms, user_id, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kListAudit[] =
    "SELECT seq, tenant_id, at_ms, user_id, action, target, detail FROM audit_log WHERE tenant_id = ?1 "
    "AND (?2 = '' OR user_id = ?2) AND (?3 = '' OR action = ?3) AND at_ms >= ?4 AND (?5 = 0 OR at_ms < ?5) "
    "ORDER BY at_ms DESC, seq DESC LIMIT ?6";

constexpr const char kPutState[] =
    "INSERT INTO oauth_states (state, tenant_id, user_id, connection_id, redirect_uri, created_at_ms, "
    "expires_at_ms, used_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)";
constexpr const char kConsumeState[] =
    "UPDATE oauth_states SET used_at_ms = ?4 WHERE state = ?1 AND tenant_id = ?2 AND user_id = ?3 "
    "AND used_at_ms = 0 AND expires_at_ms > ?4";
constexpr const char kGetState[] =
    "SELECT state, tenant_id, user_id, connection_id, redirect_uri, created_at_ms, expires_at_ms, used_at_ms "
    "FROM oauth_states WHERE state = ?1 AND tenant_id = ?2 AND user_id = ?3";
constexpr const char kPurgeStates[] = "DELETE FROM oauth_states WHERE expires_at_ms < ?1";

constexpr const char kPutRequest[] =
    "INSERT INTO sync_requests (tenant_id, idempotency_key, run_id, request, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kGetRequest[] =
    "SELECT tenant_id, idempotency_key, run_id, request, created_at_ms FROM sync_requests "
    "WHERE tenant_id = ?1 AND idempotency_key = ?2";
constexpr const char kSetRequestRun[] =
    "UPDATE sync_requests SET run_id = ?3 WHERE tenant_id = ?1 AND idempotency_key = ?2";
constexpr const char kDeleteRequest[] = "DELETE FROM sync_requests WHERE tenant_id = ?1 AND idempotency_key = ?2";

constexpr const char kHistory[] =
    "SELECT r.seq, r.tenant_id, r.run_id, s.source_connection, s.target_connection, s.mode, s.dry_run, "
    "s.triggered_by, r.entity, r.source_id, r.action, r.target_id, r.message, r.duration_us, r.at_ms "
    "FROM record_results r JOIN sync_runs s ON s.tenant_id = r.tenant_id AND s.id = r.run_id "
    "WHERE r.tenant_id = ?1 AND (?2 = '' OR s.source_connection = ?2 OR s.target_connection = ?2) "
    "AND (?3 = '' OR r.entity = ?3) AND (?4 = '' OR r.action = ?4) AND (?5 = '' OR r.run_id = ?5) "
    "AND r.at_ms >= ?6 AND (?7 = 0 OR r.at_ms < ?7) ORDER BY r.at_ms DESC, r.seq DESC LIMIT ?8 OFFSET ?9";

OAuthState StateFromRow(const Query& q) {
  OAuthState s;
  s.state = q.ColText(0);
  s.tenant_id = q.ColText(1);
  s.user_id = q.ColText(2);
  s.connection_id = q.ColText(3);
  s.redirect_uri = q.ColText(4);
  s.created_at_ms = q.ColInt(5);
  s.expires_at_ms = q.ColInt(6);
  s.used_at_ms = q.ColInt(7);
  return s;
}

}  // namespace

// ---- audit log -------------------------------------------------------------

Status SqliteStore::AddAudit(const AuditEntry& e) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", e.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit user_id", e.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit action", e.action));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kAddAudit));
  Query q(st);
  q.Text(1, e.tenant_id).Int(2, e.at_ms).Text(3, e.user_id).Text(4, e.action).Text(5, e.target);
  q.Text(6, DumpJson(e.detail.is_null() ? Json::object() : e.detail));
  return q.Run().WithContext("add audit entry");
}

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(const AuditFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListAudit));
  Query q(st);
  q.Text(1, f.tenant_id).Text(2, f.user_id).Text(3, f.action).Int(4, f.from_ms).Int(5, f.to_ms);
  q.Int(6, SqlLimit(f.limit));
  std::vector<AuditEntry> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    AuditEntry e;
    e.seq = q.ColInt(0);
    e.tenant_id = q.ColText(1);
    e.at_ms = q.ColInt(2);
    e.user_id = q.ColText(3);
    e.action = q.ColText(4);
    e.target = q.ColText(5);
    ES_ASSIGN_OR_RETURN(e.detail, ParseJsonColumn(q.ColText(6), "audit_log.detail"));
    out.push_back(std::move(e));
  }
  return out;
}

// ---- OAuth states ----------------------------------------------------------

Status SqliteStore::PutOAuthState(const OAuthState& s) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", s.state));
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", s.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", s.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection_id", s.connection_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutState));
  Query q(st);
  q.Text(1, s.state).Text(2, s.tenant_id).Text(3, s.user_id).Text(4, s.connection_id).Text(5, s.redirect_uri);
  q.Int(6, s.created_at_ms).Int(7, s.expires_at_ms);
  Status r = q.Run();
  if (r.IsConflict()) return Status::Conflict("OAuth state already exists");
  return r.WithContext("put OAuth state");
}

Result<OAuthState> SqliteStore::ConsumeOAuthState(const std::string& tenant, const std::string& user,
                                                  const std::string& state, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", user));
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", state));
  if (now_ms <= 0) return Status::Validation("now_ms must be positive");
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * consume, Prepared(kConsumeState));
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * get, Prepared(kGetState));
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext("consume OAuth state"));
  int64_t changed = 0;
  {
    Query q(consume);
    q.Text(1, state).Text(2, tenant).Text(3, user).Int(4, now_ms);
    ES_RETURN_IF_ERROR(q.Run().WithContext("consume OAuth state"));
    changed = q.Changes();
  }
  Query q(get);
  q.Text(1, state).Text(2, tenant).Text(3, user);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("unknown OAuth state");
  OAuthState s = StateFromRow(q);
  if (changed == 1) {
    ES_RETURN_IF_ERROR(txn.Commit().WithContext("consume OAuth state"));
    return s;
  }
  if (s.used_at_ms != 0) return Status::Conflict("OAuth state was already used");
  return Status::Validation("OAuth state expired");
}

Result<int64_t> SqliteStore::PurgeOAuthStates(int64_t before_ms) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPurgeStates));
  Query q(st);
  q.Int(1, before_ms);
  ES_RETURN_IF_ERROR(q.Run().WithContext("purge OAuth states"));
  return q.Changes();
}

// ---- sync request idempotency ----------------------------------------------

Status SqliteStore::PutSyncRequest(const SyncRequestRecord& r) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", r.idempotency_key));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutRequest));
  Query q(st);
  q.Text(1, r.tenant_id).Text(2, r.idempotency_key).Text(3, r.run_id);
  q.Text(4, DumpJson(r.request.is_null() ? Json::object() : r.request)).Int(5, r.created_at_ms);
  Status s = q.Run();
  if (s.IsConflict()) return Status::Conflict("idempotency key '" + r.idempotency_key + "' was already used");
  return s.WithContext("put sync request");
}

Result<std::optional<SyncRequestRecord>> SqliteStore::GetSyncRequest(const std::string& tenant,
                                                                     const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetRequest));
  Query q(st);
  q.Text(1, tenant).Text(2, key);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<SyncRequestRecord>();
  SyncRequestRecord r;
  r.tenant_id = q.ColText(0);
  r.idempotency_key = q.ColText(1);
  r.run_id = q.ColText(2);
  ES_ASSIGN_OR_RETURN(r.request, ParseJsonColumn(q.ColText(3), "sync_requests.request"));
  r.created_at_ms = q.ColInt(4);
  return std::optional<SyncRequestRecord>(std::move(r));
}

Status SqliteStore::SetSyncRequestRun(const std::string& tenant, const std::string& key, const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kSetRequestRun));
  Query q(st);
  q.Text(1, tenant).Text(2, key).Text(3, run_id);
  ES_RETURN_IF_ERROR(q.Run().WithContext("set sync request run"));
  if (q.Changes() == 0) return Status::NotFound("idempotency key '" + key + "' not found");
  return Status::Ok();
}

Status SqliteStore::DeleteSyncRequest(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kDeleteRequest));
  Query q(st);
  q.Text(1, tenant).Text(2, key);
  return q.Run().WithContext("delete sync request");
}

// ---- history ---------------------------------------------------------------

Result<std::vector<HistoryEntry>> SqliteStore::ListHistory(const HistoryFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  if (f.offset < 0) return Status::Validation("history offset must not be negative");
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kHistory));
  Query q(st);
  q.Text(1, f.tenant_id).Text(2, f.connection).Text(3, f.entity).Text(4, f.status).Text(5, f.run_id);
  q.Int(6, f.from_ms).Int(7, f.to_ms).Int(8, SqlLimit(f.limit)).Int(9, f.offset);
  std::vector<HistoryEntry> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    HistoryEntry h;
    h.seq = q.ColInt(0);
    h.tenant_id = q.ColText(1);
    h.run_id = q.ColText(2);
    h.source_connection = q.ColText(3);
    h.target_connection = q.ColText(4);
    h.mode = q.ColText(5);
    h.dry_run = q.ColBool(6);
    h.triggered_by = q.ColText(7);
    h.entity = q.ColText(8);
    h.source_id = q.ColText(9);
    h.action = q.ColText(10);
    h.target_id = q.ColText(11);
    h.message = q.ColText(12);
    h.duration_us = q.ColInt(13);
    h.at_ms = q.ColInt(14);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace es::store::sqlite
