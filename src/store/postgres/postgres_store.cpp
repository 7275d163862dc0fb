// PostgresStore: opening, migrations, tenants, connections, transformer
// configs, id mappings and write intents. Runs, results, the failed queue,
// cursors and locks are in postgres_store_runs.cpp.
#include "store/postgres/postgres_store.h"

#include "common/clock.h"
#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store_util.h"

namespace es::store::postgres {
namespace {

constexpr const char kPutTenant[] =
    "INSERT INTO tenants (id, name, created_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name";
constexpr const char kGetTenant[] = "SELECT id, name, created_at_ms FROM tenants WHERE id = $1";
constexpr const char kListTenants[] = "SELECT id, name, created_at_ms FROM tenants ORDER BY id";
constexpr const char kDeleteTenantRow[] = "DELETE FROM tenants WHERE id = $1";

constexpr const char kPutConnection[] =
    "INSERT INTO connections (tenant_id, id, kind, name, config, secret, enabled, updated_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (tenant_id, id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, "
    "config = EXCLUDED.config, secret = EXCLUDED.secret, enabled = EXCLUDED.enabled, "
    "updated_at_ms = EXCLUDED.updated_at_ms";
constexpr const char kGetConnection[] =
    "SELECT tenant_id, id, kind, name, config, secret, enabled, updated_at_ms FROM connections "
    "WHERE tenant_id = $1 AND id = $2";
constexpr const char kListConnections[] =
    "SELECT tenant_id, id, kind, name, config, secret, enabled, updated_at_ms FROM connections "
    "WHERE tenant_id = $1 ORDER BY id COLLATE \"C\"";
constexpr const char kDeleteConnection[] = "DELETE FROM connections WHERE tenant_id = $1 AND id = $2";

constexpr const char kPutTransformerConfig[] =
    "INSERT INTO transformer_configs (tenant_id, connection_id, config) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id, connection_id) DO UPDATE SET config = EXCLUDED.config";
constexpr const char kGetTransformerConfig[] =
    "SELECT config FROM transformer_configs WHERE tenant_id = $1 AND connection_id = $2";

constexpr const char kPutMapping[] =
    "INSERT INTO id_mappings (tenant_id, target_connection, entity, source_id, source_connection, target_id, "
    "target_type, sync_token, fingerprint, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = EXCLUDED.source_connection, target_id = EXCLUDED.target_id, "
    "target_type = EXCLUDED.target_type, sync_token = EXCLUDED.sync_token, "
    "fingerprint = EXCLUDED.fingerprint, updated_at_ms = EXCLUDED.updated_at_ms";
constexpr const char kGetMapping[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, target_id, target_type, "
    "sync_token, fingerprint, updated_at_ms FROM id_mappings "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
constexpr const char kFindMappingByTarget[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, target_id, target_type, "
    "sync_token, fingerprint, updated_at_ms FROM id_mappings "
    "WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND target_id = $4 "
    "ORDER BY updated_at_ms DESC LIMIT 1";
constexpr const char kCountMappings[] =
    "SELECT COUNT(*) FROM id_mappings WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3";

constexpr const char kPutIntent[] =
    "INSERT INTO write_intents (tenant_id, target_connection, entity, source_id, request_id, lookup_key, "
    "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "request_id = EXCLUDED.request_id, lookup_key = EXCLUDED.lookup_key, created_at_ms = EXCLUDED.created_at_ms";
constexpr const char kClearIntent[] =
    "DELETE FROM write_intents WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";
constexpr const char kGetIntent[] =
    "SELECT tenant_id, target_connection, entity, source_id, request_id, lookup_key, created_at_ms "
    "FROM write_intents WHERE tenant_id = $1 AND target_connection = $2 AND entity = $3 AND source_id = $4";

Params RecordKey(const std::string& tenant, const std::string& target_connection, const std::string& entity,
                 const std::string& source_id) {
  Params p;
  p.Text(tenant).Text(target_connection).Text(entity).Text(source_id);
  return p;
}

Result<Connection> ConnectionFromRow(const PgResult& r, int row) {
  Connection c;
  c.tenant_id = r.Text(row, 0);
  c.id = r.Text(row, 1);
  c.kind = r.Text(row, 2);
  c.name = r.Text(row, 3);
  ES_ASSIGN_OR_RETURN(c.config, ParseJsonColumn(r.Text(row, 4), "connections.config"));
  ES_ASSIGN_OR_RETURN(c.secret, r.Bytes(row, 5));
  c.enabled = r.Bool(row, 6);
  c.updated_at_ms = r.Int(row, 7);
  return c;
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url) {
  return Open(url, PostgresOptions{});
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url, const PostgresOptions& options) {
  ES_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool, ConnectionPool::Open(url, options));
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(pool)));
}

PostgresStore::~PostgresStore() = default;

Status PostgresStore::Migrate() {
  return ApplyMigrations(*pool_, PostgresMigrations(), SystemClock::Get().NowMillis())
      .WithContext("migrate state store");
}

int PostgresStore::SchemaVersion() {
  Result<int> v = AppliedSchemaVersion(*pool_);
  return v.ok() ? *v : -1;
}

// ---- tenants ---------------------------------------------------------------

Status PostgresStore::PutTenant(const Tenant& t) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", t.id));
  const Params p = Params().Text(t.id).Text(t.name).Int(t.created_at_ms);
  return pool_->Run(CallKind::kIdempotent, "put tenant",
                    [&](PgSession& s) { return s.Exec(kPutTenant, p).status(); });
}

