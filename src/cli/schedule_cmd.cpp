// `schedule add|list|remove|next|run-now`: cron schedules of sync runs
// (docs/schedules.md). A running `serve` fires them; these commands only
// edit the store (and `next` reads nothing at all).
//
//   schedule add --cron EXPR [--timezone Z] [--name N] [--entities a,b] [--mode M]
//                [--source ID] [--target ID] [--id ID] [--disabled]
//   schedule list                     id, expression, zone, next and last firing
//   schedule remove ID
//   schedule next EXPR [--timezone Z] [--count N]   the next fire times, to check an expression
//   schedule run-now ID               due at once: a running `serve` fires it within seconds
#include <cctype>
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "schedule/cron.h"
#include "schedule/scheduler.h"

namespace es::cli {
namespace {

struct ScheduleArgs {
  Common common;
  std::string id;
  std::string cron;
  std::string timezone = "UTC";
  std::string name;
  std::string entities;
  std::string mode = "incremental";
  std::string source;
  std::string target;
  bool disabled = false;
  int count = 5;
};

// "2026-03-08 03:00 EDT (-04:00)", or "-" for 0.
std::string Local(int64_t ms, const std::string& tz) {
  if (ms <= 0) return "-";
  auto text = schedule::FormatLocal(ms, tz);
  return text.ok() ? *text : FormatIso8601Utc(ms);
}

// The error of a bad expression or zone, naming the field (exit 2).
int FailDefinition(const Status& s) {
  if (s.IsValidation() && !s.code().empty()) {
    fprintf(stderr, "error: invalid %s: %s\n", s.code() == "timezone" ? "time zone" : "cron expression",
            s.message().c_str());
    return 2;
  }
  return FailLine(s);
}

Status CheckId(const std::string& id) {
  if (id.empty() || id.size() > 64) return Status::Validation("schedule id must be 1 to 64 characters");
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
      return Status::Validation("schedule id '" + id + "' may hold only letters, digits, '-', '_' and '.'");
  return Status::Ok();
}

int RunAdd(const ScheduleArgs& a) {
  const int64_t now = SystemClock::Get().NowMillis();
  store::Schedule s;
  s.id = a.id.empty() ? "sch_" + crypto::RandomHex(8) : a.id;
  Status id_ok = CheckId(s.id);
  if (!id_ok.ok()) return FailLine(id_ok);
  if (a.mode != "incremental" && a.mode != "full") {
    return FailLine(Status::Validation("--mode must be incremental or full"));
  }
  s.tenant_id = a.common.tenant;
  s.name = a.name;
  s.cron = a.cron;
  s.timezone = a.timezone;
  s.entities = SplitList(a.entities);
  s.mode = a.mode;
  s.source_connection = a.source;
  s.target_connection = a.target;
  s.enabled = !a.disabled;
  s.created_by = "cli";
  s.created_at_ms = now;
  s.updated_at_ms = now;
  Status prepared = schedule::PrepareSchedule(s, now);
  if (!prepared.ok()) return FailDefinition(prepared);
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  std::vector<std::string> named;
  if (!s.source_connection.empty()) named.push_back(s.source_connection);
  if (!s.target_connection.empty()) named.push_back(s.target_connection);
  if (int bad = RequireConnections(*store, a.common, named); bad != 0) return bad;
  Status created = store->CreateSchedule(s);
  if (!created.ok()) return Fail("adding schedule '" + s.id + "'", created);
  if (a.common.json) {
    printf("%s\n", DumpJson(Json{{"id", s.id},
                                 {"cron", s.cron},
                                 {"timezone", s.timezone},
                                 {"enabled", s.enabled},
                                 {"next_due_at", s.next_due_at_ms ? FormatIso8601Utc(s.next_due_at_ms) : ""}})
                       .c_str());
    return 0;
  }
  printf("schedule %s added: %s (%s), next %s\n", s.id.c_str(), s.cron.c_str(), s.timezone.c_str(),
         s.enabled ? Local(s.next_due_at_ms, s.timezone).c_str() : "never (disabled)");
  return 0;
}

int RunList(const Common& c) {
  int rc = 0;
  auto store = OpenForTenant(c, &rc);
  if (!store) return rc;
  auto list = store->ListSchedules(c.tenant);
  if (!list.ok()) return Fail("listing schedules", list.status());
  if (c.json) {
    Json out = Json::array();
    for (const auto& s : *list)
      out.push_back({{"id", s.id},
                     {"name", s.name},
                     {"cron", s.cron},
                     {"timezone", s.timezone},
                     {"entities", s.entities},
                     {"mode", s.mode},
                     {"enabled", s.enabled},
                     {"next_due_at", s.next_due_at_ms ? FormatIso8601Utc(s.next_due_at_ms) : ""},
                     {"last_fired_at", s.last_fired_at_ms ? FormatIso8601Utc(s.last_fired_at_ms) : ""},
                     {"last_run_id", s.last_run_id},
                     {"last_error", s.last_error}});
    printf("%s\n", DumpJson(out).c_str());
    return 0;
  }
  if (list->empty()) {
    printf("no schedules for tenant %s: add one with `easysale-sync schedule add --cron \"0 2 * * *\"`\n",
           c.tenant.c_str());
    return 0;
  }
  printf("%-20s %-18s %-20s %-30s %s\n", "SCHEDULE", "CRON", "TIME ZONE", "NEXT", "LAST");
  for (const auto& s : *list) {
    std::string last = Local(s.last_fired_at_ms, s.timezone);
    if (!s.last_error.empty()) last += " (failed: " + s.last_error + ")";
    else if (!s.last_run_id.empty()) last += " (run " + s.last_run_id + ")";
    printf("%-20s %-18s %-20s %-30s %s\n", s.id.c_str(), s.cron.c_str(), s.timezone.c_str(),
           s.enabled ? Local(s.next_due_at_ms, s.timezone).c_str() : "disabled", last.c_str());
  }
  return 0;
}

int RunRemove(const ScheduleArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  Status s = store->DeleteSchedule(a.common.tenant, a.id);
  if (s.IsNotFound()) {
    fprintf(stderr, "error: tenant %s has no schedule '%s' (see `easysale-sync schedule list`)\n",
            a.common.tenant.c_str(), a.id.c_str());
    return 2;
  }
  if (!s.ok()) return Fail("removing schedule '" + a.id + "'", s);
  printf("schedule %s removed\n", a.id.c_str());
  return 0;
}

int RunNext(const ScheduleArgs& a) {
  auto spec = schedule::ParseCron(a.cron);
  if (!spec.ok()) return FailDefinition(spec.status());
  if (a.count < 1 || a.count > 100) return FailLine(Status::Validation("--count must be from 1 to 100"));
  auto fires = schedule::NextFires(*spec, a.timezone, SystemClock::Get().NowMillis(), a.count);
  if (!fires.ok()) return FailDefinition(fires.status());
  if (a.common.json) {
    Json out = Json::array();
    for (int64_t f : *fires) out.push_back({{"at", FormatIso8601Utc(f)}, {"local", Local(f, a.timezone)}});
    printf("%s\n", DumpJson(Json{{"cron", spec->text}, {"timezone", a.timezone}, {"next", out}}).c_str());
    return 0;
  }
  printf("next %d fire times of \"%s\" in %s:\n", a.count, spec->text.c_str(), a.timezone.c_str());
  for (int64_t f : *fires) printf("  %-32s %s\n", Local(f, a.timezone).c_str(), FormatIso8601Utc(f).c_str());
  return 0;
}

int RunNow(const ScheduleArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto s = store->GetSchedule(a.common.tenant, a.id);
  if (!s.ok()) return Fail("reading schedule '" + a.id + "'", s.status());
  if (!s->has_value()) {
    fprintf(stderr, "error: tenant %s has no schedule '%s' (see `easysale-sync schedule list`)\n",
            a.common.tenant.c_str(), a.id.c_str());
    return 2;
  }
  store::Schedule due = **s;
  if (!due.enabled) {
    fprintf(stderr, "error: schedule '%s' is disabled\n", a.id.c_str());
    return 2;
  }
  const int64_t now = SystemClock::Get().NowMillis();
  due.next_due_at_ms = now;
  due.updated_at_ms = now;
  Status u = store->UpdateSchedule(due);
  if (!u.ok()) return Fail("updating schedule '" + a.id + "'", u);
  printf("schedule %s is due now: a running `easysale-sync serve` starts its sync within seconds\n", a.id.c_str());
  return 0;
}

}  // namespace

void AddScheduleCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("schedule", "Cron schedules of sync runs (fired by `serve`)");
  cmd->require_subcommand(1);

