// Dashboard sign-in against the in-process server: the session cookie's
// flags, the cookie accepted like a bearer token with the same claims, CSRF
// (missing / wrong → 403, bearer exempt), login throttling, session expiry,
// logout, one-time sign-in links, the sign-in form's own token, and the
// dashboard's page and assets with their security headers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/server_fixture.h"
#include "server/api_auth.h"
#include "server/auth/session_cookie.h"

namespace es::testing {
namespace {

constexpr const char* kPassword = "correct horse battery staple";

std::vector<std::string> SetCookies(const ApiResponse& r) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers) {
    std::string key = k;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key == "set-cookie") out.push_back(v);
  }
  return out;
}

std::string CookieLine(const ApiResponse& r, const std::string& name) {
  for (const auto& c : SetCookies(r))
    if (c.rfind(name + "=", 0) == 0) return c;
  return "";
}

std::string CookieOf(const ApiResponse& r, const std::string& name) {
  const std::string line = CookieLine(r, name);
  const size_t eq = line.find('='), semi = line.find(';');
  return line.empty() ? "" : line.substr(eq + 1, semi - eq - 1);
}

class SessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fx_ = new ServerFixture();
    ASSERT_TRUE(fx_->Start().ok());
    fx_->AddSandboxConnections("t1");
    const int64_t now = fx_->clock().NowMillis();
    ASSERT_TRUE(server::AddUser(fx_->store(), "t1", "Ann@Shop.test", "admin", kPassword, now, auth::HashCost::kMinimum).ok());
    ASSERT_TRUE(server::AddUser(fx_->store(), "t1", "bob@shop.test", "user", kPassword, now, auth::HashCost::kMinimum).ok());
  }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }

  struct Signed {
    std::string cookie;  // "es_session=…"
    std::string csrf;
  };
  static Signed SignIn(const std::string& email, const std::string& tenant = "t1") {
    auto r = fx_->Call("POST", "/auth/login", "", Json{{"tenant", tenant}, {"email", email}, {"password", kPassword}});
    EXPECT_EQ(r.status, 200) << r.body;
    return {std::string(auth::kSessionCookie) + "=" + CookieOf(r, auth::kSessionCookie),
            r.json.value("csrfToken", std::string())};
  }
  static ApiResponse WithCookie(const std::string& method, const std::string& path, const Signed& s,
                                const std::string& csrf, const std::string& body = {}) {
    http::Headers extra = {{"Cookie", s.cookie}};
    if (!csrf.empty()) extra.emplace_back(auth::kCsrfHeader, csrf);
    return fx_->Call(method, path, "", body, extra);
  }

  static ServerFixture* fx_;
};

ServerFixture* SessionTest::fx_ = nullptr;

TEST_F(SessionTest, LoginSetsStrictCookiesAndTheCookieCarriesTheUsersClaims) {
  auto r = fx_->Call("POST", "/auth/login", "", Json{{"tenant", "t1"}, {"email", "ann@shop.test"}, {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["role"], "admin");
  EXPECT_EQ(r.json["user"], "ann@shop.test");
  const std::string session = CookieLine(r, auth::kSessionCookie);
  const std::string csrf = CookieLine(r, auth::kCsrfCookie);
  for (const char* flag : {"HttpOnly", "SameSite=Strict", "Path=/", "Secure", "Max-Age=28800"}) {
    EXPECT_NE(session.find(flag), std::string::npos) << flag << " missing in " << session;
  }
  EXPECT_EQ(csrf.find("HttpOnly"), std::string::npos) << csrf;  // the page's script reads it
  EXPECT_NE(csrf.find("SameSite=Strict"), std::string::npos) << csrf;
  EXPECT_EQ(CookieOf(r, auth::kCsrfCookie), r.json["csrfToken"]);
  // The store has only the hash of the session id, never the id itself.
  const std::string sid = CookieOf(r, auth::kSessionCookie);
  ASSERT_EQ(sid.size(), 64u);
  EXPECT_FALSE(fx_->store().GetSession(sid, 0)->has_value());
  EXPECT_TRUE(fx_->store().GetSession(auth::SessionIdHash(sid), 0)->has_value());
  auto user = fx_->store().GetUser("t1", "ann@shop.test");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->password_hash.rfind("$argon2id$", 0), 0u);

  Signed s{std::string(auth::kSessionCookie) + "=" + sid, r.json["csrfToken"]};
  auto me = WithCookie("GET", "/api/v1/session", s, "");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["tenant"], "t1");
  EXPECT_EQ(me.json["auth"], "session");
  auto conns = WithCookie("GET", "/api/v1/connections", s, "");
  ASSERT_EQ(conns.status, 200) << conns.body;
  EXPECT_EQ(conns.json["connections"].size(), 2u);
  // A user's session gets the user role: admin routes answer 403.
  Signed bob = SignIn("bob@shop.test");
  EXPECT_EQ(WithCookie("GET", "/api/v1/audit", bob, "").status, 403);
  EXPECT_EQ(WithCookie("GET", "/api/v1/audit", s, "").status, 200);
}

