// The webhook worker: queued deliveries → incremental syncs of the changed
// records (webhook_service.h). No exception leaves the worker thread: one
// while handling a group fails that group's deliveries like any other error
// (retried with backoff); one elsewhere in a batch is logged and the batch's
// remaining deliveries come back when their lease ends.
#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <tuple>

#include "jobs/job_request.h"
#include "platforms/platforms.h"
#include "server/log.h"
#include "server/run_executor.h"
#include "server/webhooks/webhook_service.h"

namespace es::server {

struct WebhookService::State {
  ServerContext* ctx = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;  // guarded by mu
  bool wake = false;      // guarded by mu
  bool busy = false;      // guarded by mu: the worker holds claimed deliveries
  // Jobs the worker queued that WaitIdle has not yet seen finish: (tenant, job id).
  std::vector<std::pair<std::string, std::string>> jobs;  // guarded by mu
};

namespace {

using Delivery = store::WebhookDelivery;

// The routing table's entity name for a store entity between two kinds
// ("order" → "orders"); "" when the pair has no such route.
std::string RouteEntityFor(const std::string& source_kind, const std::string& target_kind,
                           const std::string& store_entity) {
  return platforms::Registry().RouteFor(source_kind, target_kind, store_entity);
}

std::vector<std::string> UniqueIds(const std::vector<Delivery>& group) {
  std::vector<std::string> ids;
  for (const auto& d : group) {
    if (std::find(ids.begin(), ids.end(), d.record_id) == ids.end()) ids.push_back(d.record_id);
  }
  return ids;
}

// What happened to the jobs of a group.
struct Outcome {
  std::vector<std::string> run_ids;
  std::vector<std::string> job_ids;
  Status error;         // the first failure to queue a job: the deliveries are retried
  std::string ignored;  // nothing to do, with the reason

  void Add(const Result<RunExecutor::Queued>& queued) {
    if (queued.ok()) {
      if (std::find(run_ids.begin(), run_ids.end(), queued->run_id) == run_ids.end()) {
        run_ids.push_back(queued->run_id);
        job_ids.push_back(queued->job_id);
      }
    } else if (error.ok()) {
      error = queued.status();
    }
  }
};

// One queued webhook job per tenant × connection pair × entity: a burst of
// deliveries joins the job still waiting in the queue (its ids widened, see
// JobStore::EnqueueJob), so it becomes one run, or two when the burst goes
// on while the first one runs.
jobs::EnqueueOptions WebhookJob(const engine::SyncRequest& req) {
  jobs::EnqueueOptions o;
  o.kind = "webhook-incremental";
  o.lane = "realtime";
  o.dedupe_key = "webhook:" + req.source_connection + ">" + req.target_connection + ":" + req.entities.front();
  return o;
}

class Processor {
 public:
  Processor(ServerContext& ctx, const WebhookOptions& options, WebhookService::State& state)
      : ctx_(ctx), options_(options), state_(state) {}

  void Handle(const std::vector<Delivery>& group) {
    const Delivery& first = group.front();
    Outcome out;
    try {
      // A change in a platform the record comes from syncs it onward; a
      // change in a platform the engine writes to re-syncs its source record.
      const engine::Platform* p = platforms::Registry().Find(first.source);
      const bool source_side =
          p != nullptr && std::find(p->reads.begin(), p->reads.end(), first.entity) != p->reads.end();
      out = source_side ? FromSource(first, UniqueIds(group)) : FromTarget(group);
    } catch (const std::exception& e) {
      // Runs catch their own exceptions (RunExecutor); this is the store or
      // the grouping: the deliveries are retried like any other failure.
      out = Outcome{};
      out.error = Status::Internal(std::string("webhook processing stopped on an exception: ") + e.what());
    } catch (...) {
      out = Outcome{};
      out.error = Status::Internal("webhook processing stopped on an exception of unknown type");
    }
    const int64_t now = ctx_.clock->NowMillis();
    std::string runs;
    for (const auto& id : out.run_ids) runs += (runs.empty() ? "" : ",") + id;
    for (const auto& d : group) {
      Status s;
      if (!out.error.ok() && d.attempts < options_.max_attempts) {
        int64_t delay = options_.retry_base_ms << std::min<int64_t>(d.attempts - 1, 8);
        s = ctx_.store->RequeueWebhook(d.seq, now + std::min<int64_t>(delay, 5 * 60 * 1000), out.error.message());
      } else if (!out.error.ok()) {
        s = ctx_.store->FinishWebhook(d.seq, "failed", runs, out.error.message(), now);
      } else if (!out.ignored.empty() && out.run_ids.empty()) {
        s = ctx_.store->FinishWebhook(d.seq, "ignored", "", out.ignored, now);
      } else {
        s = ctx_.store->FinishWebhook(d.seq, "done", runs, "", now);
      }
      if (!s.ok()) {
        Log(LogLevel::kError, "webhook_state_write_failed",
            {{"tenant", d.tenant_id}, {"seq", d.seq}, {"category", std::string(CategoryName(s.category()))}});
      }
    }
    {
      std::lock_guard lock(state_.mu);
      for (const auto& id : out.job_ids) state_.jobs.emplace_back(first.tenant_id, id);
    }
    Log(out.error.ok() ? LogLevel::kInfo : LogLevel::kWarn, "webhook_batch",
        {{"tenant", first.tenant_id},
         {"connection", first.connection_id},
         {"entity", first.entity},
         {"deliveries", group.size()},
         {"runs", runs},
         {"category", out.error.ok() ? Json(nullptr) : Json(std::string(CategoryName(out.error.category())))}});
  }

