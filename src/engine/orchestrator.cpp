#include "engine/orchestrator.h"

#include "common/crypto.h"
#include "connectors/qbo/client.h"
#include "connectors/woo/client.h"
#include "engine/connections.h"
#include "engine/qbo_gateway.h"
#include "mapping/transformer_config.h"

namespace es::engine {

Orchestrator::Orchestrator(store::StateStore& store, http::Transport& transport, Clock& clock, EngineOptions options,
                           const RouteTable& routes)
    : store_(store), transport_(transport), clock_(clock), options_(options), routes_(routes) {}

bool Orchestrator::Stop(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stops_.find(run_id);
  if (it == stops_.end()) return false;
  it->second->store(true);
  return true;
}

namespace {

Json CountsJson(const std::map<std::string, EntityCounts>& counts, store::RunCounts* totals) {
  Json j = Json::object();
  *totals = {};
  for (const auto& [entity, c] : counts) {
    Json e = {{"fetched", c.fetched}, {"created", c.created}, {"updated", c.updated},
              {"skipped", c.skipped}, {"failed", c.failed}};
    Json by_type = Json::object();
    for (const auto& [t, n] : c.created_by_type) by_type[t] = n;
    e["created_by_type"] = by_type;
    j[entity] = e;
    totals->fetched += c.fetched;
    totals->created += c.created;
    totals->updated += c.updated;
    totals->skipped += c.skipped;
    totals->failed += c.failed;
  }
  return j;
}

}  // namespace

Result<RunReport> Orchestrator::Run(const SyncRequest& request, std::function<void(const Progress&)> on_progress,
                                    CrashHook crash_hook) {
  if (request.mode != "full" && request.mode != "incremental")
    return Status::Validation("mode '" + request.mode + "' is not full or incremental");
  ES_ASSIGN_OR_RETURN(store::Connection source, LoadEnabledConnection(store_, request.tenant_id, request.source_connection));
  ES_ASSIGN_OR_RETURN(store::Connection target, LoadEnabledConnection(store_, request.tenant_id, request.target_connection));

  std::vector<std::string> entities = request.entities;
  if (entities.empty()) entities = routes_.Entities(source.kind, target.kind);
  if (entities.empty())
    return Status::Validation("no routes from '" + source.kind + "' to '" + target.kind + "'");
  // Build every flow first so an unsupported route fails before any work.
  std::vector<std::pair<std::string, std::unique_ptr<Flow>>> flows;
  for (const auto& order : routes_.Entities(source.kind, target.kind)) {
    if (std::find(entities.begin(), entities.end(), order) == entities.end()) continue;
    ES_ASSIGN_OR_RETURN(auto flow, routes_.Make({source.kind, target.kind, order}));
    flows.emplace_back(order, std::move(flow));
  }
  for (const auto& e : entities) {
    bool known = false;
    for (const auto& f : flows) known = known || f.first == e;
    if (!known) {
      auto r = routes_.Make({source.kind, target.kind, e});
      if (!r.ok()) return r.status();
    }
  }

  mapping::TransformerConfig config;
  auto stored = store_.GetTransformerConfig(request.tenant_id, target.id);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    auto parsed = mapping::TransformerConfig::FromJson(**stored);
    if (!parsed.ok()) return parsed.status().WithContext("stored transformer config of '" + target.id + "'");
    config = *parsed;
  }

  // Connectors for this run.
  ES_ASSIGN_OR_RETURN(auto connectors,
                      BuildConnectors(store_, request.tenant_id, {&source, &target}, transport_, clock_, options_));
  Endpoints endpoints;
  endpoints.woo = connectors->woo.get();
  endpoints.qbo = connectors->gateway.get();
  endpoints.warehouse = connectors->warehouse.get();
  QboGateway* gateway = connectors->gateway.get();
  woo::Client* woo = connectors->woo.get();

  std::string run_id = crypto::Uuid4();
  std::string lock_key = source.id + ">" + target.id;
  ES_RETURN_IF_ERROR(store_.AcquireLock(request.tenant_id, lock_key, run_id, clock_.NowMillis(), options_.lock_lease_ms));
  auto stop = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stops_[run_id] = stop;
  }

  RunReport report;
  store::SyncRun& run = report.run;
  run.id = run_id;
  run.tenant_id = request.tenant_id;
  run.source_connection = source.id;
  run.target_connection = target.id;
  run.entities = entities;
  run.mode = request.mode;
  run.dry_run = request.dry_run;
  run.status = store::RunStatus::kRunning;
  run.triggered_by = request.triggered_by;
  run.started_at_ms = clock_.NowMillis();
  Status created = store_.CreateRun(run);
  if (!created.ok()) {
    (void)store_.ReleaseLock(request.tenant_id, lock_key, run_id);
    return created;
  }

  FlowContext ctx;
  ctx.tenant_id = request.tenant_id;
  ctx.source_connection = source.id;
  ctx.target_connection = target.id;
  ctx.run_id = run_id;
  ctx.mode = request.mode;
  ctx.dry_run = request.dry_run;
  ctx.only_ids = request.ids;
  ctx.config = config;
  ctx.store = &store_;
  ctx.endpoints = endpoints;
  ctx.clock = &clock_;
  ctx.stop_requested = stop.get();
  ctx.on_progress = std::move(on_progress);
  ctx.crash_hook = std::move(crash_hook);

  Status failure;
  for (auto& [entity, flow] : flows) {
    Status s = flow->Run(ctx);
    run.counts = CountsJson(ctx.counts, &run.totals);
    if (!ctx.crashed) (void)store_.UpdateRun(run);
    if (!s.ok()) {
      failure = s.WithContext(entity);
      break;
    }
  }

  run.finished_at_ms = clock_.NowMillis();
  run.counts = CountsJson(ctx.counts, &run.totals);
  if (ctx.crashed) {
    run.status = store::RunStatus::kFailed;
    run.error = "simulated crash";
  } else if (stop->load()) {
    run.status = store::RunStatus::kStopped;
    run.error = "stopped on request";
  } else if (!failure.ok()) {
    run.status = store::RunStatus::kFailed;
    run.error = failure.ToString();
  } else {
    run.status = run.totals.failed > 0 ? store::RunStatus::kPartial : store::RunStatus::kSucceeded;
  }
  // A simulated crash leaves the run as a killed process would (status
  // "running" in the store) but frees the lock so the test can re-run at once
  // instead of waiting for the lease to expire.
  if (!ctx.crashed) (void)store_.UpdateRun(run);
  (void)store_.ReleaseLock(request.tenant_id, lock_key, run_id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stops_.erase(run_id);
  }
  report.counts = ctx.counts;
  report.previews = std::move(ctx.dry_run_previews);
  report.qbo_requests = gateway ? gateway->calls() : 0;
  report.woo_requests = woo ? woo->requests_sent() : 0;
  report.rate_limited = gateway ? gateway->rate_limited() : 0;
  return report;
}

}  // namespace es::engine
