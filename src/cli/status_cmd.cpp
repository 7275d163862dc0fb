// `status`: recent runs of a tenant (id, local start time, duration, mode,
// status, outcome; dry runs as plans), the latest run per entity with what
// a filter left out, and the failed-record queue grouped by cause. --json
// prints server::StatusJson as it is.
#include <cstdio>
#include <ctime>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/run_summary.h"
#include "cli/text_table.h"
#include "common/clock.h"
#include "engine/run_liveness.h"
#include "server/status_page.h"

namespace es::cli {
namespace {

int64_t Int(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string ZoneName() {
  time_t t = time(nullptr);
  struct tm tm {};
  localtime_r(&t, &tm);
  char zone[16], offset[16];
  strftime(zone, sizeof zone, "%Z", &tm);
  strftime(offset, sizeof offset, "%z", &tm);
  if (std::string(offset) == "+0000") return "UTC";
  return std::string(zone) + ", UTC" + offset;
}

// The stored run back from its status JSON (what RunsTable reads).
store::SyncRun RunOf(const Json& r) {
  store::SyncRun run;
  run.id = GetStringOr(r, "id");
  run.mode = GetStringOr(r, "mode");
  run.status = store::ParseRunStatus(GetStringOr(r, "status"));
  run.error = GetStringOr(r, "error");
  run.started_at_ms = Int(r, "started_at_ms");
  run.finished_at_ms = Int(r, "finished_at_ms");
  run.dry_run = r["dry_run"].get<bool>();
  run.counts = r["counts"];
  run.totals.fetched = Int(r, "fetched");
  run.totals.created = Int(r, "created");
  run.totals.updated = Int(r, "updated");
  run.totals.skipped = Int(r, "skipped");
  run.totals.failed = Int(r, "failed");
  return run;
}

void PrintRuns(const Json& runs) {
  std::vector<store::SyncRun> listed;
  for (const auto& r : runs) listed.push_back(RunOf(r));
  RunsTable(listed, SystemClock::Get().NowMillis()).Print(stdout, "  ");
}

void PrintFailures(const Json& s) {
  int64_t total = Int(s, "failed_total");
  if (total == 0) {
    printf("\nFailed records: none\n");
    return;
  }
  printf("\nFailed records: %lld, by cause (retried by the next sync):\n", static_cast<long long>(total));
  for (const auto& g : s["failed_groups"]) {
    std::string examples;
    for (const auto& e : g["examples"]) examples += (examples.empty() ? "" : ", ") + e.get<std::string>();
    if (Int(g, "count") > static_cast<int64_t>(g["examples"].size())) examples += ", …";
    std::string code = GetStringOr(g, "code");
    printf("  %lld × [%s%s] %s: %s  (e.g. %s)\n", static_cast<long long>(Int(g, "count")),
           GetStringOr(g, "category").c_str(), code.empty() ? "" : (" " + code).c_str(),
           GetStringOr(g, "entity").c_str(), GetStringOr(g, "message").c_str(), examples.c_str());
  }
}

int RunStatusCmd(const Common& c) {
  int rc = 0;
  auto store = OpenForTenant(c, &rc);
  if (!store) return rc;
  // A run whose process died is shown as abandoned, not as running forever.
  auto abandoned = engine::AbandonDeadRuns(*store, c.tenant, SystemClock::Get().NowMillis());
  if (abandoned.ok() && !c.json)
    for (const auto& a : *abandoned)
      fprintf(stderr, "notice: run %s was left unfinished (%s): marked abandoned\n", a.run_id.c_str(), a.why.c_str());
  Json s = server::StatusJson(*store, c.tenant);
  if (c.json) {
    printf("%s\n", DumpJson(s).c_str());
    return 0;
  }
  if (s.value("sandbox", false))
    printf("SANDBOX MODE: tenant %s runs against the QuickBooks sandbox and the warehouse's sandbox schema "
           "(`tenant sandbox off` to leave it).\n",
           c.tenant.c_str());
  const Json& runs = s["runs"];
  if (runs.empty()) {
    printf("Tenant %s: no runs yet.\n", c.tenant.c_str());
  } else {
    std::string which = runs.size() == 1 ? "1 run" : "the " + std::to_string(runs.size()) + " most recent runs";
    printf("Tenant %s — %s (times in %s):\n", c.tenant.c_str(), which.c_str(), ZoneName().c_str());
    PrintRuns(runs);
    const Json& latest = runs[0];
    printf("\nLatest run %s%s, by entity:\n", GetStringOr(latest, "id").c_str(),
           latest["dry_run"].get<bool>() ? " (dry run: nothing was written)" : "");
    TextTable t = EntityCountsTable(latest["counts"], latest["dry_run"].get<bool>());
    if (t.rows() > 0) t.Print(stdout, "  ");
    for (const auto& note : latest["not_synced_notes"])
      printf("  %s — left out by the target's settings (order_statuses; see `config show`)\n",
             note.get<std::string>().c_str());
  }
  PrintFailures(s);
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app) {
  auto status = std::make_shared<Common>();
  auto* st = app.add_subcommand("status", "Recent runs and failed records of a tenant");
  AddCommon(st, *status);
  st->callback([status] { SetExitCode(RunStatusCmd(*status)); });

}

}  // namespace es::cli
