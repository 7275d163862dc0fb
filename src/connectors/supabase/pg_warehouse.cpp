#include "connectors/supabase/pg_warehouse.h"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "connectors/supabase/pg_warehouse_internal.h"
#include "connectors/supabase/rows.h"
#include "http/url.h"

namespace es::supabase {

using store::postgres::CallKind;
using store::postgres::ConnectionPool;
using store::postgres::Params;
using store::postgres::PgResult;
using store::postgres::PgSession;
using store::postgres::PoolOptions;

namespace {

// The advisory lock warehouse migrators take ("ESYNCWHS").
constexpr int64_t kWarehouseLockKey = 0x4553594E43574853;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string MissingTable(const std::string& table) {
  return "warehouse table '" + table + "' does not exist (run migrations or disable read_only)";
}

}  // namespace

bool IsRowLevelError(const Status& s) {
  const std::string& c = s.code();
  if (StartsWith(c, "pg:22") || StartsWith(c, "pg:23")) return true;
  return s.IsValidation() && s.message().find("NUL byte") != std::string::npos;
}

PgWarehouse::PgWarehouse(WarehouseConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock), schema_(QuoteIdent(config_.schema)) {
  url_ = config_.url;
  if (!config_.password.empty())
    url_ += (url_.find('?') == std::string::npos ? "?" : "&") + std::string("password=") +
            http::PercentEncode(config_.password);
}

PgWarehouse::~PgWarehouse() = default;

int64_t PgWarehouse::reconnects() const { return pool_ ? pool_->reconnects() : 0; }

Status ConnectFailure(const Status& s, int attempts) {
  if (s.ok()) return s;
  // The pool says "cannot connect to PostgreSQL at user@host:port/db: <libpq's words>".
  const std::string& m = s.message();
  const std::string lead = "cannot connect to ";
  std::string where = "PostgreSQL", detail = m;
  if (m.rfind(lead, 0) == 0) {
    if (size_t colon = m.find(": ", lead.size()); colon != std::string::npos) {
      where = m.substr(lead.size(), colon - lead.size());
      detail = m.substr(colon + 2);
    }
  }
  auto has = [&](const char* needle) { return detail.find(needle) != std::string::npos; };
  if ((has("role \"") && has("does not exist")) || s.IsAuthentication())
    return Status::Authentication("warehouse login refused by " + where + " (" + detail +
                                      ") — check the user in the connection's url and the password in its secret",
                                  s.IsAuthentication() ? s.code() : "pg:28000");
  if (s.code() == "pg:3D000")
    return Status::Validation("warehouse " + where + ": " + detail + " — check the database name in the connection's url",
                              s.code());
  if (!s.IsNetwork()) return s.WithContext("warehouse");
  std::string reason = detail;
  if (has("Connection refused")) reason = "connection refused";
  else if (has("could not translate host name") || has("Name or service not known")) reason = "host name not found";
  else if (has("timeout expired") || has("timed out")) reason = "timed out";
  if (attempts > 1) reason += "; " + std::to_string(attempts) + " attempts";
  return Status::Network("warehouse unreachable: " + where + " (" + reason +
                             ") — check the connection's url and that the database server is running",
                         s.code());
}

Status PgWarehouse::EnsurePool() {
  if (pool_) return Status::Ok();
  PoolOptions o;
  o.max_connections = std::max(2, config_.bulk_parallelism);
  o.application_name = "easysale-sync-warehouse";
  auto pool = ConnectionPool::Open(url_, o);
  if (!pool.ok()) return pool.status();
  pool_ = std::move(*pool);
  return Status::Ok();
}

Status PgWarehouse::Connect() {
  int attempts = 0;
  Status last;
  Status s = Retrying("connect", [&] {
    ++attempts;
    last = EnsurePool();
    return last;
  });
  return s.ok() ? s : ConnectFailure(last, attempts);
}

Status PgWarehouse::Retrying(const std::string& what, const std::function<Status()>& body) {
  int64_t wait = config_.retry_initial_ms;
  for (int attempt = 1;; ++attempt) {
    Status s = body();
    if (s.ok() || !s.IsNetwork() || attempt >= config_.max_attempts) {
      if (!s.ok() && s.IsNetwork() && attempt > 1)
        return s.WithContext(what + " (gave up after " + std::to_string(attempt) + " attempts)");
      return s;
    }
    clock_.SleepMillis(wait);
    wait = std::min<int64_t>(wait * 2, 5'000);
  }
}

Status PgWarehouse::Translate(Table table, const Status& s) const {
  const std::string& name = TableName(table);
  const std::string& c = s.code();
  if (c == "pg:42P01") return Status::NotFound(MissingTable(name), "missing_table");
  if (c == "pg:3F000")
    return Status::NotFound("warehouse schema '" + config_.schema + "' does not exist (run migrations or disable read_only)",
                            "missing_schema");
  if (c == "pg:42703")
    return Status::Internal("warehouse table '" + name + "' lacks a column this version writes (" + s.message() +
                                "); run migrations",
                            c);
  if (c == "pg:42501")
    return Status::Authentication("no permission on warehouse table '" + name + "': " + s.message(), c);
  return s.WithContext("warehouse " + name);
}

Status PgWarehouse::Prepare() {
  if (prepared_) return Status::Ok();
  ES_RETURN_IF_ERROR(Connect());
  Status s = Retrying("prepare", [&] { return config_.read_only ? CheckReadOnly() : Migrate(); });
  if (s.ok()) prepared_ = true;
  return s;
}

Status PgWarehouse::Migrate() {
  const std::string prepare = "CREATE SCHEMA IF NOT EXISTS " + schema_ + "; CREATE TABLE IF NOT EXISTS " + schema_ +
                              ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                              "applied_at timestamptz NOT NULL DEFAULT now())";
  const std::string max_sql = "SELECT COALESCE(MAX(version), 0) FROM " + schema_ + ".schema_migrations";
  const std::string record = "INSERT INTO " + schema_ + ".schema_migrations (version, name) VALUES ($1, $2)";
  const int newest = RequiredSchemaVersion();
  for (const WarehouseMigration& m : WarehouseMigrations()) {
    const std::string what = "warehouse migration " + std::to_string(m.version) + "_" + m.name;
    ES_RETURN_IF_ERROR(pool_->Run(CallKind::kTransaction, what, [&](PgSession& s) -> Status {
      ES_RETURN_IF_ERROR(s.Exec("SELECT pg_advisory_xact_lock($1)", Params().Int(kWarehouseLockKey)).status());
      ES_RETURN_IF_ERROR(s.Script(prepare.c_str()));
      ES_ASSIGN_OR_RETURN(PgResult max, s.Exec(max_sql));
      const int current = static_cast<int>(max.Int(0, 0));
      if (current > newest)
        return Status::Internal("warehouse schema version " + std::to_string(current) +
                                " is newer than this binary supports (" + std::to_string(newest) +
                                "); upgrade easysale-sync");
      if (current >= m.version) return Status::Ok();
      ES_RETURN_IF_ERROR(s.Script(WithSchema(m.sql, schema_).c_str()));
      return s.Exec(record, Params().Int(m.version).Text(m.name)).status();
    }));
  }
  return pool_->Run(CallKind::kRead, "check warehouse tables", [&](PgSession& s) { return CheckTables(s); });
}

Status PgWarehouse::CheckTables(PgSession& s) {
  std::string names = "{";
  for (Table t : AllTables()) names += (names.size() > 1 ? "," : "") + TableName(t);
  names += "}";
  ES_ASSIGN_OR_RETURN(PgResult r, s.Exec("SELECT n FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i) "
                                         "WHERE to_regclass($2 || '.' || quote_ident(n)) IS NULL ORDER BY i",
                                         Params().Text(names).Text(schema_)));
  if (r.rows() > 0) return Status::NotFound(MissingTable(r.Text(0, 0)), "missing_table");
  return Status::Ok();
}

Status PgWarehouse::CheckReadOnly() {
  return pool_->Run(CallKind::kRead, "check warehouse schema", [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult exists,
                        s.Exec("SELECT to_regclass($1 || '.schema_migrations') IS NOT NULL", Params().Text(schema_)));
    if (!exists.Bool(0, 0))
      return Status::NotFound("warehouse table 'schema_migrations' does not exist in schema '" + config_.schema +
                                  "' (run migrations or disable read_only)",
                              "missing_table");
    ES_ASSIGN_OR_RETURN(PgResult max, s.Exec("SELECT COALESCE(MAX(version), 0) FROM " + schema_ + ".schema_migrations"));
    const int current = static_cast<int>(max.Int(0, 0));
    if (current < RequiredSchemaVersion())
      return Status::Validation("warehouse schema version " + std::to_string(current) + " is older than version " +
                                    std::to_string(RequiredSchemaVersion()) +
                                    " that this binary writes (run migrations or disable read_only)",
                                "schema_version");
    if (current > RequiredSchemaVersion())
      return Status::Internal("warehouse schema version " + std::to_string(current) +
                              " is newer than this binary supports (" + std::to_string(RequiredSchemaVersion()) +
                              "); upgrade easysale-sync");
    return CheckTables(s);
  });
}

Result<int> PgWarehouse::SchemaVersion() {
  ES_RETURN_IF_ERROR(Connect());
  int version = 0;
  ES_RETURN_IF_ERROR(pool_->Run(CallKind::kRead, "read warehouse schema version", [&](PgSession& s) -> Status {
    version = 0;
    ES_ASSIGN_OR_RETURN(PgResult exists,
                        s.Exec("SELECT to_regclass($1 || '.schema_migrations') IS NOT NULL", Params().Text(schema_)));
    if (!exists.Bool(0, 0)) return Status::Ok();
    ES_ASSIGN_OR_RETURN(PgResult max, s.Exec("SELECT COALESCE(MAX(version), 0) FROM " + schema_ + ".schema_migrations"));
    version = static_cast<int>(max.Int(0, 0));
    return Status::Ok();
  }));
  return version;
}

Status PgWarehouse::Ping() {
  ES_RETURN_IF_ERROR(Connect());
  return Retrying("ping", [&] {
    return pool_->Run(CallKind::kRead, "warehouse ping", [](PgSession& s) { return s.Exec("SELECT 1").status(); });
  });
}

std::string PgWarehouse::MergeSql(Table table, const std::string& from_sql) const {
  const TableSpec& spec = Spec(table);
  std::string cols, sets;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const std::string q = QuoteIdent(spec.columns[i].name);
    cols += q + ", ";
    if (i >= 2) sets += q + " = EXCLUDED." + q + ", ";
  }
  return "INSERT INTO " + schema_ + "." + QuoteIdent(spec.name) + " AS t (" + cols + "content_hash, synced_at) " +
         from_sql + " ON CONFLICT (source, source_id) DO UPDATE SET " + sets +
         "content_hash = EXCLUDED.content_hash, synced_at = EXCLUDED.synced_at "
         "WHERE t.content_hash IS DISTINCT FROM EXCLUDED.content_hash "
         "RETURNING t.source, t.source_id, (t.xmax = 0) AS inserted";
}

