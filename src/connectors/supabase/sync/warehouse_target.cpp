#include "connectors/supabase/sync/warehouse_target.h"

#include <algorithm>
#include <cstdio>

namespace es::supabase {
namespace {

constexpr const char* kQboKind = "qbo";

// The route entity (of `routes`, in run order) a failed run stopped in: the
// engine puts the route name in front of the failure's message.
std::string FailedRoute(const std::vector<std::string>& routes, const Status& outcome) {
  if (outcome.ok()) return "";
  for (const auto& r : routes)
    if (outcome.message().rfind(r + ": ", 0) == 0) return r;
  return "";
}

}  // namespace

WarehouseTarget::WarehouseTarget(std::unique_ptr<WarehouseWriter> writer, store::StateStore& store, std::string tenant,
                                 Clock& clock)
    : writer_(std::move(writer)), store_(store), tenant_(std::move(tenant)), clock_(clock) {}

WarehouseTarget::~WarehouseTarget() = default;

Status WarehouseTarget::Prepare(engine::SyncContext& ctx) {
  (void)ctx;
  ++calls_;
  return writer_->Prepare();
}

const std::vector<std::string>& WarehouseTarget::QboConnections() {
  if (qbo_connections_) return *qbo_connections_;
  qbo_connections_.emplace();
  auto all = store_.ListConnections(tenant_);
  if (all.ok())
    for (const auto& c : *all)
      if (c.kind == kQboKind) qbo_connections_->push_back(c.id);
  return *qbo_connections_;
}

void WarehouseTarget::Touch(const std::string& entity) {
  const int64_t now = clock_.NowMillis();
  auto it = worked_.find(entity);
  if (it == worked_.end()) worked_[entity] = {now, now};
  else it->second.second = now;
}

Json WarehouseTarget::RowPayload(const Row& row) {
  const TableSpec& spec = Spec(row.table);
  Json cols = Json::object();
  for (size_t i = 0; i < spec.columns.size() && i < row.values.size(); ++i) {
    if (spec.columns[i].name == "raw") continue;
    cols[spec.columns[i].name] = row.values[i] ? Json(*row.values[i]) : Json(nullptr);
  }
  return cols;
}

void WarehouseTarget::Finish(engine::SyncContext& ctx, const Status& outcome) {
  const engine::RunInfo& info = ctx.run();
  auto run = store_.GetRun(info.tenant_id, info.run_id);
  if (!run.ok() || !run->has_value()) {
    fprintf(stderr, "warning: no warehouse sync log for run %s: the run record cannot be read\n",
            info.run_id.c_str());
    return;
  }
  const store::SyncRun& r = **run;
  const std::string failed_route = FailedRoute(r.entities, outcome);
  const std::string source = SourceLabel(info.tenant_id, info.source_connection);
  const int64_t now = clock_.NowMillis();
  std::vector<Row> rows;
  for (const std::string& route : r.entities) {
    const std::string entity = engine::StoreEntity(route);
    const Json* counts = r.counts.is_object() ? FindPath(r.counts, entity) : nullptr;
    const bool failed_here = !outcome.ok() && (route == failed_route || (failed_route.empty() && counts == nullptr));
    if (counts == nullptr && !failed_here) continue;  // the run never reached it
    SyncLogEntry e;
    e.run_id = info.run_id;
    e.tenant_id = info.tenant_id;
    e.entity = entity;
    e.mode = r.mode;
    if (counts != nullptr) {
      e.fetched = GetIntOr(*counts, "fetched", 0);
      e.created = GetIntOr(*counts, "created", 0) + GetIntOr(*counts, "linked", 0);
      e.updated = GetIntOr(*counts, "updated", 0);
      e.skipped = GetIntOr(*counts, "skipped", 0);
      e.failed = GetIntOr(*counts, "failed", 0);
    }
    e.status = failed_here ? "failed" : e.failed > 0 ? "partial" : "succeeded";
    auto worked = worked_.find(entity);
    e.started_at_ms = worked != worked_.end() ? worked->second.first : r.started_at_ms;
    e.finished_at_ms = worked != worked_.end() && !failed_here ? worked->second.second : now;
    rows.push_back(SyncLogRow(source, e));
    if (failed_here) break;  // nothing after it ran
  }
  if (rows.empty()) return;
  ++calls_;
  auto res = writer_->Upsert(Table::kSyncLogs, rows);
  if (!res.ok())
    fprintf(stderr, "warning: could not write the warehouse sync log: %s\n", res.status().ToString().c_str());
}

}  // namespace es::supabase
