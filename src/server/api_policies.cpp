// Two-way sync policies per entity (SPEC F9; engine/two_way.h, docs/two-way.md).
//
//   GET /api/v1/sync-policies           user   {"policies":[{"entity","direction","sourceOfTruth","strategy",
//                                              "updatedAt"}]}, entities as route names ("products")
//   PUT /api/v1/sync-policies/{entity}  admin  {"direction","sourceOfTruth","strategy"} (an "entity" in the
//        body must equal the path's) → 200 the stored policy; audited ("sync_policy.set").
//        Invalid → 400 {"error":"invalid_policy","field":"<entity|direction|sourceOfTruth|strategy>","message"}.
//
// direction: "both" or "<kind>-><kind>" of two different registered kinds
// ("woo->qbo"); sourceOfTruth: a registered kind, a side of a one-way
// direction; strategy: source_wins, target_wins, newest_wins or manual.
#include <string>

#include "common/clock.h"
#include "engine/sync_types.h"
#include "engine/two_way.h"
#include "platforms/platforms.h"
#include "server/api_util.h"
#include "server/http_server.h"

namespace es::server {
namespace {

Json PolicyJson(const store::SyncPolicyRecord& p) {
  return {{"entity", engine::RouteEntity(p.entity)},
          {"direction", p.direction},
          {"sourceOfTruth", p.source_of_truth},
          {"strategy", p.strategy},
          {"updatedAt", FormatIso8601Utc(p.updated_at_ms)}};
}

bool KnownEntity(const std::string& route) {
  for (const auto& e : engine::Entities())
    if (e.route == route) return true;
  return false;
}

bool KnownKind(const std::string& kind) { return platforms::Registry().Find(kind) != nullptr; }

void Invalid(ApiRequest& r, const std::string& field, const std::string& message) {
  r.Reply(400, {{"error", "invalid_policy"}, {"field", field}, {"message", message}});
}

void List(ServerContext& ctx, ApiRequest& r) {
  auto all = ctx.store->ListSyncPolicies(r.caller.tenant_id);
  if (!all.ok()) return r.Fail(all.status());
  Json out = Json::array();
  for (const auto& p : *all) out.push_back(PolicyJson(p));
  r.Reply(200, {{"policies", out}});
}

void Put(ServerContext& ctx, ApiRequest& r) {
  const std::string entity = engine::RouteEntity(r.Param("entity"));  // "item" is taken too
  if (!KnownEntity(entity)) {
    return Invalid(r, "entity", "entity '" + r.Param("entity") + "' is not customers, products, orders or refunds");
  }
  auto body = r.JsonBody();
  if (!body.ok()) return r.Fail(body.status());
  if (!body->is_object()) return r.Fail(Status::Validation("the body must be a JSON object"));
  for (auto it = body->begin(); it != body->end(); ++it) {
    const std::string& k = it.key();
    if (k != "entity" && k != "direction" && k != "sourceOfTruth" && k != "strategy")
      return Invalid(r, k, "unknown field '" + k + "'");
    if (!it->is_string()) return Invalid(r, k, "'" + k + "' must be a string");
  }
  const std::string named = GetStringOr(*body, "entity");
  if (!named.empty() && engine::RouteEntity(engine::StoreEntity(named)) != entity)
    return Invalid(r, "entity", "the body names entity '" + named + "' but the path names '" + entity + "'");
  store::SyncPolicyRecord rec;
  rec.tenant_id = r.caller.tenant_id;
  rec.entity = engine::StoreEntity(entity);
  rec.direction = GetStringOr(*body, "direction");
  rec.source_of_truth = GetStringOr(*body, "sourceOfTruth");
  rec.strategy = GetStringOr(*body, "strategy");
  rec.updated_at_ms = ctx.clock->NowMillis();
  if (rec.direction.empty()) return Invalid(r, "direction", "'direction' is required: both or <kind>-><kind>");
  if (rec.direction != "both") {
    const size_t arrow = rec.direction.find("->");
    const std::string from = arrow == std::string::npos ? "" : rec.direction.substr(0, arrow);
    const std::string to = arrow == std::string::npos ? "" : rec.direction.substr(arrow + 2);
    if (!KnownKind(from) || !KnownKind(to) || from == to)
      return Invalid(r, "direction",
                     "direction '" + rec.direction + "' is not 'both' or '<kind>-><kind>' of two known kinds");
  }
  if (rec.source_of_truth.empty())
    return Invalid(r, "sourceOfTruth", "'sourceOfTruth' is required: the kind whose value stands (woo or qbo)");
  if (!KnownKind(rec.source_of_truth))
    return Invalid(r, "sourceOfTruth", "'" + rec.source_of_truth + "' is not a known connection kind");
  if (rec.strategy.empty())
    return Invalid(r, "strategy", "'strategy' is required: source_wins, target_wins, newest_wins or manual");
  if (auto s = engine::ParseStrategy(rec.strategy); !s.ok()) return Invalid(r, "strategy", s.status().message());
  // The engine's own check (a one-way direction must include the source of truth).
  if (auto p = engine::PolicyFromRecord(rec); !p.ok()) return Invalid(r, "sourceOfTruth", p.status().message());
  Status s = ctx.store->PutSyncPolicy(rec);
  if (!s.ok()) return r.Fail(s);
  Json view = PolicyJson(rec);
  ctx.Audit(r.caller, "sync_policy.set", "entity:" + entity,
            {{"direction", rec.direction}, {"sourceOfTruth", rec.source_of_truth}, {"strategy", rec.strategy}});
  r.Reply(200, view);
}

}  // namespace

void RegisterPolicyRoutes(ServerContext& ctx, Router& router) {
  ServerContext* c = &ctx;
  router.Add("GET", "/api/v1/sync-policies", Access::kUser, [c](ApiRequest& r) { List(*c, r); });
  router.Add("PUT", "/api/v1/sync-policies/{entity}", Access::kAdmin, [c](ApiRequest& r) { Put(*c, r); });
}

}  // namespace es::server