Result<std::optional<Tenant>> PostgresStore::GetTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  std::optional<Tenant> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get tenant", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetTenant, Params().Text(id)));
    out.reset();
    if (r.rows() > 0) out = Tenant{r.Text(0, 0), r.Text(0, 1), r.Int(0, 2)};
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Tenant>> PostgresStore::ListTenants() {
  std::vector<Tenant> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list tenants", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kListTenants));
    out.clear();
    for (int row = 0; row < r.rows(); ++row) out.push_back(Tenant{r.Text(row, 0), r.Text(row, 1), r.Int(row, 2)});
    return Status::Ok();
  }));
  return out;
}

Status PostgresStore::DeleteTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  // One transaction: a lost connection is retried only when nothing was committed.
  return pool_->Run(CallKind::kTransaction, "delete tenant", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kDeleteTenantRow, Params().Text(id)));
    if (r.affected() == 0) return Status::NotFound("tenant '" + id + "' not found");
    for (const char* table : kTenantTables) {
      const std::string sql = std::string("DELETE FROM ") + table + " WHERE tenant_id = $1";
      ES_RETURN_IF_ERROR(s.Exec(sql, Params().Text(id)).status());
    }
    return Status::Ok();
  });
}

// ---- connections -----------------------------------------------------------

Status PostgresStore::PutConnection(const Connection& c) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", c.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", c.id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection kind", c.kind));
  Params p;
  p.Text(c.tenant_id).Text(c.id).Text(c.kind).Text(c.name).Text(DumpJson(c.config)).Bytes(c.secret);
  p.Bool(c.enabled).Int(c.updated_at_ms);
  return pool_->Run(CallKind::kIdempotent, "put connection",
                    [&](PgSession& s) { return s.Exec(kPutConnection, p).status(); });
}

Result<std::optional<Connection>> PostgresStore::GetConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  std::optional<Connection> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get connection", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetConnection, Params().Text(tenant).Text(id)));
    out.reset();
    if (r.rows() == 0) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Connection c, ConnectionFromRow(r, 0));
    out = std::move(c);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Connection>> PostgresStore::ListConnections(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::vector<Connection> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "list connections", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kListConnections, Params().Text(tenant)));
    out.clear();
    for (int row = 0; row < r.rows(); ++row) {
      ES_ASSIGN_OR_RETURN(Connection c, ConnectionFromRow(r, row));
      out.push_back(std::move(c));
    }
    return Status::Ok();
  }));
  return out;
}

Status PostgresStore::DeleteConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  // A transaction, so a lost connection is retried only when nothing was
  // committed: a repeat after a committed delete would wrongly say NotFound.
  return pool_->Run(CallKind::kTransaction, "delete connection", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kDeleteConnection, Params().Text(tenant).Text(id)));
    if (r.affected() == 0) return Status::NotFound("connection '" + id + "' not found");
    return Status::Ok();
  });
}

// ---- transformer configs ---------------------------------------------------

Status PostgresStore::PutTransformerConfig(const std::string& tenant, const std::string& connection,
                                           const Json& config) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  const Params p = Params().Text(tenant).Text(connection).Text(DumpJson(config));
  return pool_->Run(CallKind::kIdempotent, "put transformer config",
                    [&](PgSession& s) { return s.Exec(kPutTransformerConfig, p).status(); });
}

Result<std::optional<Json>> PostgresStore::GetTransformerConfig(const std::string& tenant,
                                                                const std::string& connection) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  std::optional<Json> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get transformer config", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetTransformerConfig, Params().Text(tenant).Text(connection)));
    out.reset();
    if (r.rows() == 0) return Status::Ok();
    ES_ASSIGN_OR_RETURN(Json j, ParseJsonColumn(r.Text(0, 0), "transformer_configs.config"));
    out = std::move(j);
    return Status::Ok();
  }));
  return out;
}

