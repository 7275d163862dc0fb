// SqlStore: per-tenant display settings (migration 0014_tenant_settings).
#include "store/sql/queries_settings.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_util.h"

namespace es::store::sql {

Status SqlStore::PutTenantSettings(const TenantSettings& s) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", s.tenant_id));
  Params p;
  p.Text(s.tenant_id).Text(s.timezone).Text(s.currency).Text(s.updated_by).Int(s.updated_at_ms);
  return Write(exec(), Call::kIdempotent, "put tenant settings", q::kPutTenantSettings, p).status();
}

Result<std::optional<TenantSettings>> SqlStore::GetTenantSettings(const std::string& tenant) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  return ReadOne<TenantSettings>(exec(), "get tenant settings", q::kGetTenantSettings, Params().Text(tenant),
                                 [](const Rows& r, int row) -> Result<TenantSettings> {
                                   TenantSettings s;
                                   s.tenant_id = r.Text(row, 0);
                                   s.timezone = r.Text(row, 1);
                                   s.currency = r.Text(row, 2);
                                   s.seen_currency = r.Text(row, 3);
                                   s.updated_by = r.Text(row, 4);
                                   s.updated_at_ms = r.Int(row, 5);
                                   return s;
                                 });
}

Status SqlStore::SetSeenCurrency(const std::string& tenant, const std::string& currency, int64_t now_ms) {
  ES_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant));
  ES_RETURN_IF_ERROR(RequireNonEmpty("currency", currency));
  return Write(exec(), Call::kIdempotent, "set seen currency", q::kSetSeenCurrency,
               Params().Text(tenant).Text(currency).Int(now_ms))
      .status();
}

}  // namespace es::store::sql
