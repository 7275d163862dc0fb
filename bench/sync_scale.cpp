// Cost of a sync as the store grows: for each N, starts a WooCommerce sandbox
// store of N orders and a QBO sandbox with its throttling off — each in its
// own process (`<sandbox-bin> sandbox woo|qbo`), so that their memory is not
// counted — then runs the engine's sync in this process against them (SQLite
// state store in a temporary file) and prints one JSON line per N: CPU of this
// process per order (user + sys, the run alone), wall time and the process's
// peak RSS so far (ru_maxrss only grows, so run the sizes in rising order or
// one per process).
//
//   build/sync_scale [--orders 10000,100000] [--customers N] [--dry-run] [--incremental]
//                    [--generate] [--sandbox-bin build/easysale-sync]
//
// Registered customers: N/6 + 1 unless --customers says. --generate starts
// the Woo sandbox with --generate-orders (orders computed from the seed on
// demand, for sizes a held store cannot take); --progress N prints the
// figures so far on stderr every N orders. --unpaced registers the QBO
// realm's budget without limits (10 requests in flight) before the run: the
// engine otherwise paces itself to QBO's 500 requests a minute whatever the
// sandbox's throttling, and that pace, not the engine's cost, sets the wall
// time (3,400 requests for 10,000 orders: at least 7 minutes). Each line also gives the
// sandboxes' CPU during the run (from /proc) and the 1-minute load average
// at the start and end.
//
// --incremental runs a full sync first (not measured), then measures an
// incremental run over the unchanged store.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "sandbox_setup.h"
#include "common/clock.h"
#include "connectors/qbo/sync/gateway.h"
#include "engine/account_budget.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "platforms/platforms.h"
#include "store/factory/open_store.h"

