// `connection add|list`: a tenant's connections, validated against their platform's settings.
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "platforms/platforms.h"

namespace es::cli {
namespace {

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

}  // namespace

void AddConnectionCommands(CLI::App& app) {
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

}

}  // namespace es::cli
