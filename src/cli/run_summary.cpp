#include "cli/run_summary.h"

#include <cstdio>
#include <ctime>

#include "server/status_page.h"

namespace es::cli {
namespace {

int64_t Count(const engine::RunReport& r, const char* entity, int64_t engine::EntityCounts::*field) {
  auto it = r.counts.find(entity);
  return it == r.counts.end() ? 0 : it->second.*field;
}

}  // namespace

Json LifecycleJson(const engine::RunReport& r) {
  using C = engine::EntityCounts;
  return {{"updated", Count(r, "order", &C::updated)},
          {"voided", Count(r, "order", &C::voided) + Count(r, "order", &C::deleted)},
          {"refunds", Count(r, "refund", &C::created) + Count(r, "refund", &C::linked)},
          {"payments", Count(r, "payment", &C::created) + Count(r, "payment", &C::linked)},
          {"customers_updated", Count(r, "customer", &C::updated)},
          {"items_updated", Count(r, "item", &C::updated)}};
}

int64_t Writes(const engine::RunReport& r) {
  int64_t n = 0;
  for (const auto& [entity, c] : r.counts) n += c.created + c.linked + c.updated + c.voided + c.deleted;
  return n;
}

TextTable PlanTable(const engine::RunReport& r) {
  TextTable t({"OP", "ENTITY", "SOURCE ID", "TARGET", "REASON"});
  for (const auto& p : r.previews) {
    std::string target = GetStringOr(p, "target_type");
    std::string tid = GetStringOr(p, "target_id");
    if (!tid.empty()) target += " " + tid;
    t.AddRow({GetStringOr(p, "operation"), GetStringOr(p, "entity"), GetStringOr(p, "source_id"), target,
              GetStringOr(p, "reason")});
  }
  return t;
}

void PrintPlan(const engine::RunReport& r) {
  PlanTable(r).Print(stdout);
  if (r.previews_dropped > 0) printf("… and %lld more (use --json for the payloads)\n",
                                     static_cast<long long>(r.previews_dropped));
  printf("plan: %zu writes, about %lld requests to the target; nothing was written\n",
         r.previews.size() + static_cast<size_t>(r.previews_dropped), static_cast<long long>(r.estimated_requests));
}

std::string Counted(int64_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural.empty() ? singular + "s" : plural);
}

std::string LifecycleLine(const engine::RunReport& r) {
  Json l = LifecycleJson(r);
  auto n = [&](const char* key) { return l[key].get<int64_t>(); };
  int64_t linked = 0;
  for (const auto& [e, c] : r.counts) linked += c.linked;
  if (n("updated") + n("voided") + n("refunds") + n("payments") + linked == 0) return "";
  std::string line = "documents: " + std::to_string(n("updated")) + " updated, " + std::to_string(n("voided")) +
                     " voided, " + Counted(n("refunds"), "refund") + ", " + Counted(n("payments"), "payment");
  if (linked > 0) line += "; " + std::to_string(linked) + " found in the target and linked (not created again)";
  return line;
}

void PrintLifecycle(const engine::RunReport& r) {
  std::string line = LifecycleLine(r);
  if (!line.empty()) printf("%s\n", line.c_str());
}

namespace {

int64_t Int(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string N(int64_t n) { return std::to_string(n); }

}  // namespace

TextTable EntityCountsTable(const Json& counts, bool dry_run) {
  TextTable t({"ENTITY", "READ", dry_run ? "TO CREATE" : "CREATED", "LINKED", dry_run ? "TO UPDATE" : "UPDATED",
               dry_run ? "TO VOID" : "VOIDED", "UNCHANGED", "NOT SYNCED", "FAILED"});
  for (const auto& e : server::EntityOrder(counts)) {
    const Json& c = counts[e];
    int64_t filtered = server::NotSynced(Json{{e, c}});
    t.AddRow({e, N(Int(c, "fetched")), N(Int(c, "created")), N(Int(c, "linked")), N(Int(c, "updated")),
              N(Int(c, "voided") + Int(c, "deleted")), N(Int(c, "skipped") - filtered), N(filtered),
              N(Int(c, "failed"))});
  }
  return t;
}

std::string LocalTime(int64_t ms) {
  if (ms <= 0) return "-";
  const time_t t = static_cast<time_t>(ms / 1000);
  struct tm local {};
  localtime_r(&t, &local);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string Duration(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  if (ms < 60'000) snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  else if (ms < 3'600'000)
    snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(ms / 60'000),
             static_cast<long long>(ms / 1000 % 60));
  else
    snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(ms / 3'600'000),
             static_cast<long long>(ms / 60'000 % 60));
  return buf;
}

TextTable RunsTable(const std::vector<store::SyncRun>& runs, int64_t now_ms) {
  TextTable t({"RUN ID", "STARTED", "DURATION", "MODE", "STATUS", "OUTCOME"});
  for (const store::SyncRun& run : runs) {
    const bool open = run.status == store::RunStatus::kRunning || run.status == store::RunStatus::kQueued;
    const std::string duration = open || run.finished_at_ms <= 0
                                     ? Duration(now_ms - run.started_at_ms) + " so far"
                                     : Duration(run.finished_at_ms - run.started_at_ms);
    std::string outcome = RunOutcome(run);
    if (!run.error.empty()) outcome += "; error: " + run.error;
    t.AddRow({run.id, LocalTime(run.started_at_ms), duration, run.mode + (run.dry_run ? ", dry run" : ""),
              store::RunStatusName(run.status), outcome});
  }
  return t;
}

std::string RunOutcome(const store::SyncRun& run) {
  int64_t writes = server::CountedWrites(run.counts);
  int64_t not_synced = server::NotSynced(run.counts);
  std::string out;
  if (run.dry_run) {
    out = "dry run: " + N(writes) + " writes planned, nothing written; ";
  } else {
    int64_t created = 0, linked = 0, updated = 0, voided = 0;
    if (run.counts.is_object())
      for (const auto& [e, c] : run.counts.items()) {
        created += Int(c, "created");
        linked += Int(c, "linked");
        updated += Int(c, "updated");
        voided += Int(c, "voided") + Int(c, "deleted");
      }
    out = N(writes) + " written (" + N(created) + " created";
    if (linked > 0) out += ", " + N(linked) + " found and linked";
    out += ", " + N(updated) + " updated";
    if (voided > 0) out += ", " + N(voided) + " voided";
    out += "), ";
  }
  out += N(run.totals.fetched) + " read, " + N(run.totals.skipped - not_synced) + " unchanged, ";
  if (not_synced > 0) out += N(not_synced) + " not synced, ";
  out += N(run.totals.failed) + " failed";
  return out;
}

void PrintRunSummary(const engine::RunReport& r) {
  const store::SyncRun& run = r.run;
  double seconds = static_cast<double>(run.finished_at_ms - run.started_at_ms) / 1000.0;
  printf("run %s: %s in %.1f s — %s\n", run.id.c_str(), store::RunStatusName(run.status), seconds,
         RunOutcome(run).c_str());
  TextTable t = EntityCountsTable(run.counts, run.dry_run);
  if (t.rows() > 0) t.Print(stdout, "  ");
  for (const auto& note : server::NotSyncedNotes(run.counts)) printf("  %s (filter of the target's settings)\n", note.c_str());
  if (!run.dry_run) PrintLifecycle(r);  // a dry run's table already says what it would do
}

}  // namespace es::cli