// ---- id mappings -----------------------------------------------------------

Status PostgresStore::PutMapping(const IdMapping& m) {
  ES_RETURN_IF_ERROR(RequireRecordKey(m.tenant_id, m.target_connection, m.entity, m.source_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", m.target_id));
  Params p = RecordKey(m.tenant_id, m.target_connection, m.entity, m.source_id);
  p.Text(m.source_connection).Text(m.target_id).Text(m.target_type).Text(m.sync_token).Text(m.fingerprint);
  p.Int(m.updated_at_ms);
  return pool_->Run(CallKind::kIdempotent, "put id mapping",
                    [&](PgSession& s) { return s.Exec(kPutMapping, p).status(); });
}

Result<std::optional<IdMapping>> PostgresStore::GetMapping(const std::string& tenant,
                                                           const std::string& target_connection,
                                                           const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  return ReadMapping(kGetMapping, RecordKey(tenant, target_connection, entity, source_id), "get id mapping");
}

Result<std::optional<IdMapping>> PostgresStore::FindMappingByTarget(const std::string& tenant,
                                                                    const std::string& target_connection,
                                                                    const std::string& entity,
                                                                    const std::string& target_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", target_id));
  return ReadMapping(kFindMappingByTarget, RecordKey(tenant, target_connection, entity, target_id),
                     "find id mapping by target");
}

Result<std::optional<IdMapping>> PostgresStore::ReadMapping(const char* sql, const Params& params, const char* what) {
  std::optional<IdMapping> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, what, [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(sql, params));
    out.reset();
    if (r.rows() == 0) return Status::Ok();
    IdMapping m;
    m.tenant_id = r.Text(0, 0);
    m.target_connection = r.Text(0, 1);
    m.entity = r.Text(0, 2);
    m.source_id = r.Text(0, 3);
    m.source_connection = r.Text(0, 4);
    m.target_id = r.Text(0, 5);
    m.target_type = r.Text(0, 6);
    m.sync_token = r.Text(0, 7);
    m.fingerprint = r.Text(0, 8);
    m.updated_at_ms = r.Int(0, 9);
    out = std::move(m);
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> PostgresStore::CountMappings(const std::string& tenant, const std::string& target_connection,
                                             const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  int64_t count = 0;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "count id mappings", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kCountMappings, Params().Text(tenant).Text(target_connection).Text(entity)));
    count = r.rows() > 0 ? r.Int(0, 0) : 0;
    return Status::Ok();
  }));
  return count;
}

// ---- write intents ---------------------------------------------------------

Status PostgresStore::PutIntent(const WriteIntent& w) {
  ES_RETURN_IF_ERROR(RequireRecordKey(w.tenant_id, w.target_connection, w.entity, w.source_id));
  Params p = RecordKey(w.tenant_id, w.target_connection, w.entity, w.source_id);
  p.Text(w.request_id).Text(w.lookup_key).Int(w.created_at_ms);
  return pool_->Run(CallKind::kIdempotent, "put write intent",
                    [&](PgSession& s) { return s.Exec(kPutIntent, p).status(); });
}

Status PostgresStore::ClearIntent(const std::string& tenant, const std::string& target_connection,
                                  const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  const Params p = RecordKey(tenant, target_connection, entity, source_id);
  return pool_->Run(CallKind::kIdempotent, "clear write intent",
                    [&](PgSession& s) { return s.Exec(kClearIntent, p).status(); });
}

Result<std::optional<WriteIntent>> PostgresStore::GetIntent(const std::string& tenant,
                                                            const std::string& target_connection,
                                                            const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireRecordKey(tenant, target_connection, entity, source_id));
  const Params p = RecordKey(tenant, target_connection, entity, source_id);
  std::optional<WriteIntent> out;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "get write intent", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(kGetIntent, p));
    out.reset();
    if (r.rows() == 0) return Status::Ok();
    WriteIntent w;
    w.tenant_id = r.Text(0, 0);
    w.target_connection = r.Text(0, 1);
    w.entity = r.Text(0, 2);
    w.source_id = r.Text(0, 3);
    w.request_id = r.Text(0, 4);
    w.lookup_key = r.Text(0, 5);
    w.created_at_ms = r.Int(0, 6);
    out = std::move(w);
    return Status::Ok();
  }));
  return out;
}

}  // namespace es::store::postgres
