#include "server/confirmations.h"

#include <algorithm>
#include <map>
#include <utility>

#include "common/crypto.h"
#include "server/api_util.h"
#include "server/mapping_preview.h"
#include "server/token_manager.h"

namespace es::server {
namespace {

constexpr const char* kTokenField = "confirmationToken";
constexpr const char* kDestructiveField = "confirmDestructive";

void Refuse(ServerContext& ctx, ApiRequest& r, const std::string& operation, const std::string& reason,
            const std::string& message) {
  ctx.Audit(r.caller, "confirmation.refused", operation, {{"reason", reason}});
  r.Reply(409, {{"error", "confirmation_refused"}, {"reason", reason}, {"message", message}});
}

// "confirmation_used" → "used".
std::string ReasonOf(const Status& s) {
  const std::string& code = s.code();
  const std::string prefix = "confirmation_";
  return code.rfind(prefix, 0) == 0 ? code.substr(prefix.size()) : "unknown";
}

// Refreshes QBO tokens that expire soon through the server's token manager
// before a plan, as RunExecutor does before a run.
void RefreshTokens(ServerContext& ctx, const engine::SyncRequest& req) {
  for (const std::string* id : {&req.source_connection, &req.target_connection}) {
    auto c = ctx.store->GetConnection(req.tenant_id, *id);
    if (c.ok() && c->has_value() && (*c)->kind == "qbo" && (*c)->enabled)
      (void)ctx.tokens->EnsureFresh(req.tenant_id, *id, ctx.config->token_refresh_margin_s * 1000);
  }
}

Result<engine::PlanSummary> Plan(ServerContext& ctx, const engine::SyncRequest& req) {
  RefreshTokens(ctx, req);
  return engine::PlanSync(ctx.orchestrator->registry(), *ctx.store, *ctx.transport, *ctx.clock,
                          ctx.orchestrator->options(), req);
}

void Merge(engine::PlanSummary& into, const engine::PlanSummary& from) {
  for (const auto& [entity, by_op] : from.ops)
    for (const auto& [op, n] : by_op) into.Add(entity, op, n);
}

}  // namespace

std::string HashConfirmationToken(const std::string& token) { return crypto::Hex(crypto::Sha256(token)); }

bool ConfirmOperation(ServerContext& ctx, ApiRequest& r, const Json& body, const std::string& operation,
                      const Json& request, const engine::PlanSummary& plan, const Json& plan_extra) {
  if (body.contains(kTokenField) && !(body[kTokenField].is_string() && !body[kTokenField].get<std::string>().empty())) {
    r.Fail(Status::Validation("'confirmationToken' must be a non-empty string"));
    return false;
  }
  if (body.contains(kDestructiveField) && !body[kDestructiveField].is_boolean()) {
    r.Fail(Status::Validation("'confirmDestructive' must be true or false"));
    return false;
  }
  if (ctx.config->confirm_above < 0 || !plan.NeedsConfirmation(ctx.config->confirm_above)) return true;

  const std::string plan_hash = engine::PlanHash(operation, request, plan);
  const std::string token = GetStringOr(body, kTokenField);
  const bool destructive_ok = GetBoolOr(body, kDestructiveField, false);
  const int64_t now = ctx.clock->NowMillis();

  if (token.empty()) {
    store::ConfirmationRecord rec;
    rec.tenant_id = r.caller.tenant_id;
    rec.user_id = r.caller.user_id;
    rec.operation = operation;
    rec.plan_hash = plan_hash;
    rec.created_at_ms = now;
    rec.expires_at_ms = now + kTokenTtlMs;
    const std::string issued = "ct_" + crypto::RandomHex(24);
    rec.token_hash = HashConfirmationToken(issued);
    (void)ctx.store->PurgeConfirmations(now - kTokenTtlMs);  // keeps the table small; failures are harmless
    Status put = ctx.store->PutConfirmation(rec);
    if (!put.ok()) {
      r.Fail(put);
      return false;
    }
    Json summary = plan.ToJson();
    for (const auto& [k, v] : plan_extra.items()) summary[k] = v;
    ctx.Audit(r.caller, "confirmation.issue", operation,
              {{"plan", summary}, {"planHash", plan_hash}, {"expiresAt", FormatIso8601Utc(rec.expires_at_ms)}});
    std::string message = "this " + operation + " would touch " + std::to_string(plan.touched) + " records";
    if (plan.destructive > 0)
      message += ", " + std::to_string(plan.destructive) + " of them destructively (void, delete or overwrite)";
    message += "; repeat the request with \"confirmationToken\"";
    if (plan.destructive > 0) message += " and \"confirmDestructive\": true";
    r.Reply(409, {{"error", "confirmation_required"},
                  {"message", message},
                  {"operation", operation},
                  {"plan", summary},
                  {"confirmationToken", issued},
                  {"expiresAt", FormatIso8601Utc(rec.expires_at_ms)},
                  {"confirmDestructive", plan.destructive > 0}});
    return false;
  }

  if (plan.destructive > 0 && !destructive_ok) {
    Refuse(ctx, r, operation, "destructive_not_confirmed",
           "the plan voids, deletes or overwrites " + std::to_string(plan.destructive) +
               " records: repeat with \"confirmDestructive\": true as well");
    return false;
  }
  auto used = ctx.store->UseConfirmation(r.caller.tenant_id, HashConfirmationToken(token), r.caller.user_id, plan_hash,
                                         now);
  if (!used.ok()) {
    const Status& s = used.status();
    if (s.code().rfind("confirmation_", 0) != 0) {  // the store failed
      r.Fail(s);
      return false;
    }
    std::string message = s.message();
    if (s.code() == "confirmation_other_plan")
      message += ": the plan changed since the token was issued; send the request without a token for the new plan";
    Refuse(ctx, r, operation, ReasonOf(s), message);
    return false;
  }
  Json summary = plan.ToJson();
  for (const auto& [k, v] : plan_extra.items()) summary[k] = v;
  ctx.Audit(r.caller, "confirmation.use", operation,
            {{"plan", summary}, {"planHash", plan_hash}, {"destructive", plan.destructive > 0}});
  return true;
}

bool ConfirmSync(ServerContext& ctx, ApiRequest& r, const Json& body, const engine::SyncRequest& req,
                 const Json& normalised) {
  if (req.dry_run || ctx.config->confirm_above < 0) return true;
  const std::string key = GetStringOr(body, "idempotencyKey");
  if (!key.empty()) {
    // A replay of a request that already started its run answers with that run.
    auto prior = ctx.store->GetSyncRequest(r.caller.tenant_id, key);
    if (prior.ok() && prior->has_value() && (*prior)->request == normalised && !(*prior)->run_id.empty()) return true;
  }
  auto plan = Plan(ctx, req);
  if (!plan.ok()) {
    r.Fail(plan.status().WithContext("planning the sync"));
    return false;
  }
  return ConfirmOperation(ctx, r, body, "sync", normalised, *plan);
}

bool ConfirmRetryAll(ServerContext& ctx, ApiRequest& r, const Json& body,
                     const std::vector<store::FailedRecord>& records) {
  if (ctx.config->confirm_above < 0) return true;
  // The retries' requests, grouped per connection pair as StartRetries does.
  std::map<std::pair<std::string, std::string>, engine::SyncRequest> groups;
  Json keys = Json::array();
  for (const auto& f : records) {
    auto source = ctx.store->GetConnection(r.caller.tenant_id, f.source_connection);
    auto target = ctx.store->GetConnection(r.caller.tenant_id, f.target_connection);
    if (!source.ok() || !target.ok() || !source->has_value() || !target->has_value()) continue;
    auto route = RouteEntity((*source)->kind, (*target)->kind, f.entity);
    if (!route.ok()) continue;
    engine::SyncRequest& g = groups[{f.source_connection, f.target_connection}];
    if (g.tenant_id.empty()) {
      g.tenant_id = r.caller.tenant_id;
      g.source_connection = f.source_connection;
      g.target_connection = f.target_connection;
      g.mode = "full";
      g.triggered_by = r.caller.user_id;
    }
    if (std::find(g.entities.begin(), g.entities.end(), *route) == g.entities.end()) g.entities.push_back(*route);
    if (std::find(g.ids.begin(), g.ids.end(), f.source_id) == g.ids.end()) g.ids.push_back(f.source_id);
    keys.push_back(f.source_connection + ">" + f.target_connection + ":" + f.entity + "/" + f.source_id);
  }
  engine::PlanSummary total;
  for (const auto& [pair, req] : groups) {
    auto plan = Plan(ctx, req);
    if (!plan.ok()) {
      r.Fail(plan.status().WithContext("planning the retries " + pair.first + " → " + pair.second));
      return false;
    }
    Merge(total, *plan);
  }
  std::sort(keys.begin(), keys.end());
  return ConfirmOperation(ctx, r, body, "failed.retry_all", {{"records", keys}}, total);
}

bool ConfirmMappingChange(ServerContext& ctx, ApiRequest& r, const Json& body, const std::string& operation,
                          const std::string& name, const mapping::FieldMap& map, const Json& document) {
  if (ctx.config->confirm_above < 0) return true;
  auto plan = MappingChangePlan(*ctx.store, r.caller.tenant_id, map);
  if (!plan.ok()) {
    r.Fail(plan.status().WithContext("counting the records mapping '" + name + "' applies to"));
    return false;
  }
  return ConfirmOperation(ctx, r, body, operation, MappingChangeRequest(name, map, document), *plan,
                          {{"mapping", name}, {"entity", map.entity}, {"records", plan->touched}});
}

}  // namespace es::server
