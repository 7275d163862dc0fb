// Sandbox mode per tenant (SPEC F10): with the tenant's switch on
// (StateStore::SandboxMode), every connection a run opens is pointed away
// from the real books — a QuickBooks Online connection at Intuit's sandbox
// API host, a warehouse connection at its own schema "<schema>_sandbox" —
// so a merchant can try a configuration without touching real data.
// Connections of other kinds (the shop, the source) are read as they are.
// The stored connection is never changed: the switch is applied where a
// connection is loaded for a run (LoadEnabledConnection).
#pragma once

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace es::engine {

// Intuit's sandbox API host (docs: QuickBooks Online API, sandbox companies).
inline constexpr const char* kQboSandboxApiBase = "https://sandbox-quickbooks.api.intuit.com";
// The warehouse schema when a connection names none (supabase WarehouseConfig).
inline constexpr const char* kDefaultWarehouseSchema = "warehouse";
inline constexpr const char* kSandboxSchemaSuffix = "_sandbox";

// `c` as sandbox mode runs it (`on` false: `c` unchanged). Pure.
store::Connection SandboxConnection(store::Connection c, bool on);

// `c` as the tenant's current mode runs it (reads the tenant's switch).
Result<store::Connection> ResolveSandboxMode(store::StateStore& store, store::Connection c);

}  // namespace es::engine
