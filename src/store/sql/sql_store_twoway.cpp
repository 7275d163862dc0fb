// SqlStore: two-way sync records (migration 0009_twoway): per-side synced
// content, sync policies and the conflict log / review queue.
#include "store/sql/queries_twoway.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<TwoWayState> StateFromRow(const Rows& q, int row) {
  TwoWayState s;
  s.tenant_id = q.Text(row, 0);
  s.entity = q.Text(row, 1);
  s.record_key = q.Text(row, 2);
  s.side = q.Text(row, 3);
  s.record_id = q.Text(row, 4);
  s.content_hash = q.Text(row, 5);
  s.version = q.Text(row, 6);
  s.written = q.Bool(row, 7);
  s.updated_at_ms = q.Int(row, 8);
  return s;
}

Result<SyncPolicyRecord> PolicyFromRow(const Rows& q, int row) {
  SyncPolicyRecord p;
  p.tenant_id = q.Text(row, 0);
  p.entity = q.Text(row, 1);
  p.direction = q.Text(row, 2);
  p.source_of_truth = q.Text(row, 3);
  p.strategy = q.Text(row, 4);
  p.updated_at_ms = q.Int(row, 5);
  return p;
}

Result<ConflictRecord> ConflictFromRow(const Rows& q, int row) {
  ConflictRecord c;
  c.id = q.Int(row, 0);
  c.tenant_id = q.Text(row, 1);
  c.entity = q.Text(row, 2);
  c.record_key = q.Text(row, 3);
  c.fingerprint = q.Text(row, 4);
  c.side_a = q.Text(row, 5);
  c.kind_a = q.Text(row, 6);
  c.record_a = q.Text(row, 7);
  ES_ASSIGN_OR_RETURN(c.value_a, ParseJsonColumn(q.Text(row, 8), "conflicts.value_a"));
  c.hash_a = q.Text(row, 9);
  c.modified_a_ms = q.Int(row, 10);
  c.side_b = q.Text(row, 11);
  c.kind_b = q.Text(row, 12);
  c.record_b = q.Text(row, 13);
  ES_ASSIGN_OR_RETURN(c.value_b, ParseJsonColumn(q.Text(row, 14), "conflicts.value_b"));
  c.hash_b = q.Text(row, 15);
  c.modified_b_ms = q.Int(row, 16);
  c.strategy = q.Text(row, 17);
  c.status = q.Text(row, 18);
  c.winner = q.Text(row, 19);
  c.resolved_by = q.Text(row, 20);
  c.created_at_ms = q.Int(row, 21);
  c.resolved_at_ms = q.Int(row, 22);
  return c;
}

Status RequireKey(const std::string& tenant, const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return RequireNonEmpty("entity", entity);
}

}  // namespace

