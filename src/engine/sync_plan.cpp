#include "engine/sync_plan.h"

#include <algorithm>

#include "common/crypto.h"
#include "engine/pipeline.h"

namespace es::engine {

bool IsDestructiveOp(const std::string& op) { return op == "void" || op == "delete" || op == "overwrite"; }

void PlanSummary::Add(const std::string& entity, const std::string& op, int64_t n) {
  if (n <= 0) return;
  ops[entity][op] += n;
  if (op == "skip" || op == "fail") return;
  touched += n;
  if (IsDestructiveOp(op)) destructive += n;
}

Json PlanSummary::ToJson() const {
  Json entities = Json::object();
  for (const auto& [entity, by_op] : ops) {
    Json e = Json::object();
    for (const auto& [op, n] : by_op) e[op] = n;
    entities[entity] = std::move(e);
  }
  return {{"touched", touched}, {"destructive", destructive}, {"entities", std::move(entities)}};
}

PlanSummary SummarizeCounts(const std::map<std::string, EntityCounts>& counts) {
  PlanSummary s;
  for (const auto& [entity, c] : counts) {
    s.Add(entity, "create", c.created + c.linked);
    s.Add(entity, "update", c.updated);
    s.Add(entity, "void", c.voided);
    s.Add(entity, "delete", c.deleted);
    s.Add(entity, "skip", c.skipped);
    s.Add(entity, "fail", c.failed);
  }
  return s;
}

Result<PlanSummary> PlanSync(const Registry& registry, store::StateStore& store, http::Transport& transport,
                             Clock& clock, const EngineOptions& options, const SyncRequest& request) {
  ES_ASSIGN_OR_RETURN(Endpoints ends, OpenEndpoints(registry, store, transport, clock, options, request.tenant_id,
                                                    request.source_connection, request.target_connection));
  const std::string& source_kind = ends.source_connection.kind;
  const std::string& target_kind = ends.target_connection.kind;
  const auto pair_entities = registry.Entities(source_kind, target_kind);
  if (pair_entities.empty()) return Status::Validation("no routes from '" + source_kind + "' to '" + target_kind + "'");
  for (const auto& e : request.entities) ES_RETURN_IF_ERROR(registry.CheckRoute({source_kind, target_kind, e}));

  RunInfo info;
  info.tenant_id = request.tenant_id;
  info.source_connection = ends.source_connection.id;
  info.target_connection = ends.target_connection.id;
  info.source_kind = source_kind;
  info.target_kind = target_kind;
  info.run_id = "plan";
  info.dry_run = true;
  info.sandbox = ends.sandbox;
  RunContext ctx(info, store, clock, request.stop, {});
  ctx.SetRecordResults(false);  // no run to record them under

  PageRunTotals totals;
  for (const auto& e : pair_entities) {
    if (!request.entities.empty() && std::find(request.entities.begin(), request.entities.end(), e) == request.entities.end())
      continue;
    PageRun pr;
    pr.route_entity = e;
    pr.mode = request.mode;
    pr.ids = request.ids;
    pr.options = &options;
    Status s = RunEntityPages(pr, *ends.source, *ends.target, ctx, store, &totals);
    if (!s.ok()) return ctx.platform_failure().ok() ? s.WithContext("planning " + e) : s;
  }
  return SummarizeCounts(ctx.counts());
}

std::string PlanHash(const std::string& operation, const Json& request, const PlanSummary& plan) {
  const Json canonical = {{"operation", operation}, {"request", request}, {"plan", plan.ToJson()}};
  return crypto::Hex(crypto::Sha256(DumpJson(canonical)));
}

}  // namespace es::engine
