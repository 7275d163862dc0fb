// SqlStore: versions of the tenants' field mappings (migration 0011_mappings).
#include "store/sql/mapping_queries.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {
namespace {

Result<MappingVersion> VersionFromRow(const Rows& r, int row) {
  MappingVersion v;
  v.tenant_id = r.Text(row, 0);
  v.name = r.Text(row, 1);
  v.version = r.Int(row, 2);
  v.entity = r.Text(row, 3);
  ES_ASSIGN_OR_RETURN(v.document, ParseJsonColumn(r.Text(row, 4), "field_mappings.document"));
  v.author = r.Text(row, 5);
  v.note = r.Text(row, 6);
  v.created_at_ms = r.Int(row, 7);
  return v;
}

}  // namespace

Result<int64_t> SqlStore::AddMappingVersion(const MappingVersion& v) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", v.tenant_id));
  ES_RETURN_IF_ERROR(RequireNonEmpty("mapping name", v.name));
  ES_RETURN_IF_ERROR(RequireNonEmpty("mapping entity", v.entity));
  Params p;
  p.Text(v.tenant_id).Text(v.name).Text(v.entity).Text(DumpJson(v.document)).Text(v.author).Text(v.note);
  p.Int(v.created_at_ms);
  int64_t version = 0;
  // A transaction: a repeat after a lost COMMIT would add a second version.
  ES_RETURN_IF_ERROR(exec().Run(Call::kTransaction, "add mapping version", [&](Session& s) -> Status {
    ES_ASSIGN_OR_RETURN(Rows r, s.Exec(q::kAddMappingVersion, p));
    if (r.empty()) return Status::Internal("add mapping version returned no row");
    version = r.Int(0, 0);
    return Status::Ok();
  }));
  return version;
}

Result<std::optional<MappingVersion>> SqlStore::GetMappingVersion(const std::string& tenant, const std::string& name,
                                                                  int64_t version) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("mapping name", name));
  if (version < 0) return Status::Validation("mapping version must be 0 (newest) or positive");
  if (version == 0)
    return ReadOne<MappingVersion>(exec(), "get mapping", q::kGetNewestMappingVersion,
                                   Params().Text(tenant).Text(name), VersionFromRow);
  return ReadOne<MappingVersion>(exec(), "get mapping version", q::kGetMappingVersion,
                                 Params().Text(tenant).Text(name).Int(version), VersionFromRow);
}

Result<std::vector<MappingVersion>> SqlStore::ListMappingVersions(const std::string& tenant, const std::string& name) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("mapping name", name));
  return ReadAll<MappingVersion>(exec(), "list mapping versions", q::kListMappingVersions,
                                 Params().Text(tenant).Text(name), VersionFromRow);
}

Result<std::vector<MappingVersion>> SqlStore::ListMappings(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadAll<MappingVersion>(exec(), "list mappings", q::kListMappings, Params().Text(tenant), VersionFromRow);
}

}  // namespace es::store::sql