 private:
  engine::SyncRequest Request(const Delivery& d, const std::string& source, const std::string& target,
                              const std::string& route_entity, std::vector<std::string> ids) const {
    engine::SyncRequest req;
    req.tenant_id = d.tenant_id;
    req.source_connection = source;
    req.target_connection = target;
    req.entities = {route_entity};
    req.mode = "incremental";
    req.ids = std::move(ids);
    req.triggered_by = "webhook";
    return req;
  }

  // A source record's change syncs to every enabled connection that has a
  // route for the entity from the source's kind.
  Outcome FromSource(const Delivery& d, std::vector<std::string> ids) {
    Outcome out;
    auto conns = ctx_.store->ListConnections(d.tenant_id);
    if (!conns.ok()) {
      out.error = conns.status();
      return out;
    }
    auto source = std::find_if(conns->begin(), conns->end(), [&](const auto& c) { return c.id == d.connection_id; });
    if (source == conns->end() || !source->enabled) {
      out.ignored = "the connection is missing or disabled";
      return out;
    }
    for (const auto& t : *conns) {
      if (!t.enabled || t.id == d.connection_id) continue;
      const std::string route = RouteEntityFor(source->kind, t.kind, d.entity);
      if (route.empty()) continue;
      engine::SyncRequest req = Request(d, d.connection_id, t.id, route, ids);
      out.Add(ctx_.runs->Enqueue(req, WebhookJob(req)));
    }
    if (out.run_ids.empty() && out.error.ok()) {
      out.ignored = "no enabled connection syncs '" + d.entity + "' from this connection";
    }
    return out;
  }

  // A target's change to a record the engine wrote re-syncs its source
  // record (the engine then decides whether anything must be written).
  Outcome FromTarget(const std::vector<Delivery>& group) {
    Outcome out;
    const Delivery& first = group.front();
    std::map<std::string, std::vector<std::string>> by_source;  // source connection → source ids
    // The id map of the tenant's current mode (sandbox mode keeps its own).
    auto sandbox = ctx_.store->SandboxMode(first.tenant_id);
    if (!sandbox.ok()) {
      out.error = sandbox.status();
      return out;
    }
    for (const auto& d : group) {
      auto m = ctx_.store->FindMappingByTarget(d.tenant_id, engine::StateKey(d.connection_id, *sandbox), d.entity,
                                               d.record_id);
      if (!m.ok()) {
        out.error = m.status();
        return out;
      }
      if (!m->has_value()) continue;
      auto& ids = by_source[(*m)->source_connection];
      if (std::find(ids.begin(), ids.end(), (*m)->source_id) == ids.end()) ids.push_back((*m)->source_id);
    }
    for (const auto& [source_id, ids] : by_source) {
      auto source = ctx_.store->GetConnection(first.tenant_id, source_id);
      if (!source.ok()) {
        out.error = source.status();
        return out;
      }
      if (!source->has_value() || !(*source)->enabled) continue;
      const std::string route = RouteEntityFor((*source)->kind, first.source, first.entity);
      if (route.empty()) continue;
      engine::SyncRequest req = Request(first, source_id, first.connection_id, route, ids);
      out.Add(ctx_.runs->Enqueue(req, WebhookJob(req)));
    }
    if (out.run_ids.empty() && out.error.ok()) {
      out.ignored = "not a record the engine wrote";
    }
    return out;
  }