  auto add = std::make_shared<ScheduleArgs>();
  auto* sa = cmd->add_subcommand("add", "Add a schedule");
  AddCommon(sa, add->common);
  sa->add_option("--cron", add->cron, "5-field cron expression or @hourly/@daily/@weekly/@monthly/@yearly")
      ->required();
  sa->add_option("--timezone", add->timezone, "IANA time zone (default UTC)");
  sa->add_option("--name", add->name, "display name");
  sa->add_option("--entities", add->entities, "comma-separated entities (default: all of the pair)");
  sa->add_option("--mode", add->mode, "incremental (default) or full");
  sa->add_option("--source", add->source, "source connection (default: the tenant's only WooCommerce one)");
  sa->add_option("--target", add->target, "target connection (default: the tenant's only QuickBooks one)");
  sa->add_option("--id", add->id, "schedule id (default: generated)");
  sa->add_flag("--disabled", add->disabled, "add it switched off");
  sa->callback([add] { SetExitCode(RunAdd(*add)); });

  auto list = std::make_shared<Common>();
  auto* sl = cmd->add_subcommand("list", "List the tenant's schedules with their next and last firing");
  AddCommon(sl, *list);
  sl->callback([list] { SetExitCode(RunList(*list)); });

  auto remove = std::make_shared<ScheduleArgs>();
  auto* sr = cmd->add_subcommand("remove", "Remove a schedule");
  AddCommon(sr, remove->common);
  sr->add_option("id", remove->id, "schedule id")->required();
  sr->callback([remove] { SetExitCode(RunRemove(*remove)); });

  auto next = std::make_shared<ScheduleArgs>();
  auto* sn = cmd->add_subcommand("next", "Print the next fire times of an expression in a time zone");
  sn->add_option("cron", next->cron, "cron expression (quote it)")->required();
  sn->add_option("--timezone", next->timezone, "IANA time zone (default UTC)");
  sn->add_option("--count", next->count, "how many (default 5)");
  sn->add_flag("--json", next->common.json, "print JSON");
  sn->callback([next] { SetExitCode(RunNext(*next)); });

  auto now = std::make_shared<ScheduleArgs>();
  auto* su = cmd->add_subcommand("run-now", "Make a schedule due at once (a running serve fires it)");
  AddCommon(su, now->common);
  su->add_option("id", now->id, "schedule id")->required();
  su->callback([now] { SetExitCode(RunNow(*now)); });
}

}  // namespace es::cli
