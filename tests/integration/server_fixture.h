// ServerFixture: an in-process `serve` (HttpServer on port 0) over a SQLite
// file, with a WooCommerce and a QBO sandbox, and an HTTP client (libcurl) to
// call it. Used by the server integration tests. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "connectors/qbo/sandbox/server.h"
#include "connectors/woo/sandbox/server.h"
#include "http/transport.h"
#include "server/http_server.h"
#include "server/webhooks/webhook_service.h"
#include "store/store.h"

namespace es::testing {

// SystemClock plus an adjustable offset (to expire OAuth states without waiting).
class OffsetClock final : public Clock {
 public:
  int64_t NowMillis() const override { return SystemClock::Get().NowMillis() + offset_.load(); }
  void SleepMillis(int64_t ms) override { SystemClock::Get().SleepMillis(ms); }
  void Advance(int64_t ms) { offset_ += ms; }

 private:
  std::atomic<int64_t> offset_{0};
};

struct ApiResponse {
  int status = 0;
  std::string body;
  http::Headers headers;
  Json json;  // parsed body when it is JSON, else null
  std::string Header(const std::string& name) const;
};

inline constexpr const char* kJwtSecret = "test-jwt-secret-0123456789abcdef-0123456789";
inline constexpr const char* kMasterKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
inline constexpr const char* kRedirectUri = "https://app.example.test/oauth/qbo/callback";

struct ServerFixtureOptions {
  ServerFixtureOptions() {
    woo.orders = 30;  // a small store keeps the tests quick
    woo.customers = 15;
    woo.products = 10;
    qbo.throttle = false;
  }
  woo::sandbox::Options woo;
  qbo::sandbox::Options qbo;
  double api_rate_per_s = 1000;
  double api_burst = 1000;
  std::string metrics_token = "metrics-token-for-tests-0123456789";
  std::string store_url;  // empty: a SQLite file in the fixture's directory
  // Operations touching more records need a confirmation token
  // (server/confirmations.h). Off (-1) for the tests of other features; the
  // confirmation tests set the product's default, 10.
  int64_t confirm_above = -1;
  // The sandboxes listen on loopback, so the tests allow internal targets
  // unless a test checks the guard.
  bool allow_private_targets = true;
  std::vector<std::string> allowed_targets;
  // Listener limits (server/http_gate.h).
  int http_threads = 8;
  int64_t keep_alive_timeout_ms = 5000;
  int64_t header_timeout_ms = 10000;
  int64_t body_timeout_ms = 30000;
  int max_connections_per_client = 32;
};

class ServerFixture {
 public:
  explicit ServerFixture(ServerFixtureOptions options = {});
  ~ServerFixture();

  // Starts the sandboxes, the store and the server; captures the server log.
  Status Start();

  // Signs a token with the server's HS256 key (or `secret`), exp = now + ttl_s.
  std::string Token(const std::string& tenant, const std::string& user, const std::string& role,
                    int64_t ttl_s = 3600, const std::string& secret = kJwtSecret) const;
  std::string Admin(const std::string& tenant = "t1") const { return Token(tenant, "alice", "admin"); }
  std::string User(const std::string& tenant = "t1") const { return Token(tenant, "bob", "user"); }

  // Calls the server; `token` empty sends no Authorization header.
  ApiResponse Call(const std::string& method, const std::string& path, const std::string& token = {},
                   const std::string& body = {}, const http::Headers& extra = {});
  ApiResponse Call(const std::string& method, const std::string& path, const std::string& token, const Json& body) {
    return Call(method, path, token, DumpJson(body));
  }

  // Creates the tenant's "woo" and "qbo" connections through the API (admin),
  // enabled, with sandbox credentials; ASSERTs on failure.
  void AddSandboxConnections(const std::string& tenant = "t1");
  // Polls GET /api/v1/runs/{id} until the run is no longer running.
  Json WaitForRun(const std::string& token, const std::string& run_id, int timeout_ms = 60000);

  server::HttpServer& server() { return *server_; }
  // The webhook receivers and worker attached to the server (fast polling and retries).
  server::WebhookService& webhooks() { return *webhooks_; }
  store::StateStore& base_store() { return *store_; }
  // The encrypting store the server uses.
  store::StateStore& store() { return *server_->context().store; }
  woo::sandbox::Server& woo() { return *woo_; }
  qbo::sandbox::Server& qbo() { return *qbo_; }
  OffsetClock& clock() { return clock_; }
  http::Transport& transport() { return *transport_; }
  const ServerFixtureOptions& options() const { return options_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path db_path() const { return dir_ / "state.db"; }

  // Everything the server logged so far, and every response body received.
  std::string Logs() const;
  std::string Responses() const;

 private:
  ServerFixtureOptions options_;
  std::filesystem::path dir_;
  OffsetClock clock_;
  std::unique_ptr<woo::sandbox::Server> woo_;
  std::unique_ptr<qbo::sandbox::Server> qbo_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<http::Transport> transport_;        // the server's
  std::unique_ptr<http::Transport> client_;           // the test's
  std::unique_ptr<server::HttpServer> server_;
  std::unique_ptr<server::WebhookService> webhooks_;  // stopped by server_->Stop()
  mutable std::mutex mu_;
  std::string logs_;       // guarded by mu_
  std::string responses_;  // guarded by mu_
};

}  // namespace es::testing
