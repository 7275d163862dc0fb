#include "connectors/supabase/sync/supabase_platform.h"

#include <set>

#include "connectors/supabase/sync/warehouse_target.h"

namespace es::supabase {
namespace {

// The connection id WarehouseConfig::FromJson is given while validating
// settings that belong to no connection yet; its prefix is cut off again.
constexpr const char* kUnsaved = "(unsaved)";

// "config field 'url' is missing" → "config: 'url' is missing"; the same for
// "credentials field" → "secret:".
std::string KeyMessage(std::string m) {
  const std::string prefix = std::string("connection '") + kUnsaved + "': ";
  if (m.rfind(prefix, 0) == 0) m.erase(0, prefix.size());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"config field ", "config: "},
                                 std::pair<std::string, std::string>{"credentials field ", "secret: "}})
    if (m.rfind(from, 0) == 0) m = to + m.substr(from.size());
  return m;
}

}  // namespace

Result<WarehouseConfig> WarehouseConfigOf(const store::Connection& c) {
  if (c.kind != "supabase")
    return Status::Validation("connection '" + c.id + "' is a '" + c.kind + "' connection, not supabase");
  ES_ASSIGN_OR_RETURN(Json secret, engine::ConnectionSecret(c));
  return WarehouseConfig::FromJson(c.config, secret, c.id);
}

Status ValidateWarehouseSettings(const Json& config, const Json& secret) {
  ES_RETURN_IF_ERROR(engine::CheckSettingsKeys(config,
                               {"mode", "url", "rest_url", "schema", "read_only", "bulk_threshold",
                                "bulk_parallelism", "rest_batch_rows", "max_attempts", "retry_initial_ms"},
                               "config"));
  ES_RETURN_IF_ERROR(engine::CheckSettingsKeys(secret, {"password", "service_key"}, "secret"));
  for (const char* key : {"mode", "url", "rest_url", "schema"}) {
    const Json* v = FindPath(config, key);
    if (v != nullptr && !v->is_string()) return Status::Validation(std::string("config: '") + key + "' must be text");
  }
  for (const char* key : {"bulk_threshold", "bulk_parallelism", "rest_batch_rows", "max_attempts",
                          "retry_initial_ms"}) {
    const Json* v = FindPath(config, key);
    if (v != nullptr && !v->is_number_integer())
      return Status::Validation(std::string("config: '") + key + "' must be a whole number");
  }
  for (const char* key : {"password", "service_key"}) {
    const Json* v = FindPath(secret, key);
    if (v != nullptr && !v->is_string()) return Status::Validation(std::string("secret: '") + key + "' must be text");
  }
  const Json* read_only = FindPath(config, "read_only");
  if (read_only != nullptr && !read_only->is_boolean())
    return Status::Validation("config: 'read_only' must be true or false");
  auto parsed = WarehouseConfig::FromJson(config, secret, kUnsaved);
  if (!parsed.ok()) return Status::Validation(KeyMessage(parsed.status().message()));
  // Connection settings are not secret; the password belongs in the secret.
  if (parsed->mode == "direct" && !SplitPostgresPassword(parsed->url).second.empty())
    return Status::Validation("config: 'url' must not hold the password; put it in secret 'password'");
  return Status::Ok();
}

engine::Platform SupabasePlatform() {
  engine::Platform p;
  p.kind = "supabase";
  p.title = "Supabase / PostgreSQL";
  p.writes = {"customer", "item", "order", "refund"};
  p.make_target = [](const engine::ConnectorEnv& env, const store::Connection& c,
                     const Json& target_config) -> Result<std::unique_ptr<engine::Target>> {
    (void)target_config;  // the warehouse has no target settings
    ES_ASSIGN_OR_RETURN(WarehouseConfig cfg, WarehouseConfigOf(c));
    ES_ASSIGN_OR_RETURN(auto writer, OpenWarehouse(cfg, env.transport, env.clock));
    return std::unique_ptr<engine::Target>(
        std::make_unique<WarehouseTarget>(std::move(writer), env.store, env.tenant, env.clock));
  };
  p.probe = [](const engine::ConnectorEnv& env, const store::Connection& c) -> Status {
    ES_ASSIGN_OR_RETURN(WarehouseConfig cfg, WarehouseConfigOf(c));
    ES_ASSIGN_OR_RETURN(auto writer, OpenWarehouse(cfg, env.transport, env.clock));
    return writer->Ping();
  };
  p.validate = ValidateWarehouseSettings;
  return p;
}

}  // namespace es::supabase
