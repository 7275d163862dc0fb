#include "engine/reconcile.h"

#include <unordered_map>

#include "engine/run_context.h"

namespace es::engine {

Result<ReconcileReport> Reconcile(const Registry& registry, store::StateStore& store, http::Transport& transport,
                                  Clock& clock, const std::string& tenant, const std::string& source_connection,
                                  const std::string& target_connection, const EngineOptions& options,
                                  const std::string& route_entity) {
  ES_ASSIGN_OR_RETURN(Endpoints ends, OpenEndpoints(registry, store, transport, clock, options, tenant,
                                                    source_connection, target_connection));
  ES_RETURN_IF_ERROR(registry.CheckRoute({ends.source_connection.kind, ends.target_connection.kind, route_entity}));
  RunInfo info;
  info.tenant_id = tenant;
  info.source_connection = ends.source_connection.id;
  info.target_connection = ends.target_connection.id;
  info.source_kind = ends.source_connection.kind;
  info.target_kind = ends.target_connection.kind;
  info.run_id = "reconcile";
  info.dry_run = true;
  info.sandbox = ends.sandbox;
  RunContext ctx(info, store, clock, nullptr, {});
  ctx.SetRecordResults(false);  // no run to record them under

  ReconcileReport report;
  FetchRequest req;
  req.entity = StoreEntity(route_entity);
  for (int page = 1;; ++page) {
    req.page = page;
    auto res = ends.source->Fetch(req);
    if (!res.ok()) return res.status().WithContext("fetching " + route_entity + " page " + std::to_string(page));
    for (const auto& f : res->failures) {
      ++report.orders;
      ++report.mismatches;
      ++report.by_state["unreadable"];
      if (report.details.size() < 100)
        report.details.push_back({{"order", f.source_id}, {"state", "unreadable"}, {"detail", f.reason}});
      ReconcileRow row;
      row.check.source_id = f.source_id;
      row.check.state = "unreadable";
      row.check.detail = f.reason;
      report.rows.push_back(std::move(row));
    }
    if (!res->records.empty()) {
      ES_ASSIGN_OR_RETURN(auto checks, ends.target->Verify(req.entity, res->records, ctx));
      std::unordered_map<std::string, const model::Order*> orders;
      for (const auto& rec : res->records)
        if (const model::Order* o = rec.order()) orders[o->source_id] = o;
      for (const Check& c : checks) {
        if (c.state == "ignored") continue;
        ReconcileRow row;
        row.check = c;
        row.repair = c.state != "matched" && c.state != "linked";
        if (auto it = orders.find(c.source_id); it != orders.end()) {
          row.number = it->second->number;
          row.currency = it->second->currency;
          row.created_at_ms = it->second->created_at_ms;
        }
        report.rows.push_back(std::move(row));
        ++report.orders;
        ++report.by_state[c.state];
        if (c.state == "matched") {
          ++report.matched;
          continue;
        }
        if (c.state == "linked") {
          ++report.linked;
          continue;
        }
        ++report.mismatches;
        if (c.state == "missing") ++report.missing;
        report.repair_ids.push_back(c.source_id);
        if (report.details.size() < 100)
          report.details.push_back({{"order", c.source_id}, {"state", c.state}, {"expected", c.expected},
                                    {"actual", c.actual}, {"target_id", c.target_id}, {"detail", c.detail}});
      }
    }
    if (!res->has_more || (res->records.empty() && res->failures.empty())) break;
  }
  return report;
}

}  // namespace es::engine