Status SqlStore::PutTwoWayState(const TwoWayState& s) {
  ES_RETURN_IF_ERROR(RequireKey(s.tenant_id, s.entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("record_key", s.record_key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("side", s.side));
  Params p;
  p.Text(s.tenant_id).Text(s.entity).Text(s.record_key).Text(s.side).Text(s.record_id).Text(s.content_hash);
  p.Text(s.version).Bool(s.written).Int(s.updated_at_ms);
  return Write(exec(), Call::kIdempotent, "put two-way state", q::kPutTwoWayState, p).status();
}

Result<std::vector<TwoWayState>> SqlStore::GetTwoWayStates(const std::string& tenant, const std::string& entity,
                                                           const std::string& record_key) {
  ES_RETURN_IF_ERROR(RequireKey(tenant, entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("record_key", record_key));
  return ReadAll<TwoWayState>(exec(), "get two-way states", q::kGetTwoWayStates,
                              Params().Text(tenant).Text(entity).Text(record_key), StateFromRow);
}

Status SqlStore::PutSyncPolicy(const SyncPolicyRecord& p) {
  ES_RETURN_IF_ERROR(RequireKey(p.tenant_id, p.entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("direction", p.direction));
  ES_RETURN_IF_ERROR(RequireNonEmpty("strategy", p.strategy));
  Params params;
  params.Text(p.tenant_id).Text(p.entity).Text(p.direction).Text(p.source_of_truth).Text(p.strategy);
  params.Int(p.updated_at_ms);
  return Write(exec(), Call::kIdempotent, "put sync policy", q::kPutSyncPolicy, params).status();
}

Result<std::optional<SyncPolicyRecord>> SqlStore::GetSyncPolicy(const std::string& tenant,
                                                                const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireKey(tenant, entity));
  return ReadOne<SyncPolicyRecord>(exec(), "get sync policy", q::kGetSyncPolicy, Params().Text(tenant).Text(entity),
                                   PolicyFromRow);
}

Result<std::vector<SyncPolicyRecord>> SqlStore::ListSyncPolicies(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<SyncPolicyRecord>(exec(), "list sync policies", q::kListSyncPolicies, Params().Text(tenant),
                                   PolicyFromRow);
}

Result<int64_t> SqlStore::AddConflict(const ConflictRecord& c) {
  ES_RETURN_IF_ERROR(RequireKey(c.tenant_id, c.entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("record_key", c.record_key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("fingerprint", c.fingerprint));
  ES_RETURN_IF_ERROR(RequireNonEmpty("status", c.status));
  Params p;
  p.Text(c.tenant_id).Text(c.entity).Text(c.record_key).Text(c.fingerprint);
  p.Text(c.side_a).Text(c.kind_a).Text(c.record_a).Text(DumpJson(c.value_a)).Text(c.hash_a).Int(c.modified_a_ms);
  p.Text(c.side_b).Text(c.kind_b).Text(c.record_b).Text(DumpJson(c.value_b)).Text(c.hash_b).Int(c.modified_b_ms);
  p.Text(c.strategy).Text(c.status).Text(c.winner).Text(c.resolved_by).Int(c.created_at_ms).Int(c.resolved_at_ms);
  int64_t id = 0;
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "add conflict", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kAddConflict, p));
    if (!r.empty()) {
      id = r.Int(0, 0);
      return Status::Ok();
    }
    ES_ASSIGN_OR_RETURN(
        Rows found, s.Exec(q::kFindConflict, Params().Text(c.tenant_id).Text(c.entity).Text(c.record_key).Text(c.fingerprint)));
    if (found.empty()) return Status::Internal("conflict neither inserted nor found");
    id = found.Int(0, 0);
    return Status::Ok();
  }));
  return id;
}

Result<std::optional<ConflictRecord>> SqlStore::GetConflict(const std::string& tenant, int64_t id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadOne<ConflictRecord>(exec(), "get conflict", q::kGetConflict, Params().Text(tenant).Int(id),
                                 ConflictFromRow);
}

Result<std::vector<ConflictRecord>> SqlStore::ListConflicts(const ConflictFilter& f) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", f.tenant_id));
  return ReadAll<ConflictRecord>(exec(), "list conflicts", q::kListConflicts,
                                 Params().Text(f.tenant_id).Text(f.status).Limit(f.limit), ConflictFromRow);
}

Status SqlStore::ResolveConflict(const std::string& tenant, int64_t id, const std::string& winner,
                                 const std::string& resolved_by, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("winner", winner));
  ES_ASSIGN_OR_RETURN(int64_t n, Write(exec(), Call::kIdempotent, "resolve conflict", q::kResolveConflict,
                                       Params().Text(tenant).Int(id).Text(winner).Text(resolved_by).Int(now_ms)));
  if (n == 1) return Status::Ok();
  ES_ASSIGN_OR_RETURN(auto existing, GetConflict(tenant, id));
  if (!existing.has_value()) return Status::NotFound("conflict " + std::to_string(id) + " not found");
  return Status::Conflict("conflict " + std::to_string(id) + " is not open (" + existing->status + ")");
}

}  // namespace es::store::sql
