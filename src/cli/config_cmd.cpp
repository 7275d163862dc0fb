// `config set|show`: the TransformerConfig of a target connection.
#include <cstdio>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mapping/transformer_config.h"

namespace es::cli {
namespace {

struct ConfigArgs {
  Common common;
  std::string connection = "qbo";
  std::string json_text;
};

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
  printf("%s\n", DumpJson(cfg->ToJson()).c_str());
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
  printf("%s\n", cfg.ToJson().dump(2).c_str());
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app) {
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
