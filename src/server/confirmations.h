// Confirmations (SPEC F10): an API operation that would touch more than
// ServerConfig::confirm_above records (default 10), or destroy anything
// (void, delete, overwrite of a newer value), runs only when the caller
// repeats it with a confirmation token issued for exactly that plan.
//
//   1st request (no "confirmationToken"):
//     409 {"error":"confirmation_required","message","operation",
//          "plan":{"touched","destructive","entities":{entity:{op:n}}},
//          "confirmationToken","expiresAt","confirmDestructive":bool}
//   repeat with "confirmationToken" (and "confirmDestructive":true when the
//   plan destroys anything): the token is used up and the operation runs.
//
// A token is bound to the tenant, the user (the API token's subject) and
// the plan's hash (engine::PlanHash: operation, normalised request, plan
// summary), valid kTokenTtlMs and usable once; only its SHA-256 is stored
// (ConfirmationStore). The plan is computed again for the repeat: if the
// data changed in between, the hash differs and the token is refused. Any
// refusal is 409 {"error":"confirmation_refused","reason","message"} with
// reason unknown | used | expired | other_user | other_plan |
// destructive_not_confirmed (a destructive plan without
// "confirmDestructive": true; the token is not used up then).
//
// Audit log: "confirmation.issue" (plan, plan hash, expiry),
// "confirmation.use" and "confirmation.refused" (reason), never the token.
// Schedules and webhooks start runs without this gate (pre-approved by their
// configuration); dry runs never need it. ServerConfig::confirm_above -1
// turns the gate off (nothing is planned).
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "engine/orchestrator.h"
#include "engine/sync_plan.h"
#include "mapping/field_map.h"
#include "server/http_server.h"

namespace es::server {

inline constexpr int64_t kTokenTtlMs = 5 * 60 * 1000;

// Hex SHA-256 of a token (what the store keeps).
std::string HashConfirmationToken(const std::string& token);

// The gate for an operation whose plan is `plan`: true when the handler may
// go on (no confirmation needed, or a valid token used up now); false when
// it already answered (409 or 400 for a malformed confirmation field).
// `request` is the operation's normalised request (hashed with the plan);
// `plan_extra`'s fields are added to the plan shown (and audited).
bool ConfirmOperation(ServerContext& ctx, ApiRequest& r, const Json& body, const std::string& operation,
                      const Json& request, const engine::PlanSummary& plan,
                      const Json& plan_extra = Json::object());

// POST /sync: the gate for `req` (dry runs and replays of an idempotencyKey
// already bound to a run pass at once); plans with engine::PlanSync.
bool ConfirmSync(ServerContext& ctx, ApiRequest& r, const Json& body, const engine::SyncRequest& req,
                 const Json& normalised);

// POST /failed/retry-all: the gate for retrying `records` (one dry-run plan
// per connection pair, as the retries would run).
bool ConfirmRetryAll(ServerContext& ctx, ApiRequest& r, const Json& body,
                     const std::vector<store::FailedRecord>& records);

// PUT /mappings/{name} ("mapping.update") and POST /mappings/{name}/rollback
// ("mapping.rollback"): the gate for making `document` (checked, as `map`)
// the mapping `name`. The plan (MappingChangePlan in mapping_preview.h)
// counts the records of the mapping's entity already synced for the tenant,
// which their next sync writes with the new mapping; the plan shown adds
// {"mapping": name, "entity", "records": n}. The token is bound to the
// mapping's name and the new document's hash.
bool ConfirmMappingChange(ServerContext& ctx, ApiRequest& r, const Json& body, const std::string& operation,
                          const std::string& name, const mapping::FieldMap& map, const Json& document);

}  // namespace es::server
