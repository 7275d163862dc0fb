// Internal helpers shared by the SqlStore implementation files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/records.h"
#include "store/sql/executor.h"

namespace es::store::sql {

// Validation error naming `field` when `value` is empty.
inline Status RequireNonEmpty(std::string_view field, const std::string& value) {
  if (value.empty()) return Status::Validation(std::string(field) + " is empty");
  return Status::Ok();
}

// Validates the four-part record key (tenant, target connection, entity, source id).
inline Status RequireRecordKey(const std::string& tenant, const std::string& target_connection,
                               const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  return RequireNonEmpty("source_id", source_id);
}

inline Params RecordKeyParams(const std::string& tenant, const std::string& target_connection,
                              const std::string& entity, const std::string& source_id) {
  Params p;
  p.Text(tenant).Text(target_connection).Text(entity).Text(source_id);
  return p;
}

// Every IdMapping column in the order of kPutMapping.
inline Params MappingParams(const IdMapping& m) {
  Params p = RecordKeyParams(m.tenant_id, m.target_connection, m.entity, m.source_id);
  p.Text(m.source_connection).Text(m.target_id).Text(m.target_type).Text(m.sync_token).Text(m.fingerprint);
  p.Int(m.updated_at_ms);
  return p;
}

// Parses a JSON column; a stored value that does not parse is corruption.
inline Result<Json> ParseJsonColumn(const std::string& text, std::string_view column) {
  Result<Json> j = ParseJson(text);
  if (!j.ok()) return Status::Internal("stored " + std::string(column) + " is not valid JSON: " + j.status().message());
  return j;
}

// One statement as one call, for its status (and affected count).
inline Result<int64_t> Write(Executor& e, Call kind, std::string_view what, const char* sql, const Params& p) {
  int64_t affected = 0;
  ES_RETURN_IF_ERROR(e.Run(kind, what, [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(sql, p));
    affected = r.affected();
    return Status::Ok();
  }));
  return affected;
}

// The first row of a read through `from_row` (Result<T>(const Rows&, int)), or nullopt.
template <typename T, typename FromRow>
Result<std::optional<T>> ReadOne(Executor& e, std::string_view what, const char* sql, const Params& p,
                                 FromRow from_row) {
  std::optional<T> out;
  ES_RETURN_IF_ERROR(e.Run(Call::kRead, what, [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(sql, p));
    out.reset();
    if (r.empty()) return Status::Ok();
    ES_ASSIGN_OR_RETURN(T v, from_row(r, 0));
    out = std::move(v);
    return Status::Ok();
  }));
  return out;
}

// Every row of `r` through `from_row`, appended to `out` (cleared first).
template <typename T, typename FromRow>
Status AllRows(const Rows& r, FromRow from_row, std::vector<T>& out) {
  out.clear();
  out.reserve(r.size());
  for (int row = 0; row < r.size(); ++row) {
    ES_ASSIGN_OR_RETURN(T v, from_row(r, row));
    out.push_back(std::move(v));
  }
  return Status::Ok();
}

template <typename T, typename FromRow>
Result<std::vector<T>> ReadAll(Executor& e, std::string_view what, const char* sql, const Params& p,
                               FromRow from_row) {
  std::vector<T> out;
  ES_RETURN_IF_ERROR(e.Run(Call::kRead, what, [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(sql, p));
    return AllRows(r, from_row, out);
  }));
  return out;
}

// `rows` groups of `columns` placeholders numbered from `first`, e.g.
// PlaceholderRows(2, 2, 1) = "($1, $2), ($3, $4)"; PlaceholderRows(1, 3, 4) = "($4, $5, $6)".
inline std::string PlaceholderRows(size_t rows, int columns, int first) {
  std::string sql;
  int n = first;
  for (size_t i = 0; i < rows; ++i) {
    sql += i == 0 ? "(" : ", (";
    for (int c = 0; c < columns; ++c) {
      if (c > 0) sql += ", ";
      sql += "$" + std::to_string(n++);
    }
    sql += ")";
  }
  return sql;
}

}  // namespace es::store::sql
