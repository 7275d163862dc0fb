// `easysale-sync serve`: the HTTP API server (docs/server.md).
//
// Needs only EASYSALE_MASTER_KEY (or EASYSALE_MASTER_KEY_FILE) and
// EASYSALE_JWT_SECRET (or EASYSALE_JWT_PUBLIC_KEY_FILE) in the environment;
// everything else has a default. Exits 2 with a clear message when a key is
// missing or malformed, before anything is opened.
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "http/transport.h"
#include "schedule/scheduler.h"
#include "server/api_schedules.h"
#include "server/http_server.h"
#include "server/run_executor.h"
#include "server/server_config.h"
#include "server/webhooks/webhook_service.h"
#include "store/factory/open_store.h"

namespace es::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  std::string host;
  int port = -1;
  std::string data_dir;
  std::string store_url;
  int workers = 0;  // 0 = the configuration's limits.max_concurrent_runs
};

int RunServe(const ServeArgs& a) {
  auto config = server::LoadServerConfig(a.config_file);
  if (!config.ok()) {
    fprintf(stderr, "error: %s\n", config.status().message().c_str());
    return 2;
  }
  if (!a.host.empty()) config->host = a.host;
  if (a.port >= 0) config->port = a.port;
  if (!a.data_dir.empty()) config->data_dir = a.data_dir;
  if (!a.store_url.empty()) config->store_url = a.store_url;
  if (a.workers > 0) config->max_concurrent_runs = a.workers;

  auto keys = server::BuildServerKeys(*config, &SystemClock::Get());
  if (!keys.ok()) {
    fprintf(stderr, "error: %s\n", keys.status().message().c_str());
    return 2;
  }
  auto url = server::ResolveStoreUrl(*config);
  if (!url.ok()) {
    fprintf(stderr, "error: %s\n", url.status().message().c_str());
    return 2;
  }
  auto store = store::OpenStore(*url);
  if (!store.ok()) {
    fprintf(stderr, "error: opening the state store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  http::CurlOptions curl;
  curl.insecure_skip_tls_verify = config->insecure_skip_tls_verify;
  auto transport = http::MakeCurlTransport(curl);
  InstallStopSignals();
  server::HttpServer srv(*config, **store, std::move(*keys), *transport, SystemClock::Get(), CliEngineOptions());
  server::WebhookService webhooks;  // POST /webhooks/{woo,qbo}/… and the worker that syncs what they announce
  webhooks.Attach(srv);
  // Schedules (docs/schedules.md): due ones start a run the way POST
  // /api/v1/sync does; the callback is the only link to how runs start.
  server::ServerContext& ctx = srv.context();
  schedule::Scheduler scheduler(*ctx.store, SystemClock::Get(), [&ctx](const schedule::DueSchedule& due) {
    return server::StartScheduledRun(ctx, due);
  });
  srv.AddStopHook([&scheduler] { scheduler.Stop(); });
  Status started = srv.Start();
  if (!started.ok()) {
    srv.Stop();  // runs the stop hooks while the scheduler still exists
    fprintf(stderr, "error: %s\n", started.ToString().c_str());
    return 1;
  }
  scheduler.Start();
  fprintf(stdout, "easysale-sync serving on %s (state store: %s)\n", srv.base_url().c_str(),
          url->rfind("postgres", 0) == 0 ? "postgres" : url->c_str());
  fflush(stdout);
  WaitForStopSignal();
  // Runs in progress stop after the write in hand and are recorded as
  // stopped; a second Ctrl-C quits at once (the next run carries on).
  const int active = srv.context().runs != nullptr ? srv.context().runs->active() : 0;
  srv.Stop();
  DetachStalledStdout();
  printf("stopped: server on %s shut down%s — run `easysale-sync serve` again to carry on\n", srv.base_url().c_str(),
         active > 0 ? (", " + std::to_string(active) + " sync run(s) in progress stopped and recorded").c_str() : "");
  fflush(stdout);
  // SIGTERM is how a service manager stops the server: a clean exit. Ctrl-C
  // at a terminal exits 130 as the other commands do.
  return StopSignal() == SIGTERM ? 0 : StopExitCode();
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "run the HTTP API server (see docs/server.md)");
  cmd->add_option("--config", args->config_file, "JSON configuration file")->envname("EASYSALE_CONFIG");
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "port to listen on (default 8080; 0 = any free port)");
  cmd->add_option("--data", args->data_dir, "directory of the SQLite state store (state.db)");
  cmd->add_option("--store", args->store_url, "state store URL (sqlite://… or postgres://…)");
  cmd->add_option("--workers", args->workers,
                  "job-queue worker threads (default: limits.max_concurrent_runs, 4); see docs/jobs.md")
      ->check(CLI::Range(1, 64));
  cmd->callback([args] { SetExitCode(RunServe(*args)); });
}

}  // namespace es::cli
