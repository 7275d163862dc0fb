// Unit tests of the dashboard sign-in helpers: argon2id hashing, the login
// throttle and the cookie helpers.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "server/auth/login_throttle.h"
#include "server/auth/password.h"
#include "server/auth/session_cookie.h"

namespace es::auth {
namespace {

TEST(Password, HashesWithArgon2idAndVerifies) {
  auto h = HashPassword("correct horse battery", HashCost::kMinimum);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse batterx"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "correct horse battery"));
  auto again = HashPassword("correct horse battery", HashCost::kMinimum);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *h);  // salted
}

TEST(Password, PolicyRefusesShortAndHugePasswordsWithoutEchoingThem) {
  auto s = HashPassword("short7!", HashCost::kMinimum);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsValidation());
  EXPECT_EQ(s.status().message().find("short7!"), std::string::npos);
  EXPECT_TRUE(CheckPasswordPolicy(std::string(1025, 'a')).IsValidation());
  EXPECT_TRUE(CheckPasswordPolicy("eight888").ok());
}

TEST(LoginThrottle, LocksAnAccountAfterFiveFailuresWithAGrowingDelay) {
  FakeClock clock(1'000'000);
  LoginThrottle t(clock);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 0);
    t.RecordFailure("t1/ann", "10.0.0.1");
  }
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 0);
  t.RecordFailure("t1/ann", "10.0.0.1");
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.2"), 30'000);  // another address, same account
  EXPECT_EQ(t.RetryAfterMs("t1/bob", "10.0.0.1"), 0);       // another account, same address
  clock.Advance(30'000);
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 0);
  t.RecordFailure("t1/ann", "10.0.0.1");
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 60'000);  // doubled
  for (int i = 0; i < 10; ++i) t.RecordFailure("t1/ann", "10.0.0.1");
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 15 * 60'000);  // capped at the window
  clock.Advance(15 * 60'000);
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 0);  // the window passed: forgotten
}

TEST(LoginThrottle, LocksAnAddressTryingManyAccountsAndSuccessClearsTheAccount) {
  FakeClock clock(1'000'000);
  LoginThrottle t(clock);
  for (int i = 0; i < 20; ++i) t.RecordFailure("t1/u" + std::to_string(i), "10.0.0.9");
  EXPECT_GT(t.RetryAfterMs("t1/new", "10.0.0.9"), 0);
  EXPECT_EQ(t.RetryAfterMs("t1/new", "10.0.0.8"), 0);
  for (int i = 0; i < 4; ++i) t.RecordFailure("t1/ann", "10.0.0.1");
  t.RecordSuccess("t1/ann");
  t.RecordFailure("t1/ann", "10.0.0.1");
  EXPECT_EQ(t.RetryAfterMs("t1/ann", "10.0.0.1"), 0);
}

TEST(SessionCookie, ParsesCookieHeadersAndBuildsStrictCookies) {
  EXPECT_EQ(CookieValue("a=1; es_session=abc; es_csrf=x", "es_session"), "abc");
  EXPECT_EQ(CookieValue("es_session_old=1;es_session=\"q\"", "es_session"), "q");
  EXPECT_EQ(CookieValue("a=1", "es_session"), "");
  EXPECT_EQ(CookieValue("", "es_session"), "");
  const std::string c = SetCookie("es_session", "v", 3600, true, true);
  EXPECT_EQ(c, "es_session=v; Path=/; Max-Age=3600; SameSite=Strict; HttpOnly; Secure");
  EXPECT_EQ(SetCookie("es_csrf", "t", 0, false, false), "es_csrf=t; Path=/; Max-Age=0; SameSite=Strict");
  EXPECT_EQ(SessionIdHash("abc").size(), 64u);
  EXPECT_NE(SessionIdHash("abc"), SessionIdHash("abd"));
}

}  // namespace
}  // namespace es::auth
