#include "server/http_server.h"

#include <httplib.h>

#include <chrono>
#include <thread>

#include "http/target_guard.h"
#include "server/api_auth.h"
#include "server/dashboard/dashboard.h"
#include "notify/notifier.h"
#include "platforms/platforms.h"
#include "server/api_schedules.h"
#include "server/connectivity.h"
#include "server/http_gate.h"
#include "server/isolating_store.h"
#include "server/log.h"
#include "server/run_executor.h"
#include "server/token_manager.h"
#include "store/encrypted_store.h"

namespace es::server {

void ServerContext::Audit(const Caller& who, const std::string& action, const std::string& target,
                          Json detail) const {
  store::AuditEntry e;
  e.tenant_id = who.tenant_id;
  e.at_ms = clock->NowMillis();
  e.user_id = who.user_id;
  e.action = action;
  e.target = target;
  e.detail = std::move(detail);
  Status s = store->AddAudit(e);
  if (!s.ok()) {
    Log(LogLevel::kError, "audit_failed",
        {{"tenant", who.tenant_id}, {"action", action}, {"category", std::string(CategoryName(s.category()))}});
  }
}

struct HttpServer::Impl {
  ServerConfig config;
  ServerKeys keys;
  http::GuardedTransport transport;  // every outbound request of the server goes through the target guard
  Clock& clock;
  store::EncryptedStore encrypted;
  IsolatingStore isolating;
  RunObserverStore observed;
  MetricsRegistry metrics;
  engine::Orchestrator orchestrator;
  ServerContext ctx;
  std::unique_ptr<QboTokenManager> tokens;
  std::unique_ptr<ConnectivityProbe> probes;
  notify::CurlMailSender mail;
  std::unique_ptr<notify::Notifier> notifier;
  std::unique_ptr<RunExecutor> runs;
  GatedServer http;
  std::unique_ptr<Router> router;
  std::vector<RouteRegistrar> registrars;
  std::vector<std::function<void()>> stop_hooks;
  std::thread thread;
  int port = 0;
  bool started = false;

  Impl(ServerConfig c, store::StateStore& base, ServerKeys k, http::Transport& t, Clock& cl,
       engine::EngineOptions eo)
      : config(std::move(c)),
        keys(std::move(k)),
        transport(t, TargetPolicyOf(config)),
        clock(cl),
        encrypted(base, *keys.box),
        isolating(encrypted, base, *keys.box),
        observed(isolating),
        orchestrator(observed, transport, clock, platforms::Registry(), WithTls(eo, config.insecure_skip_tls_verify)),
        http(GateOptionsOf(config)) {}

  // The operator's own endpoints (QuickBooks API and token URLs of the
  // config, e.g. a local sandbox) are trusted like allowed_targets.
  static http::TargetPolicy TargetPolicyOf(const ServerConfig& c) {
    http::TargetPolicy p;
    p.allow_private_targets = c.allow_private_targets;
    p.allowed = c.allowed_targets;
    for (const std::string* url : {&c.qbo_api_base, &c.qbo_token_url}) {
      auto t = http::ParseUrlTarget(*url);
      if (!t.ok()) continue;
      const bool v6 = t->host.find(':') != std::string::npos;
      p.allowed.push_back((v6 ? "[" + t->host + "]" : t->host) + ":" + std::to_string(t->port));
    }
    return p;
  }
  static GateOptions GateOptionsOf(const ServerConfig& c) {
    GateOptions o;
    o.threads = c.http_threads;
    o.idle_timeout_ms = c.keep_alive_timeout_ms;
    o.header_timeout_ms = c.header_timeout_ms;
    o.body_timeout_ms = c.body_timeout_ms;
    o.max_per_client = c.max_connections_per_client;
    o.max_connections = c.max_connections;
    return o;
  }

