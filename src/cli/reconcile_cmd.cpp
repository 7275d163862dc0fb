// `reconcile`: every order's net amount against the target; --fix plans the
// repairs and shows the plan. They are applied with --yes (or EASYSALE_YES=1);
// on a terminal, without either, the plan is followed by "Proceed? [y/N]"
// (and a second question when a repair voids, deletes or overwrites), as
// `sync` asks. Without a terminal the plan ends with how to apply it (rc 3).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/confirm_prompt.h"
#include "cli/run_summary.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "engine/orchestrator.h"
#include "engine/reconcile.h"
#include "http/transport.h"
#include "platforms/platforms.h"

namespace es::cli {
namespace {

struct ReconcileArgs {
  Common common;
  std::string source = "woo", target = "qbo";
  bool fix = false;
  bool yes = false;
};

int RunReconcile(const ReconcileArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.source, a.target}); bad != 0) return bad;
  bool yes = a.yes || AssumeYesFromEnv();
  const bool ask = a.fix && !yes && !a.common.json && isatty(STDIN_FILENO) == 1;
  // Only a run that writes needs a graceful stop; reading stops on the spot.
  std::atomic<bool>* stop = a.fix && yes ? &InstallStopSignals() : nullptr;
  auto transport = TransportFor(*store, a.common, {a.source, a.target});
  auto r = engine::Reconcile(platforms::Registry(), *store, *transport, SystemClock::Get(), a.common.tenant, a.source,
                             a.target);
  if (!r.ok()) return Fail("reconcile", r.status());
  Json states = Json::object();
  for (const auto& [state, n] : r->by_state) states[state] = n;
  Json j = {{"orders", r->orders},     {"matched", r->matched}, {"mismatches", r->mismatches},
            {"missing", r->missing},   {"by_state", states},    {"details", r->details},
            {"repair_ids", r->repair_ids}};
  if (!a.common.json) {
    printf("%lld orders compared on net amounts (total - refunds), %lld matched to the cent, %lld mismatches\n",
           static_cast<long long>(r->orders), static_cast<long long>(r->matched),
           static_cast<long long>(r->mismatches));
    for (const auto& [state, n] : r->by_state)
      if (state != "matched") printf("  %-8s %lld\n", state.c_str(), static_cast<long long>(n));
    for (const auto& d : r->details)
      printf("  order %-8s %-8s shop %-10s QBO %-10s %s\n", GetStringOr(d, "order").c_str(),
             GetStringOr(d, "state").c_str(), GetStringOr(d, "expected").c_str(), GetStringOr(d, "actual").c_str(),
             GetStringOr(d, "detail").c_str());
  }
  if (!a.fix || r->repair_ids.empty()) {
    if (a.common.json) printf("%s\n", DumpJson(j).c_str());
    return r->mismatches == 0 ? 0 : 3;
  }
  // --fix: the repairs are a sync of exactly these orders; shown as a plan
  // first, written only with --yes.
  engine::Orchestrator orchestrator(*store, *transport, SystemClock::Get(), platforms::Registry(), CliEngineOptions());
  engine::SyncRequest req;
  req.tenant_id = a.common.tenant;
  req.source_connection = a.source;
  req.target_connection = a.target;
  req.entities = {"orders"};
  req.ids = r->repair_ids;
  req.dry_run = !yes;
  req.triggered_by = "reconcile";
  req.stop = stop;
  req.on_notice = [](const std::string& notice) { fprintf(stderr, "notice: %s\n", notice.c_str()); };
  if (stop != nullptr && stop->load()) {
    printf("stopped: before any repair was written — run `easysale-sync reconcile --fix --yes` again to carry on\n");
    return StopExitCode();
  }
  auto fixed = orchestrator.Run(req);
  if (!fixed.ok()) return Fail("reconcile --fix", fixed.status());
  if (ask) {
    // The plan, then the question; a yes runs the repairs for real.
    PrintPlan(*fixed);
    const engine::PlanSummary plan = engine::SummarizeCounts(fixed->counts);
    if (plan.touched == 0) {
      printf("nothing to write: the repairs need no change in the target\n");
      return 3;
    }
    fprintf(stderr, "These repairs write %lld records.\n", static_cast<long long>(plan.touched));
    if (int no = AskToProceed(plan, stdin, stderr); no != 0) return no;
    yes = true;
    stop = &InstallStopSignals();
    req.stop = stop;
    req.dry_run = false;
    fixed = orchestrator.Run(req);
    if (!fixed.ok()) return Fail("reconcile --fix", fixed.status());
  }
  if (fixed->run.status == store::RunStatus::kStopped) {
    DetachStalledStdout();
    if (a.common.json) {
      j["fix"] = {{"run_id", fixed->run.id}, {"applied", yes}, {"status", store::RunStatusName(fixed->run.status)},
                  {"counts", fixed->run.counts}};
      printf("%s\n", DumpJson(j).c_str());
    } else {
      PrintStopped(fixed->run, "reconcile --fix --yes");
    }
    return StopExitCode();
  }
  if (a.common.json) {
    j["fix"] = {{"run_id", fixed->run.id}, {"applied", yes}, {"status", store::RunStatusName(fixed->run.status)},
                {"plan", fixed->previews}, {"counts", fixed->run.counts}};
    printf("%s\n", DumpJson(j).c_str());
  } else if (!yes) {
    PrintPlan(*fixed);
    printf("run again with --fix --yes to apply these repairs\n");
  } else {
    printf("repairs applied in run %s: %s\n", fixed->run.id.c_str(), store::RunStatusName(fixed->run.status));
    PrintLifecycle(*fixed);
  }
  if (!yes) return 3;
  return fixed->run.status == store::RunStatus::kSucceeded ? 0 : 3;
}

}  // namespace

void AddReconcileCommand(CLI::App& app) {
  auto rec = std::make_shared<ReconcileArgs>();
  auto* rc = app.add_subcommand("reconcile", "Compare every order's net amount with what the target holds");
  AddCommon(rc, rec->common);
  rc->add_option("--source", rec->source, "source connection id");
  rc->add_option("--target", rec->target, "target connection id");
  rc->add_flag("--fix", rec->fix, "plan the repairs (a sync of the mismatched orders) and show the plan");
  rc->add_flag("--yes", rec->yes, "with --fix: apply the repairs");
  rc->callback([rec] { SetExitCode(RunReconcile(*rec)); });

}

}  // namespace es::cli
