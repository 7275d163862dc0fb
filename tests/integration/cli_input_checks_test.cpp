// More of the binary's answers to bad input and its private files: connection
// ids, secrets never quoted in JSON errors, the TLS switch's type, a master
// key that does not open the stored credentials, unknown tenants in `runs`
// and `tenant remove`, the demo's server log, and QuickBooks tokens rotated
// by the CLI and by `serve` read by the other.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "http/transport.h"
#include "integration/cli_input_home.h"
#include "support/child_process.h"
#include "support/cli_connections.h"
#include "support/cli_run.h"

namespace es::testing {
namespace {

using namespace cli_input;  // NOLINT: the helpers of this file's tests

class CliInputChecks : public CliInput {
 protected:
  std::string WooArgs() const {
    return " --config " + Quote(DumpJson(woo_config_)) + " --secret " + Quote(DumpJson(woo_secret_));
  }
};

TEST_F(CliInputChecks, ConnectionIdsFollowTheServersRule) {
  AddShop();
  for (const std::string& id : std::vector<std::string>{"''", "'a b/c'", "'w@x'", ".dot", std::string(65, 'x')}) {
    auto r = home_.RunKeyed("connection add --tenant shop --kind woo --id " + id + WooArgs());
    EXPECT_EQ(r.code, 2) << id << ": " << r.err;
    EXPECT_EQ(r.err.rfind("error: --id: ", 0), 0u) << id << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << id << ": " << r.err;
  }
  auto r = home_.RunKeyed("connection add --tenant shop --kind woo --id shop-1.main_woo" + WooArgs());
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(CliInputChecks, MalformedSecretsAreNeverQuotedInTheError) {
  AddShop();
  const std::string config = " --config " + Quote(DumpJson(woo_config_));
  for (const std::string secret : {"{\"consumer_key\": \"ck\", \"consumer_secret\": cs_very_private_value}",
                                   "{\"consumer_key\": \"ck\", \"consumer_secret\": \"cs_very_private_value\\x\"}",
                                   "{\"consumer_key\": \"ck\", \"consumer_secret\": \"cs_very_private_value"}) {
    auto r = home_.RunKeyed("connection add --tenant shop --id woo --kind woo" + config + " --secret " + Quote(secret));
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--secret: invalid JSON at line 1, column"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("cs_very"), std::string::npos) << "the secret is quoted: " << r.err;
  }
  // The settings are not secret: their error still shows what was read.
  auto r = home_.RunKeyed("connection add --tenant shop --id woo --kind woo --config '{\"base_url\": htt}' --secret " +
                          Quote(DumpJson(woo_secret_)));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("last read: '\"base_url\": h'"), std::string::npos) << r.err;
}

TEST_F(CliInputChecks, TheTlsSwitchIsTrueOrFalse) {
  AddShop();
  Json config = woo_config_;
  config["insecure_skip_tls_verify"] = "ture";
  auto r = home_.RunKeyed(WooAdd("shop", "woo", config, woo_secret_));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("config: 'insecure_skip_tls_verify' must be true or false"), std::string::npos) << r.err;
  config["insecure_skip_tls_verify"] = false;
  r = home_.RunKeyed(WooAdd("shop", "woo", config, woo_secret_));
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(CliInputChecks, AnotherMasterKeyIsNamedAndTheConnectionsStillListed) {
  AddShop();
  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  const std::vector<std::string> other = {
      "EASYSALE_MASTER_KEY=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"};
  for (const std::string cmd : {"connection test --tenant shop --id woo",
                                "sync --tenant shop --source woo --target woo --dry-run"}) {
    auto r = home_.Run(cmd, other);
    EXPECT_EQ(r.code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("error: the credentials of connection 'woo' do not open with this master key"),
              std::string::npos)
        << cmd << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << cmd << ": " << r.err;
  }
  auto r = home_.Run("connection list --tenant shop --json", other);
  ASSERT_EQ(r.code, 0) << r.err;
  auto listed = ParseJson(r.out);
  ASSERT_TRUE(listed.ok()) << r.out;
  ASSERT_EQ(listed->size(), 1u) << r.out;
  EXPECT_EQ((*listed)[0]["credentials"], "set (hidden)");
  r = home_.Run("tenant list --json", other);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ((*ParseJson(r.out))[0]["connections"], 1) << r.out;
}

TEST_F(CliInputChecks, RunsAndTenantRemoveRefuseUnknownTenants) {
  AddShop();
  for (const std::string cmd : {"runs list --tenant nosuch", "runs list --tenant nosuch --json",
                                "runs stop 0b6c --tenant nosuch"}) {
    auto r = home_.Run(cmd);
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_EQ(r.out, "") << cmd;
    EXPECT_NE(r.err.find("error: tenant 'nosuch' does not exist (tenants: shop)"), std::string::npos) << cmd << r.err;
  }
  auto r = home_.Run("tenant remove nosuch");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: tenant 'nosuch' does not exist (tenants: shop); nothing removed\n");
}

// Without --tenant the commands act on 'default'; when that tenant does not
// exist the error says how to name one instead of suggesting to add 'default'.
TEST_F(CliInputChecks, WithoutATenantTheErrorSaysHowToNameOne) {
  AddShop();
  auto r = home_.Run("status");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: no tenant named 'default'; name one with --tenant ID or EASYSALE_TENANT=ID (tenants: shop)\n");
  r = home_.Run("connection list", {"EASYSALE_TENANT=shop"});
  EXPECT_EQ(r.code, 0) << r.err;
}

// The demo's server log is the owner's only, like the store beside it.
TEST_F(CliInputChecks, TheDemosServerLogIsPrivate) {
  const fs::path dir = home_.root() / "demo";
  fs::create_directories(dir);
  es::test::Child demo = es::test::Spawn(
      ES_BINARY, es::test::SplitArgs("demo --orders 6 --customers 3 --products 3 --port 0 --data " + (dir / "d").string()),
      dir, "demo", -1, {{"HOME", home_.home().string()}});
  ASSERT_GT(demo.pid, 0);
  const bool serving = es::test::WaitFor([&] { return demo.Out().find("Server log:") != std::string::npos; }, 60'000, 100);
  kill(demo.pid, SIGTERM);
  es::test::WaitExit(demo.pid, 30'000);
  ASSERT_TRUE(serving) << demo.Out() << demo.Err();
  EXPECT_EQ(Mode(dir / "d" / "server.log"), 0600);
  EXPECT_EQ(Mode(dir / "d"), 0700);
  EXPECT_EQ(Mode(dir / "d" / "state.db"), 0600);
}

// QuickBooks rotates refresh tokens: a token the CLI rotated is read by
// `serve`, and one `serve` rotated is read by the CLI (each old one is dead).
TEST_F(CliInputChecks, QuickBooksTokensRotatedByOneAreReadByTheOther) {
  qbo::sandbox::Server qbo{qbo::sandbox::Options{}};
  ASSERT_TRUE(qbo.Start(0).ok());
  ASSERT_EQ(home_.Run("key generate").code, 0);
  AddShop();
  // access_expires_at_ms 0: the probe of `connection add` refreshes (rotation by the CLI).
  auto r = home_.Run("connection add --tenant shop" + es::test::QboConnectionArgs(qbo, qbo.IssueTokens()));
  ASSERT_EQ(r.code, 0) << r.err;

  ServeProcess serve(home_, {std::string("EASYSALE_JWT_SECRET=") + kJwtSecret, "EASYSALE_ALLOW_PRIVATE_TARGETS=1"});
  ASSERT_FALSE(serve.base_url().empty()) << serve.errors();
  auto call = [&](const std::string& method, const std::string& path, const Json& body) {
    return serve.Call(home_, "shop", method, path, body);
  };
  auto expire = [&] {
    auto put = call("PUT", "/api/v1/connections/qbo/credentials", Json{{"access_expires_at_ms", 1}});
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    ASSERT_EQ(put->status, 200) << put->body;
  };
  auto expires_at = [&] {
    auto got = call("GET", "/api/v1/connections/qbo/credentials", Json());
    EXPECT_TRUE(got.ok() && got->status == 200) << (got.ok() ? got->body : got.status().ToString());
    return got.ok() && got->status == 200 ? (*ParseJson(got->body))["credentials"]["access_expires_at_ms"] : Json();
  };

  // `serve` refreshes with the refresh token the CLI rotated and saves the new one.
  expire();
  auto tested = call("POST", "/api/v1/connections/qbo/test", Json::object());
  ASSERT_TRUE(tested.ok()) << tested.status().ToString();
  EXPECT_EQ((*ParseJson(tested->body))["status"]["status"], "ok") << tested->body;
  EXPECT_NE(expires_at(), 1) << "the server did not refresh";

  // The CLI refreshes with the refresh token `serve` rotated.
  expire();
  r = home_.Run("connection test --tenant shop --id qbo");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("QuickBooks Online answered"), std::string::npos) << r.out;
  EXPECT_NE(expires_at(), 1) << "the CLI did not refresh";
  EXPECT_EQ(ReadAll(home_.data() / "state.db").find(qbo.options().client_secret), std::string::npos);
}

}  // namespace
}  // namespace es::testing
