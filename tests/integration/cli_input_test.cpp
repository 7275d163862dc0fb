// The real easysale-sync binary given bad input: `connection add` checks the
// settings against the platform's schema and probes the connection, tenants
// are explicit, unknown tenants and connections are refused (rc 2), the data
// directory is per user and private, credentials are sealed with the master
// key the server uses, and the CLI and `serve` read each other's connections.
// Each command runs with a clean environment and its own HOME
// (integration/cli_input_home.h).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/json.h"
#include "connectors/supabase/warehouse.h"
#include "connectors/woo/sandbox/server.h"
#include "http/transport.h"
#include "integration/cli_input_home.h"
#include "store/postgres/postgres_test_harness.h"
#include "support/cli_run.h"

namespace es::testing {
namespace {

using namespace cli_input;  // NOLINT: the helpers of this file's tests

TEST_F(CliInput, ConnectionAddRefusesEachBadInputWithOneLineNamingTheKey) {
  AddShop();
  struct Case {
    std::string name;
    std::string args;
    std::string expect;
  };
  const std::string base = "connection add --tenant shop --id woo --kind woo";
  const std::string config = " --config " + Quote(DumpJson(woo_config_));
  const std::string secret = " --secret " + Quote(DumpJson(woo_secret_));
  Json typo = {{"base-url", woo_->base_url()}};
  Json no_scheme = {{"base_url", "shop.example"}};
  Json wrong_keys = {{"key", "ck"}, {"secret", "cs"}};
  Json half = {{"consumer_key", "ck_sandbox_key"}};
  const std::vector<Case> cases = {
      {"typo key", base + " --config " + Quote(DumpJson(typo)) + secret, "config: unknown key 'base-url'"},
      {"missing --config", base + secret, "--config is required"},
      {"missing --secret", base + config, "--secret is required"},
      {"wrong secret keys", base + config + " --secret " + Quote(DumpJson(wrong_keys)), "secret: unknown key 'key'"},
      {"missing secret key", base + config + " --secret " + Quote(DumpJson(half)),
       "secret: 'consumer_secret' is required"},
      {"no scheme", base + " --config " + Quote(DumpJson(no_scheme)) + secret,
       "config: 'base_url' must be an http:// or https:// URL with a host, not 'shop.example'"},
      {"malformed JSON", base + " --config " + Quote("{\"base_url\": \"http://x\",\n \"auth\" \"basic\"}") + secret,
       "--config: invalid JSON at line 2, column"},
      {"not an object", base + " --config '[1]'" + secret, "--config: expected a JSON object, got array"},
      {"unknown kind", "connection add --tenant shop --id w --kind shopify" + config + secret,
       "--kind: 'shopify' is not a connection kind (woo, qbo, supabase)"},
      {"missing realm_id", "connection add --tenant shop --id q --kind qbo --config '{\"client_id\":\"c\"}' "
                           "--secret '{\"client_secret\":\"s\"}'",
       "config: 'realm_id' is required"},
  };
  for (const auto& c : cases) {
    auto r = home_.RunKeyed(c.args);
    EXPECT_EQ(r.code, 2) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.name << ": " << r.err;
  }

  // A wrong secret is caught by the probe; nothing is saved.
  Json bad_secret = {{"consumer_key", "ck_sandbox_key"}, {"consumer_secret", "cs_wrong"}};
  auto r = home_.RunKeyed(WooAdd("shop", "woo", woo_config_, bad_secret));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("WooCommerce rejected the key (401) — check consumer_key/consumer_secret"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("cs_wrong"), std::string::npos) << "secrets are never printed: " << r.err;
  auto listed = home_.Run("connection list --tenant shop --json");
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_EQ(ParseJson(listed.out)->size(), 0u) << listed.out;

  // --no-test saves without the probe; a good secret passes it.
  r = home_.RunKeyed(WooAdd("shop", "woo", woo_config_, bad_secret) + " --no-test");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("not tested"), std::string::npos) << r.out;
  r = home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("WooCommerce answered"), std::string::npos) << r.out;
}

TEST_F(CliInput, ConnectionAddWithoutAMasterKeySaysHowToMakeOne) {
  AddShop();
  auto r = home_.Run(WooAdd("shop", "woo", woo_config_, woo_secret_));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("openssl rand -hex 32"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("easysale-sync key generate"), std::string::npos) << r.err;

  // Two commands: generate the key, then add; the key file is found in the data directory.
  r = home_.Run("key generate");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Mode(home_.data() / "master.key"), 0600);
  r = home_.Run(WooAdd("shop", "woo", woo_config_, woo_secret_));
  EXPECT_EQ(r.code, 0) << r.err;
  // A second `key generate` never replaces the key.
  const std::string key = ReadAll(home_.data() / "master.key");
  r = home_.Run("key generate");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(ReadAll(home_.data() / "master.key"), key);
}

