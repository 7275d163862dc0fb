// `easysale-sync demo`: both sandboxes, a full sync to QBO with progress, a
// week of trading in the shop (edits, refunds, cancellations, late payments,
// trash, new orders), a second sync that brings the books along, a third
// that must write nothing, a reconcile of every order's net amount, then the
// dashboard (signed in as the demo admin through a one-time link) and a
// status page until Ctrl-C (or one JSON object with --once --json).
#include <httplib.h>

#include <filesystem>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/demo_dashboard.h"
#include "cli/progress.h"
#include "cli/run_summary.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/supabase/rows.h"
#include "connectors/supabase/sync/supabase_platform.h"
#include "connectors/woo/sandbox/server.h"
#include "engine/orchestrator.h"
#include "engine/reconcile.h"
#include "platforms/platforms.h"
#include "http/transport.h"
#include "server/server_config.h"
#include "server/status_page.h"
#include "store/factory/open_store.h"

namespace es::cli {
namespace {

struct DemoArgs {
  uint64_t seed = 42;
  int orders = 300;
  int customers = 80;
  int products = 30;
  bool once = false;
  bool json = false;
  int port = 0;
  std::string store_url;
  std::string data_dir;  // empty = <the data directory>/demo
  int qbo_latency_ms = 0;
  std::string warehouse_url;  // postgres://… : also sync woo → supabase
};


Json CreatedJson(const engine::RunReport& r) {
  auto by_type = [&](const char* type) {
    int64_t n = 0;
    for (const auto& [entity, c] : r.counts) {
      auto it = c.created_by_type.find(type);
      if (it != c.created_by_type.end()) n += it->second;
    }
    return n;
  };
  return {{"customers", by_type("Customer")},
          {"items", by_type("Item")},
          {"invoices", by_type("Invoice")},
          {"sales_receipts", by_type("SalesReceipt")},
          {"payments", by_type("Payment")}};
}

Json RunJson(const engine::RunReport& r) {
  return {{"created", CreatedJson(r)},
          {"lifecycle", LifecycleJson(r)},
          {"writes", Writes(r)},
          {"failed", r.run.totals.failed},
          {"skipped", r.run.totals.skipped},
          {"status", store::RunStatusName(r.run.status)},
          {"duration_ms", r.run.finished_at_ms - r.run.started_at_ms},
          {"qbo_requests", r.target_requests},
          {"woo_requests", r.source_requests}};
}

// After Ctrl-C or SIGTERM: one line saying where the demo stopped (stderr
// with --json, so stdout stays JSON) and the exit code.
int DemoStopped(bool json, const std::string& where, const engine::RunReport* run) {
  DetachStalledStdout();
  std::string line = "stopped: demo interrupted " + where;
  if (run != nullptr) {
    line += " (run " + run->run.id + ", " + std::to_string(run->run.totals.created) + " created, " +
            std::to_string(run->run.totals.updated) + " updated, all recorded)";
  }
  line += " — run `easysale-sync demo` again to start over";
  if (json) {
    fprintf(stderr, "%s\n", line.c_str());
    fflush(stderr);
  } else {
    SayStopped(line);
  }
  return StopExitCode();
}

// Waits (at most ~2 s) until the status page answers, so that a Stop() right
// after Start() finds the server listening and can end it.
void WaitUntilServing(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(0, 200'000);
  client.set_read_timeout(0, 500'000);
  for (int i = 0; i < 10; ++i) {
    if (auto res = client.Get("/health"); res && res->status == 200) return;
    SystemClock::Get().SleepMillis(100);
  }
}

Status SetUpTenant(store::StateStore& store, const std::string& tenant,
                   const woo::sandbox::Server& woo, qbo::sandbox::Server& qbo) {
  ES_RETURN_IF_ERROR(store.PutTenant({tenant, "Demo store", SystemClock::Get().NowMillis()}));
  store::Connection w;
  w.tenant_id = tenant;
  w.id = "woo";
  w.kind = "woo";
  w.name = "Demo WooCommerce store";
  w.config = {{"base_url", woo.base_url()}, {"auth", "auto"}};
  w.secret = DumpJson({{"consumer_key", woo.options().consumer_key}, {"consumer_secret", woo.options().consumer_secret}});
  ES_RETURN_IF_ERROR(store.PutConnection(w));
  auto tokens = qbo.IssueTokens();
  int64_t now = SystemClock::Get().NowMillis();
  store::Connection q;
  q.tenant_id = tenant;
  q.id = "qbo";
  q.kind = "qbo";
  q.name = "Demo QuickBooks company";
  q.config = {{"api_base", qbo.base_url()},
              {"token_url", qbo.token_url()},
              {"realm_id", qbo.options().realm_id},
              {"client_id", qbo.options().client_id}};
  q.secret = DumpJson({{"client_secret", qbo.options().client_secret},
                       {"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token},
                       {"access_expires_at_ms", now + tokens.expires_in_s * 1000},
                       {"refresh_expires_at_ms", now + tokens.refresh_expires_in_s * 1000}});
  ES_RETURN_IF_ERROR(store.PutConnection(q));
  Json config = {{"doc_number_prefix", "WC-"},
                 {"payment_terms_days", 14},
                 {"txn_tax_code", "2"},
                 {"custom_fields", Json::array({{{"definition_id", "1"}, {"name", "Woo order"}, {"source", "number"}},
                                                {{"definition_id", "2"}, {"name", "Payment"}, {"source", "payment_method_title"}}})}};
  return store.PutTransformerConfig(tenant, "qbo", config);
}

void PrintRun(const char* title, const engine::RunReport& r) {
  Json c = CreatedJson(r);
  auto n = [](const Json& j, const char* key) { return j[key].get<int64_t>(); };
  printf("%s: %s in %.1f s — created %s, %s, %s, %s; %lld unchanged, %lld failed (%s)\n", title,
         store::RunStatusName(r.run.status), (r.run.finished_at_ms - r.run.started_at_ms) / 1000.0,
         Counted(n(c, "customers"), "customer").c_str(), Counted(n(c, "items"), "item").c_str(),
         Counted(n(c, "invoices"), "invoice").c_str(), Counted(n(c, "sales_receipts"), "sales receipt").c_str(),
         static_cast<long long>(r.run.totals.skipped - server::NotSynced(r.run.counts)),
         static_cast<long long>(r.run.totals.failed), Counted(r.target_requests, "QBO request").c_str());
  Json l = LifecycleJson(r);
  if (n(l, "updated") + n(l, "voided") + n(l, "refunds") + n(l, "payments") + n(l, "customers_updated") > 0)
    printf("             %s updated, %lld voided, %s booked, %s applied, %s updated\n",
           Counted(n(l, "updated"), "document").c_str(), static_cast<long long>(n(l, "voided")),
           Counted(n(l, "refunds"), "refund").c_str(), Counted(n(l, "payments"), "payment").c_str(),
           Counted(n(l, "customers_updated"), "customer").c_str());
  for (const auto& note : server::NotSyncedNotes(r.run.counts))
    printf("             %s (left out by order_statuses)\n", note.c_str());
  if (!r.run.error.empty()) printf("  error: %s\n", r.run.error.c_str());
}

// The week of trading as one line per kind of change.
Json TradingJson(const woo::sandbox::TradingSummary& t) {
  return {{"line_edits", t.line_edits.size()},         {"address_changes", t.address_changes.size()},
          {"partial_refunds", t.partial_refunds.size()}, {"full_refunds", t.full_refunds.size()},
          {"cancellations", t.cancellations.size()},     {"late_payments", t.late_payments.size()},
          {"trashed", t.trashed.size()},                 {"new_orders", t.new_orders.size()}};
}

// Adds a supabase connection "warehouse" (direct path) for the tenant, runs
// woo → supabase twice and reports the warehouse rows of this store.
Result<Json> RunWarehouseDemo(store::StateStore& store, engine::Orchestrator& orchestrator,
                              http::Transport& transport, const std::string& tenant, const std::string& url,
                              bool json) {
  auto [plain_url, password] = supabase::SplitPostgresPassword(url);
  store::Connection c;
  c.tenant_id = tenant;
  c.id = "warehouse";
  c.kind = "supabase";
  c.name = "Demo warehouse";
  c.config = {{"mode", "direct"}, {"url", plain_url}, {"schema", "warehouse"}};
  c.secret = DumpJson(password.empty() ? Json::object() : Json{{"password", password}});
  ES_RETURN_IF_ERROR(store.PutConnection(c));
  engine::SyncRequest req;
  req.tenant_id = tenant;
  req.source_connection = "woo";
  req.target_connection = "warehouse";
  req.triggered_by = "demo";
  req.stop = &InstallStopSignals();
  int64_t failed = 0, changed = 0;
  for (int i = 1; i <= 2 && !req.stop->load(); ++i) {
    ProgressBar bar("warehouse " + std::to_string(i));
    auto run = orchestrator.Run(req, [&](const engine::Progress& p) { bar.Update(p); });
    bar.Finish();
    if (!run.ok()) return run.status();
    if (run->run.status == store::RunStatus::kStopped) break;
    if (run->run.status == store::RunStatus::kFailed) return Status::Internal(run->run.error);
    int64_t ch = 0;
    for (const auto& [entity, n] : run->counts) ch += n.created + n.updated;
    if (i == 1) failed = run->run.totals.failed;
    if (i == 2) changed = ch;
    if (!json)
      printf("Warehouse %d: %s in %.1f s — %lld rows inserted or changed, %lld unchanged, %lld failed\n", i,
             store::RunStatusName(run->run.status), (run->run.finished_at_ms - run->run.started_at_ms) / 1000.0,
             static_cast<long long>(ch), static_cast<long long>(run->run.totals.skipped),
             static_cast<long long>(run->run.totals.failed));
  }
  if (req.stop->load()) return Json{{"stopped", true}};
  ES_ASSIGN_OR_RETURN(store::Connection conn, engine::LoadEnabledConnection(store, tenant, "warehouse"));
  ES_ASSIGN_OR_RETURN(supabase::WarehouseConfig cfg, supabase::WarehouseConfigOf(conn));
  ES_ASSIGN_OR_RETURN(auto writer, supabase::OpenWarehouse(cfg, transport, SystemClock::Get()));
  Json rows = Json::object();
  const std::string source = supabase::SourceLabel(tenant, "woo");
  for (auto t : {supabase::Table::kCustomers, supabase::Table::kProducts, supabase::Table::kOrders,
                 supabase::Table::kOrderLines}) {
    ES_ASSIGN_OR_RETURN(int64_t n, writer->CountRows(t, source));
    rows[supabase::TableName(t)] = n;
  }
  return Json{{"rows", rows}, {"second_run_changed", changed}, {"failed", failed}, {"source", source}};
}

int RunDemo(const DemoArgs& a) {
  auto& stop = InstallStopSignals();
  // Each step's line shows as it happens also through a pipe (`demo | tee`),
  // not all at once at the end, or never when Ctrl-C ends the reader too.
  setvbuf(stdout, nullptr, _IOLBF, 0);
  woo::sandbox::Options wo;
  wo.seed = a.seed;
  wo.orders = a.orders;
  wo.customers = a.customers;
  wo.products = a.products;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qo.seed = a.seed;
  qo.faults.latency_ms = a.qbo_latency_ms;
  qbo::sandbox::Server qbo(qo);
  Status s = woo.Start(0);
  if (s.ok()) s = qbo.Start(0);
  if (!s.ok()) {
    fprintf(stderr, "error: starting the sandboxes: %s\n", s.ToString().c_str());
    return 1;
  }
  if (!a.json) {
    printf("WooCommerce sandbox: %s (%zu orders, seed %llu)\n", woo.base_url().c_str(), woo.order_count(),
           static_cast<unsigned long long>(a.seed));
    printf("QuickBooks sandbox:  %s (realm %s, throttling on)\n", qbo.base_url().c_str(), qo.realm_id.c_str());
  }

  // A fresh SQLite file by default; in a shared store, a tenant of its own
  // (the sandboxes start empty, so earlier demo mappings must not be reused).
  std::string url = a.store_url;
  // (A warehouse keeps earlier demos' rows: a tenant of its own there too.)
  std::string tenant = url.empty() && a.warehouse_url.empty() ? "demo" : "demo-" + crypto::RandomHex(4);
  // The store file and the directories made for it are the owner's only
  // (OpenStore creates them 0700/0600).
  const std::string dir = a.data_dir.empty() ? server::DefaultDataDir() + "/demo" : a.data_dir;
  if (url.empty()) {
    std::error_code ec;
    std::string path = dir + "/state.db";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
    url = "sqlite://" + path;
  }
  auto store = store::OpenStore(url);
  if (!store.ok()) {
    fprintf(stderr, "error: opening the state store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  s = SetUpTenant(**store, tenant, woo, qbo);
  if (!s.ok()) {
    fprintf(stderr, "error: setting up the demo tenant: %s\n", s.ToString().c_str());
    return 1;
  }

  auto transport = http::MakeCurlTransport();
  engine::Orchestrator orchestrator(**store, *transport, SystemClock::Get(), platforms::Registry());
  engine::SyncRequest req;
  req.tenant_id = tenant;
  req.source_connection = "woo";
  req.target_connection = "qbo";
  req.triggered_by = "demo";
  req.stop = &stop;
  if (stop.load()) return DemoStopped(a.json, "while setting up", nullptr);

  ProgressBar bar1("sync 1");
  auto first = orchestrator.Run(req, [&](const engine::Progress& p) { bar1.Update(p); });
  bar1.Finish();
  if (!first.ok()) {
    fprintf(stderr, "error: first sync: %s\n", first.status().ToString().c_str());
    return 1;
  }
  if (first->run.status == store::RunStatus::kStopped) return DemoStopped(a.json, "during the first sync", &*first);
  if (!a.json) PrintRun("First sync ", *first);
  // A week of trading in the shop: edits, refunds, cancellations, late
  // payments, trash and new orders; the second sync brings the books along,
  // the third finds nothing left to do.
  woo::sandbox::TradingSummary week = woo.SimulateTrading(a.seed);
  if (!a.json) {
    Json t = TradingJson(week);
    auto n = [&](const char* key) { return t[key].get<int64_t>(); };
    printf("A week of trading: %s, %s, %lld partial and %lld full refunds, %s, %s, %lld trashed, %s\n",
           Counted(n("line_edits"), "line edit").c_str(), Counted(n("address_changes"), "address change").c_str(),
           static_cast<long long>(n("partial_refunds")), static_cast<long long>(n("full_refunds")),
           Counted(n("cancellations"), "cancellation").c_str(), Counted(n("late_payments"), "late payment").c_str(),
           static_cast<long long>(n("trashed")), Counted(n("new_orders"), "new order").c_str());
  }
  if (stop.load()) return DemoStopped(a.json, "after the week of trading", nullptr);
  ProgressBar bar2("sync 2");
  auto second = orchestrator.Run(req, [&](const engine::Progress& p) { bar2.Update(p); });
  bar2.Finish();
  if (!second.ok()) {
    fprintf(stderr, "error: second sync: %s\n", second.status().ToString().c_str());
    return 1;
  }
  if (second->run.status == store::RunStatus::kStopped) return DemoStopped(a.json, "during the second sync", &*second);
  if (!a.json) PrintRun("Second sync", *second);
  ProgressBar bar3("sync 3");
  auto third = orchestrator.Run(req, [&](const engine::Progress& p) { bar3.Update(p); });
  bar3.Finish();
  if (!third.ok()) {
    fprintf(stderr, "error: third sync: %s\n", third.status().ToString().c_str());
    return 1;
  }
  if (third->run.status == store::RunStatus::kStopped) return DemoStopped(a.json, "during the third sync", &*third);
  if (!a.json) PrintRun("Third sync ", *third);
  if (stop.load()) return DemoStopped(a.json, "before the reconcile", nullptr);
  auto rec = engine::Reconcile(platforms::Registry(), **store, *transport, SystemClock::Get(), tenant, "woo", "qbo");
  if (!rec.ok()) {
    fprintf(stderr, "error: reconcile: %s\n", rec.status().ToString().c_str());
    return 1;
  }
  Json out = {{"first_run", RunJson(*first)},
              {"second_run", RunJson(*second)},
              {"trading", TradingJson(week)},
              {"third_run", RunJson(*third)},
              {"reconcile",
               {{"orders", rec->orders}, {"matched", rec->matched}, {"mismatches", rec->mismatches},
                {"basis", "net: order total - refunds against document total - credits"}}}};
  bool warehouse_ok = true;
  if (!a.warehouse_url.empty()) {
    auto wh = RunWarehouseDemo(**store, orchestrator, *transport, tenant, a.warehouse_url, a.json);
    if (!wh.ok()) {
      fprintf(stderr, "error: warehouse sync: %s\n", wh.status().ToString().c_str());
      return 1;
    }
    if (wh->contains("stopped")) return DemoStopped(a.json, "during the warehouse sync", nullptr);
    warehouse_ok = (*wh)["failed"].get<int64_t>() == 0 && (*wh)["second_run_changed"].get<int64_t>() == 0;
    out["warehouse"] = *wh;
  }
  if (a.json) {
    printf("%s\n", DumpJson(out).c_str());
  } else {
    printf("Reconcile:   %lld orders compared with QBO on net amounts, %lld matched to the cent, %lld mismatches\n",
           static_cast<long long>(rec->orders), static_cast<long long>(rec->matched),
           static_cast<long long>(rec->mismatches));
    for (const auto& d : rec->details) printf("  mismatch: %s\n", DumpJson(d).c_str());
  }
  fflush(stdout);
  if (stop.load()) return DemoStopped(a.json, "after the summary", nullptr);
  bool healthy = first->run.totals.failed == 0 && second->run.totals.failed == 0 && Writes(*third) == 0 &&
                 rec->mismatches == 0 && warehouse_ok;
  if (a.once) return healthy ? 0 : 3;

  Json summary = {{"first sync", DumpJson(out["first_run"]["created"])},
                  {"a week of trading", DumpJson(out["trading"])},
                  {"second sync", DumpJson(out["second_run"]["lifecycle"])},
                  {"third sync (writes)", std::to_string(Writes(*third))},
                  {"reconcile", std::to_string(rec->matched) + " of " + std::to_string(rec->orders) + " orders match"},
                  {"WooCommerce sandbox", woo.base_url()},
                  {"QuickBooks sandbox", qbo.base_url()}};
  DemoDashboard dashboard;
  const std::string log_path = dir + "/server.log";
  std::error_code mkdir_error;
  std::filesystem::create_directories(dir, mkdir_error);  // a --store URL leaves it unmade
  s = dashboard.Start(**store, *transport, tenant, qbo, a.port, log_path);
  if (!s.ok()) {
    fprintf(stderr, "error: dashboard: %s\n", s.ToString().c_str());
    return 1;
  }
  server::StatusServer page(**store, tenant, summary);
  s = page.Start(0);
  if (!s.ok()) {
    fprintf(stderr, "error: status page: %s\n", s.ToString().c_str());
    return 1;
  }
  WaitUntilServing(page.port());
  printf("\nDashboard:   %s\n             (a one-time link that signs you in as %s, the demo's admin)\n",
         dashboard.sign_in_url().c_str(), DemoDashboard::kUser);
  printf("Status page: http://127.0.0.1:%d/  (Ctrl-C to stop)\n", page.port());
  printf("Server log:  %s\n", log_path.c_str());
  fflush(stdout);
  while (!stop.load()) SystemClock::Get().SleepMillis(100);
  DetachStalledStdout();
  page.Stop();
  dashboard.Stop();
  // The page was the last step: everything before it is done and recorded.
  SayStopped(std::string("stopped: status page closed — the demo's state store stays in ") +
             (a.store_url.empty() ? dir : std::string("the given store")));
  return healthy ? StopExitCode() : 3;
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand("demo", "Sandboxes + full sync to QuickBooks + summary + dashboard");
  cmd->add_option("--seed", args->seed, "seed of the generated store");
  cmd->add_option("--orders", args->orders, "number of orders in the sandbox store");
  cmd->add_option("--customers", args->customers, "number of registered customers");
  cmd->add_option("--products", args->products, "number of products");
  cmd->add_flag("--once", args->once, "exit after the summary instead of serving the dashboard");
  cmd->add_flag("--json", args->json, "print one JSON object instead of text");
  cmd->add_option("--port", args->port, "dashboard port (0 = any free port)");
  cmd->add_option("--store", args->store_url, "state store URL (default: a fresh SQLite file in --data)")
      ->envname("EASYSALE_STORE_URL");
  cmd->add_option("--data", args->data_dir, "directory for the demo's SQLite state store (default: <data directory>/demo)");
  cmd->add_option("--qbo-latency", args->qbo_latency_ms, "added QBO sandbox latency per request, ms");
  cmd->add_option("--warehouse", args->warehouse_url, "PostgreSQL URL of a warehouse to sync the store into too")
      ->envname("EASYSALE_WAREHOUSE_URL");
  cmd->callback([args] { SetExitCode(RunDemo(*args)); });
}

}  // namespace es::cli
