// The notifier against real receivers: a local SMTP sink (python3-aiosmtpd,
// tests/support/smtp_sink.py) and a cpp-httplib server that checks each
// POST's signature. The clock is fake, so rate-limit windows take no time.
#include "notify/notifier.h"

#include <gtest/gtest.h>
#include <thread>

#include "common/clock.h"
#include "notify/config.h"
#include "notify/run_events.h"
#include "notify/signature.h"
#include "store/factory/open_store.h"
#include "support/notify_receiver.h"
#include "support/smtp_sink.h"

namespace es::notify {
namespace {

constexpr const char* kHookSecret = "receiver-shared-secret-123";

using Receiver = es::test::NotifyReceiver;

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sink_.running()) << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
    auto s = store::OpenStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    transport_ = http::MakeCurlTransport();
    NotifierOptions o;
    o.policy.allow_private_targets = true;
    o.timeout = std::chrono::milliseconds(5000);
    notifier_ = std::make_unique<Notifier>(*store_, *transport_, clock_, mail_, o);
  }

  void Configure(Json update) {
    Json base = {{"webhook", {{"url", receiver_.url()}, {"secret", kHookSecret}}},
                 {"email", {{"smtpUrl", sink_.url()}, {"from", "sync@shop.example"}, {"to", {"ops@shop.example"}}}}};
    base.merge_patch(update);
    auto c = NotifyConfig{}.Updated(base);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE(store_->PutNotificationSettings(c->ToSettings("t1", clock_.NowMillis())).ok());
  }

  static NotificationEvent Event(std::string kind = "run_failed") {
    NotificationEvent e;
    e.tenant_id = "t1";
    e.kind = std::move(kind);
    e.subject = "Sync woo → qbo failed";
    e.message = "The sync run r1 failed: network: connection refused";
    e.detail = Json{{"runId", "r1"}};
    return e;
  }

  es::test::SmtpSink sink_{ES_SMTP_SINK};
  Receiver receiver_{kHookSecret};
  FakeClock clock_{1'780'000'000'000};
  CurlMailSender mail_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(NotifierTest, SendsOneSignedPostAndOneMail) {
  Configure(Json::object());
  auto r = notifier_->Dispatch(Event());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->sent);
  EXPECT_TRUE(r->webhook.ok()) << r->webhook.ToString();
  EXPECT_TRUE(r->email.ok()) << r->email.ToString();

  auto hits = receiver_.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_TRUE(hits[0].signature_ok);
  EXPECT_EQ(hits[0].event, "run_failed");
  auto payload = ParseJson(hits[0].body);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ((*payload)["kind"], "run_failed");
  EXPECT_EQ((*payload)["tenant"], "t1");
  EXPECT_EQ((*payload)["detail"]["runId"], "r1");
  EXPECT_EQ((*payload)["suppressed"], 0);
  EXPECT_EQ((*payload)["occurredAt"], FormatIso8601Utc(clock_.NowMillis()));

  auto mails = sink_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("X-Sink-From: sync@shop.example"), std::string::npos);
  EXPECT_NE(mails[0].find("X-Sink-To: ops@shop.example"), std::string::npos);
  EXPECT_NE(mails[0].find("Subject: =?UTF-8?B?"), std::string::npos);  // the arrow is not ASCII
  EXPECT_NE(mails[0].find("connection refused"), std::string::npos);

  auto log = store_->ListNotificationLog("t1", 0);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].webhook, "sent");
  EXPECT_EQ((*log)[0].email, "sent");
}

TEST_F(NotifierTest, FiftyFailuresSendOneMailAndTheNextCarriesTheCount) {
  Configure(Json{{"rateLimitMinutes", 15}});
  for (int i = 0; i < 50; ++i) {
    notifier_->Notify(Event());
    clock_.Advance(1000);
  }
  EXPECT_EQ(sink_.WaitFor(1).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(sink_.Messages().size(), 1u);
  EXPECT_EQ(receiver_.hits().size(), 1u);

  // Once the window has passed, the next failure is sent with the 49 it stood for.
  clock_.Advance(15 * 60'000);
  auto r = notifier_->Dispatch(Event());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sent);
  EXPECT_EQ(r->suppressed, 49);
  auto mails = sink_.WaitFor(2);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_NE(mails[1].find("Also: 49 more event(s) of this kind"), std::string::npos);
  auto hits = receiver_.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(ParseJson(hits[1].body)->at("suppressed"), 49);
}

TEST_F(NotifierTest, KindsAreLimitedSeparatelyAndTestIsNeverLimited) {
  Configure(Json::object());
  EXPECT_TRUE(notifier_->Dispatch(Event("run_failed"))->sent);
  EXPECT_TRUE(notifier_->Dispatch(Event("auth_failed"))->sent);
  auto again = notifier_->Dispatch(Event("run_failed"));
  EXPECT_FALSE(again->sent);
  EXPECT_EQ(again->skipped, "rate_limited");
  EXPECT_TRUE(notifier_->Dispatch(Event("test"))->sent);
  EXPECT_TRUE(notifier_->Dispatch(Event("test"))->sent);
  EXPECT_EQ(receiver_.hits().size(), 4u);
  EXPECT_EQ(sink_.WaitFor(4).size(), 4u);
}

TEST_F(NotifierTest, SkipsWhatIsNotWanted) {
  EXPECT_EQ(notifier_->Dispatch(Event())->skipped, "not_configured");
  Configure(Json{{"kinds", {"auth_failed"}}, {"failedQueueThreshold", 10}});
  EXPECT_EQ(notifier_->Dispatch(Event("run_failed"))->skipped, "not_selected");
  Configure(Json{{"kinds", Json::array()}, {"failedQueueThreshold", 10}});
  NotificationEvent q = Event("failed_queue_growing");
  q.detail = Json{{"failedQueue", 9}};
  EXPECT_EQ(notifier_->Dispatch(q)->skipped, "below_threshold");
  q.detail = Json{{"failedQueue", 10}};
  EXPECT_TRUE(notifier_->Dispatch(q)->sent);
  Configure(Json{{"enabled", false}});
  EXPECT_EQ(notifier_->Dispatch(Event())->skipped, "disabled");
  EXPECT_TRUE(notifier_->Dispatch(NotificationEvent{}).status().IsValidation());
  NotificationEvent unknown = Event("everything");
  EXPECT_TRUE(notifier_->Dispatch(unknown).status().IsValidation());
}

TEST_F(NotifierTest, DeliveryFailuresAreLoggedAndTheSlotIsSpent) {
  receiver_.set_status(500);
  Configure(Json{{"email", {{"smtpUrl", "smtp://127.0.0.1:1"}}}});
  auto r = notifier_->Dispatch(Event());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sent);
  EXPECT_TRUE(r->webhook.IsNetwork());
  EXPECT_NE(r->webhook.message().find("HTTP 500"), std::string::npos);
  EXPECT_TRUE(r->email.IsNetwork()) << r->email.ToString();
  auto log = store_->ListNotificationLog("t1", 0);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].webhook.rfind("failed: ", 0), 0u);
  EXPECT_EQ((*log)[0].email.rfind("failed: ", 0), 0u);
  EXPECT_EQ(notifier_->Dispatch(Event())->skipped, "rate_limited");
}

