// Test fixture shared by the QBO sandbox tests: starts a Server on a free
// port with a FakeClock and talks to it over real HTTP (libcurl) with raw
// JSON. Every call advances the fake clock by kStepMs so that the 10 req/s
// window is not hit by accident. Not thread-safe (one test thread).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "http/transport.h"
#include "http/url.h"

namespace es::qbo::sandbox {

class SandboxTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStepMs = 150;

  void SetUp() override { StartServer(Options{}); }
  void TearDown() override {
    transport_.reset();  // close keep-alive connections so Stop() need not wait for them
    if (server_) server_->Stop();
  }

  void StartServer(Options opts) {
    transport_.reset();
    if (server_) server_->Stop();
    opts.clock = &clock_;
    server_ = std::make_unique<Server>(opts);
    ASSERT_TRUE(server_->Start(0).ok());
    token_ = server_->IssueTokens().access_token;
    if (!transport_) transport_ = http::MakeCurlTransport();
  }

  std::string ApiUrl(const std::string& path) const {
    return server_->base_url() + "/v3/company/" + server_->options().realm_id + path;
  }

  http::Response Raw(const std::string& method, const std::string& url, const std::string& body = {},
                     http::Headers headers = {}, bool advance = true) {
    if (advance) clock_.Advance(kStepMs);
    http::Request req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    req.timeout = std::chrono::milliseconds(20'000);
    auto res = transport_->Send(req);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : http::Response{};
  }

  http::Headers Auth(const std::string& content_type = "application/json") const {
    return {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}, {"Content-Type", content_type}};
  }

  // POST {path} (path may carry a query string); returns status and parsed body.
  std::pair<int, Json> Post(const std::string& path, const Json& body) {
    return PostText(path, DumpJson(body));
  }
  std::pair<int, Json> PostText(const std::string& path, const std::string& body) {
    std::string sep = path.find('?') == std::string::npos ? "?" : "&";
    http::Response r = Raw("POST", ApiUrl(path + sep + "minorversion=75"), body, Auth());
    return {r.status, Parse(r.body)};
  }
  std::pair<int, Json> Get(const std::string& path) {
    std::string sep = path.find('?') == std::string::npos ? "?" : "&";
    http::Response r = Raw("GET", ApiUrl(path + sep + "minorversion=75"), {}, Auth());
    return {r.status, Parse(r.body)};
  }
  std::pair<int, Json> Query(const std::string& statement) {
    return Get("/query?query=" + http::PercentEncode(statement));
  }

  static Json Parse(const std::string& body) {
    auto j = ParseJson(body);
    return j.ok() ? *j : Json();
  }
  static std::string FaultCode(const Json& body) {
    const Json* c = FindPath(body, "Fault");
    if (!c || !c->contains("Error") || (*c)["Error"].empty()) return {};
    return (*c)["Error"][0].value("code", "");
  }
  static std::string Money(const Json& v) { return ScalarText(v); }

  // Creates a customer and returns its Id.
  std::string NewCustomer(const std::string& name) {
    auto [status, body] = Post("/customer", Json{{"DisplayName", name}});
    EXPECT_EQ(status, 200) << DumpJson(body);
    return body["Customer"].value("Id", "");
  }
  std::string NewItem(const std::string& name, bool taxable = true) {
    auto [status, body] = Post("/item", Json{{"Name", name}, {"Type", "NonInventory"}, {"Taxable", taxable},
                                             {"IncomeAccountRef", {{"value", "2"}}}});
    EXPECT_EQ(status, 200) << DumpJson(body);
    return body["Item"].value("Id", "");
  }

  FakeClock clock_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<http::Transport> transport_;
  std::string token_;
};

}  // namespace es::qbo::sandbox
