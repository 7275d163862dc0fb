#include "integration/server_fixture.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "server/auth/jwt.h"
#include "server/log.h"
#include "server/run_executor.h"
#include "store/factory/open_store.h"

namespace es::testing {

std::string ApiResponse::Header(const std::string& name) const { return std::string(http::FindHeader(headers, name)); }

ServerFixture::ServerFixture(ServerFixtureOptions options) : options_(std::move(options)) {
  static std::atomic<int> counter{0};
  dir_ = std::filesystem::path(::testing::TempDir()) /
         ("es_server_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

ServerFixture::~ServerFixture() {
  client_.reset();  // closes keep-alive connections so the server stops at once
  if (server_) server_->Stop();
  server::SetLogSink({});
  server_.reset();
  transport_.reset();
  if (woo_) woo_->Stop();
  if (qbo_) qbo_->Stop();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status ServerFixture::Start() {
  server::SetLogSink([this](const std::string& line) {
    std::lock_guard lock(mu_);
    logs_ += line;
    logs_ += '\n';
  });
  woo_ = std::make_unique<woo::sandbox::Server>(options_.woo);
  qbo_ = std::make_unique<qbo::sandbox::Server>(options_.qbo);
  ES_RETURN_IF_ERROR(woo_->Start(0));
  ES_RETURN_IF_ERROR(qbo_->Start(0));
  auto store = store::OpenStore(options_.store_url.empty() ? "sqlite://" + db_path().string() : options_.store_url);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  transport_ = http::MakeCurlTransport();
  client_ = http::MakeCurlTransport();

  server::ServerConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = 0;
  cfg.master_key_hex = kMasterKey;
  cfg.jwt_secret = kJwtSecret;
  cfg.metrics_token = options_.metrics_token;
  cfg.oauth_redirect_uri = kRedirectUri;
  cfg.qbo_client_id = options_.qbo.client_id;
  cfg.qbo_client_secret = options_.qbo.client_secret;
  cfg.qbo_authorize_url = qbo_->authorize_url();
  cfg.qbo_token_url = qbo_->token_url();
  cfg.qbo_api_base = qbo_->base_url();
  cfg.api_rate_per_s = options_.api_rate_per_s;
  cfg.api_burst = options_.api_burst;
  cfg.max_concurrent_runs = 4;
  cfg.confirm_above = options_.confirm_above;
  cfg.allow_private_targets = options_.allow_private_targets;
  cfg.allowed_targets = options_.allowed_targets;
  cfg.http_threads = options_.http_threads;
  cfg.keep_alive_timeout_ms = options_.keep_alive_timeout_ms;
  cfg.header_timeout_ms = options_.header_timeout_ms;
  cfg.body_timeout_ms = options_.body_timeout_ms;
  cfg.max_connections_per_client = options_.max_connections_per_client;
  auto keys = server::BuildServerKeys(cfg, &clock_);
  if (!keys.ok()) return keys.status();
  engine::EngineOptions eo;
  eo.retry.initial_ms = 5;
  eo.retry.max_ms = 50;
  eo.retry.rate_limit_default_ms = 50;
  eo.retry.max_retries = 4;
  server_ = std::make_unique<server::HttpServer>(cfg, *store_, std::move(*keys), *transport_, clock_, eo);
  server::WebhookOptions wo;
  wo.poll_ms = 100;
  wo.retry_base_ms = 50;
  webhooks_ = std::make_unique<server::WebhookService>(wo);
  webhooks_->Attach(*server_);
  return server_->Start();
}

std::string ServerFixture::Token(const std::string& tenant, const std::string& user, const std::string& role,
                                 int64_t ttl_s, const std::string& secret) const {
  auth::Claims c;
  c.sub = user;
  c.tenant = tenant;
  c.role = auth::ParseRole(role).value_or(auth::Role::kUser);
  const int64_t now = clock_.NowSeconds();
  c.iat = now;
  c.exp = now + ttl_s;
  auth::SignerConfig sc;
  sc.hs256_secret = secret;
  auto t = auth::Sign(c, sc);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : std::string();
}

ApiResponse ServerFixture::Call(const std::string& method, const std::string& path, const std::string& token,
                                const std::string& body, const http::Headers& extra) {
  http::Request req;
  req.method = method;
  req.url = server_->base_url() + path;
  req.timeout = std::chrono::milliseconds(60000);
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  for (const auto& h : extra) req.headers.push_back(h);
  req.body = body;
  ApiResponse out;
  auto resp = client_->Send(req);
  if (!resp.ok()) {
    ADD_FAILURE() << method << " " << path << ": " << resp.status().ToString();
    return out;
  }
  out.status = resp->status;
  out.body = resp->body;
  out.headers = resp->headers;
  auto j = ParseJson(out.body);
  if (j.ok()) out.json = *j;
  std::lock_guard lock(mu_);
  responses_ += out.body;
  responses_ += '\n';
  for (const auto& [k, v] : out.headers) responses_ += k + ": " + v + "\n";
  return out;
}

void ServerFixture::AddSandboxConnections(const std::string& tenant) {
  const std::string admin = Admin(tenant);
  auto w = Call("POST", "/api/v1/connections", admin,
                Json{{"id", "woo"},
                     {"kind", "woo"},
                     {"name", "Sandbox shop"},
                     {"config", {{"base_url", woo_->base_url()}}},
                     {"credentials",
                      {{"consumer_key", options_.woo.consumer_key}, {"consumer_secret", options_.woo.consumer_secret}}},
                     {"enabled", true}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto tokens = qbo_->IssueTokens();
  const int64_t now = clock_.NowMillis();
  auto q = Call("POST", "/api/v1/connections", admin,
                Json{{"id", "qbo"},
                     {"kind", "qbo"},
                     {"config", {{"realm_id", options_.qbo.realm_id}}},
                     {"credentials",
                      {{"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token},
                       {"access_expires_at_ms", now + tokens.expires_in_s * 1000},
                       {"refresh_expires_at_ms", now + tokens.refresh_expires_in_s * 1000}}},
                     {"enabled", true}});
  ASSERT_EQ(q.status, 201) << q.body;
}

Json ServerFixture::WaitForRun(const std::string& token, const std::string& run_id, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Json last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = Call("GET", "/api/v1/runs/" + run_id, token);
    if (r.status != 200) {
      ADD_FAILURE() << "run " << run_id << ": " << r.status << " " << r.body;
      return last;
    }
    last = r.json;
    const std::string st = GetStringOr(last, "status");
    if (st != "running" && st != "queued") {
      // The engine records the final status before the worker finishes its
      // bookkeeping; wait until the executor no longer reports it as running.
      for (int i = 0; i < 100 && server_->context().runs->active() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "run " << run_id << " did not finish: " << DumpJson(last);
  return last;
}

std::string ServerFixture::Logs() const {
  std::lock_guard lock(mu_);
  return logs_;
}

std::string ServerFixture::Responses() const {
  std::lock_guard lock(mu_);
  return responses_;
}

}  // namespace es::testing
