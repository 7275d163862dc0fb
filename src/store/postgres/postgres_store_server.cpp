// PostgresStore: the HTTP server's records (migration 0003_server): audit
// log, OAuth connect states, sync-request idempotency keys and the history
// query. See store.h (server block) and postgres_store.h for the contract.
#include <utility>

#include "store/postgres/postgres_store.h"
#include "store/postgres/postgres_store_util.h"

namespace es::store::postgres {
namespace {

constexpr const char kAddAudit[] =
    "INSERT INTO audit_log (tenant_id, at_ms, user_id, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char kListAudit[] =
    "SELECT seq, tenant_id, at_ms, user_id, action, target, detail FROM audit_log WHERE tenant_id = $1 "
    "AND ($2 = '' OR user_id = $2) AND ($3 = '' OR action = $3) AND at_ms >= $4 AND ($5 = 0 OR at_ms < $5) "
    "ORDER BY at_ms DESC, seq DESC LIMIT $6";

#define ES_STATE_COLUMNS \
  "state, tenant_id, user_id, connection_id, redirect_uri, created_at_ms, expires_at_ms, used_at_ms"
constexpr const char kPutState[] =
    "INSERT INTO oauth_states (state, tenant_id, user_id, connection_id, redirect_uri, created_at_ms, "
    "expires_at_ms, used_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)";
// One statement decides: only an unused, unexpired state of this tenant and
// user is marked; concurrent callers get exactly one winner.
constexpr const char kConsumeState[] =
    "UPDATE oauth_states SET used_at_ms = $4 WHERE state = $1 AND tenant_id = $2 AND user_id = $3 "
    "AND used_at_ms = 0 AND expires_at_ms > $4 RETURNING " ES_STATE_COLUMNS;
constexpr const char kGetState[] =
    "SELECT " ES_STATE_COLUMNS " FROM oauth_states WHERE state = $1 AND tenant_id = $2 AND user_id = $3";
#undef ES_STATE_COLUMNS
constexpr const char kPurgeStates[] = "DELETE FROM oauth_states WHERE expires_at_ms < $1";

constexpr const char kPutRequest[] =
    "INSERT INTO sync_requests (tenant_id, idempotency_key, run_id, request, created_at_ms) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char kGetRequest[] =
    "SELECT tenant_id, idempotency_key, run_id, request, created_at_ms FROM sync_requests "
    "WHERE tenant_id = $1 AND idempotency_key = $2";
constexpr const char kSetRequestRun[] =
    "UPDATE sync_requests SET run_id = $3 WHERE tenant_id = $1 AND idempotency_key = $2";
constexpr const char kDeleteRequest[] = "DELETE FROM sync_requests WHERE tenant_id = $1 AND idempotency_key = $2";

constexpr const char kHistory[] =
    "SELECT r.seq, r.tenant_id, r.run_id, s.source_connection, s.target_connection, s.mode, s.dry_run, "
    "s.triggered_by, r.entity, r.source_id, r.action, r.target_id, r.message, r.duration_us, r.at_ms "
    "FROM record_results r JOIN sync_runs s ON s.tenant_id = r.tenant_id AND s.id = r.run_id "
    "WHERE r.tenant_id = $1 AND ($2 = '' OR s.source_connection = $2 OR s.target_connection = $2) "
    "AND ($3 = '' OR r.entity = $3) AND ($4 = '' OR r.action = $4) AND ($5 = '' OR r.run_id = $5) "
    "AND r.at_ms >= $6 AND ($7 = 0 OR r.at_ms < $7) ORDER BY r.at_ms DESC, r.seq DESC LIMIT $8 OFFSET $9";

OAuthState StateFromRow(const PgResult& q, int row) {
  OAuthState s;
  s.state = q.Text(row, 0);
  s.tenant_id = q.Text(row, 1);
  s.user_id = q.Text(row, 2);
  s.connection_id = q.Text(row, 3);
  s.redirect_uri = q.Text(row, 4);
  s.created_at_ms = q.Int(row, 5);
  s.expires_at_ms = q.Int(row, 6);
  s.used_at_ms = q.Int(row, 7);
  return s;
}

}  // namespace

// ---- audit log -------------------------------------------------------------

Status PostgresStore::AddAudit(const AuditEntry& e) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", e.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit user_id", e.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit action", e.action));
  Params p;
  p.Text(e.tenant_id).Int(e.at_ms).Text(e.user_id).Text(e.action).Text(e.target);
  p.Text(DumpJson(e.detail.is_null() ? Json::object() : e.detail));
  // A transaction: a repeat after a lost COMMIT would log the entry twice.
  return pool_->Run(CallKind::kTransaction, "add audit entry",
                    [&](PgSession& s) { return s.Exec(kAddAudit, p).status(); });
}

Result<std::vector<AuditEntry>> PostgresStore::ListAudit(const AuditFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  Params p;
  p.Text(f.tenant_id).Text(f.user_id).Text(f.action).Int(f.from_ms).Int(f.to_ms).Limit(f.limit);
  std::vector<AuditEntry> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list audit entries", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kListAudit, p));
    out.clear();
    for (int row = 0; row < q.rows(); ++row) {
      AuditEntry e;
      e.seq = q.Int(row, 0);
      e.tenant_id = q.Text(row, 1);
      e.at_ms = q.Int(row, 2);
      e.user_id = q.Text(row, 3);
      e.action = q.Text(row, 4);
      e.target = q.Text(row, 5);
      ES_ASSIGN_OR_RETURN(e.detail, ParseJsonColumn(q.Text(row, 6), "audit_log.detail"));
      out.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return out;
}

// ---- OAuth states ----------------------------------------------------------

Status PostgresStore::PutOAuthState(const OAuthState& st) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", st.state));
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", st.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", st.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection_id", st.connection_id));
  Params p;
  p.Text(st.state).Text(st.tenant_id).Text(st.user_id).Text(st.connection_id).Text(st.redirect_uri);
  p.Int(st.created_at_ms).Int(st.expires_at_ms);
  Status r = pool_->Run(CallKind::kTransaction, "put OAuth state",
                        [&](PgSession& s) { return s.Exec(kPutState, p).status(); });
  if (r.IsConflict()) return Status::Conflict("OAuth state already exists", r.code());
  return r;
}