  static engine::EngineOptions WithTls(engine::EngineOptions eo, bool insecure) {
    if (insecure) eo.insecure_skip_tls_verify = true;
    return eo;
  }
};

namespace {

void DescribeMetrics(MetricsRegistry& m) {
  m.Describe("easysale_records_processed_total", "counter", "Records fetched from the source, per tenant and entity");
  m.Describe("easysale_records_created_total", "counter", "Records created in the target, per tenant and entity");
  m.Describe("easysale_records_updated_total", "counter", "Records updated in the target, per tenant and entity");
  m.Describe("easysale_records_skipped_total", "counter", "Records unchanged, per tenant and entity");
  m.Describe("easysale_records_failed_total", "counter", "Records that went to the failed queue");
  m.Describe("easysale_runs_total", "counter", "Finished sync runs by final status");
  m.Describe("easysale_run_duration_seconds", "histogram", "Sync run duration",
             {0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600});
  m.Describe("easysale_api_requests_total", "counter", "Requests sent to external platforms by sync runs");
  m.Describe("easysale_rate_limit_hits_total", "counter", "429 answers received from external platforms");
  m.Describe("easysale_queue_depth", "gauge", "Jobs in a queue (sync_runs: runs in progress)");
  m.Describe("easysale_connection_up", "gauge", "Last connectivity probe of a connection (1 ok, 0 failing)");
  m.Describe("easysale_http_requests_total", "counter", "API requests served, by route and status");
  m.Describe("easysale_api_rate_limited_total", "counter", "API requests refused by the per-tenant rate limit");
  m.Describe("easysale_runs_refused_total", "counter", "Sync triggers refused because too many runs were active");
  m.Set("easysale_queue_depth", {{"queue", "sync_runs"}}, 0);
}

}  // namespace

HttpServer::HttpServer(ServerConfig config, store::StateStore& base_store, ServerKeys keys,
                       http::Transport& transport, Clock& clock, engine::EngineOptions engine_options)
    : impl_(new Impl(std::move(config), base_store, std::move(keys), transport, clock, engine_options)) {
  Impl& i = *impl_;
  i.tokens = std::make_unique<QboTokenManager>(i.observed, i.transport, clock, i.config.insecure_skip_tls_verify);
  ServerContext& c = i.ctx;
  c.config = &i.config;
  c.store = &i.observed;
  c.isolation = &i.isolating;
  c.transport = &i.transport;
  c.clock = &clock;
  c.box = i.keys.box.get();
  c.verifier = i.keys.verifier.get();
  c.metrics = &i.metrics;
  c.orchestrator = &i.orchestrator;
  c.tokens = i.tokens.get();
  i.probes = std::make_unique<ConnectivityProbe>(c);
  c.probes = i.probes.get();
  notify::NotifierOptions no;
  no.policy = Impl::TargetPolicyOf(i.config);
  no.insecure_skip_tls_verify = i.config.insecure_skip_tls_verify;
  no.on_failure = [](const notify::NotificationEvent& e, const char* channel, const Status& why) {
    Log(LogLevel::kWarn, "notification_failed",
        {{"tenant", e.tenant_id},
         {"kind", e.kind},
         {"channel", channel},
         {"category", std::string(CategoryName(why.category()))},
         {"error", why.message()}});
  };
  i.notifier = std::make_unique<notify::Notifier>(i.observed, i.transport, clock, i.mail, std::move(no));
  c.notifier = i.notifier.get();
  i.runs = std::make_unique<RunExecutor>(c, i.config.max_concurrent_runs);
  c.runs = i.runs.get();
  c.started_at_ms = clock.NowMillis();
  DescribeMetrics(i.metrics);
  i.router = std::make_unique<Router>(c, i.http);
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddRouteRegistrar(RouteRegistrar registrar) { impl_->registrars.push_back(std::move(registrar)); }

void HttpServer::AddStopHook(std::function<void()> hook) { impl_->stop_hooks.push_back(std::move(hook)); }

Status HttpServer::Start() {
  Impl& i = *impl_;
  if (i.started) return Status::Conflict("server already started");
  RegisterMetricsRoutes(i.ctx, *i.router);
  RegisterConnectionRoutes(i.ctx, *i.router);
  RegisterOAuthRoutes(i.ctx, *i.router);
  RegisterSyncRoutes(i.ctx, *i.router);
  RegisterHistoryRoutes(i.ctx, *i.router);
  RegisterJobRoutes(i.ctx, *i.router);
  RegisterScheduleRoutes(i.ctx, *i.router);
  RegisterAuthRoutes(i.ctx, *i.router);
  RegisterConflictRoutes(i.ctx, *i.router);
  RegisterMappingRoutes(i.ctx, *i.router);
  RegisterSandboxRoutes(i.ctx, *i.router);
  RegisterPolicyRoutes(i.ctx, *i.router);
  RegisterNotificationRoutes(i.ctx, *i.router);
  RegisterReconcileRoutes(i.ctx, *i.router);
  RegisterAdminRoutes(i.ctx, *i.router);
  for (auto& r : i.registrars) r(i.ctx, *i.router);
  RegisterDashboardRoutes(i.ctx, i.http);

  i.http.set_payload_max_length(i.config.max_body_bytes);
  i.http.set_tcp_nodelay(true);  // small JSON answers must not wait for delayed ACKs
  // Worker threads and the slow-client limits come from GatedServer (http_gate.h).
  i.http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      WriteError(res, 404, Status::NotFound("no route for " + req.method + " " + req.path));
    } else if (res.status == 413) {
      WriteError(res, 413, Status::Validation("request body is too large"));
    } else if (res.status == 400) {
      WriteError(res, 400, Status::Validation("malformed HTTP request"));
    } else {
      WriteError(res, res.status, Status::Internal("request failed"));
    }
  });
  i.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    WriteError(res, 500, Status::Internal("internal error"));
  });

  int bound = i.config.port == 0 ? i.http.bind_to_any_port(i.config.host)
                                 : (i.http.bind_to_port(i.config.host, i.config.port) ? i.config.port : -1);
  if (bound <= 0) return Status::Network("cannot listen on " + i.config.host + ":" + std::to_string(i.config.port));
  i.port = bound;
  i.started = true;
  i.thread = std::thread([&i] { i.http.listen_after_bind(); });
  // Wait until the accept loop runs: httplib's stop() is a no-op before that,
  // so a Stop() right after Start() would otherwise never end the thread.
  for (int n = 0; n < 5000 && !i.http.is_running(); ++n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Log(LogLevel::kInfo, "server_started", {{"host", i.config.host}, {"port", bound}});
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_) return;
  Impl& i = *impl_;
  std::vector<std::function<void()>> hooks;
  hooks.swap(i.stop_hooks);
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
  i.runs->Shutdown();
  if (i.started) {
    i.http.stop();
    if (i.thread.joinable()) i.thread.join();
    i.started = false;
    Log(LogLevel::kInfo, "server_stopped", {{"port", i.port}});
  }
}

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::base_url() const {
  return "http://" + impl_->config.host + ":" + std::to_string(impl_->port);
}

ServerContext& HttpServer::context() { return impl_->ctx; }

std::vector<RouteInfo> HttpServer::routes() const { return impl_->router->routes(); }

}  // namespace es::server
