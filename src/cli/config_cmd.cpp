// `config set|show`: the TransformerConfig of a target connection, printed
// as a table of settings (values other than the default marked "(set)");
// JSON only with --json.
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "mapping/transformer_config.h"

namespace es::cli {
namespace {

struct ConfigArgs {
  Common common;
  std::string connection = "qbo";
  std::string json_text;
};

// A setting's value in one cell: strings bare, lists comma-separated,
// objects "k=v"; empty values as "(none)".
std::string ValueText(const Json& v) {
  if (v.is_string()) return v.get<std::string>().empty() ? "(none)" : v.get<std::string>();
  if (v.is_array()) {
    if (v.empty()) return "(none)";
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ", ") + (e.is_object() ? DumpJson(e) : ValueText(e));
    return out;
  }
  if (v.is_object()) {
    if (v.empty()) return "(none)";
    std::string out;
    for (auto it = v.begin(); it != v.end(); ++it) out += (out.empty() ? "" : ", ") + it.key() + "=" + ValueText(*it);
    return out;
  }
  return DumpJson(v);
}

void PrintConfigTable(const mapping::TransformerConfig& cfg, const std::string& connection, bool stored) {
  Json j = cfg.ToJson();
  Json defaults = mapping::TransformerConfig().ToJson();
  printf("Transformer settings of connection %s (%s):\n", connection.c_str(),
         stored ? "stored; unmarked rows are defaults" : "none stored: all defaults");
  TextTable t({"SETTING", "VALUE", ""});
  for (auto it = j.begin(); it != j.end(); ++it)
    t.AddRow({it.key(), ValueText(*it), defaults.value(it.key(), Json()) == *it ? "" : "(set)"});
  t.Print(stdout, "  ");
}

// Prints what was stored: the table of `config show` (--json: the JSON).
int RunConfigSet(const ConfigArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.connection}); bad != 0) return bad;
  auto j = ParseJson(a.json_text);
  if (!j.ok()) return Fail("transformer config", j.status());
  auto cfg = mapping::TransformerConfig::FromJson(*j);
  if (!cfg.ok()) return Fail("transformer config", cfg.status());
  Status s = store->PutTransformerConfig(a.common.tenant, a.connection, cfg->ToJson());
  if (!s.ok()) return Fail("saving the transformer config", s);
  if (a.common.json) {
    printf("%s\n", DumpJson(cfg->ToJson()).c_str());
    return 0;
  }
  PrintConfigTable(*cfg, a.connection, true);
  return 0;
}

int RunConfigShow(const ConfigArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  if (int bad = RequireConnections(*store, a.common, {a.connection}); bad != 0) return bad;
  auto j = store->GetTransformerConfig(a.common.tenant, a.connection);
  if (!j.ok()) return Fail("reading the transformer config", j.status());
  mapping::TransformerConfig cfg;
  if (j->has_value()) {
    auto parsed = mapping::TransformerConfig::FromJson(**j);
    if (!parsed.ok()) return Fail("stored transformer config", parsed.status());
    cfg = *parsed;
  }
  if (a.common.json) {
    printf("%s\n", DumpJson(cfg.ToJson()).c_str());
    return 0;
  }
  PrintConfigTable(cfg, a.connection, j->has_value());
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Show or set the TransformerConfig of a target connection");
  config->require_subcommand(1);
  auto set = std::make_shared<ConfigArgs>();
  auto* cs = config->add_subcommand("set", "Validate and store a TransformerConfig (JSON); prints it as a table (--json: as JSON)");
  AddCommon(cs, set->common);
  cs->add_option("--connection", set->connection, "target connection id");
  cs->add_option("json", set->json_text, "the config as JSON")->required();
  cs->callback([set] { SetExitCode(RunConfigSet(*set)); });
  auto show = std::make_shared<ConfigArgs>();
  auto* csh = config->add_subcommand("show", "Print the effective TransformerConfig as a table (--json: as JSON)");
  AddCommon(csh, show->common);
  csh->add_option("--connection", show->connection, "target connection id");
  csh->callback([show] { SetExitCode(RunConfigShow(*show)); });
}

}  // namespace es::cli
