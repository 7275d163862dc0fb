// `sync` asks before writing many records (SPEC F10): against a store with
// 500 orders it shows the plan and asks "Proceed? [y/N]" on a terminal (a
// pseudo-terminal here), --yes proceeds without asking, and without a
// terminal and without --yes it refuses with one line. Sandbox mode: `tenant
// sandbox on|off` and the notice in `sync` and `status`.
//
// The other suites of this binary run `sync` the way scripts do: without a
// terminal and confirmed beforehand, through EASYSALE_YES (the environment
// form of --yes), set below for the whole binary. The tests here remove it
// from the commands that must ask.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_run.h"
#include "support/cli_sandbox_test.h"
#include "support/pty_run.h"

namespace es::testing {
namespace {

const bool kScriptsAreConfirmed = [] { return setenv("EASYSALE_YES", "1", 0) == 0; }();

using es::test::Quote;

// Runs `args` without EASYSALE_YES and without a terminal.
es::test::CliRun RunAsking(const std::string& args) {
  return es::test::RunCli("env -u EASYSALE_YES " + std::string(ES_BINARY), args);
}

// Runs `args` on a pseudo-terminal without EASYSALE_YES; once `prompt` shows,
// types `answer`.
es::test::PtyRun RunOnTerminal(const std::string& args, const std::string& prompt, const std::string& answer) {
  return es::test::RunOnTerminal(ES_BINARY, args, prompt, answer);
}

class CliConfirm : public es::test::CliSandboxTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kScriptsAreConfirmed);
    es::test::CliSandboxOptions o;
    o.name = "confirm";
    o.woo.orders = 500;
    o.woo.customers = 40;
    o.woo.products = 12;
    o.woo.seed = 11;
    ASSERT_NO_FATAL_FAILURE(StartSandboxes(ES_BINARY, o));
  }
};

TEST_F(CliConfirm, BigSyncAsksOnATerminalRefusesWithoutOneAndRunsWithYes) {
  // No terminal, no --yes: one line saying what to add; nothing written.
  auto refused = RunAsking("sync " + store_args_);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("add --yes"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_EQ(QboDocuments(), 0);

  // On a terminal: the plan, then the question; "n" writes nothing.
  auto declined = RunOnTerminal("sync " + store_args_, "Proceed? [y/N]", "n");
  EXPECT_EQ(declined.exit_code, 1) << declined.output;
  EXPECT_NE(declined.output.find("This sync would write"), std::string::npos) << declined.output;
  EXPECT_NE(declined.output.find("orders"), std::string::npos) << declined.output;
  EXPECT_NE(declined.output.find("Nothing written."), std::string::npos) << declined.output;
  EXPECT_EQ(QboDocuments(), 0);

  // "y" runs it (customers only, to keep the test short).
  auto accepted = RunOnTerminal("sync " + store_args_ + " --entities customers", "Proceed? [y/N]", "y");
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_GT(qbo_->CountEntities("Customer"), 10);

  // --yes: no plan, no question (the products, to keep the test short).
  auto yes = RunAsking("sync " + store_args_ + " --entities products --yes --json");
  ASSERT_EQ(yes.exit_code, 0) << yes.err;
  EXPECT_EQ(yes.err.find("Proceed?"), std::string::npos);
  EXPECT_GT(qbo_->CountEntities("Item"), 0);

  // Nothing left to write: no question even without a terminal.
  auto quiet = RunAsking("sync " + store_args_ + " --entities customers,products --json");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
}

TEST_F(CliConfirm, SandboxModeIsSwitchedAndShown) {
  auto on = es::test::RunCli(ES_BINARY, "tenant sandbox on " + store_args_ + " --json");
  ASSERT_EQ(on.exit_code, 0) << on.err;
  auto j = ParseJson(on.out);
  ASSERT_TRUE(j.ok()) << on.out;
  EXPECT_TRUE((*j)["sandbox"].get<bool>());
  EXPECT_EQ((*j)["targets"]["qbo"], "https://sandbox-quickbooks.api.intuit.com");

  auto status = es::test::RunCli(ES_BINARY, "status " + store_args_);
  EXPECT_NE(status.out.find("SANDBOX MODE"), std::string::npos) << status.out;

  auto off = es::test::RunCli(ES_BINARY, "tenant sandbox off " + store_args_);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_NE(off.out.find("sandbox mode off"), std::string::npos) << off.out;
  EXPECT_NE(off.out.find(qbo_->base_url()), std::string::npos) << off.out;
  status = es::test::RunCli(ES_BINARY, "status " + store_args_);
  EXPECT_EQ(status.out.find("SANDBOX MODE"), std::string::npos) << status.out;
  EXPECT_EQ(es::test::RunCli(ES_BINARY, "tenant sandbox maybe " + store_args_).exit_code, 2);
}

}  // namespace
}  // namespace es::testing
