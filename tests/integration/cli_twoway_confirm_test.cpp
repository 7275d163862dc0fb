// Confirmations of the command line beyond `sync` (SPEC F10,
// docs/confirmations.md): `reconcile --fix` shows its repairs and asks
// "Proceed? [y/N]" on a terminal; `mapping import` and `mapping rollback`
// ask when the mapping applies to more than 10 records already synced,
// refuse without a terminal (rc 2, one line), run with --yes or
// EASYSALE_YES=1, and audit the change.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"
#include "support/cli_run.h"
#include "support/cli_sandbox_test.h"
#include "support/pty_run.h"

namespace es::testing {
namespace {

using es::test::Quote;

// Runs `args` without EASYSALE_YES and without a terminal.
es::test::CliRun RunAsking(const std::string& args) {
  return es::test::RunCli("env -u EASYSALE_YES " + std::string(ES_BINARY), args);
}
es::test::CliRun RunConfirmed(const std::string& args) {
  return es::test::RunCli("env EASYSALE_YES=1 " + std::string(ES_BINARY), args);
}

Json NoteMapping(const std::string& prefix) {
  return {{"name", "order"},
          {"entity", "order"},
          {"target", "qbo"},
          {"rules", Json::array({{{"source", "number"},
                                  {"target", "PrivateNote"},
                                  {"transforms", Json::array({{{"op", "concat"}, {"prefix", prefix}}})}}})}};
}

class CliTwoWayConfirm : public es::test::CliSandboxTest {
 protected:
  void SetUp() override {
    es::test::CliSandboxOptions o;
    o.name = "twoway-confirm";
    o.woo.orders = 20;
    o.woo.customers = 5;
    o.woo.products = 5;
    o.woo.seed = 17;
    ASSERT_NO_FATAL_FAILURE(StartSandboxes(ES_BINARY, o));
  }

  std::string WriteMapping(const std::string& name, const Json& doc) {
    auto path = dir_ / name;
    std::ofstream(path) << DumpJson(doc);
    return path.string();
  }
  int64_t Versions() {
    auto r = es::test::RunCli(ES_BINARY, "mapping versions " + store_args_ + " order --json");
    auto j = ParseJson(r.out);
    return j.ok() && j->is_array() ? static_cast<int64_t>(j->size()) : -1;
  }
};

TEST_F(CliTwoWayConfirm, ReconcileFixAndBulkMappingChangesAsk) {
  // reconcile --fix on a terminal: the repairs (every order missing), then
  // the question; "n" writes nothing, "y" applies them.
  auto declined = es::test::RunOnTerminal(ES_BINARY, "reconcile --fix " + store_args_, "Proceed? [y/N]", "n");
  EXPECT_EQ(declined.exit_code, 1) << declined.output;
  EXPECT_NE(declined.output.find("These repairs write"), std::string::npos) << declined.output;
  EXPECT_NE(declined.output.find("Nothing written."), std::string::npos) << declined.output;
  EXPECT_EQ(QboDocuments(), 0);
  // Without a terminal the plan ends with how to apply it.
  auto planned = RunAsking("reconcile --fix " + store_args_);
  EXPECT_EQ(planned.exit_code, 3) << planned.out << planned.err;
  EXPECT_NE(planned.out.find("--fix --yes"), std::string::npos) << planned.out;
  EXPECT_EQ(QboDocuments(), 0);
  auto fixed = es::test::RunOnTerminal(ES_BINARY, "reconcile --fix " + store_args_, "Proceed? [y/N]", "y");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_NE(fixed.output.find("repairs applied"), std::string::npos) << fixed.output;
  // One document per order the configuration syncs (the others' statuses are not synced).
  const int64_t docs = QboDocuments();
  ASSERT_GT(docs, 10) << fixed.output;
  auto state = store::OpenStore(store_url_);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const int64_t mapped = *(*state)->CountMappings("shop", "qbo", "order");
  EXPECT_EQ(mapped, docs);
  const std::string n = std::to_string(mapped);

  // More than 10 orders synced: importing a mapping for orders asks.
  const std::string v1 = WriteMapping("v1.json", NoteMapping("Woo #"));
  auto refused = RunAsking("mapping import " + store_args_ + " " + v1);
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("mapping 'order' applies to " + n + " order records already synced"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("add --yes"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_EQ(Versions(), 0);

  auto no = es::test::RunOnTerminal(ES_BINARY, "mapping import " + store_args_ + " " + v1, "Proceed? [y/N]", "n");
  EXPECT_EQ(no.exit_code, 1) << no.output;
  EXPECT_NE(no.output.find("Changing mapping 'order' applies to " + n + " order records"), std::string::npos) << no.output;
  EXPECT_NE(no.output.find("update " + n), std::string::npos) << no.output;
  EXPECT_EQ(Versions(), 0);
  auto yes = es::test::RunOnTerminal(ES_BINARY, "mapping import " + store_args_ + " " + v1, "Proceed? [y/N]", "y");
  EXPECT_EQ(yes.exit_code, 0) << yes.output;
  EXPECT_NE(yes.output.find("imported: mapping 'order' version 1"), std::string::npos) << yes.output;

  // --yes and EASYSALE_YES=1 change it without asking; rollback asks as well.
  const std::string v2 = WriteMapping("v2.json", NoteMapping("Shop #"));
  EXPECT_EQ(RunAsking("mapping import " + store_args_ + " --yes " + v2).exit_code, 0);
  auto rollback = RunAsking("mapping rollback " + store_args_ + " order 1");
  EXPECT_EQ(rollback.exit_code, 2) << rollback.err;
  EXPECT_EQ(Versions(), 2);
  auto rolled = RunConfirmed("mapping rollback " + store_args_ + " order 1");
  EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(Versions(), 3);
  EXPECT_EQ(QboDocuments(), docs);  // a mapping change itself writes nothing

  // Every change is in the audit log with how it was confirmed.
  store::AuditFilter filter;
  filter.tenant_id = "shop";
  auto audit = (*state)->ListAudit(filter);
  ASSERT_TRUE(audit.ok());
  std::vector<std::string> seen;
  for (const auto& e : *audit)
    if (e.action.rfind("mapping.", 0) == 0)
      seen.push_back(e.action + " " + GetStringOr(e.detail, "confirmation") + " " +
                     std::to_string(GetIntOr(e.detail, "records", -1)));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"mapping.rollback --yes " + n, "mapping.update --yes " + n,
                                            "mapping.update asked " + n}));
}

}  // namespace
}  // namespace es::testing