const std::string& PgWarehouse::UpsertSql(Table table) {
  auto it = upsert_sql_.find(table);
  if (it != upsert_sql_.end()) return it->second;
  const TableSpec& spec = Spec(table);
  std::string select = "SELECT ", params, aliases;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    select += "u.c" + std::to_string(i) + "::" + spec.columns[i].sql_type + ", ";
    params += "$" + std::to_string(i + 1) + "::text[], ";
    aliases += "c" + std::to_string(i) + ", ";
  }
  const size_t n = spec.columns.size();
  select += "u.h, now() FROM unnest(" + params + "$" + std::to_string(n + 1) + "::text[]) AS u(" + aliases + "h)";
  return upsert_sql_[table] = MergeSql(table, select);
}

void ApplyReturned(const PgResult& r, const std::unordered_map<std::string, size_t>& by_key,
                          UpsertResult* out) {
  for (int i = 0; i < r.rows(); ++i) {
    std::string key = r.Text(i, 0);
    key += '\x1f';
    key += r.Text(i, 1);
    auto it = by_key.find(key);
    if (it == by_key.end()) continue;
    out->outcomes[it->second].kind = r.Bool(i, 2) ? RowOutcome::Kind::kInserted : RowOutcome::Kind::kUpdated;
  }
}

Status PgWarehouse::RunBatch(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out) {
  const TableSpec& spec = Spec(table);
  Params params;
  std::vector<const std::optional<std::string>*> column(which.size());
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    for (size_t k = 0; k < which.size(); ++k) column[k] = &(*batch.rows)[which[k]].values[c];
    params.Text(TextArrayLiteral(column));
  }
  std::vector<std::optional<std::string>> hashes;
  hashes.reserve(which.size());
  for (size_t k = 0; k < which.size(); ++k) hashes.emplace_back(batch.hashes[which[k]]);
  for (size_t k = 0; k < which.size(); ++k) column[k] = &hashes[k];
  params.Text(TextArrayLiteral(column));
  const std::string& sql = UpsertSql(table);
  return pool_->Run(CallKind::kIdempotent, "warehouse upsert " + spec.name, [&](PgSession& s) -> Status {
    ES_ASSIGN_OR_RETURN(PgResult r, s.Exec(sql, params));
    for (size_t idx : which) out->outcomes[idx] = {};
    ApplyReturned(r, batch.by_key, out);
    return Status::Ok();
  });
}

