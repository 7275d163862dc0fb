// SqlStore: the HTTP server's records (migration 0003_server): audit log,
// OAuth connect states, sync-request idempotency keys and the history query.
#include "store/sql/queries.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<OAuthState> StateFromRow(const Rows& q, int row) {
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

Result<AuditEntry> AuditFromRow(const Rows& q, int row) {
  AuditEntry e;
  e.seq = q.Int(row, 0);
  e.tenant_id = q.Text(row, 1);
  e.at_ms = q.Int(row, 2);
  e.user_id = q.Text(row, 3);
  e.action = q.Text(row, 4);
  e.target = q.Text(row, 5);
  ES_ASSIGN_OR_RETURN(e.detail, ParseJsonColumn(q.Text(row, 6), "audit_log.detail"));
  return e;
}

Result<SyncRequestRecord> RequestFromRow(const Rows& q, int row) {
  SyncRequestRecord r;
  r.tenant_id = q.Text(row, 0);
  r.idempotency_key = q.Text(row, 1);
  r.run_id = q.Text(row, 2);
  ES_ASSIGN_OR_RETURN(r.request, ParseJsonColumn(q.Text(row, 3), "sync_requests.request"));
  r.created_at_ms = q.Int(row, 4);
  return r;
}

Result<HistoryEntry> HistoryFromRow(const Rows& q, int row) {
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
  return h;
}

}  // namespace

// ---- audit log -------------------------------------------------------------

Status SqlStore::AddAudit(const AuditEntry& e) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", e.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit user_id", e.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("audit action", e.action));
  Params p;
  p.Text(e.tenant_id).Int(e.at_ms).Text(e.user_id).Text(e.action).Text(e.target);
  p.Text(DumpJson(e.detail.is_null() ? Json::object() : e.detail));
  // A transaction: a repeat after a lost COMMIT would log the entry twice.
  return Write(exec(), Call::kTransaction, "add audit entry", q::kAddAudit, p).status();
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(const AuditFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  Params p;
  p.Text(f.tenant_id).Text(f.user_id).Text(f.action).Int(f.from_ms).Int(f.to_ms).Limit(f.limit);
  return ReadAll<AuditEntry>(exec(), "list audit entries", q::kListAudit, p, AuditFromRow);
}

// ---- OAuth states ----------------------------------------------------------

Status SqlStore::PutOAuthState(const OAuthState& st) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", st.state));
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", st.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", st.user_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection_id", st.connection_id));
  Params p;
  p.Text(st.state).Text(st.tenant_id).Text(st.user_id).Text(st.connection_id).Text(st.redirect_uri);
  p.Int(st.created_at_ms).Int(st.expires_at_ms);
  Status r = Write(exec(), Call::kTransaction, "put OAuth state", q::kPutState, p).status();
  if (r.IsConflict()) return Status::Conflict("OAuth state already exists", r.code());
  return r;
}

Result<OAuthState> SqlStore::ConsumeOAuthState(const std::string& tenant, const std::string& user,
                                               const std::string& state, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("user_id", user));
  ES_RETURN_IF_ERROR(RequireNonEmpty("state", state));
  if (now_ms <= 0) return Status::Validation("now_ms must be positive");
  OAuthState out;
  Status verdict;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "consume OAuth state", [&](Session& s) -> Status {
    verdict = Status::Ok();
    ES_ASSIGN_OR_RETURN(Rows consumed,
                        s.Exec(q::kConsumeState, Params().Text(state).Text(tenant).Text(user).Int(now_ms)));
    if (consumed.size() == 1) {
      ES_ASSIGN_OR_RETURN(out, StateFromRow(consumed, 0));
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(Rows found, s.Exec(q::kGetState, Params().Text(state).Text(tenant).Text(user)));
    if (found.empty()) {
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

Result<int64_t> SqlStore::PurgeOAuthStates(int64_t before_ms) {
  return Write(exec(), Call::kIdempotent, "purge OAuth states", q::kPurgeStates, Params().Int(before_ms));
}

// ---- sync request idempotency ----------------------------------------------

Status SqlStore::PutSyncRequest(const SyncRequestRecord& r) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", r.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", r.idempotency_key));
  Params p;
  p.Text(r.tenant_id).Text(r.idempotency_key).Text(r.run_id);
  p.Text(DumpJson(r.request.is_null() ? Json::object() : r.request)).Int(r.created_at_ms);
  Status s = Write(exec(), Call::kTransaction, "put sync request", q::kPutRequest, p).status();
  if (s.IsConflict()) return Status::Conflict("idempotency key '" + r.idempotency_key + "' was already used", s.code());
  return s;
}

Result<std::optional<SyncRequestRecord>> SqlStore::GetSyncRequest(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  return ReadOne<SyncRequestRecord>(exec(), "get sync request", q::kGetRequest, Params().Text(tenant).Text(key),
                                    RequestFromRow);
}

Status SqlStore::SetSyncRequestRun(const std::string& tenant, const std::string& key, const std::string& run_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("run id", run_id));
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kIdempotent, "set sync request run", q::kSetRequestRun,
                                       Params().Text(tenant).Text(key).Text(run_id)));
  if (n == 0) return Status::NotFound("idempotency key '" + key + "' not found");
  return Status::Ok();
}

Status SqlStore::DeleteSyncRequest(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", key));
  return Write(exec(), Call::kIdempotent, "delete sync request", q::kDeleteRequest, Params().Text(tenant).Text(key))
      .status();
}

// ---- history ---------------------------------------------------------------

Result<std::vector<HistoryEntry>> SqlStore::ListHistory(const HistoryFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  if (f.offset < 0) return Status::Validation("history offset must not be negative");
  Params p;
  p.Text(f.tenant_id).Text(f.connection).Text(f.entity).Text(f.status).Text(f.run_id);
  p.Int(f.from_ms).Int(f.to_ms).Limit(f.limit).Int(f.offset);
  return ReadAll<HistoryEntry>(exec(), "list history", q::kHistory, p, HistoryFromRow);
}

}  // namespace es::store::sql
