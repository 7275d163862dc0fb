// Statements of the field mapping versions (migration 0011_mappings), in the
// neutral dialect of queries.h.
#pragma once

namespace es::store::sql::q {

#define ES_MAPPING_COLUMNS "tenant_id, name, version, entity, document, author, note, created_at_ms"
// The next number is computed in the INSERT itself; a concurrent save of the
// same mapping hits the primary key instead of sharing a number.
inline constexpr char kAddMappingVersion[] =
    "INSERT INTO field_mappings (" ES_MAPPING_COLUMNS ") "
    "SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), COALESCE(MAX(version), 0) + 1, CAST($3 AS TEXT), CAST($4 AS TEXT), "
    "CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS BIGINT) FROM field_mappings WHERE tenant_id = $1 AND name = $2 "
    "RETURNING version";
inline constexpr char kGetMappingVersion[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM field_mappings WHERE tenant_id = $1 AND name = $2 AND version = $3";
inline constexpr char kGetNewestMappingVersion[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM field_mappings WHERE tenant_id = $1 AND name = $2 "
    "ORDER BY version DESC LIMIT 1";
inline constexpr char kListMappingVersions[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM field_mappings WHERE tenant_id = $1 AND name = $2 ORDER BY version DESC";
inline constexpr char kListMappings[] =
    "SELECT " ES_MAPPING_COLUMNS " FROM field_mappings m WHERE tenant_id = $1 AND version = "
    "(SELECT MAX(version) FROM field_mappings x WHERE x.tenant_id = m.tenant_id AND x.name = m.name) ORDER BY name";
#undef ES_MAPPING_COLUMNS

}  // namespace es::store::sql::q
