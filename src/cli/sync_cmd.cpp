// Operator commands on a state store: sync, status, reconcile, connection,
// config.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/run_summary.h"
#include "cli/signals.h"
#include "common/clock.h"
#include "engine/orchestrator.h"
#include "engine/reconcile.h"
#include "platforms/platforms.h"
#include "http/transport.h"
#include "mapping/transformer_config.h"
#include "server/status_page.h"
#include "store/factory/open_store.h"

namespace es::cli {
namespace {

struct Common {
  std::string store_url = "sqlite://.easysale/state.db";
  std::string tenant = "default";
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--store", c.store_url, "state store URL")->envname("EASYSALE_STORE_URL");
  cmd->add_option("--tenant", c.tenant, "tenant id");
  cmd->add_flag("--json", c.json, "print JSON");
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int Fail(const std::string& what, const Status& s) {
  fprintf(stderr, "error: %s: %s\n", what.c_str(), s.ToString().c_str());
  return s.IsValidation() || s.IsNotFound() ? 2 : 1;
}

std::unique_ptr<store::StateStore> Open(const Common& c, int* rc) {
  auto s = store::OpenStore(c.store_url);
  if (!s.ok()) {
    *rc = Fail("opening the state store", s.status());
    return nullptr;
  }
  return std::move(*s);
}

struct SyncArgs {
  Common common;
  std::string source = "woo";
  std::string target = "qbo";
  std::string entities;
  std::string mode = "full";
  bool dry_run = false;
  std::string ids;
};

// The dry-run plan as a table: one line per would-be write.
void PrintPlan(const engine::RunReport& r) {
  printf("%-8s %-9s %-14s %-13s %s\n", "OP", "ENTITY", "SOURCE ID", "TARGET", "REASON");
  for (const auto& p : r.previews) {
    std::string target = GetStringOr(p, "target_type");
    std::string tid = GetStringOr(p, "target_id");
    if (!tid.empty()) target += " " + tid;
    printf("%-8s %-9s %-14s %-13s %s\n", GetStringOr(p, "operation").c_str(), GetStringOr(p, "entity").c_str(),
           GetStringOr(p, "source_id").c_str(), target.c_str(), GetStringOr(p, "reason").c_str());
  }
  if (r.previews_dropped > 0) printf("… and %lld more (use --json for the payloads)\n",
                                     static_cast<long long>(r.previews_dropped));
  printf("plan: %zu writes, about %lld requests to the target; nothing was written\n",
         r.previews.size() + static_cast<size_t>(r.previews_dropped), static_cast<long long>(r.estimated_requests));
}

// What changed in documents already booked: updates, voids, refunds, payments.
void PrintLifecycle(const engine::RunReport& r) {
  Json l = LifecycleJson(r);
  auto n = [&](const char* key) { return static_cast<long long>(l[key].get<int64_t>()); };
  long long linked = 0;
  for (const auto& [e, c] : r.counts) linked += c.linked;
  if (n("updated") + n("voided") + n("refunds") + n("payments") + linked == 0) return;
  printf("documents: %lld updated, %lld voided, %lld refunds, %lld payments", n("updated"), n("voided"),
         n("refunds"), n("payments"));
  if (linked > 0) printf("; %lld found in the target and linked (not created again)", linked);
  printf("\n");
}

int RunSync(const SyncArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto transport = http::MakeCurlTransport();
  engine::EngineOptions options;
  // The run lock's lease (renewed after every page); tests that kill the
  // process shorten it so the next run does not wait.
  if (const char* lease = getenv("EASYSALE_LOCK_LEASE_MS"); lease != nullptr && atoll(lease) > 0)
    options.lock_lease_ms = atoll(lease);
  engine::Orchestrator orchestrator(*store, *transport, SystemClock::Get(), platforms::Registry(), options);
  engine::SyncRequest req;
  req.tenant_id = a.common.tenant;
  req.source_connection = a.source;
  req.target_connection = a.target;
  req.entities = SplitList(a.entities);
  req.mode = a.mode;
  req.dry_run = a.dry_run;
  req.ids = SplitList(a.ids);
  req.triggered_by = "cli";
  ProgressBar bar("sync");
  auto report = orchestrator.Run(req, [&](const engine::Progress& p) { bar.Update(p); });
  bar.Finish();
  if (!report.ok()) return Fail("sync", report.status());
  const auto& run = report->run;
  if (a.common.json) {
    Json j = {{"run_id", run.id},
              {"status", store::RunStatusName(run.status)},
              {"dry_run", a.dry_run},
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
  } else {
    if (a.dry_run) PrintPlan(*report);
    printf("run %s: %s%s — fetched %lld, created %lld, updated %lld, unchanged %lld, failed %lld\n", run.id.c_str(),
           a.dry_run ? "dry run, " : "", store::RunStatusName(run.status), static_cast<long long>(run.totals.fetched),
           static_cast<long long>(run.totals.created), static_cast<long long>(run.totals.updated),
           static_cast<long long>(run.totals.skipped), static_cast<long long>(run.totals.failed));
    PrintLifecycle(*report);
    if (!run.error.empty()) printf("error: %s\n", run.error.c_str());
  }
  return run.status == store::RunStatus::kSucceeded ? 0 : (run.status == store::RunStatus::kPartial ? 3 : 1);
}

int RunStatusCmd(const Common& c) {
  int rc = 0;
  auto store = Open(c, &rc);
  if (!store) return rc;
  Json s = server::StatusJson(*store, c.tenant);
  if (c.json) {
    printf("%s\n", DumpJson(s).c_str());
    return 0;
  }
  printf("Tenant %s — last %zu runs:\n", c.tenant.c_str(), s["runs"].size());
  for (const auto& r : s["runs"]) {
    printf("  %s  %-9s %-11s fetched %lld created %lld updated %lld unchanged %lld failed %lld %s\n",
           r["started_at"].get<std::string>().c_str(), r["status"].get<std::string>().c_str(),
           r["mode"].get<std::string>().c_str(), static_cast<long long>(r["fetched"].get<int64_t>()),
           static_cast<long long>(r["created"].get<int64_t>()), static_cast<long long>(r["updated"].get<int64_t>()),
           static_cast<long long>(r["skipped"].get<int64_t>()), static_cast<long long>(r["failed"].get<int64_t>()),
           r["error"].get<std::string>().c_str());
  }
  printf("Failed records: %zu\n", s["failed"].size());
  for (const auto& f : s["failed"])
    printf("  %s %s [%s] %s (retries %lld)\n", f["entity"].get<std::string>().c_str(),
           f["source_id"].get<std::string>().c_str(), f["category"].get<std::string>().c_str(),
           f["message"].get<std::string>().c_str(), static_cast<long long>(f["retry_count"].get<int64_t>()));
  return 0;
}

struct ConnArgs {
  Common common;
  std::string id, kind, name, config = "{}", secret = "{}";
  bool disable = false;
};

int RunConnectionAdd(const ConnArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto config = ParseJson(a.config);
  if (!config.ok() || !config->is_object()) return Fail("--config", Status::Validation("expected a JSON object"));
  auto secret = ParseJson(a.secret);
  if (!secret.ok() || !secret->is_object()) return Fail("--secret", Status::Validation("expected a JSON object"));
  if (const engine::Platform* p = platforms::Registry().Find(a.kind); p != nullptr && p->validate) {
    Status valid = p->validate(*config, *secret);
    if (!valid.ok()) return Fail("connection " + a.id + " (" + p->title + ")", valid);
  }
  auto tenant = store->GetTenant(a.common.tenant);
  if (tenant.ok() && !tenant->has_value()) {
    Status s = store->PutTenant({a.common.tenant, a.common.tenant, SystemClock::Get().NowMillis()});
    if (!s.ok()) return Fail("creating the tenant", s);
  }
  store::Connection c;
  c.tenant_id = a.common.tenant;
  c.id = a.id;
  c.kind = a.kind;
  c.name = a.name.empty() ? a.id : a.name;
  c.config = *config;
  c.secret = DumpJson(*secret);
  c.enabled = !a.disable;
  c.updated_at_ms = SystemClock::Get().NowMillis();
  Status s = store->PutConnection(c);
  if (!s.ok()) return Fail("saving the connection", s);
  printf("connection %s (%s) saved for tenant %s\n", c.id.c_str(), c.kind.c_str(), c.tenant_id.c_str());
  return 0;
}

int RunConnectionList(const Common& c) {
  int rc = 0;
  auto store = Open(c, &rc);
  if (!store) return rc;
  auto list = store->ListConnections(c.tenant);
  if (!list.ok()) return Fail("listing connections", list.status());
  Json out = Json::array();
  for (const auto& conn : *list)
    out.push_back({{"id", conn.id}, {"kind", conn.kind}, {"name", conn.name}, {"enabled", conn.enabled},
                   {"config", conn.config}, {"credentials", conn.secret.empty() ? "none" : "set (hidden)"}});
  if (c.json) printf("%s\n", DumpJson(out).c_str());
  else for (const auto& j : out) printf("%s\n", DumpJson(j).c_str());
  return 0;
}

struct ConfigArgs {
  Common common;
  std::string connection = "qbo";
  std::string json_text;
};

int RunConfigSet(const ConfigArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto j = ParseJson(a.json_text);
  if (!j.ok()) return Fail("transformer config", j.status());
  auto cfg = mapping::TransformerConfig::FromJson(*j);
  if (!cfg.ok()) return Fail("transformer config", cfg.status());
  Status s = store->PutTransformerConfig(a.common.tenant, a.connection, cfg->ToJson());
  if (!s.ok()) return Fail("saving the transformer config", s);
  printf("%s\n", DumpJson(cfg->ToJson()).c_str());
  return 0;
}

int RunConfigShow(const ConfigArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto j = store->GetTransformerConfig(a.common.tenant, a.connection);
  if (!j.ok()) return Fail("reading the transformer config", j.status());
  mapping::TransformerConfig cfg;
  if (j->has_value()) {
    auto parsed = mapping::TransformerConfig::FromJson(**j);
    if (!parsed.ok()) return Fail("stored transformer config", parsed.status());
    cfg = *parsed;
  }
  printf("%s\n", cfg.ToJson().dump(2).c_str());
  return 0;
}

struct ReconcileArgs {
  Common common;
  std::string source = "woo", target = "qbo";
  bool fix = false;
  bool yes = false;
};

int RunReconcile(const ReconcileArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto transport = http::MakeCurlTransport();
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
  engine::EngineOptions options;
  // The run lock's lease (renewed after every page); tests that kill the
  // process shorten it so the next run does not wait.
  if (const char* lease = getenv("EASYSALE_LOCK_LEASE_MS"); lease != nullptr && atoll(lease) > 0)
    options.lock_lease_ms = atoll(lease);
  engine::Orchestrator orchestrator(*store, *transport, SystemClock::Get(), platforms::Registry(), options);
  engine::SyncRequest req;
  req.tenant_id = a.common.tenant;
  req.source_connection = a.source;
  req.target_connection = a.target;
  req.entities = {"orders"};
  req.ids = r->repair_ids;
  req.dry_run = !a.yes;
  req.triggered_by = "reconcile";
  auto fixed = orchestrator.Run(req);
  if (!fixed.ok()) return Fail("reconcile --fix", fixed.status());
  if (a.common.json) {
    j["fix"] = {{"run_id", fixed->run.id}, {"applied", a.yes}, {"status", store::RunStatusName(fixed->run.status)},
                {"plan", fixed->previews}, {"counts", fixed->run.counts}};
    printf("%s\n", DumpJson(j).c_str());
  } else if (!a.yes) {
    PrintPlan(*fixed);
    printf("run again with --fix --yes to apply these repairs\n");
  } else {
    printf("repairs applied in run %s: %s\n", fixed->run.id.c_str(), store::RunStatusName(fixed->run.status));
    PrintLifecycle(*fixed);
  }
  if (!a.yes) return 3;
  return fixed->run.status == store::RunStatus::kSucceeded ? 0 : 3;
}

}  // namespace

void AddSyncCommands(CLI::App& app) {
  auto sync = std::make_shared<SyncArgs>();
  auto* cmd = app.add_subcommand("sync", "Run one sync between two connections of a tenant");
  AddCommon(cmd, sync->common);
  cmd->add_option("--source", sync->source, "source connection id");
  cmd->add_option("--target", sync->target, "target connection id");
  cmd->add_option("--entities", sync->entities, "comma list: customers,products,orders (default: all routes)");
  cmd->add_option("--mode", sync->mode, "full or incremental")->check(CLI::IsMember({"full", "incremental"}));
  cmd->add_flag("--dry-run", sync->dry_run, "fetch and transform, write nothing, list the would-be writes");
  cmd->add_option("--ids", sync->ids, "comma list of source ids to sync");
  cmd->callback([sync] { SetExitCode(RunSync(*sync)); });

  auto status = std::make_shared<Common>();
  auto* st = app.add_subcommand("status", "Recent runs and failed records of a tenant");
  AddCommon(st, *status);
  st->callback([status] { SetExitCode(RunStatusCmd(*status)); });

  auto rec = std::make_shared<ReconcileArgs>();
  auto* rc = app.add_subcommand("reconcile", "Compare every order's net amount with what the target holds");
  AddCommon(rc, rec->common);
  rc->add_option("--source", rec->source, "source connection id");
  rc->add_option("--target", rec->target, "target connection id");
  rc->add_flag("--fix", rec->fix, "plan the repairs (a sync of the mismatched orders) and show the plan");
  rc->add_flag("--yes", rec->yes, "with --fix: apply the repairs");
  rc->callback([rec] { SetExitCode(RunReconcile(*rec)); });

  auto* conn = app.add_subcommand("connection", "Manage a tenant's connections");
  conn->require_subcommand(1);
  auto add = std::make_shared<ConnArgs>();
  auto* ca = conn->add_subcommand("add", "Add or replace a connection");
  AddCommon(ca, add->common);
  ca->add_option("--id", add->id, "connection id")->required();
  ca->add_option("--kind", add->kind, "connector kind")->required()->check(CLI::IsMember(platforms::Registry().Kinds()));
  ca->add_option("--name", add->name, "display name");
  ca->add_option("--config", add->config, "settings as a JSON object (see docs/formats/connections.md)");
  ca->add_option("--secret", add->secret, "credentials as a JSON object")->envname("EASYSALE_CONNECTION_SECRET");
  ca->add_flag("--disabled", add->disable, "add it disabled");
  ca->callback([add] { SetExitCode(RunConnectionAdd(*add)); });
  auto list = std::make_shared<Common>();
  auto* cl = conn->add_subcommand("list", "List connections (credentials are never shown)");
  AddCommon(cl, *list);
  cl->callback([list] { SetExitCode(RunConnectionList(*list)); });

  auto* config = app.add_subcommand("config", "Show or set the TransformerConfig of a target connection");
  config->require_subcommand(1);
  auto set = std::make_shared<ConfigArgs>();
  auto* cs = config->add_subcommand("set", "Validate and store a TransformerConfig (JSON)");
  AddCommon(cs, set->common);
  cs->add_option("--connection", set->connection, "target connection id");
  cs->add_option("json", set->json_text, "the config as JSON")->required();
  cs->callback([set] { SetExitCode(RunConfigSet(*set)); });
  auto show = std::make_shared<ConfigArgs>();
  auto* csh = config->add_subcommand("show", "Print the effective TransformerConfig");
  AddCommon(csh, show->common);
  csh->add_option("--connection", show->connection, "target connection id");
  csh->callback([show] { SetExitCode(RunConfigShow(*show)); });
}

}  // namespace es::cli