  ServerContext& ctx_;
  const WebhookOptions& options_;
  WebhookService::State& state_;
};

// Claims a batch and handles it; false when there was nothing to claim.
bool WorkOnce(ServerContext& ctx, WebhookService::State& state, Processor& processor, const WebhookOptions& options) {
  auto claimed = ctx.store->ClaimWebhooks(ctx.clock->NowMillis(), options.lease_ms, options.batch);
  if (!claimed.ok()) {
    Log(LogLevel::kError, "webhook_claim_failed", {{"category", std::string(CategoryName(claimed.status().category()))}});
  }
  if (!claimed.ok() || claimed->empty()) return false;
  {
    std::lock_guard lock(state.mu);
    state.busy = true;
  }
  // Coalesce: one sync per (tenant, connection, entity) with every changed id.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<store::WebhookDelivery>> groups;
  for (auto& d : *claimed) groups[{d.tenant_id, d.connection_id, d.entity}].push_back(std::move(d));
  for (const auto& [key, group] : groups) {
    processor.Handle(group);
    ctx.metrics->Add("easysale_webhook_syncs_total", {{"tenant", std::get<0>(key)}},
                     static_cast<double>(group.size()));
  }
  {
    std::lock_guard lock(state.mu);
    state.busy = false;
  }
  auto counts = ctx.store->CountWebhooks("");
  if (counts.ok()) {
    ctx.metrics->Set("easysale_queue_depth", {{"queue", "webhooks"}},
                     static_cast<double>(counts->count("queued") ? counts->at("queued") : 0));
  }
  return true;
}

}  // namespace

WebhookService::WebhookService(WebhookOptions options) : options_(options), state_(std::make_unique<State>()) {}

WebhookService::~WebhookService() { Stop(); }

void WebhookService::Attach(HttpServer& server) {
  server.AddRouteRegistrar([this](ServerContext& ctx, Router& router) {
    RegisterWebhookRoutes(ctx, router, *this);
    Start(ctx);
  });
  server.AddStopHook([this] { Stop(); });
}

void WebhookService::Start(ServerContext& ctx) {
  std::lock_guard lock(state_->mu);
  state_->ctx = &ctx;
  if (worker_.joinable() || !options_.run_worker) return;
  ctx.metrics->Describe("easysale_webhook_syncs_total", "counter", "Webhook deliveries handled by the worker");
  worker_ = std::thread([this] { Loop(); });
}

void WebhookService::Notify() {
  std::lock_guard lock(state_->mu);
  state_->wake = true;
  state_->cv.notify_all();
}

void WebhookService::Stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
    state_->cv.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

bool WebhookService::WaitIdle(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    ServerContext* ctx;
    bool busy;
    {
      std::lock_guard lock(state_->mu);
      ctx = state_->ctx;
      busy = state_->busy;
    }
    if (ctx != nullptr && !busy) {
      auto counts = ctx->store->CountWebhooks("");
      if (counts.ok()) {
        auto n = [&](const char* s) { return counts->count(s) ? counts->at(s) : 0; };
        if (n("queued") == 0 && n("processing") == 0 && JobsFinished(*ctx)) return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool WebhookService::JobsFinished(ServerContext& ctx) {
  std::vector<std::pair<std::string, std::string>> jobs;
  {
    std::lock_guard lock(state_->mu);
    jobs = state_->jobs;
  }
  std::vector<std::pair<std::string, std::string>> open;
  for (const auto& [tenant, id] : jobs) {
    auto j = ctx.store->GetJob(tenant, id);
    const bool done = j.ok() && (!j->has_value() || (**j).status == "succeeded" || (**j).status == "failed" ||
                                 (**j).status == "abandoned" || (**j).status == "cancelled");
    if (!done) open.emplace_back(tenant, id);
  }
  std::lock_guard lock(state_->mu);
  // Keep what is still open and what was queued meanwhile.
  std::erase_if(state_->jobs, [&](const auto& j) {
    return std::find(jobs.begin(), jobs.end(), j) != jobs.end() &&
           std::find(open.begin(), open.end(), j) == open.end();
  });
  return open.empty() && state_->jobs.size() == open.size();
}

void WebhookService::Loop() {
  ServerContext& ctx = *state_->ctx;
  Processor processor(ctx, options_, *state_);
  for (;;) {
    {
      std::unique_lock lock(state_->mu);
      if (state_->stopping) return;
    }
    bool worked = false;
    try {
      worked = WorkOnce(ctx, *state_, processor, options_);
    } catch (...) {
      // What is left of the batch stays claimed until its lease ends, then
      // it is delivered again; the worker keeps running.
      {
        std::lock_guard lock(state_->mu);
        state_->busy = false;
      }
      Log(LogLevel::kError, "webhook_worker_exception", {{"lease_ms", options_.lease_ms}});
    }
    if (!worked) {
      std::unique_lock lock(state_->mu);
      state_->cv.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                          [&] { return state_->stopping || state_->wake; });
      state_->wake = false;
    }
  }
}

}  // namespace es::server