TEST_F(CliInput, UnknownTenantsConnectionsAndIdsAreRefused) {
  auto r = home_.Run("status --tenant nosuch");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("tenant 'nosuch' does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tenant add nosuch"), std::string::npos) << r.err;

  AddShop();
  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  // No implicit tenants: adding a connection to an unknown tenant is refused.
  r = home_.RunKeyed(WooAdd("other", "woo", woo_config_, woo_secret_));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("tenant 'other' does not exist (tenants: shop)"), std::string::npos) << r.err;

  r = home_.RunKeyed("sync --tenant shop --source nosuch --target qbo");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("connection 'nosuch' does not exist in tenant 'shop' (connections: woo)"), std::string::npos)
      << r.err;
  r = home_.RunKeyed("reconcile --tenant shop --source woo --target nosuch");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("connection 'nosuch' does not exist"), std::string::npos) << r.err;
  r = home_.Run("config show --tenant shop --connection nosuch");
  EXPECT_EQ(r.code, 2);

  r = home_.RunKeyed("sync --tenant shop --source woo --target woo --ids 12,abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--ids: 'abc' is not a WooCommerce id (expected digits)"), std::string::npos) << r.err;
}

TEST_F(CliInput, TenantsAreAddedListedAndRemoved) {
  auto r = home_.Run("tenant list");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no tenants yet"), std::string::npos) << r.out;
  ASSERT_EQ(home_.Run("tenant add shop --name 'Corner Shop'").code, 0);
  ASSERT_EQ(home_.Run("tenant add lab").code, 0);
  EXPECT_EQ(home_.Run("tenant add 'bad id'").code, 2);
  r = home_.Run("tenant list --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  ASSERT_EQ(j->size(), 2u);
  EXPECT_EQ((*j)[0]["id"], "lab");
  EXPECT_EQ((*j)[1]["name"], "Corner Shop");

  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  r = home_.Run("tenant remove shop");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("has 1 connection(s)"), std::string::npos) << r.err;
  r = home_.Run("tenant remove shop --yes");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(home_.Run("tenant remove lab").code, 0);  // nothing in it: no --yes needed
  EXPECT_EQ(home_.Run("tenant remove lab").code, 2);
  EXPECT_EQ(home_.Run("status --tenant shop").code, 2);
  r = home_.Run("tenant list --json");
  EXPECT_EQ(ParseJson(r.out)->size(), 0u) << r.out;
}

