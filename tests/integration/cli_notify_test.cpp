// Notifications through the real binary: `notify set|show|test`, and a sync
// against a QuickBooks that is down → one mail in a real SMTP sink
// (python3-aiosmtpd) and one signed POST, however often the run fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/json.h"
#include "connectors/woo/sandbox/server.h"
#include "support/cli_connections.h"
#include "support/cli_run.h"
#include "support/notify_receiver.h"
#include "support/smtp_sink.h"

namespace es::testing {
namespace {

using es::test::Quote;

constexpr const char* kHookSecret = "cli-notify-secret-0123456789";

es::test::CliRun Cli(const std::string& args) { return es::test::RunCli(ES_BINARY, args); }

// tests/support/smtp_sink.py; __FILE__ is relative to the build directory
// (where the binary lives) when the build passes relative paths.
std::string SinkScript() {
  std::filesystem::path self(__FILE__);
  if (self.is_relative()) self = std::filesystem::canonical("/proc/self/exe").parent_path() / self;
  return (self.parent_path().parent_path() / "support" / "smtp_sink.py").string();
}

class CliNotify : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sink_.running()) << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
    db_ = std::filesystem::temp_directory_path() / ("es-cli-notify-" + std::to_string(getpid()) + ".db");
    std::filesystem::remove(db_);
    setenv("EASYSALE_MASTER_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    ASSERT_EQ(Cli("tenant add shop1 --store sqlite://" + db_.string()).exit_code, 0);
    store_ = "--store sqlite://" + db_.string() + " --tenant shop1";
  }
  void TearDown() override { std::filesystem::remove(db_); }

  std::filesystem::path db_;
  std::string store_;
  es::test::SmtpSink sink_{SinkScript()};
  es::test::NotifyReceiver receiver_{kHookSecret};
};

TEST_F(CliNotify, SetShowAndTestHideSecretsAndDeliver) {
  auto r = Cli("notify test " + store_);
  EXPECT_EQ(r.exit_code, 2) << r.err;  // nothing configured
  EXPECT_NE(r.err.find("nothing to send"), std::string::npos) << r.err;

  r = Cli("notify set " + store_ + " --webhook-url " + Quote(receiver_.url()) + " --smtp-url " + sink_.url() +
          " --from sync@shop.example --to ops@shop.example,owner@shop.example --json");
  EXPECT_EQ(r.exit_code, 2) << r.out;  // a webhook needs its secret
  EXPECT_NE(r.err.find("webhook.secret"), std::string::npos) << r.err;

  setenv("EASYSALE_NOTIFY_WEBHOOK_SECRET", kHookSecret, 1);
  r = Cli("notify set " + store_ + " --webhook-url " + Quote(receiver_.url()) + " --smtp-url " + sink_.url() +
          " --from sync@shop.example --to ops@shop.example,owner@shop.example --json");
  unsetenv("EASYSALE_NOTIFY_WEBHOOK_SECRET");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(kHookSecret), std::string::npos);
  auto set = ParseJson(r.out);
  ASSERT_TRUE(set.ok()) << r.out;
  EXPECT_TRUE((*set)["webhook"]["secretSet"].get<bool>());

  r = Cli("notify set " + store_ + " --to " + Quote("bad address"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("email.to[0]"), std::string::npos) << r.err;

  r = Cli("notify test " + store_ + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto test = ParseJson(r.out);
  ASSERT_TRUE(test.ok()) << r.out;
  EXPECT_EQ((*test)["webhook"], "sent");
  EXPECT_EQ((*test)["email"], "sent");
  auto mails = sink_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("X-Sink-To: ops@shop.example,owner@shop.example"), std::string::npos);
  auto hits = receiver_.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_TRUE(hits[0].signature_ok);
  EXPECT_EQ(hits[0].event, "test");

  r = Cli("notify show " + store_ + " --json");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find(kHookSecret), std::string::npos);
  auto show = ParseJson(r.out);
  ASSERT_TRUE(show.ok());
  ASSERT_EQ((*show)["recent"].size(), 1u);
  EXPECT_EQ((*show)["recent"][0]["kind"], "test");
  EXPECT_EQ((*show)["recent"][0]["email"], "sent");
  // The secret is sealed at rest (the database and its write-ahead log).
  EXPECT_EQ(es::test::RunCli("cat", Quote(db_.string()) + "* | grep -c " + Quote(kHookSecret)).out, "0\n");
}

TEST_F(CliNotify, ARunAgainstADeadQuickBooksSendsOneMailAndOneSignedPost) {
  woo::sandbox::Options wo;
  wo.orders = 5;
  wo.seed = 3;
  woo::sandbox::Server woo(wo);
  ASSERT_TRUE(woo.Start(0).ok());
  auto r = Cli("connection add " + store_ + es::test::WooConnectionArgs(woo));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // QuickBooks is down: nothing listens on port 1.
  Json qbo_config = {{"api_base", "http://127.0.0.1:1"}, {"token_url", "http://127.0.0.1:1/token"},
                     {"realm_id", "9130"},               {"client_id", "cid"}};
  Json qbo_secret = {{"client_secret", "cs"},
                     {"access_token", "at"},
                     {"refresh_token", "rt"},
                     {"access_expires_at_ms", int64_t{4'000'000'000'000}}};
  r = Cli("connection add " + store_ + " --id qbo --kind qbo --no-test --config " + Quote(DumpJson(qbo_config)) +
          " --secret " + Quote(DumpJson(qbo_secret)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  setenv("EASYSALE_NOTIFY_WEBHOOK_SECRET", kHookSecret, 1);
  r = Cli("notify set " + store_ + " --webhook-url " + Quote(receiver_.url()) + " --smtp-url " + sink_.url() +
          " --from sync@shop.example --to ops@shop.example --rate-limit-minutes 15");
  unsetenv("EASYSALE_NOTIFY_WEBHOOK_SECRET");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  for (int i = 0; i < 3; ++i) {
    r = Cli("sync " + store_ + " --json");
    EXPECT_NE(r.exit_code, 0) << r.out;
    auto j = ParseJson(r.out);
    ASSERT_TRUE(j.ok()) << r.out << r.err;
    EXPECT_EQ((*j)["status"], "failed") << r.out;
  }
  auto mails = sink_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("X-Sink-To: ops@shop.example"), std::string::npos);
  EXPECT_NE(mails[0].find("Event: run_failed"), std::string::npos) << mails[0];
  auto hits = receiver_.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_TRUE(hits[0].signature_ok);
  EXPECT_EQ(hits[0].event, "run_failed");
  auto payload = ParseJson(hits[0].body);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ((*payload)["tenant"], "shop1");
  EXPECT_EQ((*payload)["detail"]["target"], "qbo");
  EXPECT_FALSE((*payload)["detail"]["runId"].get<std::string>().empty());
  // The two later failures were counted, not sent.
  r = Cli("notify show " + store_ + " --json");
  auto show = ParseJson(r.out);
  ASSERT_TRUE(show.ok()) << r.out;
  ASSERT_EQ((*show)["recent"].size(), 1u);
  EXPECT_EQ((*show)["recent"][0]["kind"], "run_failed");
  woo.Stop();
}

}  // namespace
}  // namespace es::testing
