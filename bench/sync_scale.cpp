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
//                    [--sandbox-bin build/easysale-sync]
//
// Registered customers: N/6 + 1 unless --customers says.
//
// --incremental runs a full sync first (not measured), then measures an
// incremental run over the unchanged store.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "platforms/platforms.h"
#include "store/factory/open_store.h"

extern char** environ;

namespace es {
namespace {

struct Args {
  std::vector<int> orders = {10000};
  bool dry_run = false;
  bool incremental = false;
  int customers = 0;  // 0 = orders / 6 + 1
  std::string sandbox_bin = "build/easysale-sync";
};

// A sandbox in a child process; its "key=value" start-up lines.
class Sandbox {
 public:
  Sandbox(const std::string& bin, std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    args.insert(args.begin(), bin);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[4096];
    // The woo sandbox prints orders= last, the qbo sandbox refresh_token=.
    while (out != nullptr && fgets(line, sizeof line, out) != nullptr) {
      std::string l(line);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      if (l.rfind("listening on ", 0) == 0) {
        values_["url"] = l.substr(13);
        continue;
      }
      auto eq = l.find('=');
      if (eq != std::string::npos) values_[l.substr(0, eq)] = l.substr(eq + 1);
      if (l.rfind("orders=", 0) == 0 || l.rfind("refresh_token=", 0) == 0) break;
    }
    out_ = out;
  }
  ~Sandbox() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  std::string operator[](const std::string& k) const {
    auto it = values_.find(k);
    return it == values_.end() ? "" : it->second;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::map<std::string, std::string> values_;
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

int RunOne(const Args& a, int orders) {
  Sandbox woo(a.sandbox_bin, {"sandbox", "woo", "--port", "0", "--orders", std::to_string(orders), "--customers",
                              std::to_string(a.customers > 0 ? a.customers : orders / 6 + 1)});
  Sandbox qbo(a.sandbox_bin, {"sandbox", "qbo", "--port", "0", "--no-throttle"});
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
    const int64_t now = SystemClock::Get().NowMillis();
    (void)(*store)->PutTenant({"bench", "bench", now});
    store::Connection w{"bench", "woo", "woo", "", {{"base_url", woo["url"]}},
                        DumpJson({{"consumer_key", woo["consumer_key"]}, {"consumer_secret", woo["consumer_secret"]}}),
                        true, now};
    store::Connection q{"bench", "qbo", "qbo", "",
                        {{"api_base", qbo["url"]}, {"token_url", qbo["token_url"]}, {"realm_id", qbo["realm_id"]},
                         {"client_id", qbo["client_id"]}},
                        DumpJson({{"client_secret", qbo["client_secret"]}, {"access_token", qbo["access_token"]},
                                  {"refresh_token", qbo["refresh_token"]}, {"access_expires_at_ms", 0}}),
                        true, now};
    (void)(*store)->PutConnection(w);
    (void)(*store)->PutConnection(q);
    auto transport = http::MakeCurlTransport();
    engine::Orchestrator orch(**store, *transport, SystemClock::Get(), platforms::Registry());
    engine::SyncRequest req{"bench", "woo", "qbo", {}, "full", a.dry_run, {}, "bench"};
    if (a.incremental) {
      auto first = orch.Run(engine::SyncRequest{"bench", "woo", "qbo", {}, "full", false, {}, "bench"});
      if (!first.ok()) {
        fprintf(stderr, "sync_scale: first run: %s\n", first.status().ToString().c_str());
        return 1;
      }
      req.mode = "incremental";
    }
    const double cpu0 = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    auto r = orch.Run(req);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu0;
    if (!r.ok()) {
      fprintf(stderr, "sync_scale: %s\n", r.status().ToString().c_str());
      rc = 1;
    } else {
      printf("{\"orders\":%d,\"mode\":\"%s%s\",\"status\":\"%s\",\"fetched\":%lld,\"cpu_s\":%.2f,"
             "\"cpu_us_per_order\":%.0f,\"wall_s\":%.1f,\"peak_rss_mb\":%.1f,\"source_requests\":%lld,"
             "\"target_requests\":%lld}\n",
             orders, req.mode.c_str(), a.dry_run ? " dry-run" : "", store::RunStatusName(r->run.status),
             static_cast<long long>(r->run.totals.fetched), cpu, cpu * 1e6 / orders, wall, PeakRssMb(),
             static_cast<long long>(r->source_requests), static_cast<long long>(r->target_requests));
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
              "usage: sync_scale [--orders N[,N…]] [--customers N] [--dry-run] [--incremental] [--sandbox-bin PATH]\n");
      return 2;
    }
  }
  int rc = 0;
  for (int n : a.orders) rc |= es::RunOne(a, n);
  return rc;
}