TEST_F(SessionTest, StateChangingCookieRequestsNeedTheCsrfTokenBearerRequestsDoNot) {
  Signed s = SignIn("ann@shop.test");
  auto missing = WithCookie("POST", "/api/v1/connections/woo/test", s, "");
  EXPECT_EQ(missing.status, 403) << missing.body;
  EXPECT_NE(missing.body.find("CSRF"), std::string::npos);
  auto wrong = WithCookie("POST", "/api/v1/connections/woo/test", s, std::string(64, 'a'));
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  Signed other = SignIn("bob@shop.test");  // another session's token does not fit
  EXPECT_EQ(WithCookie("POST", "/api/v1/connections/woo/test", s, other.csrf).status, 403);
  auto right = WithCookie("POST", "/api/v1/connections/woo/test", s, s.csrf);
  EXPECT_EQ(right.status, 200) << right.body;
  auto put = WithCookie("PUT", "/api/v1/connections/woo/credentials", s, "", R"({"note":"x"})");
  EXPECT_EQ(put.status, 403);
  auto bearer = fx_->Call("POST", "/api/v1/connections/woo/test", fx_->Admin("t1"));
  EXPECT_EQ(bearer.status, 200) << bearer.body;
}

TEST_F(SessionTest, FiveFailuresLockTheAccountThenTheLockEnds) {
  const int64_t now = fx_->clock().NowMillis();
  ASSERT_TRUE(server::AddUser(fx_->store(), "t1", "cat@shop.test", "user", kPassword, now, auth::HashCost::kMinimum).ok());
  auto attempt = [](const std::string& password) {
    return fx_->Call("POST", "/auth/login", "",
                     Json{{"tenant", "t1"}, {"email", "cat@shop.test"}, {"password", password}});
  };
  for (int i = 0; i < 5; ++i) {
    auto r = attempt("wrong password " + std::to_string(i));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.json["error"]["message"], "wrong tenant, email or password");
    EXPECT_TRUE(SetCookies(r).empty());
  }
  auto locked = attempt(kPassword);  // even the right password waits
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(locked.Header("Retry-After"), "30");
  fx_->clock().Advance(31'000);
  EXPECT_EQ(attempt(kPassword).status, 200);
  // An unknown user and a wrong tenant answer exactly like a wrong password.
  auto unknown = fx_->Call("POST", "/auth/login", "", Json{{"tenant", "t1"}, {"email", "nobody@shop.test"}, {"password", kPassword}});
  auto tenant = fx_->Call("POST", "/auth/login", "", Json{{"tenant", "t2"}, {"email", "ann@shop.test"}, {"password", kPassword}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(tenant.status, 401);
  EXPECT_EQ(unknown.body, tenant.body);
}

TEST_F(SessionTest, SessionsExpireAndLogoutEndsThem) {
  Signed s = SignIn("ann@shop.test");
  EXPECT_EQ(WithCookie("GET", "/api/v1/session", s, "").status, 200);
  fx_->clock().Advance(server::kSessionTtlMs + 1000);
  EXPECT_EQ(WithCookie("GET", "/api/v1/session", s, "").status, 401);

  Signed t = SignIn("ann@shop.test");
  EXPECT_EQ(WithCookie("POST", "/auth/logout", t, "").status, 403);  // logout needs the token too
  auto out = WithCookie("POST", "/auth/logout", t, t.csrf);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(CookieLine(out, auth::kSessionCookie).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(WithCookie("GET", "/api/v1/session", t, "").status, 401);
  EXPECT_EQ(WithCookie("GET", "/api/v1/connections", t, "").status, 401);
}

TEST_F(SessionTest, SignInLinksWorkOnceAndTheFormNeedsItsOwnToken) {
  auto token = server::IssueSignInLink(fx_->store(), "t1", "ann@shop.test", fx_->clock().NowMillis());
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto first = fx_->Call("GET", "/auth/link?token=" + *token);
  EXPECT_EQ(first.status, 303) << first.body;
  EXPECT_EQ(first.Header("Location"), "/");
  const std::string sid = CookieOf(first, auth::kSessionCookie);
  ASSERT_FALSE(sid.empty());
  Signed s{std::string(auth::kSessionCookie) + "=" + sid, CookieOf(first, auth::kCsrfCookie)};
  EXPECT_EQ(WithCookie("GET", "/api/v1/session", s, "").json["user"], "ann@shop.test");
  EXPECT_EQ(fx_->Call("GET", "/auth/link?token=" + *token).status, 400);
  // A link is no session: its token as a cookie is refused.
  auto link2 = server::IssueSignInLink(fx_->store(), "t1", "ann@shop.test", fx_->clock().NowMillis());
  ASSERT_TRUE(link2.ok());
  Signed fake{std::string(auth::kSessionCookie) + "=" + *link2, ""};
  EXPECT_EQ(WithCookie("GET", "/api/v1/session", fake, "").status, 401);

  // The sign-in form (sent without the fixture's JSON content type).
  auto client = http::MakeCurlTransport();
  auto post_form = [&](const std::string& csrf, const std::string& cookie) {
    http::Request req;
    req.method = "POST";
    req.url = fx_->server().base_url() + "/auth/login";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!cookie.empty()) req.headers.emplace_back("Cookie", std::string(auth::kLoginCookie) + "=" + cookie);
    req.body = "tenant=t1&email=ann%40shop.test&password=correct+horse+battery+staple&csrf=" + csrf;
    ApiResponse out;
    auto resp = client->Send(req);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (resp.ok()) {
      out.status = resp->status;
      out.body = resp->body;
      out.headers = resp->headers;
    }
    return out;
  };
  EXPECT_EQ(post_form("abc", "").status, 403);
  EXPECT_EQ(post_form("abd", "abc").status, 403);
  auto good = post_form("abc", "abc");
  EXPECT_EQ(good.status, 303) << good.body;
  EXPECT_EQ(good.Header("Location"), "/");
  EXPECT_FALSE(CookieOf(good, auth::kSessionCookie).empty());
  // JSON sign-in needs the JSON content type (a cross-site form cannot send it).
  auto plain = fx_->Call("POST", "/auth/login", "", std::string(R"({"tenant":"t1"})"), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 400);
}

TEST_F(SessionTest, TheDashboardIsServedWithStrictHeaders) {
  auto page = fx_->Call("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.Header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("/assets/app.js"), std::string::npos);
  EXPECT_NE(page.Header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.Header("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(CookieOf(page, auth::kLoginCookie).empty());
  for (const char* a : {"/assets/app.js", "/assets/pages_sync.js", "/assets/pages_setup.js", "/assets/app.css"}) {
    auto r = fx_->Call("GET", a);
    EXPECT_EQ(r.status, 200) << a;
    EXPECT_EQ(r.body.find("es_asset"), std::string::npos) << a;  // the wrapper is not served
  }
  EXPECT_EQ(fx_->Call("GET", "/assets/missing.js").status, 404);
  auto cb = fx_->Call("GET", "/oauth/qbo/callback?code=x&state=y&realmId=1");
  EXPECT_EQ(cb.status, 200);
  EXPECT_NE(cb.body.find("/assets/app.js"), std::string::npos);
}

}  // namespace
}  // namespace es::testing
