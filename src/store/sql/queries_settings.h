// Statements of the per-tenant display settings (migration
// 0014_tenant_settings), in neutral SQL (store/sql/dialect.h).
#pragma once

namespace es::store::sql::q {

inline constexpr char kPutTenantSettings[] =
    "INSERT INTO tenant_settings (tenant_id, timezone, currency, seen_currency, updated_by, updated_at_ms) "
    "VALUES ($1, $2, $3, '', $4, $5) ON CONFLICT (tenant_id) DO UPDATE SET timezone = excluded.timezone, "
    "currency = excluded.currency, updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kGetTenantSettings[] =
    "SELECT tenant_id, timezone, currency, seen_currency, updated_by, updated_at_ms FROM tenant_settings "
    "WHERE tenant_id = $1";
inline constexpr char kSetSeenCurrency[] =
    "INSERT INTO tenant_settings (tenant_id, timezone, currency, seen_currency, updated_by, updated_at_ms) "
    "VALUES ($1, '', '', $2, '', $3) ON CONFLICT (tenant_id) DO UPDATE SET seen_currency = excluded.seen_currency";

}  // namespace es::store::sql::q
