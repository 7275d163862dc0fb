// What the real easysale-sync binary prints: tables for people (status,
// connection list, config show, a dry run's plan), JSON with --json, progress
// on stderr only, errors without doubled prefixes, and `demo --once --json`
// with nothing but one JSON object on stdout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "support/cli_connections.h"
#include "support/cli_run.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"

namespace es::testing {
namespace {

using Output = es::test::CliRun;

// Runs the binary with stdout and stderr kept apart (neither is a terminal).
Output Exec(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }

using es::test::Quote;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

size_t Occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

class CliOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    wo_.orders = 40;
    wo_.seed = 9;
    woo_ = std::make_unique<woo::sandbox::Server>(wo_);
    qbo_ = std::make_unique<qbo::sandbox::Server>(qo_);
    ASSERT_TRUE(woo_->Start(0).ok());
    ASSERT_TRUE(qbo_->Start(0).ok());
    tokens_ = qbo_->IssueTokens();
    db_ = std::filesystem::temp_directory_path() / ("es-cli-output-" + std::to_string(getpid()) + ".db");
    store_ = "--store sqlite://" + db_.string() + " --tenant shop1";
    // Credentials are sealed with the master key; tenants are explicit.
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    auto r = Exec("tenant add shop1 --store sqlite://" + db_.string());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = Exec("connection add " + store_ + es::test::WooConnectionArgs(*woo_));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = Exec("connection add " + store_ + es::test::QboConnectionArgs(*qbo_, tokens_));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db_.string() + suffix);
  }

  woo::sandbox::Options wo_;
  qbo::sandbox::Options qo_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;
  qbo::sandbox::Server::Tokens tokens_;
  std::filesystem::path db_;
  std::string store_;
};

TEST_F(CliOutput, ConnectionListIsATableWithoutCredentials) {
  auto r = Exec("connection list " + store_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "ID ")) << r.out;
  EXPECT_TRUE(Has(r.out, "CREDENTIALS")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  woo +woo +woo +yes +set \(hidden\) +base_url=http)"))) << r.out;
  EXPECT_TRUE(Has(r.out, "realm_id=" + qo_.realm_id)) << r.out;
  EXPECT_FALSE(Has(r.out, "{")) << "a table, not JSON lines: " << r.out;
  for (const std::string& secret : {wo_.consumer_secret, wo_.consumer_key, tokens_.refresh_token,
                                    tokens_.access_token, qo_.client_secret}) {
    EXPECT_FALSE(Has(r.out, secret)) << r.out;
  }
  r = Exec("connection list " + store_ + " --json");
  ASSERT_EQ(r.exit_code, 0);
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  ASSERT_EQ(j->size(), 2u);
  EXPECT_EQ((*j)[0]["credentials"], "set (hidden)");
  EXPECT_FALSE(Has(r.out, tokens_.refresh_token));
  EXPECT_FALSE(Has(r.out, wo_.consumer_secret));
}

TEST_F(CliOutput, ConfigShowIsATableAndJsonOnlyWhenAsked) {
  auto r = Exec("config set " + store_ + " " + Quote(R"({"doc_number_prefix":"S1-"})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Exec("config show " + store_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "SETTING")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  doc_number_prefix +S1- +\(set\)\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  order_statuses +processing, completed, on-hold, refunded\n)")))
      << r.out;
  EXPECT_FALSE(ParseJson(r.out).ok());
  r = Exec("config show " + store_ + " --json");
  ASSERT_EQ(r.exit_code, 0);
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  EXPECT_EQ((*j)["doc_number_prefix"], "S1-");
  EXPECT_TRUE((*j)["order_statuses"].is_array());
}

