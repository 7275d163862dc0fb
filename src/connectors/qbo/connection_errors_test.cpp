// Failures of a whole QBO connection: unreachable hosts, refused refresh
// tokens and refused access each come back as one line that names what
// failed and what to do, with category and code kept for the engine.
#include <gtest/gtest.h>

#include "connectors/qbo/client.h"
#include "connectors/qbo/codec.h"

namespace es::qbo {
namespace {

class ScriptedTransport final : public http::Transport {
 public:
  using Handler = std::function<Result<http::Response>(const http::Request&)>;
  explicit ScriptedTransport(Handler h) : handler_(std::move(h)) {}
  Result<http::Response> Send(const http::Request& r) override {
    ++sent;
    return handler_(r);
  }
  int sent = 0;

 private:
  Handler handler_;
};

http::Response Answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Config TestConfig() {
  Config c;
  c.api_base = "http://127.0.0.1:9";
  c.token_url = "https://oauth.test/tokens";
  c.realm_id = "9341453052144620";
  c.client_id = "cid";
  c.client_secret = "csecret";
  return c;
}

OAuthTokens Fresh(Clock& clock) {
  OAuthTokens t;
  t.access_token = "AT-1";
  t.refresh_token = "RT-1";
  t.access_expires_at_ms = clock.NowMillis() + 3'600'000;
  return t;
}

TEST(QboConnectionErrors, UnreachableNamesTheAddressTheReasonAndTheSetting) {
  Status refused = Unreachable(Status::Network("POST request failed: Failed to connect to 127.0.0.1 port 9 after 0 ms: "
                                               "Couldn't connect to server",
                                               "transport"),
                               "http://127.0.0.1:9", "api_base");
  EXPECT_TRUE(refused.IsNetwork());
  EXPECT_EQ(refused.code(), "transport");
  EXPECT_EQ(refused.message(),
            "QuickBooks unreachable at http://127.0.0.1:9 (connection refused) — check the connection's api_base");
  EXPECT_NE(Unreachable(Status::Network("GET request failed: Could not resolve host: qbo.invalid", "transport"),
                        "https://qbo.invalid", "api_base")
                .message()
                .find("(host name not found)"),
            std::string::npos);
  EXPECT_NE(Unreachable(Status::Network("GET request failed: Operation timed out after 10001 ms", "timeout"),
                        "https://qbo.test", "api_base")
                .message()
                .find("(timed out)"),
            std::string::npos);
  Status tls = Unreachable(
      Status::Network("GET request failed: SSL certificate problem: self-signed certificate", "transport"),
      "https://127.0.0.1:8443", "api_base");
  EXPECT_NE(tls.message().find("TLS failure: SSL certificate problem"), std::string::npos) << tls.message();
  EXPECT_NE(tls.message().find("insecure_skip_tls_verify"), std::string::npos) << tls.message();
  Status plain = Unreachable(
      Status::Network("GET request failed: OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
                      "transport"),
      "https://127.0.0.1:8082", "api_base");
  EXPECT_EQ(plain.message(),
            "QuickBooks unreachable at https://127.0.0.1:8082 (TLS failure: the server there does not speak TLS) — "
            "check the connection's api_base: use http:// for a plain-HTTP server, or its TLS port");
  EXPECT_TRUE(http::IsTransportFailure(refused));
  EXPECT_FALSE(http::IsTransportFailure(Status::Network("HTTP 503")));
}

TEST(QboConnectionErrors, UnreachableApiIsOneMessageWithoutTheCallPrefix) {
  FakeClock clock(1'000'000);
  ScriptedTransport t([](const http::Request&) -> Result<http::Response> {
    return Status::Network("POST request failed: Failed to connect to 127.0.0.1 port 9: Connection refused",
                           "transport");
  });
  MemoryTokenStore tokens(Fresh(clock));
  Client client(TestConfig(), t, clock, tokens);
  auto r = client.Create("Customer", Json{{"DisplayName", "Ada"}}, "rid-1");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNetwork());
  EXPECT_EQ(r.status().message(),
            "QuickBooks unreachable at http://127.0.0.1:9 (connection refused) — check the connection's api_base");
}

// A query with an expired access token whose refresh the token endpoint
// answers with `status` and `body`; `sent` counts the requests made.
Status QueryWithRefreshAnswer(int status, const std::string& body, int* sent) {
  FakeClock clock(1'000'000);
  ScriptedTransport t([&](const http::Request&) -> Result<http::Response> { return Answer(status, body); });
  OAuthTokens expired = Fresh(clock);
  expired.access_expires_at_ms = 0;
  MemoryTokenStore tokens(expired);
  Client client(TestConfig(), t, clock, tokens);
  auto r = client.Query("SELECT * FROM Customer");
  *sent = t.sent;
  return r.ok() ? Status::Ok() : r.status();
}

TEST(QboConnectionErrors, RefusedRefreshTokenSaysReconnectWithoutTheToken) {
  int sent = 0;
  Status s = QueryWithRefreshAnswer(400, R"({"error_description":"Token invalid","error":"invalid_grant"})", &sent);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "invalid_grant");
  EXPECT_EQ(s.message().rfind("QuickBooks token refresh refused (invalid_grant) — reconnect QuickBooks", 0), 0u)
      << s.message();
  EXPECT_EQ(s.message().find("RT-1"), std::string::npos);
  EXPECT_EQ(sent, 1);  // the refresh only
}

