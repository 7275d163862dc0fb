// Runs the real easysale-sync binary: the demo end to end, and the operator
// commands (connection add, config set, sync, status, reconcile) against
// sandboxes started by the test.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "support/cli_run.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"

namespace es::testing {
namespace {

using CommandResult = es::test::CliRun;

CommandResult RunCommand(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }

using es::test::Quote;

TEST(Cli, DemoOnceJsonCreatesEverythingOnceAndReconciles) {
  auto dir = std::filesystem::temp_directory_path() / ("es-demo-" + std::to_string(getpid()));
  auto r = RunCommand("demo --once --json --orders 120 --data " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  const Json& first = (*j)["first_run"]["created"];
  EXPECT_GT(first["customers"].get<int64_t>(), 0);
  EXPECT_GT(first["items"].get<int64_t>(), 0);
  EXPECT_GT(first["invoices"].get<int64_t>() + first["sales_receipts"].get<int64_t>(), 0);
  EXPECT_EQ((*j)["first_run"]["failed"].get<int64_t>(), 0);
  // A week of trading, then the second sync books every change.
  const Json& week = (*j)["trading"];
  const Json& life = (*j)["second_run"]["lifecycle"];
  EXPECT_EQ((*j)["second_run"]["failed"].get<int64_t>(), 0);
  EXPECT_GT(week["line_edits"].get<int64_t>(), 0);
  EXPECT_GE(life["updated"].get<int64_t>(), week["line_edits"].get<int64_t>());
  EXPECT_EQ(life["voided"].get<int64_t>(),
            week["cancellations"].get<int64_t>());  // the trashed ones were never booked (pending/failed)
  EXPECT_EQ(life["refunds"].get<int64_t>(),
            week["partial_refunds"].get<int64_t>() + week["full_refunds"].get<int64_t>());
  EXPECT_GT(life["refunds"].get<int64_t>(), 0);
  // Late payments of on-hold orders booked as invoices become payments.
  EXPECT_GE(life["payments"].get<int64_t>(), 0);
  // The third sync writes nothing; reconcile on net amounts is clean.
  EXPECT_EQ((*j)["third_run"]["writes"].get<int64_t>(), 0);
  EXPECT_EQ((*j)["third_run"]["qbo_requests"].get<int64_t>(), 0);
  EXPECT_EQ((*j)["third_run"]["failed"].get<int64_t>(), 0);
  EXPECT_GT((*j)["reconcile"]["orders"].get<int64_t>(), 0);
  EXPECT_EQ((*j)["reconcile"]["mismatches"].get<int64_t>(), 0);
  std::filesystem::remove_all(dir);
}

TEST(Cli, OperatorCommandsSyncAStoreIntoQuickBooks) {
  woo::sandbox::Options wo;
  wo.orders = 40;
  wo.seed = 9;
  woo::sandbox::Server woo(wo);
  qbo::sandbox::Options qo;
  qbo::sandbox::Server qbo(qo);
  ASSERT_TRUE(woo.Start(0).ok());
  ASSERT_TRUE(qbo.Start(0).ok());
  auto tokens = qbo.IssueTokens();
  auto db = std::filesystem::temp_directory_path() / ("es-cli-" + std::to_string(getpid()) + ".db");
  std::string store = "--store sqlite://" + db.string() + " --tenant shop1";
  // Credentials are sealed with the master key; tenants are explicit.
  setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
  ASSERT_EQ(RunCommand("tenant add shop1 --store sqlite://" + db.string()).exit_code, 0);

  Json woo_config = {{"base_url", woo.base_url()}};
  Json woo_secret = {{"consumer_key", wo.consumer_key}, {"consumer_secret", wo.consumer_secret}};
  auto r = RunCommand("connection add " + store + " --id woo --kind woo --config " + Quote(DumpJson(woo_config)) +
                      " --secret " + Quote(DumpJson(woo_secret)));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  Json qbo_config = {{"api_base", qbo.base_url()}, {"token_url", qbo.token_url()}, {"realm_id", qo.realm_id},
                     {"client_id", qo.client_id}};
  Json qbo_secret = {{"client_secret", qo.client_secret}, {"access_token", tokens.access_token},
                     {"refresh_token", tokens.refresh_token}, {"access_expires_at_ms", 0}};
  r = RunCommand("connection add " + store + " --id qbo --kind qbo --config " + Quote(DumpJson(qbo_config)) +
                 " --secret " + Quote(DumpJson(qbo_secret)));
  ASSERT_EQ(r.exit_code, 0) << r.out;

  // Credentials are never printed back.
  r = RunCommand("connection list " + store + " --json");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find(wo.consumer_secret), std::string::npos);
  EXPECT_EQ(r.out.find(tokens.refresh_token), std::string::npos);

  // A bad config is refused with the offending key named.
  r = RunCommand("config set " + store + " " + Quote(R"({"custom_fields":[{"definition_id":"1","source":"number"},{"definition_id":"2","source":"number"},{"definition_id":"3","source":"number"},{"definition_id":"4","source":"number"}]})"));
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand("config set " + store + " " + Quote(R"({"doc_number_prefix":"S1-","payment_terms_days":7})"));
  ASSERT_EQ(r.exit_code, 0) << r.out;

  // Dry run writes nothing.
  r = RunCommand("sync " + store + " --dry-run --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(qbo.CountEntities("Invoice") + qbo.CountEntities("SalesReceipt"), 0);
  EXPECT_EQ(qbo.CountEntities("Customer"), 0) << "dry run must not create customers";

  r = RunCommand("sync " + store + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["status"].get<std::string>(), "succeeded");
  int64_t docs = qbo.CountEntities("Invoice") + qbo.CountEntities("SalesReceipt");
  EXPECT_GT(docs, 0);

  // The refresh token was rotated and persisted: a second sync still authenticates.
  r = RunCommand("sync " + store + " --mode incremental --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(qbo.CountEntities("Invoice") + qbo.CountEntities("SalesReceipt"), docs);

  r = RunCommand("reconcile " + store + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto rec = ParseJson(r.out);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ((*rec)["mismatches"].get<int64_t>(), 0);
  EXPECT_EQ((*rec)["matched"].get<int64_t>(), docs);

  r = RunCommand("status " + store + " --json");
  ASSERT_EQ(r.exit_code, 0);
  auto st = ParseJson(r.out);
  ASSERT_TRUE(st.ok());
  EXPECT_GE((*st)["runs"].size(), 3u);

  // Unsupported routes fail clearly.
  r = RunCommand("sync " + store + " --entities refunds_to_mars");
  EXPECT_EQ(r.exit_code, 2);
  std::filesystem::remove(db);
}

}  // namespace
}  // namespace es::testing
