// `connection add|list`: a tenant's connections, validated against their platform's settings.
#include <cctype>
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/text_table.h"
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

// A settings value fit to print: values of keys that name a credential are
// hidden, and so is a password inside a URL.
Json ShownSetting(const std::string& key, const Json& v) {
  std::string k = key;
  for (char& ch : k) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  auto ends_with = [&](const std::string& tail) {
    return k.size() >= tail.size() && k.compare(k.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (const char* word : {"secret", "password", "passwd", "credential"})
    if (k.find(word) != std::string::npos) return "(hidden)";
  if (ends_with("token") || ends_with("key")) return "(hidden)";
  if (!v.is_string()) return v;
  std::string text = v.get<std::string>();
  size_t scheme = text.find("://");
  if (scheme != std::string::npos) {
    size_t at = text.find('@', scheme + 3);
    size_t slash = text.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      size_t colon = text.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
    }
  }
  return text;
}

int RunConnectionList(const Common& c) {
  int rc = 0;
  auto store = Open(c, &rc);
  if (!store) return rc;
  auto list = store->ListConnections(c.tenant);
  if (!list.ok()) return Fail("listing connections", list.status());
  Json out = Json::array();
  for (const auto& conn : *list) {
    Json shown = Json::object();
    if (conn.config.is_object())
      for (auto it = conn.config.begin(); it != conn.config.end(); ++it) shown[it.key()] = ShownSetting(it.key(), *it);
    out.push_back({{"id", conn.id}, {"kind", conn.kind}, {"name", conn.name}, {"enabled", conn.enabled},
                   {"config", shown}, {"credentials", conn.secret.empty() || conn.secret == "{}" ? "none" : "set (hidden)"}});
  }
  if (c.json) {
    printf("%s\n", DumpJson(out).c_str());
    return 0;
  }
  if (out.empty()) {
    printf("Tenant %s has no connections (add one with `easysale-sync connection add`).\n", c.tenant.c_str());
    return 0;
  }
  printf("Connections of tenant %s (credentials are never shown):\n", c.tenant.c_str());
  TextTable t({"ID", "KIND", "NAME", "ENABLED", "CREDENTIALS", "SETTINGS"});
  for (const auto& j : out) {
    std::string settings;
    for (auto it = j["config"].begin(); it != j["config"].end(); ++it)
      settings += (settings.empty() ? "" : ", ") + it.key() + "=" + (it->is_string() ? it->get<std::string>() : DumpJson(*it));
    t.AddRow({j["id"].get<std::string>(), j["kind"].get<std::string>(), j["name"].get<std::string>(),
              j["enabled"].get<bool>() ? "yes" : "no", j["credentials"].get<std::string>(), settings});
  }
  t.Print(stdout, "  ");
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
  auto* cl = conn->add_subcommand("list", "List connections as a table (--json: as JSON; credentials are never shown)");
  AddCommon(cl, *list);
  cl->callback([list] { SetExitCode(RunConnectionList(*list)); });

}

}  // namespace es::cli
