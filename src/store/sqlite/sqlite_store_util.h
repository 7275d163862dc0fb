// Internal helpers shared by the SqliteStore implementation files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"

namespace es::store::sqlite {

// Validation error naming `field` when `value` is empty.
inline Status RequireNonEmpty(std::string_view field, const std::string& value) {
  if (value.empty()) return Status::Validation(std::string(field) + " is empty");
  return Status::Ok();
}

// SQLite LIMIT value for a caller's limit: <= 0 means no limit (-1).
inline int64_t SqlLimit(int limit) { return limit > 0 ? limit : -1; }

// Parses a JSON column; a stored value that does not parse is corruption.
inline Result<Json> ParseJsonColumn(const std::string& text, std::string_view column) {
  Result<Json> j = ParseJson(text);
  if (!j.ok()) return Status::Internal("stored " + std::string(column) + " is not valid JSON: " + j.status().message());
  return j;
}

}  // namespace es::store::sqlite
