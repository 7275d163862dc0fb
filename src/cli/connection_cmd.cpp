// `connection add|list|test`: a tenant's connections. `add` checks the settings
// against the platform's schema (Platform::validate: unknown and missing
// keys, URLs), stores them with the credentials sealed, then probes the
// connection (Platform::probe; --no-test skips it) and takes the change back
// when the probe fails. Bad input exits 2 with one line naming the key (or
// the id, which follows the server's rule); an error about a malformed
// --secret gives the position only, never the text.
// `list` prints a table without credentials.
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
  std::string id, kind, name, config, secret;
  bool disable = false;
  bool no_test = false;
};

std::string KindList() {
  std::string out;
  for (const auto& k : platforms::Registry().Kinds()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Connection ids appear in API paths and webhook URLs: the server's rule
// (1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit).
Status CheckConnectionId(const std::string& id) {
  if (id.empty()) return Status::Validation("--id: the connection id is empty");
  bool ok = id.size() <= 64;
  for (size_t i = 0; ok && i < id.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(id[i]);
    ok = std::isalnum(ch) || (i > 0 && (ch == '.' || ch == '_' || ch == '-'));
  }
  if (ok) return Status::Ok();
  return Status::Validation("--id: '" + id +
                            "' is not a connection id: use 1 to 64 letters, digits, '.', '_' or '-', starting with a "
                            "letter or digit");
}

// The parser's message for malformed JSON quotes what it last read; for
// credentials that may be part of a secret, so only the position is kept.
std::string WithoutQuotedInput(std::string message) {
  if (size_t at = message.find("; last read: "); at != std::string::npos) message.erase(at);
  return message;
}

// A setting read with GetBoolOr (as TransportFor reads insecure_skip_tls_verify
// for every kind): absent, a boolean, or a string GetBoolOr understands;
// anything else would silently read as false.
bool IsFlag(const Json& config, const char* key) {
  if (!config.contains(key)) return true;
  const Json& v = config[key];
  if (v.is_boolean()) return true;
  if (!v.is_string()) return false;
  const std::string text = v.get<std::string>();
  for (const char* word : {"true", "false", "1", "0", "yes", "no"})
    if (text == word) return true;
  return false;
}

// A JSON object from an option's text; the error names the option and,
// for malformed JSON, the position (for --secret, never the text itself).
Result<Json> ObjectOption(const char* option, const std::string& text, const char* what, bool secret = false) {
  if (text.empty())
    return Status::Validation(std::string(option) + " is required: " + what +
                              " as a JSON object (see docs/formats/connections.md)");
  auto j = ParseJson(text);
  if (!j.ok())
    return Status::Validation(std::string(option) + ": " +
                              (secret ? WithoutQuotedInput(j.status().message()) : j.status().message()));
  if (!j->is_object())
    return Status::Validation(std::string(option) + ": expected a JSON object, got " + std::string(j->type_name()));
  return j;
}

// One real call through the platform's probe: Ok when it answered, else
// the one-line reason.
Status Probe(store::StateStore& store, const Common& common, const engine::Platform& p, const store::Connection& c) {
  if (!p.probe) return Status::Ok();
  auto transport = TransportFor(store, common, {c.id});
  engine::EngineOptions options = CliEngineOptions();
  engine::ConnectorEnv env{store, common.tenant, *transport, SystemClock::Get(), options};
  return p.probe(env, c);
}

int ProbeExitCode(const Status& s) { return s.IsValidation() || s.IsAuthentication() || s.IsNotFound() ? 2 : 1; }

// Restores what was stored under the connection's id before (or removes it).
void TakeBack(store::StateStore& store, const store::Connection& c, const std::optional<store::Connection>& before) {
  Status s = before.has_value() ? store.PutConnection(*before) : store.DeleteConnection(c.tenant_id, c.id);
  if (!s.ok())
    fprintf(stderr, "warning: could not take back connection '%s': %s\n", c.id.c_str(), s.ToString().c_str());
}

int RunConnectionAdd(const ConnArgs& a) {
  // ('@', which marks sandbox mode's state keys, is refused with the rest.)
  if (Status id = CheckConnectionId(a.id); !id.ok()) return FailLine(id);
  const engine::Platform* p = platforms::Registry().Find(a.kind);
  if (p == nullptr)
    return FailLine(Status::Validation("--kind: '" + a.kind + "' is not a connection kind (" + KindList() + ")"));
  auto config = ObjectOption("--config", a.config, "the connection's settings");
  if (!config.ok()) return FailLine(config.status());
  auto secret = ObjectOption("--secret", a.secret, "the connection's credentials", true);
  if (!secret.ok()) return FailLine(secret.status());
  if (!IsFlag(*config, "insecure_skip_tls_verify"))
    return FailLine(Status::Validation("connection '" + a.id + "' (" + p->title +
                                       "): config: 'insecure_skip_tls_verify' must be true or false"));
  if (p->validate) {
    Status valid = p->validate(*config, *secret);
    if (!valid.ok())
      return FailLine(Status::Validation("connection '" + a.id + "' (" + p->title + "): " + valid.message()));
  }

  int rc = 0;
  auto store = OpenForTenant(a.common, &rc, Credentials::kWrite);
  if (!store) return rc;
  auto before = store->GetConnection(a.common.tenant, a.id);
  if (!before.ok()) return Fail("reading connection '" + a.id + "'", before.status());

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

  // The probe runs against the stored connection (a QuickBooks probe may
  // rotate its tokens and must save them).
  std::string tested = " (not tested: --no-test)";
  if (!a.no_test && p->probe) {
    Status probed = Probe(*store, a.common, *p, c);
    if (!probed.ok()) {
      TakeBack(*store, c, *before);
      fprintf(stderr, "error: connection '%s' (%s) not saved: %s (--no-test saves it without this check)\n",
              c.id.c_str(), p->title.c_str(), probed.message().c_str());
      return ProbeExitCode(probed);
    }
    tested = " (" + p->title + " answered)";
  }
  printf("connection %s (%s) saved for tenant %s%s\n", c.id.c_str(), c.kind.c_str(), c.tenant_id.c_str(),
         tested.c_str());
  return 0;
}

int RunConnectionTest(const ConnArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.id}); bad != 0) return bad;
  auto c = store->GetConnection(a.common.tenant, a.id);
  if (!c.ok()) return Fail("reading connection '" + a.id + "'", c.status());
  const engine::Platform* p = platforms::Registry().Find((*c)->kind);
  if (p == nullptr)
    return FailLine(Status::Validation("connection '" + a.id + "' has unknown kind '" + (*c)->kind + "'"));
  Status probed = Probe(*store, a.common, *p, **c);
  if (!probed.ok()) {
    fprintf(stderr, "error: connection '%s' (%s): %s\n", a.id.c_str(), p->title.c_str(), probed.message().c_str());
    return ProbeExitCode(probed);
  }
  printf("connection %s (%s): %s answered\n", a.id.c_str(), (*c)->kind.c_str(), p->title.c_str());
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
  auto store = OpenForTenant(c, &rc);
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
  auto* ca = conn->add_subcommand("add", "Add or replace a connection (checked, then probed)");
  AddCommon(ca, add->common);
  ca->add_option("--id", add->id, "connection id")->required();
  ca->add_option("--kind", add->kind, "connector kind: " + KindList())->required();
  ca->add_option("--name", add->name, "display name");
  ca->add_option("--config", add->config, "settings as a JSON object (see docs/formats/connections.md)");
  ca->add_option("--secret", add->secret, "credentials as a JSON object")->envname("EASYSALE_CONNECTION_SECRET");
  ca->add_flag("--disabled", add->disable, "add it disabled");
  ca->add_flag("--no-test", add->no_test, "save without probing the connection");
  ca->callback([add] { SetExitCode(RunConnectionAdd(*add)); });
  auto list = std::make_shared<Common>();
  auto* cl = conn->add_subcommand("list", "List connections as a table (--json: as JSON; credentials are never shown)");
  AddCommon(cl, *list);
  cl->callback([list] { SetExitCode(RunConnectionList(*list)); });
  auto test = std::make_shared<ConnArgs>();
  auto* ct = conn->add_subcommand("test", "Probe a stored connection with one real call");
  AddCommon(ct, test->common);
  ct->add_option("--id", test->id, "connection id")->required();
  ct->callback([test] { SetExitCode(RunConnectionTest(*test)); });

}

}  // namespace es::cli
