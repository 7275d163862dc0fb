// SqliteStore: connection set-up, migrations, tenants, connections,
// transformer configs, id mappings and write intents. Runs, results, the
// failed queue, cursors and locks are in sqlite_store_runs.cpp.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include "common/clock.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store_util.h"

namespace es::store::sqlite {
namespace {

constexpr const char kPutTenant[] =
    "INSERT INTO tenants (id, name, created_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name";
constexpr const char kGetTenant[] = "SELECT id, name, created_at_ms FROM tenants WHERE id = ?1";
constexpr const char kListTenants[] = "SELECT id, name, created_at_ms FROM tenants ORDER BY id";
constexpr const char kDeleteTenantRow[] = "DELETE FROM tenants WHERE id = ?1";

constexpr const char kPutConnection[] =
    "INSERT INTO connections (tenant_id, id, kind, name, config, secret, enabled, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (tenant_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
    "config = excluded.config, secret = excluded.secret, enabled = excluded.enabled, "
    "updated_at_ms = excluded.updated_at_ms";
constexpr const char kGetConnection[] =
    "SELECT tenant_id, id, kind, name, config, secret, enabled, updated_at_ms FROM connections "
    "WHERE tenant_id = ?1 AND id = ?2";
constexpr const char kListConnections[] =
    "SELECT tenant_id, id, kind, name, config, secret, enabled, updated_at_ms FROM connections "
    "WHERE tenant_id = ?1 ORDER BY id";
constexpr const char kDeleteConnection[] = "DELETE FROM connections WHERE tenant_id = ?1 AND id = ?2";

constexpr const char kPutTransformerConfig[] =
    "INSERT INTO transformer_configs (tenant_id, connection_id, config) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (tenant_id, connection_id) DO UPDATE SET config = excluded.config";
constexpr const char kGetTransformerConfig[] =
    "SELECT config FROM transformer_configs WHERE tenant_id = ?1 AND connection_id = ?2";

constexpr const char kPutMapping[] =
    "INSERT INTO id_mappings (tenant_id, target_connection, entity, source_id, source_connection, target_id, "
    "target_type, sync_token, fingerprint, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "source_connection = excluded.source_connection, target_id = excluded.target_id, "
    "target_type = excluded.target_type, sync_token = excluded.sync_token, "
    "fingerprint = excluded.fingerprint, updated_at_ms = excluded.updated_at_ms";
constexpr const char kGetMapping[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, target_id, target_type, "
    "sync_token, fingerprint, updated_at_ms FROM id_mappings "
    "WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3 AND source_id = ?4";
constexpr const char kFindMappingByTarget[] =
    "SELECT tenant_id, target_connection, entity, source_id, source_connection, target_id, target_type, "
    "sync_token, fingerprint, updated_at_ms FROM id_mappings "
    "WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3 AND target_id = ?4 "
    "ORDER BY updated_at_ms DESC LIMIT 1";
constexpr const char kCountMappings[] =
    "SELECT COUNT(*) FROM id_mappings WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3";

constexpr const char kPutIntent[] =
    "INSERT INTO write_intents (tenant_id, target_connection, entity, source_id, request_id, lookup_key, "
    "created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (tenant_id, target_connection, entity, source_id) DO UPDATE SET "
    "request_id = excluded.request_id, lookup_key = excluded.lookup_key, created_at_ms = excluded.created_at_ms";
constexpr const char kClearIntent[] =
    "DELETE FROM write_intents WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3 AND source_id = ?4";
constexpr const char kGetIntent[] =
    "SELECT tenant_id, target_connection, entity, source_id, request_id, lookup_key, created_at_ms "
    "FROM write_intents WHERE tenant_id = ?1 AND target_connection = ?2 AND entity = ?3 AND source_id = ?4";

// Binds the four-part record key (tenant, target connection, entity, source id) to ?1..?4.
Status BindRecordKey(Query& q, const std::string& tenant, const std::string& target_connection,
                     const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("source_id", source_id));
  q.Text(1, tenant).Text(2, target_connection).Text(3, entity).Text(4, source_id);
  return Status::Ok();
}

// Steps a kGetMapping-shaped query once: the mapping, or nullopt without a row.
Result<std::optional<IdMapping>> MappingFromStep(Query& q) {
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<IdMapping>();
  IdMapping m;
  m.tenant_id = q.ColText(0);
  m.target_connection = q.ColText(1);
  m.entity = q.ColText(2);
  m.source_id = q.ColText(3);
  m.source_connection = q.ColText(4);
  m.target_id = q.ColText(5);
  m.target_type = q.ColText(6);
  m.sync_token = q.ColText(7);
  m.fingerprint = q.ColText(8);
  m.updated_at_ms = q.ColInt(9);
  return std::optional<IdMapping>(std::move(m));
}

Result<Connection> ConnectionFromRow(const Query& q) {
  Connection c;
  c.tenant_id = q.ColText(0);
  c.id = q.ColText(1);
  c.kind = q.ColText(2);
  c.name = q.ColText(3);
  ES_ASSIGN_OR_RETURN(c.config, ParseJsonColumn(q.ColText(4), "connections.config"));
  c.secret = q.ColBlob(5);
  c.enabled = q.ColBool(6);
  c.updated_at_ms = q.ColInt(7);
  return c;
}

Status PragmaExec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) { return Open(path, SqliteOptions{}); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, const SqliteOptions& options) {
  if (path.empty()) return Status::Validation("sqlite store path is empty");
  if (path.find('\0') != std::string::npos) return Status::Validation("sqlite store path contains a NUL byte");
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open state store '" + path + "'");
    sqlite3_close_v2(db);
    return s;
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  {
    // WAL lets readers proceed during a write; an in-memory database answers
    // "memory", which is fine.
    ES_ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db, "PRAGMA journal_mode = WAL", false));
    Query q(st.get());
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    std::string mode = row ? q.ColText(0) : "";
    if (mode != "wal" && mode != "memory") {
      return Status::Internal("state store '" + path + "': cannot enable WAL journal (got '" + mode + "')");
    }
  }
  ES_RETURN_IF_ERROR(PragmaExec(db, options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  ES_RETURN_IF_ERROR(PragmaExec(db, "PRAGMA foreign_keys = ON"));
  return store;
}

SqliteStore::~SqliteStore() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> SqliteStore::Prepared(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  ES_ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db_, sql, true));
  sqlite3_stmt* raw = st.get();
  cache_.emplace(sql, std::move(st));
  return raw;
}