Result<OAuthState> PostgresStore::ConsumeOAuthState(const std::string& tenant, const std::string& user,
                                                    const std::string& state, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", user));
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", state));
  if (now_ms <= 0) return Status::Validation("now_ms must be positive");
  OAuthState out;
  Status verdict;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kTransaction, "consume OAuth state", [&](PgSession& s) -> Status {
    verdict = Status::Ok();
    ES_ASSIGN_OR_RETURN(PgResult consumed,
                        s.Exec(kConsumeState, Params().Text(state).Text(tenant).Text(user).Int(now_ms)));
    if (consumed.rows() == 1) {
      out = StateFromRow(consumed, 0);
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(PgResult found, s.Exec(kGetState, Params().Text(state).Text(tenant).Text(user)));
    if (found.rows() == 0) {
      verdict = Status::NotFound("unknown OAuth state");
    } else if (found.Int(0, 7) != 0) {
      verdict = Status::Conflict("OAuth state was already used");
    } else {
      verdict = Status::Validation("OAuth state expired");
    }
    return Status::Ok();
  }));
  if (!verdict.ok()) return verdict;
  return out;
}

Result<int64_t> PostgresStore::PurgeOAuthStates(int64_t before_ms) {
  int64_t n = 0;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kIdempotent, "purge OAuth states", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kPurgeStates, Params().Int(before_ms)));
    n = r.affected();
    return Status::Ok();
  }));
  return n;
}

// ---- sync request idempotency ----------------------------------------------

Status PostgresStore::PutSyncRequest(const SyncRequestRecord& r) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", r.idempotency_key));
  Params p;
  p.Text(r.tenant_id).Text(r.idempotency_key).Text(r.run_id);
  p.Text(DumpJson(r.request.is_null() ? Json::object() : r.request)).Int(r.created_at_ms);
  Status s = pool_->Run(CallKind::kTransaction, "put sync request",
                        [&](PgSession& session) { return session.Exec(kPutRequest, p).status(); });
  if (s.IsConflict()) return Status::Conflict("idempotency key '" + r.idempotency_key + "' was already used", s.code());
  return s;
}

Result<std::optional<SyncRequestRecord>> PostgresStore::GetSyncRequest(const std::string& tenant,
                                                                       const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  std::optional<SyncRequestRecord> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get sync request", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kGetRequest, Params().Text(tenant).Text(key)));
    out.reset();
    if (q.rows() == 0) return Status::Ok();
    SyncRequestRecord r;
    r.tenant_id = q.Text(0, 0);
    r.idempotency_key = q.Text(0, 1);
    r.run_id = q.Text(0, 2);
    ES_ASSIGN_OR_RETURN(r.request, ParseJsonColumn(q.Text(0, 3), "sync_requests.request"));
    r.created_at_ms = q.Int(0, 4);
    out = std::move(r);
    return Status::Ok();
  }));
  return out;
}

Status PostgresStore::SetSyncRequestRun(const std::string& tenant, const std::string& key,
                                        const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  return pool_->Run(CallKind::kIdempotent, "set sync request run", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kSetRequestRun, Params().Text(tenant).Text(key).Text(run_id)));
    if (r.affected() == 0) return Status::NotFound("idempotency key '" + key + "' not found");
    return Status::Ok();
  });
}

Status PostgresStore::DeleteSyncRequest(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  return pool_->Run(CallKind::kIdempotent, "delete sync request",
                    [&](PgSession& s) { return s.Exec(kDeleteRequest, Params().Text(tenant).Text(key)).status(); });
}

// ---- history ---------------------------------------------------------------

Result<std::vector<HistoryEntry>> PostgresStore::ListHistory(const HistoryFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  if (f.offset < 0) return Status::Validation("history offset must not be negative");
  Params p;
  p.Text(f.tenant_id).Text(f.connection).Text(f.entity).Text(f.status).Text(f.run_id);
  p.Int(f.from_ms).Int(f.to_ms).Limit(f.limit).Int(f.offset);
  std::vector<HistoryEntry> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list history", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult q, s.Exec(kHistory, p));
    out.clear();
    out.reserve(q.rows());
    for (int row = 0; row < q.rows(); ++row) {
      HistoryEntry h;
      h.seq = q.Int(row, 0);
      h.tenant_id = q.Text(row, 1);
      h.run_id = q.Text(row, 2);
      h.source_connection = q.Text(row, 3);
      h.target_connection = q.Text(row, 4);
      h.mode = q.Text(row, 5);
      h.dry_run = q.Bool(row, 6);
      h.triggered_by = q.Text(row, 7);
      h.entity = q.Text(row, 8);
      h.source_id = q.Text(row, 9);
      h.action = q.Text(row, 10);
      h.target_id = q.Text(row, 11);
      h.message = q.Text(row, 12);
      h.duration_us = q.Int(row, 13);
      h.at_ms = q.Int(row, 14);
      out.push_back(std::move(h));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace es::store::postgres