void PgWarehouse::RowByRow(Table table, const Batch& batch, const std::vector<size_t>& which, UpsertResult* out,
                           Status* fatal) {
  for (size_t idx : which) {
    Status s = Retrying("warehouse upsert", [&] { return RunBatch(table, batch, {idx}, out); });
    if (s.ok()) continue;
    if (!IsRowLevelError(s)) {
      *fatal = Translate(table, s);
      return;
    }
    const std::string why = "warehouse refused " + TableName(table) + " row " + (*batch.rows)[idx].source_id() +
                            ": " + s.message();
    out->outcomes[idx].kind = RowOutcome::Kind::kFailed;
    out->outcomes[idx].error = s.code() == "pg:23505" || s.code() == "pg:23503" ? Status::Conflict(why, s.code())
                                                                                : Status::Validation(why, s.code());
  }
}

void Tally(UpsertResult* out) {
  out->inserted = out->updated = out->unchanged = out->failed = 0;
  for (const auto& o : out->outcomes) {
    switch (o.kind) {
      case RowOutcome::Kind::kInserted: ++out->inserted; break;
      case RowOutcome::Kind::kUpdated: ++out->updated; break;
      case RowOutcome::Kind::kUnchanged: ++out->unchanged; break;
      case RowOutcome::Kind::kFailed: ++out->failed; break;
    }
  }
}

