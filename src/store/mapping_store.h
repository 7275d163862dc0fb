// MappingStore: versions of a tenant's declarative field mappings (SPEC F6;
// src/mapping/field_map.h; migration 0011_mappings). Part of StateStore.
//
// A mapping is identified by (tenant, name); every save appends a version
// (1, 2, …) and the newest version is the one in use. A rollback is a new
// version holding an older document, so history is never rewritten.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::store {

struct MappingVersion {
  std::string tenant_id;
  std::string name;
  int64_t version = 0;   // assigned by the store
  std::string entity;    // "order"
  Json document;         // the mapping file as JSON
  std::string author;    // user id or "cli"
  std::string note;      // "import", "rollback to 2", …
  int64_t created_at_ms = 0;
};

class MappingStore {
 public:
  virtual ~MappingStore() = default;
  // Appends a version of (v.tenant_id, v.name) numbered one above the
  // newest (1 for the first) and returns its number; v.version is ignored.
  // tenant_id, name and entity are required (Validation). Two concurrent
  // saves never get the same number (one may fail with Conflict).
  virtual Result<int64_t> AddMappingVersion(const MappingVersion& v) = 0;
  // One version; `version` 0 = the newest. nullopt when there is none.
  virtual Result<std::optional<MappingVersion>> GetMappingVersion(const std::string& tenant, const std::string& name,
                                                                  int64_t version) = 0;
  // Every version of a mapping, newest first.
  virtual Result<std::vector<MappingVersion>> ListMappingVersions(const std::string& tenant,
                                                                  const std::string& name) = 0;
  // The newest version of each of the tenant's mappings, by name.
  virtual Result<std::vector<MappingVersion>> ListMappings(const std::string& tenant) = 0;
};

}  // namespace es::store