namespace es {
namespace {

struct Args {
  std::vector<int> orders = {10000};
  bool dry_run = false;
  bool incremental = false;
  bool generate = false;
  bool unpaced = false;
  int64_t progress = 0;  // orders between progress lines (0 = none)
  int customers = 0;  // 0 = orders / 6 + 1
  std::string sandbox_bin = "build/easysale-sync";
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double LoadAverage() {
  double load[1] = {-1};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

int RunOne(const Args& a, int orders) {
  std::vector<std::string> woo_args = {"sandbox", "woo", "--port", "0", "--orders", std::to_string(orders), "--customers",
                                       std::to_string(a.customers > 0 ? a.customers : orders / 6 + 1)};
  if (a.generate) woo_args.push_back("--generate-orders");
  bench::ChildSandbox woo(a.sandbox_bin, woo_args);
  bench::ChildSandbox qbo(a.sandbox_bin, {"sandbox", "qbo", "--port", "0", "--no-throttle"});
  if (woo["url"].empty() || qbo["url"].empty()) {
    fprintf(stderr, "sync_scale: the sandboxes did not start (%s)\n", a.sandbox_bin.c_str());
    return 1;
  }
  const auto db = std::filesystem::temp_directory_path() / ("es-sync-scale-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(db);
  int rc = 0;
  {
    auto store = store::OpenStore("sqlite://" + db.string());
    if (!store.ok()) {
      fprintf(stderr, "sync_scale: %s\n", store.status().ToString().c_str());
      return 1;
    }
    if (Status s = bench::AddSandboxTenant(**store, "bench", bench::ChildEndpoints(woo, qbo)); !s.ok()) {
      fprintf(stderr, "sync_scale: %s\n", s.ToString().c_str());
      return 1;
    }
    if (a.unpaced) {
      engine::BudgetLimits unlimited;
      unlimited.max_in_flight = 10;
      engine::AccountBudgets::Process().Get(qbo::QboBudgetAccount(qbo["realm_id"], qbo["url"]), unlimited);
    }
    auto transport = http::MakeCurlTransport();
    engine::Orchestrator orch(**store, *transport, SystemClock::Get(), platforms::Registry());
    engine::SyncRequest req;
    req.tenant_id = "bench";
    req.source_connection = "woo";
    req.target_connection = "qbo";
    req.triggered_by = "bench";
    engine::SyncRequest full_first = req;
    req.dry_run = a.dry_run;
    if (a.incremental) {
      auto first = orch.Run(full_first);
      if (!first.ok()) {
        fprintf(stderr, "sync_scale: first run: %s\n", first.status().ToString().c_str());
        return 1;
      }
      req.mode = "incremental";
    }
    const double cpu0 = CpuSeconds(), woo0 = woo.CpuSeconds(), qbo0 = qbo.CpuSeconds(), load0 = LoadAverage();
    const auto start = std::chrono::steady_clock::now();
    // Progress on stderr every --progress orders: the trend of a run that may not finish in time.
    int64_t next_report = a.progress;
    auto on_progress = [&](const engine::Progress& p) {
      if (p.entity != "order" || a.progress <= 0 || p.done < next_report) return;
      next_report = p.done + a.progress;
      const double w = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double c = CpuSeconds() - cpu0;
      fprintf(stderr,
              "progress: orders=%lld wall_s=%.0f cpu_us_per_order=%.0f peak_rss_mb=%.1f woo_cpu_us_per_order=%.0f "
              "qbo_cpu_us_per_order=%.0f load=%.1f\n",
              static_cast<long long>(p.done), w, c * 1e6 / static_cast<double>(p.done), PeakRssMb(),
              (woo.CpuSeconds() - woo0) * 1e6 / static_cast<double>(p.done),
              (qbo.CpuSeconds() - qbo0) * 1e6 / static_cast<double>(p.done), LoadAverage());
    };
    auto r = orch.Run(req, on_progress);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu0;
    const double woo_cpu = woo.CpuSeconds() - woo0, qbo_cpu = qbo.CpuSeconds() - qbo0;
    if (!r.ok()) {
      fprintf(stderr, "sync_scale: %s\n", r.status().ToString().c_str());
      rc = 1;
    } else {
      printf("{\"orders\":%d,\"mode\":\"%s%s\",\"status\":\"%s\",\"fetched\":%lld,\"cpu_s\":%.2f,"
             "\"cpu_us_per_order\":%.0f,\"wall_s\":%.1f,\"peak_rss_mb\":%.1f,\"source_requests\":%lld,"
             "\"target_requests\":%lld,\"woo_sandbox_cpu_us_per_order\":%.0f,\"qbo_sandbox_cpu_us_per_order\":%.0f,"
             "\"woo_sandbox_rss_mb\":%.1f,\"qbo_sandbox_rss_mb\":%.1f,\"load_start\":%.1f,\"load_end\":%.1f}\n",
             orders, req.mode.c_str(), a.dry_run ? " dry-run" : "", store::RunStatusName(r->run.status),
             static_cast<long long>(r->run.totals.fetched), cpu, cpu * 1e6 / orders, wall, PeakRssMb(),
             static_cast<long long>(r->source_requests), static_cast<long long>(r->target_requests),
             woo_cpu * 1e6 / orders, qbo_cpu * 1e6 / orders, woo.RssMb(), qbo.RssMb(), load0, LoadAverage());
      fflush(stdout);
      // What the run did, and why it was not clean when it was not.
      fprintf(stderr, "counts: %s\n", DumpJson(r->run.counts).c_str());
      if (!r->run.error.empty()) fprintf(stderr, "error: %s\n", r->run.error.c_str());
      auto failed = (*store)->ListFailed("bench", 3);
      if (failed.ok())
        for (const auto& f : *failed)
          fprintf(stderr, "failed %s %s: %s\n", f.entity.c_str(), f.source_id.c_str(), f.message.c_str());
    }
  }
  std::filesystem::remove(db);
  std::filesystem::remove(db.string() + "-wal");
  std::filesystem::remove(db.string() + "-shm");
  return rc;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  es::Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dry-run") a.dry_run = true;
    else if (arg == "--incremental") a.incremental = true;
    else if (arg == "--generate") a.generate = true;
    else if (arg == "--unpaced") a.unpaced = true;
    else if (arg == "--progress" && i + 1 < argc) a.progress = atoll(argv[++i]);
    else if (arg == "--sandbox-bin" && i + 1 < argc) a.sandbox_bin = argv[++i];
    else if (arg == "--customers" && i + 1 < argc) a.customers = atoi(argv[++i]);
    else if (arg == "--orders" && i + 1 < argc) {
      a.orders.clear();
      std::string list = argv[++i];
      for (size_t p = 0; p < list.size();) {
        size_t c = list.find(',', p);
        a.orders.push_back(atoi(list.substr(p, c - p).c_str()));
        p = c == std::string::npos ? list.size() : c + 1;
      }
    } else {
      fprintf(stderr,
              "usage: sync_scale [--orders N[,N…]] [--customers N] [--dry-run] [--incremental] [--generate] "
              "[--unpaced] [--progress N] [--sandbox-bin PATH]\n");
      return 2;
    }
  }
  int rc = 0;
  for (int n : a.orders) rc |= es::RunOne(a, n);
  return rc;
}
