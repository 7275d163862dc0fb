// `tenant add|list|remove|sandbox`: tenants are created explicitly; every
// other command refuses a tenant that does not exist (OpenForTenant).
// `tenant sandbox on|off|status --tenant T` switches the tenant's sandbox mode
// (engine/sandbox_mode.h): its QBO connections run against Intuit's sandbox
// host and its warehouses against "<schema>_sandbox".
//
// `remove` deletes the tenant with everything it owns (StateStore::DeleteTenant:
// connections, id maps, runs, …). A tenant that still has connections or runs
// is removed only with --yes; without it the command says what would go.
#include <cctype>
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "engine/sandbox_mode.h"

namespace es::cli {
namespace {

struct TenantArgs {
  Common common;
  std::string id;
  std::string name;
  bool yes = false;
};

// Tenant ids appear in URLs (/webhooks/<kind>/<tenant>/…) and file names.
Status CheckTenantId(const std::string& id) {
  if (id.empty() || id.size() > 64) return Status::Validation("tenant id must be 1 to 64 characters");
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
      return Status::Validation("tenant id '" + id + "' may hold only letters, digits, '-', '_' and '.'");
  return Status::Ok();
}

int RunTenantAdd(const TenantArgs& a) {
  Status valid = CheckTenantId(a.id);
  if (!valid.ok()) return FailLine(valid);
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto existing = store->GetTenant(a.id);
  if (!existing.ok()) return Fail("reading tenant '" + a.id + "'", existing.status());
  store::Tenant t{a.id, a.name.empty() ? a.id : a.name, SystemClock::Get().NowMillis()};
  if (existing->has_value()) {
    if (a.name.empty() || (*existing)->name == a.name) {
      printf("tenant %s already exists\n", a.id.c_str());
      return 0;
    }
    t.created_at_ms = (*existing)->created_at_ms;
  }
  Status s = store->PutTenant(t);
  if (!s.ok()) return Fail("saving tenant '" + a.id + "'", s);
  printf("tenant %s %s\n", a.id.c_str(), existing->has_value() ? "renamed" : "added");
  return 0;
}

int RunTenantList(const Common& c) {
  int rc = 0;
  auto store = Open(c, &rc);
  if (!store) return rc;
  auto tenants = store->ListTenants();
  if (!tenants.ok()) return Fail("listing tenants", tenants.status());
  Json out = Json::array();
  for (const auto& t : *tenants) {
    auto conns = store->ListConnections(t.id);
    out.push_back({{"id", t.id},
                   {"name", t.name},
                   {"created_at", FormatIso8601Utc(t.created_at_ms)},
                   {"connections", conns.ok() ? static_cast<int64_t>(conns->size()) : -1}});
  }
  if (c.json) {
    printf("%s\n", DumpJson(out).c_str());
    return 0;
  }
  if (out.empty()) {
    printf("no tenants yet: add one with `easysale-sync tenant add <id>`\n");
    return 0;
  }
  printf("%-20s %-28s %-11s %s\n", "TENANT", "NAME", "CONNECTIONS", "CREATED");
  for (const auto& t : out)
    printf("%-20s %-28s %-11lld %s\n", t["id"].get<std::string>().c_str(), t["name"].get<std::string>().c_str(),
           static_cast<long long>(t["connections"].get<int64_t>()), t["created_at"].get<std::string>().c_str());
  return 0;
}

int RunTenantRemove(const TenantArgs& a) {
  int rc = 0;
  auto store = Open(a.common, &rc);
  if (!store) return rc;
  auto tenant = store->GetTenant(a.id);
  if (!tenant.ok()) return Fail("reading tenant '" + a.id + "'", tenant.status());
  if (!tenant->has_value()) {
    std::string known;
    if (auto all = store->ListTenants(); all.ok())
      for (const auto& t : *all) known += (known.empty() ? "" : ", ") + t.id;
    fprintf(stderr, "error: tenant '%s' does not exist (tenants: %s); nothing removed\n", a.id.c_str(),
            known.empty() ? "none" : known.c_str());
    return 2;
  }
  auto conns = store->ListConnections(a.id);
  if (!conns.ok()) return Fail("listing connections", conns.status());
  store::RunFilter f;
  f.tenant_id = a.id;
  f.limit = 1;
  auto runs = store->ListRuns(f);
  if (!runs.ok()) return Fail("listing runs", runs.status());
  if ((!conns->empty() || !runs->empty()) && !a.yes) {
    fprintf(stderr,
            "error: tenant '%s' has %zu connection(s)%s; `easysale-sync tenant remove %s --yes` removes it with "
            "its connections, id maps and run history\n",
            a.id.c_str(), conns->size(), runs->empty() ? "" : " and sync runs", a.id.c_str());
    return 2;
  }
  Status s = store->DeleteTenant(a.id);
  if (!s.ok()) return Fail("removing tenant '" + a.id + "'", s);
  printf("tenant %s removed (%zu connection(s) with it)\n", a.id.c_str(), conns->size());
  return 0;
}

struct SandboxArgs {
  Common common;
  std::string state;  // on | off | status
};

int RunTenantSandbox(const SandboxArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (a.state == "on" || a.state == "off") {
    Status s = store->SetSandboxMode(a.common.tenant, a.state == "on", SystemClock::Get().NowMillis());
    if (!s.ok()) return Fail("setting sandbox mode", s);
  }
  auto on = store->SandboxMode(a.common.tenant);
  if (!on.ok()) return Fail("reading sandbox mode", on.status());
  auto conns = store->ListConnections(a.common.tenant);
  if (!conns.ok()) return Fail("listing connections", conns.status());
  Json targets = Json::object();
  for (const auto& c : *conns) {
    const store::Connection run = engine::SandboxConnection(c, *on);
    if (c.kind == "qbo") targets[c.id] = GetStringOr(run.config, "api_base", "https://quickbooks.api.intuit.com");
    if (c.kind == "supabase") targets[c.id] = "schema " + GetStringOr(run.config, "schema", engine::kDefaultWarehouseSchema);
  }
  if (a.common.json) {
    printf("%s\n", DumpJson(Json{{"tenant", a.common.tenant}, {"sandbox", *on}, {"targets", targets}}).c_str());
    return 0;
  }
  printf("tenant %s: sandbox mode %s\n", a.common.tenant.c_str(),
         *on ? "ON — runs write to sandboxes, not to the real books" : "off");
  for (auto it = targets.begin(); it != targets.end(); ++it)
    printf("  %-20s %s\n", it.key().c_str(), it.value().get<std::string>().c_str());
  return 0;
}

}  // namespace

void AddTenantCommands(CLI::App& app) {
  auto* tenant = app.add_subcommand("tenant", "Add, list or remove tenants, or switch their sandbox mode");
  tenant->require_subcommand(1);

  auto add = std::make_shared<TenantArgs>();
  auto* ta = tenant->add_subcommand("add", "Add a tenant (or rename it with --name)");
  AddStoreOptions(ta, add->common);
  ta->add_option("id", add->id, "tenant id (letters, digits, '-', '_', '.')")->required();
  ta->add_option("--name", add->name, "display name (default: the id)");
  ta->callback([add] { SetExitCode(RunTenantAdd(*add)); });

  auto list = std::make_shared<Common>();
  auto* tl = tenant->add_subcommand("list", "List tenants with their number of connections");
  AddStoreOptions(tl, *list);
  tl->add_flag("--json", list->json, "print JSON");
  tl->callback([list] { SetExitCode(RunTenantList(*list)); });

  auto remove = std::make_shared<TenantArgs>();
  auto* tr = tenant->add_subcommand("remove", "Remove a tenant and everything it owns");
  AddStoreOptions(tr, remove->common);
  tr->add_option("id", remove->id, "tenant id")->required();
  tr->add_flag("--yes", remove->yes, "also when it has connections or runs");
  tr->callback([remove] { SetExitCode(RunTenantRemove(*remove)); });

  auto sandbox = std::make_shared<SandboxArgs>();
  auto* ts = tenant->add_subcommand("sandbox", "Switch a tenant's sandbox mode: QBO sandbox, separate warehouse schema");
  AddCommon(ts, sandbox->common);
  ts->add_option("state", sandbox->state, "on, off or status")
      ->required()
      ->check(CLI::IsMember({"on", "off", "status"}));
  ts->callback([sandbox] { SetExitCode(RunTenantSandbox(*sandbox)); });
}

}  // namespace es::cli
