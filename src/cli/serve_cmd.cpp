// `easysale-sync serve`: the HTTP API server (docs/server.md).
//
// Needs only EASYSALE_MASTER_KEY (or EASYSALE_MASTER_KEY_FILE) and
// EASYSALE_JWT_SECRET (or EASYSALE_JWT_PUBLIC_KEY_FILE) in the environment;
// everything else has a default. Exits 2 with a clear message when a key is
// missing or malformed, before anything is opened.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/safety_cli.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "http/transport.h"
#include "notify/notifier.h"
#include "safety/safety_net.h"
#include "schedule/scheduler.h"
#include "server/api_schedules.h"
#include "server/http_server.h"
#include "server/run_executor.h"
#include "server/server_config.h"
#include "server/log.h"
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
  SafetyArgs safety;
};

void LogSafetyPass(const safety::PassReport& r) {
  const bool quiet = r.errors.empty() && r.purged == 0 && r.polls_queued == 0 &&
                     std::all_of(r.webhooks.begin(), r.webhooks.end(), [](const safety::WebhookCheckResult& w) {
                       return w.reenabled.empty() && w.missing_topics.empty();
                     }) &&
                     std::all_of(r.documents.begin(), r.documents.end(),
                                 [](const safety::CdcCheckResult& d) { return d.findings.empty(); });
  server::Log(r.errors.empty() ? server::LogLevel::kInfo : server::LogLevel::kWarn, "safety_pass",
              quiet ? Json{{"quiet", true}} : r.ToJson());
}

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
  engine::EngineOptions engine_options = CliEngineOptions();
  engine_options.recheck_window_ms = a.safety.RecheckWindowMs();
  server::HttpServer srv(*config, **store, std::move(*keys), *transport, SystemClock::Get(), engine_options);
  server::WebhookService webhooks;  // POST /webhooks/{woo,qbo}/… and the worker that syncs what they announce
  webhooks.Attach(srv);
  // Schedules (docs/schedules.md): due ones start a run the way POST
  // /api/v1/sync does; the callback is the only link to how runs start.
  server::ServerContext& ctx = srv.context();
  schedule::Scheduler scheduler(*ctx.store, SystemClock::Get(), [&ctx](const schedule::DueSchedule& due) {
    return server::StartScheduledRun(ctx, due);
  });
  srv.AddStopHook([&scheduler] { scheduler.Stop(); });
  // Safety nets (docs/safety-nets.md): periodic polls as jobs, the shops'
  // webhooks and the QuickBooks documents checked, old webhook deliveries
  // purged.
  safety::SafetyNet safety_net(
      *ctx.store, *ctx.transport, SystemClock::Get(), static_cast<notify::EventSink*>(ctx.notifier),
      [&ctx](const engine::SyncRequest& req, const jobs::EnqueueOptions& o) -> Result<bool> {
        ES_ASSIGN_OR_RETURN(auto queued, ctx.runs->Enqueue(req, o));
        return queued.coalesced;
      },
      a.safety.Options());
  safety_net.OnPass(LogSafetyPass);
  srv.AddStopHook([&safety_net] { safety_net.Stop(); });
  Status started = srv.Start();
  if (!started.ok()) {
    srv.Stop();  // runs the stop hooks while the scheduler still exists
    fprintf(stderr, "error: %s\n", started.ToString().c_str());
    return 1;
  }
  scheduler.Start();
  safety_net.Start();
  fprintf(stdout, "easysale-sync serving on %s (state store: %s)\n", srv.base_url().c_str(),
          url->rfind("postgres", 0) == 0 ? "postgres" : url->c_str());
  fflush(stdout);
  WaitForStopSignal();
  // Runs in progress stop after the write in hand and are recorded as
  // stopped; a second Ctrl-C quits at once (the next run carries on).
  const int active = srv.context().runs != nullptr ? srv.context().runs->active() : 0;
  srv.Stop();
  DetachStalledStdout();
  SayStopped("stopped: server on " + srv.base_url() + " shut down" +
             (active > 0 ? ", " + std::to_string(active) + " sync run(s) in progress stopped and recorded" : "") +
             " — run `easysale-sync serve` again to carry on");
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
  AddSafetyOptions(cmd, args->safety);
  cmd->callback([args] { SetExitCode(RunServe(*args)); });
}

}  // namespace es::cli
