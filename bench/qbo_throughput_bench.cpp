// QBO write throughput under the sandbox's real throttling rules and an
// added per-request latency (SPEC §4 "QBO throughput"): the engine, which
// spends the realm's batch and single-request budgets together, beside a
// naive client that sends one request per write. With --mode latency:
// tenant B's webhook-to-QBO latency while tenant A backfills, both tenants
// in one process on one realm budget.
//
//   build/bench/qbo_throughput_bench [--orders N] [--latency MS] [--minutes M]
//                                    [--mode engine|naive|both|latency]
//
// --minutes stops each client after M minutes (0: when the orders are done);
// writes/min is what the QBO sandbox counted over the run. "both" runs the
// engine and the naive client at the same time, each against its own QBO
// sandbox (the throttle is per realm) and WooCommerce sandbox.
// Prints one JSON line per client.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sandbox_setup.h"
#include "common/clock.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/codec.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/client.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/orchestrator.h"
#include "mapping/qbo_transform.h"
#include "platforms/platforms.h"
#include "store/factory/open_store.h"

namespace es {
namespace {

struct Args {
  int orders = 1000;
  int latency_ms = 150;
  double minutes = 0;
  std::string mode = "both";
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::mutex print_mu;

void Report(const char* mode, int64_t writes, double secs, int64_t requests, int64_t batches, int64_t throttled) {
  std::lock_guard<std::mutex> lock(print_mu);
  printf("{\"mode\":\"%s\",\"writes\":%lld,\"seconds\":%.1f,\"writes_per_min\":%.0f,\"requests\":%lld,"
         "\"batches\":%lld,\"throttled_429\":%lld}\n",
         mode, static_cast<long long>(writes), secs, secs > 0 ? writes * 60.0 / secs : 0.0,
         static_cast<long long>(requests), static_cast<long long>(batches), static_cast<long long>(throttled));
  fflush(stdout);
}

// A tenant with a WooCommerce connection "woo" and a QBO connection "qbo".
void AddTenant(store::StateStore& store, const std::string& tenant, woo::sandbox::Server& woo,
               const woo::sandbox::Options& wo, qbo::sandbox::Server& qbo, const qbo::sandbox::Options& qo) {
  (void)bench::AddSandboxTenant(store, tenant, bench::InProcessEndpoints(woo, wo, qbo, qo));
}

// Sets *stop after `minutes` (unless *done first).
std::thread StopAfter(double minutes, std::atomic<bool>* stop, std::atomic<bool>* done) {
  return std::thread([=] {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(minutes * 60'000));
    while (!done->load() && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop->store(true);
  });
}

int RunEngine(const Args& a) {
  woo::sandbox::Options wo;
  wo.orders = a.orders;
  wo.customers = a.orders / 3 + 1;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qo.faults.latency_ms = a.latency_ms;
  qbo::sandbox::Server qbo(qo);
  if (!woo.Start(0).ok() || !qbo.Start(0).ok()) return 1;
  auto store = store::OpenStore(":memory:");
  if (!store.ok()) return 1;
  AddTenant(**store, "bench", woo, wo, qbo, qo);
  auto transport = http::MakeCurlTransport();
  engine::Orchestrator orch(**store, *transport, SystemClock::Get(), platforms::Registry());
  engine::SyncRequest req;
  req.tenant_id = "bench";
  req.source_connection = "woo";
  req.target_connection = "qbo";
  req.mode = "full";
  req.triggered_by = "bench";
  std::atomic<bool> stop{false}, done{false};
  req.stop = &stop;
  std::thread timer;
  if (a.minutes > 0) timer = StopAfter(a.minutes, &stop, &done);
  auto start = std::chrono::steady_clock::now();
  auto r = orch.Run(req);
  double secs = Seconds(start);
  done = true;
  if (timer.joinable()) timer.join();
  if (!r.ok()) {
    fprintf(stderr, "engine run failed: %s\n", r.status().ToString().c_str());
    return 1;
  }
  auto stats = qbo.stats();
  Report("engine", stats.writes, secs, stats.requests, stats.batches, stats.throttled);
  return 0;
}

// One request per write, in order, waiting 60 s on a 429 as Intuit advises.
int RunNaive(const Args& a) {
  woo::sandbox::Options wo;
  wo.orders = a.orders;
  wo.customers = a.orders / 3 + 1;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qo.faults.latency_ms = a.latency_ms;
  qbo::sandbox::Server qbo(qo);
  if (!woo.Start(0).ok() || !qbo.Start(0).ok()) return 1;
  auto transport = http::MakeCurlTransport();
  woo::Credentials creds{woo.base_url(), wo.consumer_key, wo.consumer_secret};
  woo::Client wc(creds, *transport, SystemClock::Get());
  auto tokens = qbo.IssueTokens();
  qbo::OAuthTokens t;
  t.access_token = tokens.access_token;
  t.refresh_token = tokens.refresh_token;
  t.access_expires_at_ms = SystemClock::Get().NowMillis() + tokens.expires_in_s * 1000;
  qbo::MemoryTokenStore ts(t);
  qbo::Config cfg;
  cfg.api_base = qbo.base_url();
  cfg.token_url = qbo.token_url();
  cfg.realm_id = qo.realm_id;
  cfg.client_id = qo.client_id;
  cfg.client_secret = qo.client_secret;
  qbo::Client qc(cfg, *transport, SystemClock::Get(), ts);
  mapping::TransformerConfig config;
  auto start = std::chrono::steady_clock::now();
  auto over = [&] { return a.minutes > 0 && Seconds(start) >= a.minutes * 60; };
  std::map<std::string, std::string> customers, items;
  int64_t n = 0;
  auto create = [&](const std::string& entity, const Json& body) -> std::string {
    for (;;) {
      auto r = qc.Create(entity, body, "naive-" + std::to_string(++n));
      if (r.ok()) return GetStringOr(*r, "Id");
      if (!r.status().IsRateLimit()) return "";
      SystemClock::Get().SleepMillis(60'000);
    }
  };
  auto accounts = qc.Query("SELECT * FROM Account WHERE AccountType = 'Income'");
  std::string income = accounts.ok() && !accounts->rows.empty() ? GetStringOr(accounts->rows[0], "Id") : "1";
  woo::ListQuery lq;
  lq.statuses = config.order_statuses;
  for (int page = 1; !over(); ++page) {
    lq.page = page;
    auto res = wc.ListOrders(lq);
    if (!res.ok()) break;
    for (const auto& o : res->items) {
      if (over()) break;
      auto c = mapping::OrderCustomer(o, config);
      if (!customers.count(c.source_id))
        customers[c.source_id] = create("Customer", qbo::EncodeCustomer(mapping::CustomerToQbo(c, config)));
      mapping::ResolvedRefs refs;
      refs.customer_id = customers[c.source_id];
      for (const auto& l : o.lines) {
        std::string key = mapping::LineItemKey(l);
        if (!items.count(key))
          items[key] = create("Item", qbo::EncodeItem(mapping::ProductToItem(mapping::ProductFromLine(l, o.currency),
                                                                              config, {income, "", ""})));
        refs.item_ids[key] = items[key];
      }
      if (!o.fees.empty() && !items.count("fee")) {
        model::Product fee;
        fee.name = config.fee_item_name;
        items["fee"] = create("Item", qbo::EncodeItem(mapping::ProductToItem(fee, config, {income, "", ""})));
      }
      refs.fee_item_id = items["fee"];
      auto doc = mapping::OrderToSalesDocument(o, refs, config);
      if (doc.ok()) create(qbo::SalesDocEntity(doc->kind), qbo::EncodeSalesDocument(*doc));
    }
    if (!res->HasMore()) break;
  }
  double secs = Seconds(start);
  auto stats = qbo.stats();
  Report("naive", stats.writes, secs, stats.requests, stats.batches, stats.throttled);
  return 0;
}

// Tenant A backfills --orders orders while tenant B, on the same realm (one
// budget in this process), gets a new order every 2 s that a webhook would
// sync at once (a run limited to that order: the real-time lane). B's
// latency is from the order's arrival to the end of its run (the document is
// in QBO by then).
int RunLatency(const Args& a) {
  woo::sandbox::Options wa;
  wa.orders = a.orders;
  wa.customers = a.orders / 3 + 1;
  woo::sandbox::Server woo_a(wa);
  woo::sandbox::Options wb;
  wb.orders = 10;
  wb.customers = 10;
  wb.seed = 7;
  woo::sandbox::Server woo_b(wb);
  qbo::sandbox::Options qo;
  qo.faults.latency_ms = a.latency_ms;
  qbo::sandbox::Server qbo(qo);
  if (!woo_a.Start(0).ok() || !woo_b.Start(0).ok() || !qbo.Start(0).ok()) return 1;
  auto store = store::OpenStore(":memory:");
  if (!store.ok()) return 1;
  AddTenant(**store, "A", woo_a, wa, qbo, qo);
  AddTenant(**store, "B", woo_b, wb, qbo, qo);
  auto transport = http::MakeCurlTransport();
  engine::Orchestrator orch(**store, *transport, SystemClock::Get(), platforms::Registry());
  // B's existing orders (and their customers and items) first, so its webhook runs create one document each.
  engine::SyncRequest first;
  first.tenant_id = "B";
  first.source_connection = "woo";
  first.target_connection = "qbo";
  if (!orch.Run(first).ok()) return 1;

  std::atomic<bool> stop{false}, done{false};
  std::thread backfill([&] {
    engine::SyncRequest req;
    req.tenant_id = "A";
    req.source_connection = "woo";
    req.target_connection = "qbo";
    req.stop = &stop;
    auto r = orch.Run(req);
    if (!r.ok()) fprintf(stderr, "backfill failed: %s\n", r.status().ToString().c_str());
    done = true;
  });
  std::thread timer = StopAfter(a.minutes > 0 ? a.minutes : 3, &stop, &done);
  std::this_thread::sleep_for(std::chrono::seconds(20));  // A's backfill under way
  std::vector<double> latencies;
  int failed = 0;
  while (!stop.load()) {
    int64_t id = woo_b.AddRandomOrder();
    auto t0 = std::chrono::steady_clock::now();
    engine::SyncRequest req;
    req.tenant_id = "B";
    req.source_connection = "woo";
    req.target_connection = "qbo";
    req.entities = {"orders"};
    req.ids = {std::to_string(id)};
    auto r = orch.Run(req);
    double ms = Seconds(t0) * 1000;
    if (!r.ok() || r->run.status != store::RunStatus::kSucceeded) ++failed;
    else latencies.push_back(ms);
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  stop = true;
  backfill.join();
  timer.join();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * (latencies.size() - 1) + 0.5))];
  };
  auto stats = qbo.stats();
  printf("{\"mode\":\"latency\",\"webhook_orders\":%zu,\"failed\":%d,\"p50_ms\":%.0f,\"p95_ms\":%.0f,\"max_ms\":%.0f,"
         "\"realm_writes\":%lld,\"realm_requests\":%lld,\"throttled_429\":%lld}\n",
         latencies.size(), failed, pct(0.5), pct(0.95), latencies.empty() ? 0.0 : latencies.back(),
         static_cast<long long>(stats.writes), static_cast<long long>(stats.requests),
         static_cast<long long>(stats.throttled));
  return 0;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  es::Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--orders")) a.orders = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--latency")) a.latency_ms = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--minutes")) a.minutes = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--mode")) a.mode = argv[i + 1];
  }
  if (a.mode == "latency") return es::RunLatency(a);
  if (a.mode == "both") {
    int rc_engine = 0, rc_naive = 0;
    std::thread naive([&] { rc_naive = es::RunNaive(a); });
    rc_engine = es::RunEngine(a);
    naive.join();
    return rc_engine | rc_naive;
  }
  if (a.mode == "engine") return es::RunEngine(a);
  if (a.mode == "naive") return es::RunNaive(a);
  fprintf(stderr, "--mode must be engine, naive, both or latency\n");
  return 2;
}
