// SqlStore: migrations, tenants, connections, transformer configs, id
// mappings, write intents, cursors, page commits and run locks.
#include <limits>

#include "common/clock.h"
#include "store/sql/queries.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<Tenant> TenantFromRow(const Rows& r, int row) { return Tenant{r.Text(row, 0), r.Text(row, 1), r.Int(row, 2)}; }

Result<Connection> ConnectionFromRow(const Rows& r, int row) {
  Connection c;
  c.tenant_id = r.Text(row, 0);
  c.id = r.Text(row, 1);
  c.kind = r.Text(row, 2);
  c.name = r.Text(row, 3);
  ES_ASSIGN_OR_RETURN(c.config, ParseJsonColumn(r.Text(row, 4), "connections.config"));
  c.secret = r.Bytes(row, 5);
  c.enabled = r.Bool(row, 6);
  c.updated_at_ms = r.Int(row, 7);
  return c;
}

Result<IdMapping> MappingFromRow(const Rows& r, int row) {
  IdMapping m;
  m.tenant_id = r.Text(row, 0);
  m.target_connection = r.Text(row, 1);
  m.entity = r.Text(row, 2);
  m.source_id = r.Text(row, 3);
  m.source_connection = r.Text(row, 4);
  m.target_id = r.Text(row, 5);
  m.target_type = r.Text(row, 6);
  m.sync_token = r.Text(row, 7);
  m.fingerprint = r.Text(row, 8);
  m.updated_at_ms = r.Int(row, 9);
  return m;
}

Result<WriteIntent> IntentFromRow(const Rows& r, int row) {
  WriteIntent w;
  w.tenant_id = r.Text(row, 0);
  w.target_connection = r.Text(row, 1);
  w.entity = r.Text(row, 2);
  w.source_id = r.Text(row, 3);
  w.request_id = r.Text(row, 4);
  w.lookup_key = r.Text(row, 5);
  w.created_at_ms = r.Int(row, 6);
  return w;
}

Result<std::string> FirstText(const Rows& r, int row) { return r.Text(row, 0); }

Status ValidateCursorKey(const std::string& tenant, const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return RequireNonEmpty("entity", entity);
}

Status ValidateMapping(const IdMapping& m) {
  ES_RETURN_IF_ERROR(RequireRecordKey(m.tenant_id, m.target_connection, m.entity, m.source_id));
  return RequireNonEmpty("target_id", m.target_id);
}

Params IntentParams(const WriteIntent& w) {
  Params p = RecordKeyParams(w.tenant_id, w.target_connection, w.entity, w.source_id);
  p.Text(w.request_id).Text(w.lookup_key).Int(w.created_at_ms);
  return p;
}

}  // namespace

Status SqlStore::Migrate() {
  return exec_->Migrate(SystemClock::Get().NowMillis()).WithContext("migrate state store");
}

int SqlStore::SchemaVersion() {
  Result<int> v = exec_->SchemaVersion();
  return v.ok() ? *v : -1;
}

// ---- tenants, connections, transformer configs --------------------------------

Status SqlStore::PutTenant(const Tenant& t) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", t.id));
  return Write(*exec_, Call::kIdempotent, "put tenant", q::kPutTenant,
               Params().Text(t.id).Text(t.name).Int(t.created_at_ms))
      .status();
}

Result<std::optional<Tenant>> SqlStore::GetTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  return ReadOne<Tenant>(*exec_, "get tenant", q::kGetTenant, Params().Text(id), TenantFromRow);
}

Result<std::vector<Tenant>> SqlStore::ListTenants() {
  return ReadAll<Tenant>(*exec_, "list tenants", q::kListTenants, Params(), TenantFromRow);
}

Status SqlStore::DeleteTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  Status verdict;
  // One transaction: a lost connection is retried only when nothing was committed.
  ES_RETURN_IF_ERROR(exec_->Run(Call::kTransaction, "delete tenant", [&](Session& s) -> Status {
    verdict = Status::Ok();
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kDeleteTenantRow, Params().Text(id)));
    if (r.affected() == 0) {
      verdict = Status::NotFound("tenant '" + id + "' not found");
      return Status::Ok();
    }
    for (const char* table : kTenantTables) {
      const std::string sql = std::string(q::kDeleteTenantRowsHead) + table + " WHERE tenant_id = $1";
      ES_RETURN_IF_ERROR(s.ExecOnce(sql, Params().Text(id)).status());
    }
    return Status::Ok();
  }));
  return verdict;
}

Status SqlStore::PutConnection(const Connection& c) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", c.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", c.id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection kind", c.kind));
  Params p;
  p.Text(c.tenant_id).Text(c.id).Text(c.kind).Text(c.name).Text(DumpJson(c.config)).Bytes(c.secret);
  p.Bool(c.enabled).Int(c.updated_at_ms);
  return Write(*exec_, Call::kIdempotent, "put connection", q::kPutConnection, p).status();
}

