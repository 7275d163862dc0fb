// Internal helpers shared by the PostgresStore implementation files.
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"

namespace es::store::postgres {

// Validation error naming `field` when `value` is empty.
inline Status RequireNonEmpty(std::string_view field, const std::string& value) {
  if (value.empty()) return Status::Validation(std::string(field) + " is empty");
  return Status::Ok();
}

// Parses a JSON column; a stored value that does not parse is corruption.
inline Result<Json> ParseJsonColumn(const std::string& text, std::string_view column) {
  Result<Json> j = ParseJson(text);
  if (!j.ok()) return Status::Internal("stored " + std::string(column) + " is not valid JSON: " + j.status().message());
  return j;
}

// Validates the four-part record key (tenant, target connection, entity, source id).
inline Status RequireRecordKey(const std::string& tenant, const std::string& target_connection,
                               const std::string& entity, const std::string& source_id) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("target_connection", target_connection));
  ES_RETURN_IF_ERROR(RequireNonEmpty("entity", entity));
  return RequireNonEmpty("source_id", source_id);
}

}  // namespace es::store::postgres