// `config set` answers with the table of `config show`, not a JSON line;
// JSON only with --json.
TEST_F(CliOutput, ConfigSetPrintsTheTableAndJsonOnlyWhenAsked) {
  auto r = Exec("config set " + store_ + " " + Quote(R"({"doc_number_prefix":"S1-"})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Transformer settings of connection qbo (stored")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n  doc_number_prefix +S1- +\(set\)\n)"))) << r.out;
  EXPECT_FALSE(Has(r.out, "{")) << r.out;
  r = Exec("config set " + store_ + " --json " + Quote(R"({"doc_number_prefix":"S2-"})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  EXPECT_EQ((*j)["doc_number_prefix"], "S2-");
}

// One run: "1 run", not "the 1 most recent runs"; the dry run's plan is a
// table whose REASON column starts at the same place on every row.
TEST_F(CliOutput, StatusOfOneDryRunAndItsPlanTable) {
  auto r = Exec("sync " + store_ + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::istringstream in(r.out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const size_t reason = line.find("REASON");
  ASSERT_NE(reason, std::string::npos) << r.out;
  EXPECT_EQ(line.rfind("OP ", 0), 0u) << r.out;
  int rows = 0;
  while (std::getline(in, line) && line.rfind("plan: ", 0) != 0) {
    ASSERT_GT(line.size(), reason) << line;
    EXPECT_EQ(line.substr(reason - 2, 2), "  ") << line;
    EXPECT_NE(line[reason], ' ') << line;
    ++rows;
  }
  EXPECT_GT(rows, 10) << r.out;
  r = Exec("status " + store_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Tenant shop1 — 1 run (times in ")) << r.out;
  EXPECT_FALSE(Has(r.out, "most recent runs")) << r.out;
  // `runs list` tells the dry run the same way: a plan, nothing created.
  r = Exec("runs list " + store_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "full, dry run")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(dry run: \d+ writes planned, nothing written)"))) << r.out;
  EXPECT_FALSE(Has(r.out, "CREATED")) << r.out;
}

TEST_F(CliOutput, ErrorsNameWhatWasWrongOnce) {
  auto r = Exec("config set " + store_ + " " + Quote(R"({"order_statuses":5})"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Occurrences(r.err, "transformer config"), 1u) << r.err;
  EXPECT_TRUE(Has(r.err, "error: transformer config 'order_statuses': expected an array")) << r.err;
  r = Exec("sync " + store_ + " --target nosuch");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "error: connection 'nosuch' does not exist")) << r.err;
  EXPECT_EQ(Occurrences(r.err, "does not exist"), 1u) << r.err;
}

// A dry run, then a run whose documents QBO refuses (an unknown custom field
// definition): status shows both runs by id, the dry run as a plan, what the
// status filter left out, and the refusals as one grouped line.
TEST_F(CliOutput, StatusShowsRunsPlansFilterAndGroupedFailures) {
  auto r = Exec("sync " + store_ + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(dry run: \d+ writes planned, nothing written)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d+ orders not synced: status )"))) << r.out;
  EXPECT_TRUE(Has(r.out, "TO CREATE")) << r.out;
  EXPECT_EQ(qbo_->CountEntities("Customer"), 0);

  r = Exec("config set " + store_ + " " +
          Quote(R"({"custom_fields":[{"definition_id":"9","name":"Woo order","source":"number"}]})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Exec("sync " + store_ + " --json");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;  // partial: the documents failed
  auto run = ParseJson(r.out);
  ASSERT_TRUE(run.ok()) << r.out;
  const std::string run_id = (*run)["run_id"].get<std::string>();
  const Json& orders = (*run)["counts"]["order"];
  ASSERT_TRUE(orders.contains("filtered")) << r.out;
  int64_t not_synced = 0;
  for (const auto& [reason, n] : orders["filtered"].items()) {
    EXPECT_EQ(reason.rfind("status ", 0), 0u) << reason;
    not_synced += n.get<int64_t>();
  }
  EXPECT_GT(not_synced, 0);
  int64_t failed = orders["failed"].get<int64_t>();
  ASSERT_GT(failed, 1);
  // Progress went to stderr, one final line per entity (not a terminal), with
  // the customers the run created (guests of orders included).
  EXPECT_FALSE(Has(r.err, "\033")) << r.err;
  int64_t customers = (*run)["counts"]["customer"]["created"].get<int64_t>();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("sync  customer +\\[#+\\] \\d+/\\d+ read  " +
                                                  std::to_string(customers) + " created")))
      << r.err;
  EXPECT_EQ(Occurrences(r.err, "sync  customer"), 1u) << r.err;

  r = Exec("status " + store_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, run_id)) << r.out;
  EXPECT_TRUE(Has(r.out, "full, dry run")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(dry run: \d+ writes planned)"))) << r.out;
  EXPECT_TRUE(Has(r.out, std::to_string(not_synced) + " orders not synced: status ")) << r.out;
  EXPECT_TRUE(Has(r.out, "NOT SYNCED")) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"((\d+) × \[validation[^\]]*\] order: [^\n]*\(e\.g\. \d+)")))
      << r.out;
  const int64_t grouped = std::stoll(m[1].str());
  EXPECT_GT(grouped, 1) << "one line for one cause: " << r.out;
  EXPECT_LE(grouped, failed);
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"))) << r.out;

  r = Exec("status " + store_ + " --json");
  ASSERT_EQ(r.exit_code, 0);
  auto st = ParseJson(r.out);
  ASSERT_TRUE(st.ok()) << r.out;
  EXPECT_EQ((*st)["runs"][0]["id"], run_id);
  EXPECT_TRUE((*st)["runs"][1]["dry_run"].get<bool>());
  EXPECT_EQ((*st)["failed_groups"][0]["count"].get<int64_t>(), grouped);
  EXPECT_EQ((*st)["failed_groups"].size(), 1u) << r.out;
  EXPECT_EQ((*st)["failed_total"].get<int64_t>(), grouped);
}

// What scripts/demo.sh runs: stdout is exactly one JSON object, progress on stderr.
TEST(CliDemoOutput, OnceJsonPrintsOnlyJsonOnStdout) {
  auto dir = std::filesystem::temp_directory_path() / ("es-demo-out-" + std::to_string(getpid()));
  auto r = Exec("demo --once --json --orders 60 --data " + dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '{') << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "}\n");
  auto j = ParseJson(r.out);
  ASSERT_TRUE(j.ok()) << r.out;
  EXPECT_TRUE(j->contains("first_run"));
  EXPECT_TRUE(Has(r.err, "customer")) << "progress goes to stderr: " << r.err;
  EXPECT_FALSE(Has(r.err, "\033"));
}

}  // namespace
}  // namespace es::testing