Result<std::optional<Connection>> SqlStore::GetConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  return ReadOne<Connection>(*exec_, "get connection", q::kGetConnection, Params().Text(tenant).Text(id),
                             ConnectionFromRow);
}

Result<std::vector<Connection>> SqlStore::ListConnections(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<Connection>(*exec_, "list connections", q::kListConnections, Params().Text(tenant),
                             ConnectionFromRow);
}

Status SqlStore::DeleteConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  // A transaction, so a lost connection is retried only when nothing was
  // committed: a repeat after a committed delete would wrongly say NotFound.
  ES_ASSIGN_OR_RETURN(int64_t n, Write(*exec_, Call::kTransaction, "delete connection", q::kDeleteConnection,
                                       Params().Text(tenant).Text(id)));
  if (n == 0) return Status::NotFound("connection '" + id + "' not found");
  return Status::Ok();
}

Status SqlStore::PutTransformerConfig(const std::string& tenant, const std::string& connection, const Json& config) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  return Write(*exec_, Call::kIdempotent, "put transformer config", q::kPutTransformerConfig,
               Params().Text(tenant).Text(connection).Text(DumpJson(config)))
      .status();
}

Result<std::optional<Json>> SqlStore::GetTransformerConfig(const std::string& tenant, const std::string& connection) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  return ReadOne<Json>(*exec_, "get transformer config", q::kGetTransformerConfig,
                       Params().Text(tenant).Text(connection), [](const Rows& r, int row) {
                         return ParseJsonColumn(r.Text(row, 0), "transformer_configs.config");
                       });
}

// ---- id mappings -----------------------------------------------------------------

Status SqlStore::PutMapping(const IdMapping& m) {
  ES_RETURN_IF_ERROR(ValidateMapping(m));
  return Write(*exec_, Call::kIdempotent, "put id mapping", q::kPutMapping, MappingParams(m)).status();
}

Result<std::optional<IdMapping>> SqlStore::GetMapping(const std::string& tenant, const std::string& target_connection,
                                                      const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  return ReadOne<IdMapping>(*exec_, "get id mapping", q::kGetMapping,
                            RecordKeyParams(tenant, target_connection, entity, source_id), MappingFromRow);
}

