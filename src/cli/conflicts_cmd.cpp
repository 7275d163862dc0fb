// `conflicts list|resolve|policy`: two-way sync's conflict log and review
// queue, and the per-entity sync policy (engine/two_way.h, docs/two-way.md).
//
//   conflicts list [--status open|resolved|resolved_manual] [--limit N]
//   conflicts resolve ID --take woo|qbo     closes an open conflict with that
//                                           side's value and writes it across
//                                           at once (audited)
//   conflicts policy [--entity products --direction both|woo->qbo|qbo->woo
//                     --source-of-truth qbo --strategy source_wins|
//                     target_wins|newest_wins|manual]   sets one, or lists them
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/run_summary.h"
#include "cli/text_table.h"
#include "common/clock.h"
#include "engine/orchestrator.h"
#include "engine/sync_types.h"
#include "engine/two_way.h"
#include "engine/two_way_resolve.h"
#include "platforms/platforms.h"

namespace es::cli {
namespace {

struct ListArgs {
  Common common;
  std::string status;
  int limit = 50;
};

struct ResolveArgs {
  Common common;
  int64_t id = 0;
  std::string take;
};

struct PolicyArgs {
  Common common;
  std::string entity;
  std::string direction;
  std::string source_of_truth;
  std::string strategy;
};

std::string ValueText(const Json& v) { return v.is_null() ? "-" : DumpJson(v); }

int List(const ListArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto list = store->ListConflicts({a.common.tenant, a.status, a.limit});
  if (!list.ok()) return Fail("conflicts list", list.status());
  if (a.common.json) {
    Json out = Json::array();
    for (const auto& c : *list) out.push_back(engine::ConflictJson(c));
    printf("%s\n", DumpJson(Json{{"tenant", a.common.tenant}, {"conflicts", out}}).c_str());
    return 0;
  }
  if (list->empty()) {
    printf("no conflicts for tenant '%s'\n", a.common.tenant.c_str());
    return 0;
  }
  TextTable t({"ID", "STATUS", "RECORD", "STRATEGY", "WINNER", "SIDE A", "VALUE A", "SIDE B", "VALUE B"});
  for (const auto& c : *list)
    t.AddRow({std::to_string(c.id), c.status, c.entity + " " + c.record_key, c.strategy,
              c.winner.empty() ? "-" : c.winner, c.kind_a + " " + c.record_a, ValueText(c.value_a),
              c.kind_b + " " + c.record_b, ValueText(c.value_b)});
  t.Print();
  return 0;
}

int Resolve(const ResolveArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc, Credentials::kWrite);
  if (!store) return rc;
  const char* user = getenv("USER");
  auto res = engine::ResolveConflict(*store, platforms::Registry(), SystemClock::Get(), a.common.tenant, a.id, a.take,
                                     std::string("cli:") + (user ? user : "unknown"));
  if (!res.ok()) return Fail("conflicts resolve", res.status());
  auto transport = TransportFor(*store, a.common, {res->sync.source_connection, res->sync.target_connection});
  engine::Orchestrator orchestrator(*store, *transport, SystemClock::Get(), platforms::Registry(), CliEngineOptions());
  res->sync.triggered_by = "cli";
  auto report = orchestrator.Run(res->sync);
  if (!report.ok()) {
    fprintf(stderr, "conflict %lld is resolved (%s); writing it across failed: %s — it is written by the next sync\n",
            static_cast<long long>(a.id), a.take.c_str(), report.status().ToString().c_str());
    return 1;
  }
  if (a.common.json) {
    printf("%s\n", DumpJson(Json{{"conflict", engine::ConflictJson(res->conflict)},
                                 {"run_id", report->run.id},
                                 {"status", store::RunStatusName(report->run.status)},
                                 {"counts", report->run.counts}})
                       .c_str());
  } else {
    printf("conflict %lld resolved: %s's value taken\n", static_cast<long long>(a.id), a.take.c_str());
    PrintRunSummary(*report);
  }
  return report->run.status == store::RunStatus::kSucceeded ? 0 : 1;
}

int Policy(const PolicyArgs& a) {
  int rc = 0;
  const bool set = !a.entity.empty() || !a.direction.empty() || !a.strategy.empty() || !a.source_of_truth.empty();
  auto store = OpenForTenant(a.common, &rc, set ? Credentials::kWrite : Credentials::kRead);
  if (!store) return rc;
  if (set) {
    store::SyncPolicyRecord r;
    r.tenant_id = a.common.tenant;
    r.entity = engine::StoreEntity(a.entity);
    r.direction = a.direction.empty() ? "both" : a.direction;
    r.source_of_truth = a.source_of_truth;
    r.strategy = a.strategy.empty() ? "source_wins" : a.strategy;
    r.updated_at_ms = SystemClock::Get().NowMillis();
    if (a.entity.empty()) return FailLine(Status::Validation("conflicts policy: --entity is required"));
    auto checked = engine::PolicyFromRecord(r);
    if (!checked.ok()) return FailLine(checked.status());
    Status s = store->PutSyncPolicy(r);
    if (!s.ok()) return Fail("conflicts policy", s);
  }
  auto all = store->ListSyncPolicies(a.common.tenant);
  if (!all.ok()) return Fail("conflicts policy", all.status());
  if (a.common.json) {
    Json out = Json::array();
    for (const auto& p : *all)
      out.push_back({{"entity", engine::RouteEntity(p.entity)}, {"direction", p.direction},
                     {"sourceOfTruth", p.source_of_truth}, {"strategy", p.strategy}});
    printf("%s\n", DumpJson(Json{{"tenant", a.common.tenant}, {"policies", out}}).c_str());
    return 0;
  }
  if (all->empty()) {
    printf("no sync policies for tenant '%s' (every flow runs one way, as first registered)\n",
           a.common.tenant.c_str());
    return 0;
  }
  TextTable t({"ENTITY", "DIRECTION", "SOURCE OF TRUTH", "STRATEGY"});
  for (const auto& p : *all) t.AddRow({engine::RouteEntity(p.entity), p.direction, p.source_of_truth, p.strategy});
  t.Print();
  return 0;
}

}  // namespace

void AddConflictsCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("conflicts", "Two-way sync: conflicts, the review queue and sync policies");
  cmd->require_subcommand(1);

  auto list = std::make_shared<ListArgs>();
  auto* l = cmd->add_subcommand("list", "List conflicts (newest first)");
  AddCommon(l, list->common);
  l->add_option("--status", list->status, "open, resolved or resolved_manual (default: all)")
      ->check(CLI::IsMember({"open", "resolved", "resolved_manual"}));
  l->add_option("--limit", list->limit, "at most this many (default 50)");
  l->callback([list] { SetExitCode(List(*list)); });

  auto resolve = std::make_shared<ResolveArgs>();
  auto* r = cmd->add_subcommand("resolve", "Resolve an open conflict with one side's value and write it across");
  AddCommon(r, resolve->common);
  r->add_option("id", resolve->id, "conflict id")->required();
  r->add_option("--take", resolve->take, "the side whose value stands: woo or qbo")->required();
  r->callback([resolve] { SetExitCode(Resolve(*resolve)); });

  auto policy = std::make_shared<PolicyArgs>();
  auto* p = cmd->add_subcommand("policy", "Show the sync policies, or set one for an entity");
  AddCommon(p, policy->common);
  p->add_option("--entity", policy->entity, "products (route or store name)");
  p->add_option("--direction", policy->direction, "both, woo->qbo or qbo->woo (default both)");
  p->add_option("--source-of-truth", policy->source_of_truth, "the kind whose value is the source: woo or qbo");
  p->add_option("--strategy", policy->strategy, "source_wins, target_wins, newest_wins or manual")
      ->check(CLI::IsMember({"source_wins", "target_wins", "newest_wins", "manual"}));
  p->callback([policy] { SetExitCode(Policy(*policy)); });
}

}  // namespace es::cli
