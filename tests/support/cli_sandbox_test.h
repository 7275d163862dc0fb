// CliSandboxTest: the start of a CLI integration test — a WooCommerce and a
// QuickBooks sandbox (QBO's throttle off), a directory of the test's own
// with a SQLite state store, and tenant "shop" connected to both
// (connections "woo" and "qbo") through the binary, as a user sets it up —
// plus running the binary in that directory and starting `serve` on it.
//
// A fixture derives from it and calls StartSandboxes() in its SetUp (under
// ASSERT_NO_FATAL_FAILURE); TearDown() stops the sandboxes and removes the
// directory (a fixture overriding it calls this one).
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "support/child_process.h"
#include "support/cli_connections.h"

namespace es::test {

// The state store's master key in these tests (EASYSALE_MASTER_KEY).
inline constexpr char kCliMasterKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct CliSandboxOptions {
  std::string name = "cli";           // the directory: <tmp>/es-<name>-<pid>-<test>
  woo::sandbox::Options woo;          // the shop sandbox
  Json woo_secret = Json::object();   // added to the "woo" connection's secret (webhook_secret, …)
};

// A command that ran to its end: exit code (-1: killed after 60 s), stdout, stderr.
struct CliOut {
  int code = -1;
  std::string out, err;
};

class CliSandboxTest : public ::testing::Test {
 protected:
  // Starts both sandboxes, makes the directory (emptied first) and sets the
  // tenant up with `binary`. EASYSALE_MASTER_KEY (kCliMasterKey) is also set
  // in this process's environment, for commands run through cli_run.h.
  void StartSandboxes(const std::string& binary, CliSandboxOptions options) {
    binary_ = binary;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("es-" + options.name + "-" + std::to_string(getpid()) + "-" + (test != nullptr ? test->name() : "x"));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_url_ = "sqlite://" + (dir_ / "state.db").string();
    store_args_ = "--store " + store_url_ + " --tenant shop";
    setenv("EASYSALE_MASTER_KEY", kCliMasterKey, 1);

    woo_ = std::make_unique<woo::sandbox::Server>(options.woo);
    qbo::sandbox::Options qo;
    qo.throttle = false;
    qbo_ = std::make_unique<qbo::sandbox::Server>(qo);
    ASSERT_TRUE(woo_->Start(0).ok());
    ASSERT_TRUE(qbo_->Start(0).ok());

    CliOut t = Run({"tenant", "add", "shop", "--store", store_url_});
    ASSERT_EQ(t.code, 0) << t.err;
    Json woo_secret = WooConnectionSecret(*woo_);
    woo_secret.update(options.woo_secret);
    CliOut w = Run({"connection", "add", "--store", store_url_, "--tenant", "shop", "--id", "woo", "--kind", "woo",
                    "--config", DumpJson(WooConnectionConfig(*woo_)), "--secret", DumpJson(woo_secret)});
    ASSERT_EQ(w.code, 0) << w.err;
    CliOut q = Run({"connection", "add", "--store", store_url_, "--tenant", "shop", "--id", "qbo", "--kind", "qbo",
                    "--config", DumpJson(QboConnectionConfig(*qbo_)), "--secret",
                    DumpJson(QboConnectionSecret(*qbo_, qbo_->IssueTokens()))});
    ASSERT_EQ(q.code, 0) << q.err;
  }

  void TearDown() override {
    qbo_.reset();
    woo_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // `binary args…` in the background in the directory (output in
  // <name>.out and <name>.err there), with env_ added to its environment.
  Child Launch(const std::vector<std::string>& args, const std::string& name) {
    return Spawn(binary_, args, dir_, name, -1, env_);
  }
  // Launch, then wait for the exit (60 s at most).
  CliOut Run(const std::vector<std::string>& args) {
    Child c = Launch(args, "cmd-" + std::to_string(++seq_));
    CliOut o;
    o.code = WaitExit(c.pid, 60'000);
    o.out = c.Out();
    o.err = c.Err();
    return o;
  }
  // `serve --port 0 --store <store> extra…`, once it says where it listens:
  // *port is then its port; 0 when it did not within 30 s (see its Err()).
  Child StartServe(const std::vector<std::string>& extra, int* port) {
    std::vector<std::string> args = {"serve", "--port", "0", "--store", store_url_};
    args.insert(args.end(), extra.begin(), extra.end());
    Child serve = Launch(args, "serve");
    constexpr std::string_view kServing = "serving on http://127.0.0.1:";
    *port = 0;
    WaitFor(
        [&] {
          const std::string out = serve.Out();
          const size_t at = out.find(kServing);
          if (at != std::string::npos) *port = std::atoi(out.c_str() + at + kServing.size());
          return *port > 0;
        },
        30'000, 50);
    return serve;
  }

  // QBO documents of orders (Invoice + SalesReceipt) in the sandbox.
  int64_t QboDocuments() const { return qbo_->CountEntities("Invoice") + qbo_->CountEntities("SalesReceipt"); }

  // Added to the environment of every command Launch() starts.
  std::map<std::string, std::string> env_ = {{"EASYSALE_MASTER_KEY", kCliMasterKey},
                                             {"EASYSALE_ALLOW_PRIVATE_TARGETS", "1"}};
  std::filesystem::path dir_;
  std::string store_url_;   // sqlite://<dir>/state.db
  std::string store_args_;  // "--store <store_url_> --tenant shop", for cli_run.h command lines
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;

 private:
  std::string binary_;
  int seq_ = 0;
};

}  // namespace es::test