Result<std::vector<IdMapping>> SqlStore::GetMappings(const std::string& tenant, const std::string& target_connection,
                                                     const std::string& entity,
                                                     const std::vector<std::string>& source_ids) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  for (const std::string& id : source_ids) ES_RETURN_IF_ERROR(RequireNonEmpty("source_id", id));
  std::vector<IdMapping> out;
  if (source_ids.empty()) return out;
  ES_RETURN_IF_ERROR(exec_->Run(Call::kRead, "get id mappings", [&](Session& s) -> Status {
    out.clear();
    for (size_t begin = 0; begin < source_ids.size(); begin += kBatchRows) {
      const size_t end = std::min(source_ids.size(), begin + kBatchRows);
      Params p;
      p.Text(tenant).Text(target_connection).Text(entity);
      std::string sql = q::kGetMappingsHead;
      sql += "(";
      for (size_t i = begin; i < end; ++i) {
        if (i > begin) sql += ", ";
        sql += "$" + std::to_string(4 + (i - begin));
        p.Text(source_ids[i]);
      }
      sql += ")";
      ES_ASSIGN_OR_RETURN(Rows r, s.ExecOnce(sql, p));
      for (int row = 0; row < r.size(); ++row) {
        ES_ASSIGN_OR_RETURN(IdMapping m, MappingFromRow(r, row));
        out.push_back(std::move(m));
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<IdMapping>> SqlStore::FindMappingByTarget(const std::string& tenant,
                                                               const std::string& target_connection,
                                                               const std::string& entity,
                                                               const std::string& target_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", target_id));
  return ReadOne<IdMapping>(*exec_, "find id mapping by target", q::kFindMappingByTarget,
                            RecordKeyParams(tenant, target_connection, entity, target_id), MappingFromRow);
}

Result<int64_t> SqlStore::CountMappings(const std::string& tenant, const std::string& target_connection,
                                        const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  auto count = [](const Rows& r, int row) -> Result<int64_t> { return r.Int(row, 0); };
  ES_ASSIGN_OR_RETURN(auto n, ReadOne<int64_t>(*exec_, "count id mappings", q::kCountMappings,
                                               Params().Text(tenant).Text(target_connection).Text(entity), count));
  return n.value_or(0);
}

// ---- write intents -----------------------------------------------------------------

Status SqlStore::PutIntent(const WriteIntent& w) {
  ES_RETURN_IF_ERROR(RequireRecordKey(w.tenant_id, w.target_connection, w.entity, w.source_id));
  return Write(*exec_, Call::kIdempotent, "put write intent", q::kPutIntent, IntentParams(w)).status();
}

Status SqlStore::PutIntents(const std::vector<WriteIntent>& intents) {
  for (const WriteIntent& w : intents)
    ES_RETURN_IF_ERROR(RequireRecordKey(w.tenant_id, w.target_connection, w.entity, w.source_id));
  if (intents.empty()) return Status::Ok();
  if (intents.size() == 1) return PutIntent(intents.front());
  // Upserts: repeating the whole transaction changes nothing.
  return exec_->Run(Call::kTransaction, "put write intents", [&](Session& s) -> Status {
    for (const WriteIntent& w : intents) ES_RETURN_IF_ERROR(s.Exec(q::kPutIntent, IntentParams(w)).status());
    return Status::Ok();
  });
}

Status SqlStore::ClearIntent(const std::string& tenant, const std::string& target_connection,
                             const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  return Write(*exec_, Call::kIdempotent, "clear write intent", q::kClearIntent,
               RecordKeyParams(tenant, target_connection, entity, source_id))
      .status();
}

Result<std::optional<WriteIntent>> SqlStore::GetIntent(const std::string& tenant, const std::string& target_connection,
                                                       const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  return ReadOne<WriteIntent>(*exec_, "get write intent", q::kGetIntent,
                              RecordKeyParams(tenant, target_connection, entity, source_id), IntentFromRow);
}

Result<std::vector<WriteIntent>> SqlStore::ListIntents(const std::string& tenant,
                                                       const std::string& target_connection) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  return ReadAll<WriteIntent>(*exec_, "list write intents", q::kListIntents,
                              Params().Text(tenant).Text(target_connection), IntentFromRow);
}

// ---- cursors -------------------------------------------------------------------------

Status SqlStore::PutCursor(const std::string& tenant, const std::string& source_connection,
                           const std::string& target_connection, const std::string& entity,
                           const std::string& value) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  Params p;
  p.Text(tenant).Text(source_connection).Text(target_connection).Text(entity).Text(value);
  return Write(*exec_, Call::kIdempotent, "put cursor", q::kPutCursor, p).status();
}

Result<std::optional<std::string>> SqlStore::GetCursor(const std::string& tenant, const std::string& source_connection,
                                                       const std::string& target_connection,
                                                       const std::string& entity) {
  ES_RETURN_IF_ERROR(ValidateCursorKey(tenant, entity));
  Params p;
  p.Text(tenant).Text(source_connection).Text(target_connection).Text(entity);
  return ReadOne<std::string>(*exec_, "get cursor", q::kGetCursor, p, FirstText);
}

// ---- locks -----------------------------------------------------------------------------

Status SqlStore::AcquireLock(const std::string& tenant, const std::string& key, const std::string& owner,
                             int64_t now_ms, int64_t lease_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  if (lease_ms <= 0) return Status::Validation("lock lease_ms must be positive, got " + std::to_string(lease_ms));
  const int64_t expires = now_ms > std::numeric_limits<int64_t>::max() - lease_ms
                              ? std::numeric_limits<int64_t>::max()
                              : now_ms + lease_ms;
  const Params acquire = Params().Text(tenant).Text(key).Text(owner).Int(now_ms).Int(expires);
  Status verdict;
  ES_RETURN_IF_ERROR(exec_->Run(Call::kTransaction, "acquire lock", [&](Session& s) -> Status {
    verdict = Status::Ok();
    ES_ASSIGN_OR_RETURN(Rows won, s.Exec(q::kAcquireLock, acquire));
    if (won.size() == 1) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Rows holder, s.Exec(q::kLockHolder, Params().Text(tenant).Text(key)));
    if (holder.empty()) return Status::Internal("lock for " + key + " neither acquired nor held");
    verdict = Status::Conflict("run lock for " + key + " is held by " + holder.Text(0, 0) + " until " +
                               FormatIso8601Utc(holder.Int(0, 1)));
    return Status::Ok();
  }));
  return verdict;
}

Status SqlStore::ReleaseLock(const std::string& tenant, const std::string& key, const std::string& owner) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock owner", owner));
  return Write(*exec_, Call::kIdempotent, "release lock", q::kReleaseLock, Params().Text(tenant).Text(key).Text(owner))
      .status();
}

Result<std::optional<LockHolder>> SqlStore::GetLock(const std::string& tenant, const std::string& key) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("lock key", key));
  return ReadOne<LockHolder>(*exec_, "get lock", q::kLockHolder, Params().Text(tenant).Text(key),
                             [](const Rows& r, int row) -> Result<LockHolder> {
                               return LockHolder{r.Text(row, 0), r.Int(row, 2), r.Int(row, 1)};
                             });
}

}  // namespace es::store::sql