Status SqliteStore::Migrate() {
  std::lock_guard lock(mu_);
  return ApplyMigrations(db_, SqliteMigrations(), SystemClock::Get().NowMillis()).WithContext("migrate state store");
}

int SqliteStore::SchemaVersion() {
  std::lock_guard lock(mu_);
  Result<int> v = AppliedSchemaVersion(db_);
  return v.ok() ? *v : -1;
}

// ---- tenants ---------------------------------------------------------------

Status SqliteStore::PutTenant(const Tenant& t) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", t.id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutTenant));
  Query q(st);
  q.Text(1, t.id).Text(2, t.name).Int(3, t.created_at_ms);
  return q.Run().WithContext("put tenant");
}

Result<std::optional<Tenant>> SqliteStore::GetTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetTenant));
  Query q(st);
  q.Text(1, id);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<Tenant>();
  return std::optional<Tenant>(Tenant{q.ColText(0), q.ColText(1), q.ColInt(2)});
}

Result<std::vector<Tenant>> SqliteStore::ListTenants() {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListTenants));
  Query q(st);
  std::vector<Tenant> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(Tenant{q.ColText(0), q.ColText(1), q.ColInt(2)});
  }
  return out;
}

Status SqliteStore::DeleteTenant(const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant id", id));
  std::lock_guard lock(mu_);
  Transaction txn(db_);
  ES_RETURN_IF_ERROR(txn.Begin().WithContext("delete tenant"));
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * del, Prepared(kDeleteTenantRow));
  Query q(del);
  q.Text(1, id);
  ES_RETURN_IF_ERROR(q.Run().WithContext("delete tenant"));
  if (q.Changes() == 0) return Status::NotFound("tenant '" + id + "' not found");
  for (const char* table : kTenantTables) {
    const std::string sql = std::string("DELETE FROM ") + table + " WHERE tenant_id = ?1";
    ES_ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db_, sql.c_str(), false));
    Query rows(st.get());
    rows.Text(1, id);
    ES_RETURN_IF_ERROR(rows.Run().WithContext(std::string("delete tenant rows of ") + table));
  }
  return txn.Commit().WithContext("delete tenant");
}

// ---- connections -----------------------------------------------------------

Status SqliteStore::PutConnection(const Connection& c) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", c.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", c.id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection kind", c.kind));
  const std::string config = DumpJson(c.config);
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutConnection));
  Query q(st);
  q.Text(1, c.tenant_id).Text(2, c.id).Text(3, c.kind).Text(4, c.name).Text(5, config).Blob(6, c.secret);
  q.Bool(7, c.enabled).Int(8, c.updated_at_ms);
  return q.Run().WithContext("put connection");
}

Result<std::optional<Connection>> SqliteStore::GetConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetConnection));
  Query q(st);
  q.Text(1, tenant).Text(2, id);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<Connection>();
  ES_ASSIGN_OR_RETURN(Connection c, ConnectionFromRow(q));
  return std::optional<Connection>(std::move(c));
}