Result<UpsertResult> PgWarehouse::Upsert(Table table, const std::vector<Row>& rows) {
  if (rows.size() >= static_cast<size_t>(config_.bulk_threshold)) return BulkUpsert(table, rows);
  return BatchUpsert(table, rows);
}

Status FillBatch(Table table, const std::vector<Row>& rows, std::vector<size_t>* unique,
                 std::vector<std::string>* hashes, std::unordered_map<std::string, size_t>* by_key,
                 std::string (*key)(const std::string&, const std::string&)) {
  const size_t ncols = Spec(table).columns.size();
  hashes->assign(rows.size(), std::string());
  by_key->reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (r.table != table || r.values.size() != ncols)
      return Status::Internal("row " + std::to_string(i) + " does not belong to warehouse table '" + TableName(table) +
                              "'");
    (*by_key)[key(r.source(), r.source_id())] = i;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if ((*by_key)[key(rows[i].source(), rows[i].source_id())] != i) continue;
    unique->push_back(i);
    (*hashes)[i] = ContentHash(rows[i]);
  }
  return Status::Ok();
}

Result<UpsertResult> PgWarehouse::BatchUpsert(Table table, const std::vector<Row>& rows) {
  ES_RETURN_IF_ERROR(Prepare());
  UpsertResult out;
  out.outcomes.resize(rows.size());
  if (rows.empty()) return out;
  Batch b;
  b.rows = &rows;
  ES_RETURN_IF_ERROR(FillBatch(table, rows, &b.unique, &b.hashes, &b.by_key, &Batch::Key));
  Status s = Retrying("warehouse upsert", [&] { return RunBatch(table, b, b.unique, &out); });
  if (!s.ok()) {
    if (!IsRowLevelError(s)) return Translate(table, s);
    Status fatal;
    RowByRow(table, b, b.unique, &out, &fatal);
    if (!fatal.ok()) return fatal;
  }
  Tally(&out);
  return out;
}

