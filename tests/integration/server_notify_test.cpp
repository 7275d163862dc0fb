// Notifications through the HTTP API: GET/PUT /api/v1/notifications (secrets
// write-only), POST /api/v1/notifications/test, and a run that fails because
// QuickBooks is down → one mail in a real SMTP sink and one signed POST,
// raised by the server's run executor.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/server_fixture.h"
#include "support/notify_receiver.h"
#include "support/smtp_sink.h"

namespace es::testing {
namespace {

constexpr const char* kHookSecret = "server-notify-secret-0123456789";
constexpr const char* kSmtpPassword = "relay-password-never-shown";

std::string SinkScript() {
  return std::string(ES_SOURCE_DIR) + "/tests/support/smtp_sink.py";
}

TEST(ServerNotify, SettingsTestAndAFailedRunNotifyOnce) {
  es::test::SmtpSink sink(SinkScript(), "relay-user:" + std::string(kSmtpPassword));
  ASSERT_TRUE(sink.running()) << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
  es::test::NotifyReceiver receiver(kHookSecret);
  ServerFixture fx;
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const std::string admin = fx.Admin("t1");

  auto r = fx.Call("GET", "/api/v1/notifications", fx.User("t1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["configured"].get<bool>());

  Json settings = {{"webhook", {{"url", receiver.url()}, {"secret", kHookSecret}}},
                   {"email",
                    {{"smtpUrl", sink.url()},
                     {"from", "sync@shop.example"},
                     {"to", {"ops@shop.example"}},
                     {"username", "relay-user"},
                     {"password", kSmtpPassword}}}};
  r = fx.Call("PUT", "/api/v1/notifications", fx.User("t1"), settings);
  EXPECT_EQ(r.status, 403);
  r = fx.Call("PUT", "/api/v1/notifications", admin, settings);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(kHookSecret), std::string::npos);
  EXPECT_EQ(r.body.find(kSmtpPassword), std::string::npos);
  EXPECT_TRUE(r.json["settings"]["webhook"]["secretSet"].get<bool>());
  EXPECT_TRUE(r.json["settings"]["email"]["passwordSet"].get<bool>());

  r = fx.Call("PUT", "/api/v1/notifications", admin, Json{{"email", {{"to", {"ops@shop.example", "nope"}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("email.to[1]"), std::string::npos) << r.body;
  // Another tenant sees nothing of t1's settings.
  r = fx.Call("GET", "/api/v1/notifications", fx.Admin("t2"));
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json["configured"].get<bool>());

  r = fx.Call("POST", "/api/v1/notifications/test", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["webhook"], "sent") << r.body;
  EXPECT_EQ(r.json["email"], "sent") << r.body;
  ASSERT_EQ(sink.WaitFor(1).size(), 1u);
  EXPECT_NE(sink.Messages()[0].find("X-Sink-Login: relay-user"), std::string::npos);

  // QuickBooks goes down: each run fails; one notification covers them.
  fx.qbo().Stop();
  for (int i = 0; i < 2; ++i) {
    r = fx.Call("POST", "/api/v1/sync", admin, Json{{"source", "woo"}, {"target", "qbo"}, {"entities", {"orders"}}});
    ASSERT_EQ(r.status, 202) << r.body;
    Json run = fx.WaitForRun(admin, r.json["runId"].get<std::string>());
    EXPECT_EQ(run["status"], "failed") << DumpJson(run);
  }
  auto mails = sink.WaitFor(2);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_NE(mails[1].find("Event: run_failed"), std::string::npos) << mails[1];
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_TRUE(hits[0].signature_ok);
  EXPECT_TRUE(hits[1].signature_ok);
  EXPECT_EQ(hits[1].event, "run_failed");

  r = fx.Call("GET", "/api/v1/notifications", fx.User("t1"));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["recent"].size(), 2u) << r.body;
  EXPECT_EQ(r.json["recent"][0]["kind"], "run_failed");
  EXPECT_EQ(r.json["recent"][1]["kind"], "test");
  EXPECT_EQ(fx.Logs().find(kSmtpPassword), std::string::npos);
  EXPECT_EQ(fx.Logs().find(kHookSecret), std::string::npos);
}

}  // namespace
}  // namespace es::testing