TEST_F(CliInput, DataDirectoryIsPerUserPrivateAndIndependentOfTheCurrentDirectory) {
  AddShop();
  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  EXPECT_EQ(Mode(home_.data()), 0700);
  EXPECT_EQ(Mode(home_.data() / "state.db"), 0600);
  for (const char* side : {"state.db-wal", "state.db-shm"})
    if (fs::exists(home_.data() / side)) {
      EXPECT_EQ(Mode(home_.data() / side), 0600) << side;
    }
  EXPECT_FALSE(fs::exists(home_.root() / "cwd" / ".easysale"));

  // Another working directory sees the same store.
  auto r = home_.Run("tenant list --json", {}, home_.root());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ParseJson(r.out)->size(), 1u) << r.out;

  // --data, EASYSALE_DATA and XDG_DATA_HOME choose other directories.
  const fs::path other = home_.root() / "other-data";
  ASSERT_EQ(home_.Run("tenant add a --data " + other.string()).code, 0);
  EXPECT_EQ(Mode(other), 0700);
  EXPECT_EQ(Mode(other / "state.db"), 0600);
  r = home_.Run("tenant list --json", {"EASYSALE_DATA=" + other.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ((*ParseJson(r.out))[0]["id"], "a");
  const fs::path xdg = home_.root() / "xdg";
  ASSERT_EQ(home_.Run("tenant add x", {"XDG_DATA_HOME=" + xdg.string()}).code, 0);
  EXPECT_EQ(Mode(xdg / "easysale-sync" / "state.db"), 0600);
  // --store still wins.
  const fs::path file = home_.root() / "explicit" / "s.db";
  ASSERT_EQ(home_.Run("tenant add y --store sqlite://" + file.string()).code, 0);
  EXPECT_EQ(Mode(file), 0600);
}

TEST_F(CliInput, CredentialsAreSealedInTheStoreFile) {
  AddShop();
  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  std::string bytes;
  for (const char* f : {"state.db", "state.db-wal"})
    if (fs::exists(home_.data() / f)) bytes += ReadAll(home_.data() / f);
  EXPECT_EQ(bytes.find("cs_sandbox_secret"), std::string::npos) << "plaintext secret in the store file";
  EXPECT_NE(bytes.find("esb1:"), std::string::npos);
  auto r = home_.RunKeyed("connection list --tenant shop --json");
  EXPECT_EQ(r.out.find("cs_sandbox_secret"), std::string::npos);
  // A wrong key cannot open them: the sync refuses instead of sending garbage.
  r = home_.Run("sync --tenant shop --source woo --target woo --dry-run",
                {"EASYSALE_MASTER_KEY=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.err.find("cs_sandbox_secret"), std::string::npos);
}

TEST_F(CliInput, TheCliAndTheServerReadEachOthersConnections) {
  ASSERT_EQ(home_.Run("key generate").code, 0);
  AddShop();
  ASSERT_EQ(home_.Run(WooAdd("shop", "woo-cli", woo_config_, woo_secret_)).code, 0);

  // `serve` on the same data directory finds the same key file.
  ServeProcess serve(home_, {std::string("EASYSALE_JWT_SECRET=") + kJwtSecret, "EASYSALE_ALLOW_PRIVATE_TARGETS=1"});
  ASSERT_FALSE(serve.base_url().empty()) << serve.errors();
  auto call = [&](const std::string& method, const std::string& path, const Json& body) {
    return serve.Call(home_, "shop", method, path, body);
  };
  auto tested = call("POST", "/api/v1/connections/woo-cli/test", Json::object());
  ASSERT_TRUE(tested.ok()) << tested.status().ToString();
  ASSERT_EQ(tested->status, 200) << tested->body;
  EXPECT_EQ((*ParseJson(tested->body))["status"]["status"], "ok") << tested->body;

  Json created = {{"id", "woo-api"}, {"kind", "woo"}, {"config", woo_config_}, {"credentials", woo_secret_}};
  auto made = call("POST", "/api/v1/connections", created);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_LT(made->status, 300) << made->body;
  // The CLI opens what the server sealed and calls WooCommerce with it.
  auto r = home_.Run("connection test --tenant shop --id woo-api");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("WooCommerce answered"), std::string::npos) << r.out;
  auto listed = home_.Run("connection list --tenant shop --json");
  auto j = ParseJson(listed.out);
  ASSERT_TRUE(j.ok()) << listed.out;
  ASSERT_EQ(j->size(), 2u);
  EXPECT_EQ((*j)[0]["id"], "woo-api");
  EXPECT_EQ((*j)[0]["credentials"], "set (hidden)");
}

TEST_F(CliInput, InsecureSkipTlsVerifyIsHonouredPerConnection) {
  woo::sandbox::Options wo;
  wo.https = true;
  wo.orders = 3;
  woo::sandbox::Server tls(wo);
  ASSERT_TRUE(tls.Start(0).ok());
  AddShop();
  Json strict = {{"base_url", tls.base_url()}};
  auto r = home_.RunKeyed(WooAdd("shop", "tls", strict, woo_secret_));
  EXPECT_NE(r.code, 0) << "a self-signed certificate must be refused by default";
  EXPECT_NE(r.err.find("cannot reach WooCommerce"), std::string::npos) << r.err;
  Json relaxed = {{"base_url", tls.base_url()}, {"insecure_skip_tls_verify", true}};
  r = home_.RunKeyed(WooAdd("shop", "tls", relaxed, woo_secret_));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("TLS certificates are not verified"), std::string::npos) << r.err;
}

// The supabase kind from the CLI: connection add with its schema, then a
// WooCommerce → warehouse sync (run under scripts/with-postgres.sh; skipped
// without EASYSALE_TEST_PG_URL).
TEST_F(CliInput, SupabaseKindWorksFromTheCli) {
  ES_REQUIRE_TEST_PG();
  AddShop();
  ASSERT_EQ(home_.RunKeyed(WooAdd("shop", "woo", woo_config_, woo_secret_)).code, 0);
  auto r = home_.RunKeyed("connection add --tenant shop --id wh --kind supabase --config '{\"url\":\"postgres://x\","
                          "\"colour\":1}' --secret '{}'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("config: unknown key 'colour'"), std::string::npos) << r.err;

  // The password goes in the secret, the rest of the URL in the config.
  const std::string schema = "cli_wh_" + std::to_string(getpid());
  auto [url, password] = supabase::SplitPostgresPassword(store::postgres::TestPgUrl());
  Json config = {{"url", url}, {"schema", schema}};
  Json secret = Json::object();
  if (!password.empty()) secret["password"] = password;
  r = home_.RunKeyed("connection add --tenant shop --id wh --kind supabase --config " + Quote(DumpJson(config)) +
                     " --secret " + Quote(DumpJson(secret)));
  ASSERT_EQ(r.code, 0) << r.err;
  r = home_.RunKeyed("sync --tenant shop --source woo --target wh --json --yes");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out << r.err;
  EXPECT_EQ((*j)["status"], "succeeded") << r.out;
  store::postgres::PgAdmin admin(store::postgres::TestPgUrl());
  ASSERT_TRUE(admin.ok()) << admin.error();
  EXPECT_GT(std::atoi(admin.Query("SELECT count(*) FROM " + schema + ".orders").c_str()), 0);
  admin.Query("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace
}  // namespace es::testing
