// Field mappings (SPEC F6) as the API and the CLI use them: which mapping is
// in force for a name (the tenant's newest stored version, else the shipped
// default), saving a checked version, and the preview of a mapping on a real
// record fetched from the tenant's source connection.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/connector.h"
#include "engine/sync_plan.h"
#include "http/transport.h"
#include "mapping/field_map.h"
#include "store/store.h"

namespace es::server {

// The mapping called `name` for `tenant`: the newest stored version, else
// the shipped default (version 0, note "default"); nullopt when neither.
Result<std::optional<store::MappingVersion>> CurrentMapping(store::StateStore& store, const std::string& tenant,
                                                            const std::string& name);

// Checks `document` as SaveMapping does, without storing anything: its
// "name" must be `name` when present and is set when absent. Validation
// "invalid_mapping" with `errors` filled when it does not check.
Result<mapping::FieldMap> CheckMapping(const std::string& name, Json& document,
                                       std::vector<mapping::MappingError>* errors);

// What a change of the mapping `map` rewrites (SPEC F10 confirmations): every
// record of its entity that the tenant has already synced — its id map
// toward the tenant's connections of the mapping's target kind, in the
// tenant's current mode (sandbox mode keeps its own id map) — is written
// with the new mapping on its next sync. The summary counts them as
// updates of the entity ({"entities": {"order": {"update": n}}}).
Result<engine::PlanSummary> MappingChangePlan(store::StateStore& store, const std::string& tenant,
                                              const mapping::FieldMap& map);
// The request a mapping change's confirmation is bound to: the mapping's
// name, entity and target and the SHA-256 of the new document.
Json MappingChangeRequest(const std::string& name, const mapping::FieldMap& map, const Json& document);

// Checks `document` (its "name" must be `name` when present, and is set when
// absent) and stores it as a new version. Validation "invalid_mapping" with
// `errors` filled when it does not check.
Result<int64_t> SaveMapping(store::StateStore& store, const std::string& tenant, const std::string& name,
                            Json document, const std::string& author, const std::string& note, int64_t now_ms,
                            std::vector<mapping::MappingError>* errors);

struct PreviewInput {
  std::string tenant;
  std::string name;        // the mapping previewed (its current version unless `mapping` is given)
  Json mapping;            // a draft to preview instead (null = none)
  std::string source_id;   // the order to fetch ("" = the newest)
  std::string connection;  // source connection id ("" = the tenant's first enabled source)
};

// {"sample": {"connection","sourceId","values": {path: value}, "record": raw},
//  "output": the QBO document with the mapping applied (placeholders for
//  customer/items not yet known), "errors": [{"path","message"}]}.
// Mapping and document problems are reported in "errors"; a non-ok Result
// means no sample could be had (no source connection, fetch failed, no such
// order — NotFound).
Result<Json> PreviewMapping(store::StateStore& store, http::Transport& transport, Clock& clock,
                            const engine::EngineOptions& options, const PreviewInput& in);

}  // namespace es::server
