#include "notify/config.h"

#include <gtest/gtest.h>

#include "notify/event.h"
#include "notify/signature.h"

namespace es::notify {
namespace {

const char* kSecret = "0123456789abcdef-secret";

Json Full() {
  return Json{{"webhook", {{"url", "https://hooks.example/n"}, {"secret", kSecret}}},
              {"email",
               {{"smtpUrl", "smtps://relay.example:465"},
                {"from", "sync@shop.example"},
                {"to", {"ops@shop.example", "owner@shop.example"}},
                {"username", "relay-user"},
                {"password", "relay-pass"}}},
              {"rateLimitMinutes", 30},
              {"kinds", {"run_failed", "auth_failed"}}};
}

TEST(NotifyConfig, UpdatedValidatesAndKeepsSecretsUnlessCleared) {
  auto c = NotifyConfig{}.Updated(Full());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rate_limit_minutes, 30);
  EXPECT_EQ(c->window_ms(), 30 * 60'000);
  EXPECT_TRUE(c->Wants("run_failed"));
  EXPECT_FALSE(c->Wants("webhook_disabled"));  // not selected
  EXPECT_TRUE(c->Wants("test"));

  // A later update without secrets keeps them.
  auto c2 = c->Updated(Json{{"webhook", {{"url", "https://hooks.example/other"}}}, {"email", {{"to", "a@b.example"}}}});
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_EQ(c2->webhook->secret, kSecret);
  EXPECT_EQ(c2->webhook->url, "https://hooks.example/other");
  EXPECT_EQ(c2->email->password, "relay-pass");
  ASSERT_EQ(c2->email->to.size(), 1u);

  // null removes a target; the password cleared with null.
  auto c3 = c2->Updated(Json{{"webhook", nullptr}, {"email", {{"password", nullptr}, {"username", ""}}}});
  ASSERT_TRUE(c3.ok()) << c3.status().ToString();
  EXPECT_FALSE(c3->webhook.has_value());
  EXPECT_TRUE(c3->email->password.empty());
}

TEST(NotifyConfig, BadInputNamesTheField) {
  struct Case {
    Json update;
    std::string field;
  };
  const Case cases[] = {
      {Json{{"webhook", {{"url", "ftp://x"}, {"secret", kSecret}}}}, "webhook.url"},
      {Json{{"webhook", {{"url", "https://x.example"}}}}, "webhook.secret"},
      {Json{{"webhook", {{"url", "https://x.example"}, {"secret", "short"}}}}, "webhook.secret"},
      {Json{{"email", {{"smtpUrl", "http://relay"}, {"from", "a@b.c"}, {"to", {"c@d.e"}}}}}, "email.smtpUrl"},
      {Json{{"email", {{"smtpUrl", "smtp://relay"}, {"from", "a@b.c"}, {"to", {"c@d.e", "bad"}}}}}, "email.to[1]"},
      {Json{{"email", {{"smtpUrl", "smtp://relay"}, {"from", "a@b.c\r\nBcc: x@y.z"}, {"to", {"c@d.e"}}}}},
       "email.from"},
      {Json{{"email", {{"smtpUrl", "smtps://relay"}, {"from", "a@b.c"}, {"to", {"c@d.e"}}, {"starttls", true}}}},
       "email.starttls"},
      {Json{{"email", {{"smtpUrl", "smtp://relay"}, {"from", "a@b.c"}, {"to", Json::array()}}}}, "email.to"},
      {Json{{"rateLimitMinutes", -1}}, "rateLimitMinutes"},
      {Json{{"rateLimitMinutes", "15"}}, "rateLimitMinutes"},
      {Json{{"kinds", {"run_failed", "everything"}}}, "kinds[1]"},
      {Json{{"surprise", 1}}, "surprise"},
      {Json{{"webhook", {{"url", "https://x.example"}, {"secret", kSecret}, {"extra", 1}}}}, "webhook.extra"},
  };
  for (const Case& c : cases) {
    auto r = NotifyConfig{}.Updated(c.update);
    ASSERT_FALSE(r.ok()) << DumpJson(c.update);
    EXPECT_TRUE(r.status().IsValidation());
    EXPECT_NE(r.status().message().find(c.field), std::string::npos) << r.status().message();
  }
  EXPECT_TRUE(NotifyConfig{}.Updated(Json::array()).status().IsValidation());
}

TEST(NotifyConfig, SettingsRoundTripKeepsSecretsOutOfConfig) {
  auto c = NotifyConfig{}.Updated(Full());
  ASSERT_TRUE(c.ok());
  store::NotificationSettings s = c->ToSettings("t1", 7);
  EXPECT_EQ(s.tenant_id, "t1");
  EXPECT_EQ(DumpJson(s.config).find(kSecret), std::string::npos);
  EXPECT_EQ(DumpJson(s.config).find("relay-pass"), std::string::npos);
  EXPECT_NE(s.secrets.find(kSecret), std::string::npos);
  auto back = NotifyConfig::FromSettings(s);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->webhook->secret, kSecret);
  EXPECT_EQ(back->email->password, "relay-pass");
  EXPECT_EQ(back->email->to, c->email->to);
  EXPECT_EQ(back->kinds, c->kinds);

  Json masked = back->Masked();
  const std::string text = DumpJson(masked);
  EXPECT_EQ(text.find(kSecret), std::string::npos);
  EXPECT_EQ(text.find("relay-pass"), std::string::npos);
  EXPECT_TRUE(masked["webhook"]["secretSet"].get<bool>());
  EXPECT_TRUE(masked["email"]["passwordSet"].get<bool>());

  s.secrets = "not json";
  EXPECT_EQ(NotifyConfig::FromSettings(s).status().category(), ErrorCategory::kInternal);
}

TEST(NotifyConfig, NothingConfiguredWantsNothing) {
  NotifyConfig c;
  EXPECT_FALSE(c.Wants("run_failed"));
  auto off = NotifyConfig{}.Updated(Json{{"enabled", false}, {"webhook", {{"url", "https://x.example"}, {"secret", kSecret}}}});
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->Wants("run_failed"));
  EXPECT_FALSE(off->Wants("test"));
}

TEST(NotifySignature, SignsTheExactBodyAndVerifiesInConstantTime) {
  const std::string body = R"({"kind":"run_failed"})";
  const std::string sig = SignBody("key", body);
  ASSERT_EQ(sig.rfind("sha256=", 0), 0u);
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_TRUE(VerifySignature("key", body, sig));
  EXPECT_FALSE(VerifySignature("key", body + " ", sig));
  EXPECT_FALSE(VerifySignature("other", body, sig));
  EXPECT_FALSE(VerifySignature("", body, SignBody("", body)));
  EXPECT_FALSE(VerifySignature("key", body, ""));
  // RFC 4231 test case 2 (HMAC-SHA256 of "what do ya want for nothing?" with key "Jefe").
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(NotifyEvent, KnownKinds) {
  EXPECT_TRUE(KnownKind("run_failed"));
  EXPECT_TRUE(KnownKind("failed_queue_growing"));
  EXPECT_TRUE(KnownKind("test"));
  EXPECT_FALSE(KnownKind("Run_Failed"));
  EXPECT_FALSE(KnownKind(""));
}

}  // namespace
}  // namespace es::notify
