// SettingsStore: per-tenant display settings of the dashboard (migration
// 0014_tenant_settings; SPEC F15). Part of StateStore.
//
// One row per tenant: the IANA time zone every time is shown in, the
// currency money is shown with (empty: not chosen), and the currency last
// seen on the tenant's orders (what the dashboard falls back to). The store
// does not validate zone or currency names; the API does (api_admin.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace es::store {

struct TenantSettings {
  std::string tenant_id;
  std::string timezone;       // IANA name ("Europe/Berlin"); empty: not chosen
  std::string currency;       // ISO 4217 code chosen by the tenant; empty: not chosen
  std::string seen_currency;  // ISO 4217 code of the latest orders read; empty: none read yet
  std::string updated_by;     // user id of the last change of timezone/currency
  int64_t updated_at_ms = 0;
};

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;

  // Inserts or replaces the tenant's timezone, currency, updated_by and
  // updated_at_ms; keeps seen_currency. Validation when tenant_id is empty.
  virtual Status PutTenantSettings(const TenantSettings& settings) = 0;
  // nullopt when the tenant never stored any setting.
  virtual Result<std::optional<TenantSettings>> GetTenantSettings(const std::string& tenant) = 0;
  // Records the currency seen on the tenant's orders (creates the row when
  // missing; the chosen settings stay as they are).
  virtual Status SetSeenCurrency(const std::string& tenant, const std::string& currency, int64_t now_ms) = 0;
};

}  // namespace es::store
