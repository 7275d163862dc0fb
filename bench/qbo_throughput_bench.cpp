// QBO write throughput under the sandbox's real throttling rules and an
// added per-request latency (SPEC §4 "QBO throughput"), engine versus a
// naive client that sends one request per write.
//
//   build/bench/qbo_throughput_bench [--orders N] [--latency MS] [--mode engine|naive|both]
//
// Prints one JSON line per mode: writes, seconds, writes/min, requests and
// the 429s the sandbox answered.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/clock.h"
#include "connectors/qbo/client.h"
#include "connectors/qbo/codec.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/client.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/orchestrator.h"
#include "platforms/platforms.h"
#include "mapping/qbo_transform.h"
#include "store/factory/open_store.h"

namespace es {
namespace {

struct Args {
  int orders = 1000;
  int latency_ms = 150;
  std::string mode = "both";
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* mode, int64_t writes, double secs, int64_t requests, int64_t throttled) {
  printf("{\"mode\":\"%s\",\"writes\":%lld,\"seconds\":%.1f,\"writes_per_min\":%.0f,\"requests\":%lld,\"throttled_429\":%lld}\n",
         mode, static_cast<long long>(writes), secs, secs > 0 ? writes * 60.0 / secs : 0.0,
         static_cast<long long>(requests), static_cast<long long>(throttled));
  fflush(stdout);
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
  auto tokens = qbo.IssueTokens();
  int64_t now = SystemClock::Get().NowMillis();
  (void)(*store)->PutTenant({"bench", "bench", now});
  store::Connection w{"bench", "woo", "woo", "", {{"base_url", woo.base_url()}},
                      DumpJson({{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}}), true, now};
  store::Connection q{"bench", "qbo", "qbo", "",
                      {{"api_base", qbo.base_url()}, {"token_url", qbo.token_url()}, {"realm_id", qo.realm_id},
                       {"client_id", qo.client_id}},
                      DumpJson({{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                                {"refresh_token", tokens.refresh_token},
                                {"access_expires_at_ms", now + tokens.expires_in_s * 1000}}),
                      true, now};
  (void)(*store)->PutConnection(w);
  (void)(*store)->PutConnection(q);
  auto transport = http::MakeCurlTransport();
  engine::Orchestrator orch(**store, *transport, SystemClock::Get(), platforms::Registry());
  engine::SyncRequest req;
  req.tenant_id = "bench";
  req.source_connection = "woo";
  req.target_connection = "qbo";
  req.mode = "full";
  req.triggered_by = "bench";
  auto start = std::chrono::steady_clock::now();
  auto r = orch.Run(req);
  double secs = Seconds(start);
  if (!r.ok()) {
    fprintf(stderr, "engine run failed: %s\n", r.status().ToString().c_str());
    return 1;
  }
  auto stats = qbo.stats();
  Report("engine", stats.writes, secs, stats.requests, stats.throttled);
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
  for (int page = 1;; ++page) {
    lq.page = page;
    auto res = wc.ListOrders(lq);
    if (!res.ok()) break;
    for (const auto& o : res->items) {
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
  Report("naive", stats.writes, secs, stats.requests, stats.throttled);
  return 0;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  es::Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--orders")) a.orders = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--latency")) a.latency_ms = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--mode")) a.mode = argv[i + 1];
  }
  int rc = 0;
  if (a.mode == "engine" || a.mode == "both") rc |= es::RunEngine(a);
  if (a.mode == "naive" || a.mode == "both") rc |= es::RunNaive(a);
  return rc;
}
