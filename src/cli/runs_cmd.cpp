// `runs list` and `runs stop <id>`: the tenant's runs, and stopping one.
//
// Both find runs the store still calls running whose process is gone (see
// engine/run_liveness.h) and mark them abandoned, releasing their lock.
// `runs stop` sends SIGTERM to a live CLI process of this host and waits for
// the run to be recorded as stopped; a run of the server is stopped through
// its API, one on another host there.
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <set>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/run_summary.h"
#include "cli/runs_settle.h"
#include "common/clock.h"
#include "engine/run_liveness.h"

namespace es::cli {
namespace {

struct RunsListArgs {
  Common common;
  int limit = 20;
};

struct RunsStopArgs {
  Common common;
  std::string run_id;
  int wait_s = 10;
};

}  // namespace

store::SyncRun SettleRun(store::StateStore& store, const store::SyncRun& run, bool quiet) {
  if (run.status != store::RunStatus::kRunning && run.status != store::RunStatus::kQueued) return run;
  const int64_t now = SystemClock::Get().NowMillis();
  auto live = engine::CheckRunLiveness(store, run, now);
  if (!live.ok() || live->alive) return run;
  auto changed = engine::AbandonRun(store, run, *live, now);
  if (!changed.ok()) {
    fprintf(stderr, "warning: could not mark run %s abandoned: %s\n", run.id.c_str(),
            changed.status().ToString().c_str());
    return run;
  }
  if (*changed && !quiet)
    fprintf(stderr, "notice: run %s was left unfinished (%s): marked abandoned\n", run.id.c_str(), live->why.c_str());
  auto now_run = store.GetRun(run.tenant_id, run.id);
  return now_run.ok() && now_run->has_value() ? **now_run : run;
}

namespace {

int RunsList(const RunsListArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  store::RunFilter f;
  f.tenant_id = a.common.tenant;
  f.limit = a.limit > 0 ? a.limit : 20;
  auto runs = store->ListRuns(f);
  if (!runs.ok()) return Fail("runs list", runs.status());
  const int64_t now = SystemClock::Get().NowMillis();
  Json out = Json::array();
  std::vector<store::SyncRun> settled;
  for (const store::SyncRun& listed : *runs) {
    const store::SyncRun run = SettleRun(*store, listed, a.common.json);
    settled.push_back(run);
    if (!a.common.json) continue;
    const bool open = run.status == store::RunStatus::kRunning || run.status == store::RunStatus::kQueued;
    const int64_t duration = (open || run.finished_at_ms <= 0 ? now : run.finished_at_ms) - run.started_at_ms;
    const auto& t = run.totals;
    out.push_back({{"id", run.id},
                   {"status", store::RunStatusName(run.status)},
                   {"mode", run.mode},
                   {"dry_run", run.dry_run},
                   {"source", run.source_connection},
                   {"target", run.target_connection},
                   {"triggered_by", run.triggered_by},
                   {"started_at", LocalTime(run.started_at_ms)},
                   {"started_at_ms", run.started_at_ms},
                   {"duration_ms", duration},
                   {"outcome", RunOutcome(run)},
                   {"totals",
                    {{"fetched", t.fetched},
                     {"created", t.created},
                     {"updated", t.updated},
                     {"unchanged", t.skipped},
                     {"failed", t.failed}}},
                   {"error", run.error}});
  }
  if (!a.common.json && !settled.empty()) RunsTable(settled, now).Print(stdout);
  if (a.common.json) printf("%s\n", DumpJson(Json{{"tenant", a.common.tenant}, {"runs", out}}).c_str());
  else if (runs->empty()) printf("no runs for tenant '%s'\n", a.common.tenant.c_str());
  return 0;
}

// Runs the command line starts itself (a SIGTERM to their process stops just them).
bool StartedByCli(const store::SyncRun& run) {
  static const std::set<std::string> kCli = {"cli", "reconcile", "demo"};
  return kCli.count(run.triggered_by) > 0;
}

int RunsStop(const RunsStopArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto found = store->GetRun(a.common.tenant, a.run_id);
  if (!found.ok()) return Fail("runs stop", found.status());
  if (!found->has_value())
    return Fail("runs stop", Status::NotFound("run '" + a.run_id + "' not found for tenant '" + a.common.tenant + "'"));
  const store::SyncRun run = **found;
  if (run.status != store::RunStatus::kRunning && run.status != store::RunStatus::kQueued) {
    fprintf(stderr, "error: runs stop: run %s is not running: it finished as %s\n", run.id.c_str(),
            store::RunStatusName(run.status));
    return 2;
  }
  const int64_t now = SystemClock::Get().NowMillis();
  auto live = engine::CheckRunLiveness(*store, run, now);
  if (!live.ok()) return Fail("runs stop", live.status());
  if (!live->alive) {
    auto changed = engine::AbandonRun(*store, run, *live, now);
    if (!changed.ok()) return Fail("runs stop", changed.status());
    printf("abandoned: run %s (%s); its lock is released — run `easysale-sync sync` to carry on\n", run.id.c_str(),
           live->why.c_str());
    return 0;
  }
  const engine::LockOwner& o = live->owner;
  if (o.pid <= 0 || o.host != engine::ThisHost()) {
    fprintf(stderr, "error: runs stop: run %s runs on %s (process %lld); stop it there, or it ends when its lease "
            "expires\n", run.id.c_str(), o.host.empty() ? "another host" : o.host.c_str(),
            static_cast<long long>(o.pid));
    return 1;
  }
  if (!StartedByCli(run)) {
    fprintf(stderr, "error: runs stop: run %s runs in the server (process %lld); stop it with POST "
            "/api/v1/runs/%s/stop\n", run.id.c_str(), static_cast<long long>(o.pid), run.id.c_str());
    return 1;
  }
  if (kill(static_cast<pid_t>(o.pid), SIGTERM) != 0) {
    fprintf(stderr, "error: runs stop: cannot signal process %lld of run %s\n", static_cast<long long>(o.pid),
            run.id.c_str());
    return 1;
  }
  const int64_t deadline = now + static_cast<int64_t>(a.wait_s) * 1000;
  while (SystemClock::Get().NowMillis() < deadline) {
    SystemClock::Get().SleepMillis(200);
    auto r = store->GetRun(run.tenant_id, run.id);
    if (r.ok() && r->has_value() && (*r)->status != store::RunStatus::kRunning &&
        (*r)->status != store::RunStatus::kQueued) {
      printf("stopped: run %s (process %lld), recorded as %s — run `easysale-sync sync` again to carry on\n",
             run.id.c_str(),
             static_cast<long long>(o.pid), store::RunStatusName((*r)->status));
      return 0;
    }
  }
  fprintf(stderr, "error: runs stop: run %s (process %lld) did not stop within %d s; it is finishing the write in "
          "hand — check `easysale-sync runs list` again\n", run.id.c_str(), static_cast<long long>(o.pid), a.wait_s);
  return 1;
}

}  // namespace

void AddRunsCommands(CLI::App& app) {
  auto* runs = app.add_subcommand("runs", "List sync runs, or stop one");
  runs->require_subcommand(1);

  auto list = std::make_shared<RunsListArgs>();
  auto* l = runs->add_subcommand("list", "The tenant's latest runs (runs of dead processes are marked abandoned)");
  AddCommon(l, list->common);
  l->add_option("--limit", list->limit, "how many runs (newest first)")->check(CLI::PositiveNumber);
  l->callback([list] { SetExitCode(RunsList(*list)); });

  auto stop = std::make_shared<RunsStopArgs>();
  auto* s = runs->add_subcommand("stop", "Stop a running run (or mark one whose process is gone abandoned)");
  AddCommon(s, stop->common);
  s->add_option("id", stop->run_id, "run id (see `runs list`)")->required();
  s->add_option("--wait", stop->wait_s, "seconds to wait for a live run to stop")->check(CLI::PositiveNumber);
  s->callback([stop] { SetExitCode(RunsStop(*stop)); });
}

}  // namespace es::cli