Result<int64_t> PgWarehouse::DeleteStale(Table table, const std::string& source, const std::string& parent_column,
                                         const std::vector<std::string>& parent_ids,
                                         const std::vector<std::string>& keep_ids) {
  const TableSpec& spec = Spec(table);
  if (spec.Index(parent_column) < 2)
    return Status::Internal("warehouse table '" + spec.name + "' has no column '" + parent_column + "'");
  if (parent_ids.empty()) return int64_t{0};
  ES_RETURN_IF_ERROR(Prepare());
  auto literal = [](const std::vector<std::string>& v) {
    std::vector<std::optional<std::string>> opt(v.begin(), v.end());
    std::vector<const std::optional<std::string>*> ptrs;
    for (const auto& o : opt) ptrs.push_back(&o);
    return TextArrayLiteral(ptrs);
  };
  const std::string sql = "DELETE FROM " + schema_ + "." + QuoteIdent(spec.name) + " WHERE source = $1 AND " +
                          QuoteIdent(parent_column) + " = ANY($2::text[]) AND NOT (source_id = ANY($3::text[]))";
  Params p;
  p.Text(source).Text(literal(parent_ids)).Text(literal(keep_ids));
  int64_t n = 0;
  Status s = Retrying("warehouse delete", [&] {
    return pool_->Run(CallKind::kIdempotent, "warehouse delete stale " + spec.name, [&](PgSession& ss) -> Status {
      ES_ASSIGN_OR_RETURN(PgResult r, ss.Exec(sql, p));
      n = r.affected();
      return Status::Ok();
    });
  });
  if (!s.ok()) return Translate(table, s);
  return n;
}

Result<int64_t> PgWarehouse::CountRows(Table table, const std::string& source) {
  ES_RETURN_IF_ERROR(Connect());
  const std::string sql = "SELECT count(*) FROM " + schema_ + "." + QuoteIdent(TableName(table)) +
                          " WHERE ($1 = '' OR source = $1)";
  int64_t n = 0;
  Status s = Retrying("warehouse count", [&] {
    return pool_->Run(CallKind::kRead, "warehouse count " + TableName(table), [&](PgSession& ss) -> Status {
      ES_ASSIGN_OR_RETURN(PgResult r, ss.Exec(sql, Params().Text(source)));
      n = r.Int(0, 0);
      return Status::Ok();
    });
  });
  if (!s.ok()) return Translate(table, s);
  return n;
}

}  // namespace es::supabase
