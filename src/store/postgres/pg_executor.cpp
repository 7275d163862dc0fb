#include "store/postgres/pg_executor.h"

#include "store/postgres/migrations.h"

namespace es::store::postgres {
namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

CallKind KindOf(sql::Call c) {
  switch (c) {
    case sql::Call::kRead: return CallKind::kRead;
    case sql::Call::kIdempotent: return CallKind::kIdempotent;
    case sql::Call::kTransaction: return CallKind::kTransaction;
  }
  return CallKind::kTransaction;
}

Params ToPg(const sql::Params& in) {
  Params p;
  for (const sql::Value& v : in.values()) {
    switch (v.kind) {
      case sql::Value::Kind::kText: p.Text(v.text); break;
      case sql::Value::Kind::kBytes: p.Bytes(v.text); break;
      case sql::Value::Kind::kInt: p.Int(v.number); break;
      case sql::Value::Kind::kBool: p.Bool(v.number != 0); break;
      case sql::Value::Kind::kNoLimit: p.Limit(0); break;
    }
  }
  return p;
}

Result<sql::Rows> FromPg(const PgResult& r) {
  sql::Rows rows;
  const int columns = r.columns();
  rows.SetColumns(columns);
  for (int row = 0; row < r.rows(); ++row) {
    for (int c = 0; c < columns; ++c) {
      sql::Cell cell;
      if (!r.IsNull(row, c)) {
        switch (r.type(c)) {
          case kBoolOid:
            cell.number = r.Bool(row, c) ? 1 : 0;
            cell.is_number = true;
            break;
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
            cell.number = r.Int(row, c);
            cell.is_number = true;
            break;
          case kByteaOid: {
            ES_ASSIGN_OR_RETURN(cell.text, r.Bytes(row, c));
            break;
          }
          default: cell.text = r.Text(row, c);
        }
      }
      rows.Add(std::move(cell));
    }
  }
  rows.SetAffected(r.affected());
  return rows;
}

}  // namespace

class PgExecutor::Session final : public sql::Session {
 public:
  Session(PgExecutor& exec, PgSession& s) : exec_(exec), s_(s) {}

  Result<sql::Rows> Exec(std::string_view neutral, const sql::Params& params, bool cached) override {
    if (!cached) {
      ES_ASSIGN_OR_RETURN(PgResult r, s_.Exec(sql::Render(neutral, sql::Dialect::kPostgres), ToPg(params)));
      return FromPg(r);
    }
    const Statement& st = exec_.Catalogued(neutral.data());
    const bool prepare = exec_.NeedsPrepare(s_.conn(), st.name);
    bool prepared = false;
    Result<PgResult> r = s_.ExecPrepared(st.name.c_str(), prepare ? st.sql.c_str() : nullptr, ToPg(params), &prepared);
    // Not prepared after all (the prepare failed), or gone from the session.
    if ((prepare && !prepared) || r.status().code() == "pg:26000") exec_.Forget(s_.conn(), st.name);
    if (!r.ok()) return r.status();
    return FromPg(*r);
  }

 private:
  PgExecutor& exec_;
  PgSession& s_;
};

const PgExecutor::Statement& PgExecutor::Catalogued(const char* neutral) {
  std::lock_guard lock(mu_);
  auto it = catalogued_.find(neutral);
  if (it == catalogued_.end()) {
    Statement st{sql::Render(neutral, sql::Dialect::kPostgres), "es_" + std::to_string(catalogued_.size() + 1)};
    it = catalogued_.emplace(neutral, std::move(st)).first;
  }
  return it->second;
}

bool PgExecutor::NeedsPrepare(PGconn* conn, const std::string& name) {
  std::lock_guard lock(mu_);
  return prepared_[{conn, PQbackendPID(conn)}].insert(name).second;
}

void PgExecutor::Forget(PGconn* conn, const std::string& name) {
  std::lock_guard lock(mu_);
  prepared_[{conn, PQbackendPID(conn)}].erase(name);
}

Status PgExecutor::Run(sql::Call kind, std::string_view what, const Body& body) {
  return pool_->Run(KindOf(kind), what, [&](PgSession& s) -> Status {
    Session session(*this, s);
    return body(session);
  });
}

Status PgExecutor::Migrate(int64_t now_ms) { return ApplyMigrations(*pool_, PostgresMigrations(), now_ms); }

Result<int> PgExecutor::SchemaVersion() { return AppliedSchemaVersion(*pool_); }

}  // namespace es::store::postgres
