#include "connectors/supabase/sandbox/rest_sql.h"

#include <libpq-fe.h>

#include "connectors/supabase/rest_protocol.h"
#include "connectors/supabase/rows.h"
#include "connectors/supabase/schema.h"

namespace es::supabase::sandbox {

using store::postgres::CallKind;
using store::postgres::PgSession;

namespace {

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

RestError ParseError(const std::string& what) {
  return {400, "PGRST100", "\"failed to parse " + what + "\"", "", ""};
}

std::string Field(const PGresult* r, int field) {
  const char* v = r != nullptr ? PQresultErrorField(r, field) : nullptr;
  return v != nullptr ? v : "";
}

}  // namespace

const ColumnInfo* TableInfo::Find(const std::string& column) const {
  for (const auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

std::string TableInfo::Qualified() const { return QuoteIdent(schema) + "." + QuoteIdent(name); }

RestError TableNotFound(const std::string& schema, const std::string& table) {
  return {404, "PGRST205", "Could not find the table '" + schema + "." + table + "' in the schema cache", "", ""};
}

RestError ColumnNotFound(const std::string& table, const std::string& column) {
  return {400, "PGRST204", "Could not find the '" + column + "' column of '" + table + "' in the schema cache", "", ""};
}

DbResult Db::Run(const std::string& sql, const SqlParams& params, bool transaction) {
  DbResult out;
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Status s = pool_.Run(transaction ? CallKind::kTransaction : CallKind::kRead, "rest sandbox",
                       [&](PgSession& session) -> Status {
                         out = DbResult();
                         PGresult* r = PQexecParams(session.conn(), sql.c_str(), static_cast<int>(values.size()),
                                                    nullptr, values.data(), nullptr, nullptr, 0);
                         const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
                         if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
                           RestError e;
                           e.code = Field(r, PG_DIAG_SQLSTATE);
                           e.message = Field(r, PG_DIAG_MESSAGE_PRIMARY);
                           e.details = Field(r, PG_DIAG_MESSAGE_DETAIL);
                           e.hint = Field(r, PG_DIAG_MESSAGE_HINT);
                           if (e.message.empty()) e.message = PQerrorMessage(session.conn());
                           const bool broken = PQstatus(session.conn()) != CONNECTION_OK;
                           PQclear(r);
                           if (broken) return Status::Network("connection lost");
                           e.http = HttpStatusForSqlState(e.code);
                           out.error = e;
                           return Status::Internal("statement failed");
                         }
                         const int n = PQntuples(r), m = PQnfields(r);
                         out.rows.reserve(static_cast<size_t>(n));
                         for (int i = 0; i < n; ++i) {
                           std::vector<std::optional<std::string>> row;
                           for (int j = 0; j < m; ++j) {
                             if (PQgetisnull(r, i, j)) {
                               row.emplace_back();
                             } else {
                               row.emplace_back(std::string(PQgetvalue(r, i, j),
                                                            static_cast<size_t>(PQgetlength(r, i, j))));
                             }
                           }
                           out.rows.push_back(std::move(row));
                         }
                         const char* affected = PQcmdTuples(r);
                         if (affected != nullptr && affected[0] != '\0') out.affected = std::stoll(affected);
                         PQclear(r);
                         return Status::Ok();
                       });
  if (!s.ok() && !out.error) {
    out.error = RestError{503, "PGRST000", "Could not connect with the database", "", ""};
  }
  return out;
}

std::optional<TableInfo> Db::Describe(const std::string& schema, const std::string& table,
                                      std::optional<RestError>* err) {
  static const char kSql[] =
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), (a.attidentity = 'a' OR a.attgenerated = 's'), "
      "COALESCE((SELECT true FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary "
      "AND a.attnum = ANY(i.indkey)), false) "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f') "
      "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  DbResult r = Run(kSql, {schema, table}, false);
  if (r.error) {
    *err = r.error;
    return std::nullopt;
  }
  if (r.rows.empty()) return std::nullopt;
  TableInfo t;
  t.schema = schema;
  t.name = table;
  for (const auto& row : r.rows) {
    ColumnInfo c;
    c.name = row[0].value_or("");
    c.type = row[1].value_or("text");
    c.generated_always = row[2].value_or("f") == "t";
    if (row[3].value_or("f") == "t") t.primary_key.push_back(c.name);
    t.columns.push_back(std::move(c));
  }
  return t;
}

std::optional<RestError> SelectList(const TableInfo& t, const std::string& select, std::string* out) {
  out->clear();
  std::string s = Trim(select);
  if (s.empty() || s == "*") {
    for (const auto& c : t.columns) *out += (out->empty() ? "" : ", ") + QuoteIdent(c.name);
    return std::nullopt;
  }
  for (std::string col : Split(s, ',')) {
    col = Trim(col);
    if (col.size() >= 2 && col.front() == '"' && col.back() == '"') col = col.substr(1, col.size() - 2);
    if (col.find_first_of(":()!") != std::string::npos) return ParseError("select (" + col + ")");
    if (t.Find(col) == nullptr)
      return RestError{400, "42703", "column " + t.name + "." + col + " does not exist", "", ""};
    *out += (out->empty() ? "" : ", ") + QuoteIdent(col);
  }
  return std::nullopt;
}

std::optional<RestError> WhereClause(const TableInfo& t, const std::vector<std::pair<std::string, std::string>>& filters,
                                     SqlParams* params, std::string* out) {
  out->clear();
  for (const auto& [column, raw] : filters) {
    const ColumnInfo* c = t.Find(column);
    if (c == nullptr) return RestError{400, "42703", "column " + t.name + "." + column + " does not exist", "", ""};
    std::string value = raw;
    bool negate = false;
    if (value.rfind("not.", 0) == 0) {
      negate = true;
      value = value.substr(4);
    }
    size_t dot = value.find('.');
    if (dot == std::string::npos) return ParseError("filter (" + raw + ")");
    const std::string op = value.substr(0, dot), arg = value.substr(dot + 1);
    const std::string col = QuoteIdent(c->name);
    auto param = [&](std::string v) {
      params->push_back(std::move(v));
      return "$" + std::to_string(params->size());
    };
    std::string cond;
    static const std::pair<const char*, const char*> kCompare[] = {{"eq", "="},  {"neq", "<>"}, {"gt", ">"},
                                                                    {"gte", ">="}, {"lt", "<"},   {"lte", "<="}};
    for (const auto& [name, sql] : kCompare)
      if (op == name) cond = col + " " + sql + " CAST(" + param(arg) + " AS " + c->type + ")";
    if (!cond.empty()) {
      // done
    } else if (op == "like" || op == "ilike") {
      std::string pattern = arg;
      for (char& ch : pattern)
        if (ch == '*') ch = '%';
      cond = col + "::text " + (op == "like" ? "LIKE " : "ILIKE ") + param(pattern) + "::text";
    } else if (op == "in") {
      std::vector<std::string> items;
      if (!ParseInList(arg, &items)) return ParseError("filter (" + raw + ")");
      std::vector<std::optional<std::string>> opt(items.begin(), items.end());
      std::vector<const std::optional<std::string>*> ptrs;
      for (const auto& o : opt) ptrs.push_back(&o);
      cond = col + " = ANY(CAST(" + param(TextArrayLiteral(ptrs)) + " AS " + c->type + "[]))";
    } else if (op == "is") {
      if (arg == "null") cond = col + " IS NULL";
      else if (arg == "not_null") cond = col + " IS NOT NULL";
      else if (arg == "true") cond = col + " IS TRUE";
      else if (arg == "false") cond = col + " IS FALSE";
      else if (arg == "unknown") cond = col + " IS UNKNOWN";
      else return ParseError("filter (" + raw + ")");
    } else {
      return ParseError("filter (" + raw + "): unknown operator '" + op + "'");
    }
    *out += (out->empty() ? " WHERE " : " AND ") + (negate ? "NOT (" + cond + ")" : "(" + cond + ")");
  }
  return std::nullopt;
}

std::optional<RestError> OrderClause(const TableInfo& t, const std::string& order, std::string* out) {
  out->clear();
  if (Trim(order).empty()) return std::nullopt;
  for (const std::string& term : Split(order, ',')) {
    std::vector<std::string> parts = Split(Trim(term), '.');
    if (parts.empty() || t.Find(parts[0]) == nullptr)
      return RestError{400, "42703", "column " + t.name + "." + (parts.empty() ? "" : parts[0]) + " does not exist",
                       "", ""};
    std::string sql = QuoteIdent(parts[0]);
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i] == "asc") sql += " ASC";
      else if (parts[i] == "desc") sql += " DESC";
      else if (parts[i] == "nullsfirst") sql += " NULLS FIRST";
      else if (parts[i] == "nullslast") sql += " NULLS LAST";
      else return ParseError("order (" + term + ")");
    }
    *out += (out->empty() ? " ORDER BY " : ", ") + sql;
  }
  return std::nullopt;
}

std::optional<RestError> ColumnList(const TableInfo& t, const std::string& list, std::vector<std::string>* out) {
  out->clear();
  for (std::string col : Split(list, ',')) {
    col = Trim(col);
    if (col.size() >= 2 && col.front() == '"' && col.back() == '"') col = col.substr(1, col.size() - 2);
    if (col.empty()) continue;
    if (t.Find(col) == nullptr) return ColumnNotFound(t.name, col);
    out->push_back(col);
  }
  return std::nullopt;
}

}  // namespace es::supabase::sandbox
