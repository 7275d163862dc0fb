#include "engine/sandbox_mode.h"

namespace es::engine {

store::Connection SandboxConnection(store::Connection c, bool on) {
  if (!on) return c;
  if (!c.config.is_object()) c.config = Json::object();
  if (c.kind == "qbo") {
    c.config["api_base"] = kQboSandboxApiBase;
  } else if (c.kind == "supabase") {
    c.config["schema"] = GetStringOr(c.config, "schema", kDefaultWarehouseSchema) + kSandboxSchemaSuffix;
  }
  return c;
}

Result<store::Connection> ResolveSandboxMode(store::StateStore& store, store::Connection c) {
  ES_ASSIGN_OR_RETURN(bool on, store.SandboxMode(c.tenant_id));
  return SandboxConnection(std::move(c), on);
}

}  // namespace es::engine
