// Test support for the QBO client tests (test-only): a transport that
// records requests and answers through a handler, JSON answers, fixtures
// from testdata/, query parameters of a sent URL, and the fixture with a
// client configuration, tokens and a fake clock.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connectors/qbo/client.h"
#include "http/transport.h"
#include "http/url.h"

namespace es::qbo::testing {

inline constexpr int64_t kHourMs = 3600 * 1000;

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Records every request and answers through a handler.
class FakeTransport final : public http::Transport {
 public:
  using Handler = std::function<Result<http::Response>(const http::Request&)>;
  explicit FakeTransport(Handler h) : handler_(std::move(h)) {}
  Result<http::Response> Send(const http::Request& r) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(r);
    }
    return handler_(r);
  }
  std::vector<http::Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<http::Request> requests_;
  Handler handler_;
};

inline http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json;charset=utf-8"}, {"intuit_tid", "1-abc-tid"}};
  r.body = std::move(body);
  return r;
}

// The decoded query parameters of a request URL.
inline http::Params QueryOf(const std::string& url) {
  auto parsed = http::ParseUrl(url);
  EXPECT_TRUE(parsed.ok());
  return http::ParseQuery(parsed->query);
}

inline std::string Param(const std::string& url, const std::string& key) {
  for (const auto& [k, v] : QueryOf(url)) {
    if (k == key) return v;
  }
  return "<absent>";
}

class QboClientTest : public ::testing::Test {
 protected:
  QboClientTest() {
    config_.api_base = "https://qbo.test";
    config_.token_url = "https://oauth.test/tokens";
    config_.realm_id = "9341453052144620";
    config_.client_id = "cid";
    config_.client_secret = "csecret";
  }
  OAuthTokens Tokens(int64_t access_in_ms) {
    OAuthTokens t;
    t.access_token = "AT-1";
    t.refresh_token = "RT-1";
    t.access_expires_at_ms = clock_.NowMillis() + access_in_ms;
    t.refresh_expires_at_ms = clock_.NowMillis() + 100LL * 24 * kHourMs;
    t.realm_id = config_.realm_id;
    return t;
  }
  std::string Base() { return "https://qbo.test/v3/company/" + config_.realm_id + "/"; }

  Config config_;
  FakeClock clock_;
};

}  // namespace es::qbo::testing
