// Supabase / PostgreSQL as a platform of the engine (engine/connector.h): the
// warehouse target of customers, items (products and variations), orders
// (with their lines, payments and QBO document ids) and refunds, plus the
// connection's settings schema and probe.
//
// Connection settings (docs/formats/warehouse.md):
//   config {mode: direct|rest, url (direct), rest_url (rest), schema, read_only,
//           bulk_threshold, bulk_parallelism, rest_batch_rows, max_attempts, retry_initial_ms}
//   secret {password (direct), service_key (rest)}
// No target settings: the warehouse takes every record as it is.
#pragma once

#include "connectors/supabase/warehouse.h"
#include "engine/connector.h"

namespace es::supabase {

// The writer settings of a stored `supabase` connection; errors name the
// connection and the field, never a secret value.
Result<WarehouseConfig> WarehouseConfigOf(const store::Connection& c);

// Checks a connection's config and secret JSON without connecting; errors
// name the key ("config: 'url' …", "secret: 'service_key' …").
Status ValidateWarehouseSettings(const Json& config, const Json& secret);

engine::Platform SupabasePlatform();

}  // namespace es::supabase
