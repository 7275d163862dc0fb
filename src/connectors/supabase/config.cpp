// WarehouseConfig parsing and the writer factory.
#include "connectors/supabase/pg_warehouse.h"
#include "connectors/supabase/rest_warehouse.h"
#include "connectors/supabase/warehouse.h"
#include "http/url.h"
#include "store/postgres/pg_url.h"

namespace es::supabase {
namespace {

Status Bad(const std::string& id, const std::string& what) {
  return Status::Validation("connection '" + id + "': " + what);
}

}  // namespace

Result<WarehouseConfig> WarehouseConfig::FromJson(const Json& config, const Json& secret, const std::string& id) {
  if (!config.is_object()) return Bad(id, "config is not a JSON object");
  WarehouseConfig c;
  c.url = GetStringOr(config, "url");
  c.rest_url = GetStringOr(config, "rest_url");
  c.mode = GetStringOr(config, "mode", c.rest_url.empty() || !c.url.empty() ? "direct" : "rest");
  c.schema = GetStringOr(config, "schema", "warehouse");
  c.read_only = GetBoolOr(config, "read_only", false);
  c.bulk_threshold = static_cast<int>(GetIntOr(config, "bulk_threshold", c.bulk_threshold));
  c.bulk_parallelism = static_cast<int>(GetIntOr(config, "bulk_parallelism", c.bulk_parallelism));
  c.rest_batch_rows = static_cast<int>(GetIntOr(config, "rest_batch_rows", c.rest_batch_rows));
  c.max_attempts = static_cast<int>(GetIntOr(config, "max_attempts", c.max_attempts));
  c.retry_initial_ms = GetIntOr(config, "retry_initial_ms", c.retry_initial_ms);
  if (secret.is_object()) {
    c.password = GetStringOr(secret, "password");
    c.service_key = GetStringOr(secret, "service_key");
  }
  if (!IsPlainIdentifier(c.schema))
    return Bad(id, "config field 'schema' must be letters, digits and '_' (got '" + c.schema + "')");
  if (c.bulk_threshold < 1) return Bad(id, "config field 'bulk_threshold' must be at least 1");
  if (c.bulk_parallelism < 1 || c.bulk_parallelism > 8)
    return Bad(id, "config field 'bulk_parallelism' must be between 1 and 8");
  if (c.rest_batch_rows < 1 || c.rest_batch_rows > 10000)
    return Bad(id, "config field 'rest_batch_rows' must be between 1 and 10000");
  if (c.max_attempts < 1 || c.max_attempts > 20) return Bad(id, "config field 'max_attempts' must be between 1 and 20");
  if (c.retry_initial_ms < 0) return Bad(id, "config field 'retry_initial_ms' must not be negative");
  if (c.mode == "direct") {
    if (c.url.empty()) return Bad(id, "config field 'url' is missing (postgres://… for mode direct)");
    if (!store::postgres::IsPostgresUrl(c.url))
      return Bad(id, "config field 'url' must start with postgres:// or postgresql:// (got " +
                         store::postgres::RedactUrl(c.url) + ")");
  } else if (c.mode == "rest") {
    if (c.rest_url.empty()) return Bad(id, "config field 'rest_url' is missing (http(s)://… for mode rest)");
    auto u = http::ParseUrl(c.rest_url);
    if (!u.ok() || (u->scheme != "http" && u->scheme != "https"))
      return Bad(id, "config field 'rest_url' is not an http(s) URL");
    if (c.service_key.empty()) return Bad(id, "credentials field 'service_key' is missing");
  } else {
    return Bad(id, "config field 'mode' must be direct or rest (got '" + c.mode + "')");
  }
  return c;
}

std::pair<std::string, std::string> SplitPostgresPassword(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {url, ""};
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?", start);
  const size_t at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return {url, ""};
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return {url, ""};
  return {url.substr(0, colon) + url.substr(at), http::PercentDecode(url.substr(colon + 1, at - colon - 1))};
}

Result<std::unique_ptr<WarehouseWriter>> OpenWarehouse(const WarehouseConfig& config, http::Transport& transport,
                                                       Clock& clock) {
  if (!IsPlainIdentifier(config.schema))
    return Status::Validation("warehouse schema '" + config.schema + "' must be letters, digits and '_'");
  if (config.mode == "direct") return std::unique_ptr<WarehouseWriter>(new PgWarehouse(config, clock));
  if (config.mode == "rest") return std::unique_ptr<WarehouseWriter>(new RestWarehouse(config, transport, clock));
  return Status::Validation("warehouse mode '" + config.mode + "' is not direct or rest");
}

}  // namespace es::supabase
