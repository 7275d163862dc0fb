// `sync`: one run between two connections of a tenant (or its dry-run plan).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/confirm_prompt.h"
#include "cli/notify_cli.h"
#include "cli/progress.h"
#include "cli/run_summary.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "notify/run_events.h"
#include "platforms/platforms.h"

namespace es::cli {
namespace {

struct SyncArgs {
  Common common;
  std::string source = "woo";
  std::string target = "qbo";
  std::string entities;
  std::string mode = "full";
  bool dry_run = false;
  std::string ids;
  bool yes = false;
};

// The run's notification events (notify/run_events.h), sent before the
// command prints its summary.
void AnnounceRun(store::StateStore& store, const engine::SyncRequest& req, const Result<engine::RunReport>& report) {
  CliNotifier cli(store);
  if (report.ok()) {
    notify::NotifyRunEnded(cli.notifier(), store, report->run, report->failure);
    return;
  }
  for (const auto& e : notify::RefusedRunEvents(req.tenant_id, req.source_connection, req.target_connection,
                                                report.status(), SystemClock::Get().NowMillis())) {
    cli.notifier().Notify(e);
  }
}

int RunSync(const SyncArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.source, a.target}); bad != 0) return bad;
  if (int bad = CheckSourceIds(*store, a.common, a.source, SplitList(a.ids)); bad != 0) return bad;
  RunEngine run_engine = MakeRunEngine(*store, a.common.tenant, {a.source, a.target});
  engine::Orchestrator& orchestrator = *run_engine.orchestrator;
  http::Transport& transport = *run_engine.transport;
  auto sandbox = store->SandboxMode(a.common.tenant);
  const bool sandboxed = sandbox.ok() && *sandbox;
  if (sandboxed)
    fprintf(stderr, "notice: SANDBOX MODE — tenant %s writes to the QuickBooks sandbox and the warehouse's sandbox "
            "schema, not to the real books\n", a.common.tenant.c_str());
  engine::SyncRequest req;
  req.tenant_id = a.common.tenant;
  req.source_connection = a.source;
  req.target_connection = a.target;
  req.entities = SplitList(a.entities);
  req.mode = a.mode;
  req.dry_run = a.dry_run;
  req.ids = SplitList(a.ids);
  req.triggered_by = "cli";
  req.stop = &InstallStopSignals();
  req.on_notice = [](const std::string& notice) { fprintf(stderr, "notice: %s\n", notice.c_str()); };
  if (!a.dry_run && !a.yes && !AssumeYesFromEnv()) {
    if (int no = ConfirmSync(orchestrator, *store, transport, req, isatty(STDIN_FILENO) == 1, stdin, stderr); no != 0)
      return no;
  }
  ProgressBar bar("sync");
  bar.set_dry_run(a.dry_run);
  auto report = orchestrator.Run(req, [&](const engine::Progress& p) { bar.Update(p); });
  bar.Finish();
  if (!a.dry_run) AnnounceRun(*store, req, report);
  if (!report.ok()) return Fail("sync", report.status());
  const auto& run = report->run;
  if (run.status == store::RunStatus::kStopped) DetachStalledStdout();
  if (a.common.json) {
    Json j = {{"run_id", run.id},
              {"status", store::RunStatusName(run.status)},
              {"dry_run", a.dry_run},
              {"sandbox", sandboxed},
              {"counts", run.counts},
              {"target_requests", report->target_requests},
              {"source_requests", report->source_requests},
              {"error", run.error}};
    if (a.dry_run) {
      j["plan"] = report->previews;
      j["plan_truncated"] = report->previews_dropped;
      j["estimated_requests"] = report->estimated_requests;
    }
    printf("%s\n", DumpJson(j).c_str());
  } else if (run.status == store::RunStatus::kStopped) {
    PrintStopped(run, "sync");
  } else {
    if (a.dry_run) PrintPlan(*report);
    PrintRunSummary(*report);
  }
  if (run.status == store::RunStatus::kStopped) return StopExitCode();
  if (!run.error.empty()) fprintf(stderr, "error: %s\n", run.error.c_str());
  return run.status == store::RunStatus::kSucceeded ? 0 : (run.status == store::RunStatus::kPartial ? 3 : 1);
}

}  // namespace

void AddSyncCommand(CLI::App& app) {
  auto sync = std::make_shared<SyncArgs>();
  auto* cmd = app.add_subcommand("sync", "Run one sync between two connections of a tenant");
  AddCommon(cmd, sync->common);
  cmd->add_option("--source", sync->source, "source connection id");
  cmd->add_option("--target", sync->target, "target connection id");
  cmd->add_option("--entities", sync->entities, "comma list: customers,products,orders (default: all routes)");
  cmd->add_option("--mode", sync->mode, "full or incremental")->check(CLI::IsMember({"full", "incremental"}));
  cmd->add_flag("--dry-run", sync->dry_run, "fetch and transform, write nothing, list the would-be writes");
  cmd->add_option("--ids", sync->ids, "comma list of source ids to sync")->check(IdListValidator());
  cmd->add_flag("--yes", sync->yes, "run without asking, also when more than 10 records would be written");
  cmd->callback([sync] { SetExitCode(RunSync(*sync)); });

}

}  // namespace es::cli