TEST_F(NotifierTest, InternalRelayRefusedUnlessAllowed) {
  NotifierOptions strict;  // the default policy: public hosts only
  Notifier guarded(*store_, *transport_, clock_, mail_, strict);
  Configure(Json{{"webhook", nullptr}});
  auto r = guarded.Dispatch(Event());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->email.IsValidation());
  EXPECT_EQ(r->email.code(), "private_target");
  EXPECT_TRUE(sink_.Messages().empty());
}

TEST(NotifierAuth, LogsInToTheRelay) {
  es::test::SmtpSink sink(ES_SMTP_SINK, "relay-user:relay-pass");
  ASSERT_TRUE(sink.running());
  CurlMailSender mail;
  SmtpRelay relay;
  relay.url = sink.url();
  relay.username = "relay-user";
  relay.password = "wrong";
  MailMessage m{"a@shop.example", {"b@shop.example"}, "hello", "line one\n.leading dot\nline three"};
  Status bad = mail.Send(relay, m, 1'780'000'000'000);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().find("wrong"), std::string::npos);  // never the password
  relay.password = "relay-pass";
  Status ok = mail.Send(relay, m, 1'780'000'000'000);
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  auto mails = sink.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("X-Sink-Login: relay-user"), std::string::npos);
  EXPECT_NE(mails[0].find("\r\n.leading dot\r\n"), std::string::npos);  // dot-stuffing undone by the relay
  // Without credentials the relay refuses the message.
  relay.username.clear();
  relay.password.clear();
  EXPECT_TRUE(mail.Send(relay, m, 1'780'000'000'000).IsNetwork());
}

TEST(RenderMail, HeadersAndCrlfBody) {
  MailMessage m{"a@shop.example", {"b@x.example", "c@x.example"}, "Plain subject", "one\ntwo\r\nthree"};
  auto text = RenderMail(m, 0);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(text->find("To: b@x.example, c@x.example\r\n"), std::string::npos);
  EXPECT_NE(text->find("Subject: Plain subject\r\n"), std::string::npos);
  EXPECT_NE(text->find("@shop.example>\r\n"), std::string::npos);  // Message-ID domain
  EXPECT_NE(text->find("\r\n\r\none\r\ntwo\r\nthree\r\n"), std::string::npos);
  m.subject = "two\r\nBcc: x@y.z";
  EXPECT_TRUE(RenderMail(m, 0).status().IsValidation());
  m.subject = "ok";
  m.to = {};
  EXPECT_TRUE(RenderMail(m, 0).status().IsValidation());
}

TEST(RunEvents, FailedRunsAndTheFailedQueue) {
  store::SyncRun run;
  run.id = "r1";
  run.tenant_id = "t1";
  run.source_connection = "woo";
  run.target_connection = "qbo";
  run.status = store::RunStatus::kFailed;
  run.error = "connection 'qbo': network: refused";
  auto e = RunEndEvents(run, ErrorCategory::kNetwork, 0);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, "run_failed");
  EXPECT_EQ(e[0].detail["error"], run.error);
  e = RunEndEvents(run, ErrorCategory::kAuthentication, 0);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, "auth_failed");
  run.status = store::RunStatus::kPartial;
  run.totals.failed = 3;
  e = RunEndEvents(run, ErrorCategory::kOk, 40);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, "failed_queue_growing");
  EXPECT_EQ(e[0].detail["failedQueue"], 40);
  run.status = store::RunStatus::kSucceeded;
  run.totals.failed = 0;
  EXPECT_TRUE(RunEndEvents(run, ErrorCategory::kOk, 0).empty());
  EXPECT_TRUE(RefusedRunEvents("t1", "woo", "qbo", Status::Network("x"), 1).empty());
  EXPECT_EQ(RefusedRunEvents("t1", "woo", "qbo", Status::Authentication("revoked"), 1).at(0).kind, "auth_failed");
}

}  // namespace
}  // namespace es::notify