// invalid_client: the app's keys are wrong; new tokens would not help.
TEST(QboConnectionErrors, RefusedClientKeysSayWhichSettingsToCheck) {
  int sent = 0;
  Status s = QueryWithRefreshAnswer(401, R"({"error":"invalid_client"})", &sent);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "QuickBooks token refresh refused (invalid_client) — check the connection's client_id and client_secret "
            "(the app's keys in Intuit's developer portal)");
}

TEST(QboConnectionErrors, UnreachableTokenEndpointNamesTokenUrl) {
  FakeClock clock(1'000'000);
  ScriptedTransport t([](const http::Request&) -> Result<http::Response> {
    return Status::Network("POST request failed: Could not resolve host: oauth.test", "transport");
  });
  OAuthTokens expired = Fresh(clock);
  expired.access_expires_at_ms = 0;
  MemoryTokenStore tokens(expired);
  Client client(TestConfig(), t, clock, tokens);
  Status s = client.Ping();
  EXPECT_TRUE(s.IsNetwork());
  EXPECT_NE(s.message().find("unreachable at https://oauth.test/tokens (host name not found)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("token_url"), std::string::npos) << s.message();
}

TEST(QboConnectionErrors, ForbiddenCompanyNamesTheRealmButAThrottleIn403StaysARateLimit) {
  FakeClock clock(1'000'000);
  ScriptedTransport denied([](const http::Request&) -> Result<http::Response> {
    return Answer(403, R"({"Fault":{"Error":[{"Message":"ApplicationAuthorizationFailed","Detail":"errorCode=003100",)"
                       R"("code":"3100"}],"type":"SERVICE"},"time":"2026-12-06T10:00:00.000-08:00"})");
  });
  MemoryTokenStore tokens(Fresh(clock));
  Client client(TestConfig(), denied, clock, tokens);
  Status s = client.Ping();
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.code(), "3100");
  EXPECT_NE(s.message().find("denied access to company 9341453052144620"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("check realm_id"), std::string::npos) << s.message();

  ScriptedTransport throttled([](const http::Request&) -> Result<http::Response> {
    return Answer(403, R"({"Fault":{"Error":[{"Message":"ThrottleExceeded","code":"3001"}],"type":"SERVICE"}})");
  });
  Client client2(TestConfig(), throttled, clock, tokens);
  EXPECT_TRUE(client2.Ping().IsRateLimit());
}

}  // namespace
}  // namespace es::qbo