Result<std::vector<Connection>> SqliteStore::ListConnections(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kListConnections));
  Query q(st);
  q.Text(1, tenant);
  std::vector<Connection> out;
  while (true) {
    ES_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ES_ASSIGN_OR_RETURN(Connection c, ConnectionFromRow(q));
    out.push_back(std::move(c));
  }
  return out;
}

Status SqliteStore::DeleteConnection(const std::string& tenant, const std::string& id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kDeleteConnection));
  Query q(st);
  q.Text(1, tenant).Text(2, id);
  ES_RETURN_IF_ERROR(q.Run().WithContext("delete connection"));
  if (q.Changes() == 0) return Status::NotFound("connection '" + id + "' not found");
  return Status::Ok();
}

// ---- transformer configs ---------------------------------------------------

Status SqliteStore::PutTransformerConfig(const std::string& tenant, const std::string& connection,
                                         const Json& config) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  const std::string text = DumpJson(config);
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutTransformerConfig));
  Query q(st);
  q.Text(1, tenant).Text(2, connection).Text(3, text);
  return q.Run().WithContext("put transformer config");
}

Result<std::optional<Json>> SqliteStore::GetTransformerConfig(const std::string& tenant,
                                                              const std::string& connection) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("connection id", connection));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetTransformerConfig));
  Query q(st);
  q.Text(1, tenant).Text(2, connection);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<Json>();
  ES_ASSIGN_OR_RETURN(Json j, ParseJsonColumn(q.ColText(0), "transformer_configs.config"));
  return std::optional<Json>(std::move(j));
}

// ---- id mappings -----------------------------------------------------------

Status SqliteStore::PutMapping(const IdMapping& m) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", m.target_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutMapping));
  Query q(st);
  ES_RETURN_IF_ERROR(BindRecordKey(q, m.tenant_id, m.target_connection, m.entity, m.source_id));
  q.Text(5, m.source_connection).Text(6, m.target_id).Text(7, m.target_type).Text(8, m.sync_token);
  q.Text(9, m.fingerprint).Int(10, m.updated_at_ms);
  return q.Run().WithContext("put id mapping");
}

Result<std::optional<IdMapping>> SqliteStore::GetMapping(const std::string& tenant,
                                                         const std::string& target_connection,
                                                         const std::string& entity, const std::string& source_id) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetMapping));
  Query q(st);
  ES_RETURN_IF_ERROR(BindRecordKey(q, tenant, target_connection, entity, source_id));
  return MappingFromStep(q);
}

Result<std::optional<IdMapping>> SqliteStore::FindMappingByTarget(const std::string& tenant,
                                                                  const std::string& target_connection,
                                                                  const std::string& entity,
                                                                  const std::string& target_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_id", target_id));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kFindMappingByTarget));
  Query q(st);
  q.Text(1, tenant).Text(2, target_connection).Text(3, entity).Text(4, target_id);
  return MappingFromStep(q);
}

Result<int64_t> SqliteStore::CountMappings(const std::string& tenant, const std::string& target_connection,
                                           const std::string& entity) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kCountMappings));
  Query q(st);
  q.Text(1, tenant).Text(2, target_connection).Text(3, entity);
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.ColInt(0) : int64_t{0};
}

// ---- write intents ---------------------------------------------------------

Status SqliteStore::PutIntent(const WriteIntent& w) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kPutIntent));
  Query q(st);
  ES_RETURN_IF_ERROR(BindRecordKey(q, w.tenant_id, w.target_connection, w.entity, w.source_id));
  q.Text(5, w.request_id).Text(6, w.lookup_key).Int(7, w.created_at_ms);
  return q.Run().WithContext("put write intent");
}

Status SqliteStore::ClearIntent(const std::string& tenant, const std::string& target_connection,
                                const std::string& entity, const std::string& source_id) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kClearIntent));
  Query q(st);
  ES_RETURN_IF_ERROR(BindRecordKey(q, tenant, target_connection, entity, source_id));
  return q.Run().WithContext("clear write intent");
}

Result<std::optional<WriteIntent>> SqliteStore::GetIntent(const std::string& tenant,
                                                          const std::string& target_connection,
                                                          const std::string& entity, const std::string& source_id) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepared(kGetIntent));
  Query q(st);
  ES_RETURN_IF_ERROR(BindRecordKey(q, tenant, target_connection, entity, source_id));
  ES_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<WriteIntent>();
  WriteIntent w;
  w.tenant_id = q.ColText(0);
  w.target_connection = q.ColText(1);
  w.entity = q.ColText(2);
  w.source_id = q.ColText(3);
  w.request_id = q.ColText(4);
  w.lookup_key = q.ColText(5);
  w.created_at_ms = q.ColInt(6);
  return std::optional<WriteIntent>(std::move(w));
}

}  // namespace es::store::sqlite
