// HttpServer: `easysale-sync serve` — the authenticated, multi-tenant JSON
// API over the state store and the engine (SPEC F1, F3, F12–F14; routes in
// docs/openapi.yaml, configuration in docs/server.md).
//
// Ownership: the server borrows the base StateStore, the transport and the
// clock (all must outlive it) and owns everything else: an EncryptedStore
// over the base store (every handler and the engine go through it, so
// credentials and OAuth tokens are sealed at rest), the orchestrator, the
// background run executor, the connectivity probe cache, the QBO token
// manager and the metrics registry.
//
// Lifecycle: construct → AddRouteRegistrar()* → Start() → … → Stop() (or
// the destructor). Stop() stops running syncs, waits for them, then stops
// listening. Thread-safe once started.
//
// ---- Hook for other route groups (e.g. src/server/webhooks) ----------------
// A route group is a function that registers its routes on the Router:
//
//   void RegisterWebhookRoutes(ServerContext& ctx, Router& router) {
//     router.Add("POST", "/webhooks/woo/{tenant}", Access::kPublic, [&ctx](ApiRequest& r) { … });
//   }
//   server.AddRouteRegistrar(RegisterWebhookRoutes);   // before Start()
//
// Access::kPublic routes get no JWT check (webhooks verify their own
// signatures); r.http gives the raw body and headers. Routes added through
// the Router appear in routes() and so are checked against
// docs/openapi.yaml by the conformance test: document them there. The
// ServerContext gives the store, transport, clock, metrics (e.g. a
// "easysale_queue_depth" gauge with a "queue" label) and the run executor.
// `serve` (src/cli/serve_cmd.cpp) is where production registrars are added.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/secret_box.h"
#include "common/status.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "server/auth/jwt.h"
#include "server/metrics.h"
#include "server/router.h"
#include "server/server_config.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace es::server {

class RunExecutor;
class ConnectivityProbe;
class QboTokenManager;
class IsolatingStore;
}  // namespace es::server
namespace es::notify {
class Notifier;
}  // namespace es::notify
namespace es::server {

// What route handlers get. Pointers are non-null and valid while the server
// runs; every object is thread-safe.
struct ServerContext {
  const ServerConfig* config = nullptr;
  store::StateStore* store = nullptr;  // the encrypting store: use this, never the base store
  IsolatingStore* isolation = nullptr;  // connections whose credentials do not decrypt (isolating_store.h)
  http::Transport* transport = nullptr;  // guarded: refuses internal targets unless the config allows them
  Clock* clock = nullptr;
  const SecretBox* box = nullptr;
  const auth::JwtVerifier* verifier = nullptr;
  MetricsRegistry* metrics = nullptr;
  engine::Orchestrator* orchestrator = nullptr;
  RunExecutor* runs = nullptr;
  ConnectivityProbe* probes = nullptr;
  QboTokenManager* tokens = nullptr;
  notify::Notifier* notifier = nullptr;  // notification events (src/notify): runs, safety checks, API tests
  int64_t started_at_ms = 0;

  // Appends to the audit log with the caller's user id (failures are logged,
  // not returned: the action already happened). `detail` must hold no secret.
  void Audit(const Caller& who, const std::string& action, const std::string& target,
             Json detail = Json::object()) const;
};

using RouteRegistrar = std::function<void(ServerContext&, Router&)>;

class HttpServer {
 public:
  // `keys` comes from BuildServerKeys(config, &clock).
  HttpServer(ServerConfig config, store::StateStore& base_store, ServerKeys keys, http::Transport& transport,
             Clock& clock, engine::EngineOptions engine_options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route group; call before Start().
  void AddRouteRegistrar(RouteRegistrar registrar);
  // Runs `hook` at the start of Stop(), before sync runs are stopped and the
  // listener closes (background workers of route groups stop here). Hooks
  // run once, in reverse order of addition; call before Start().
  void AddStopHook(std::function<void()> hook);

  // Registers every route, binds config.host:config.port (0 = a free port)
  // and serves on background threads.
  Status Start();
  void Stop();
  int port() const;
  std::string base_url() const;  // http://host:port

  ServerContext& context();
  // Every route served (method + path template), for the OpenAPI check.
  std::vector<RouteInfo> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The built-in route groups (api_*.cpp); HttpServer::Start registers them.
void RegisterConnectionRoutes(ServerContext& ctx, Router& router);
void RegisterSyncRoutes(ServerContext& ctx, Router& router);
void RegisterNotificationRoutes(ServerContext& ctx, Router& router);
void RegisterHistoryRoutes(ServerContext& ctx, Router& router);
void RegisterMetricsRoutes(ServerContext& ctx, Router& router);
void RegisterOAuthRoutes(ServerContext& ctx, Router& router);
void RegisterJobRoutes(ServerContext& ctx, Router& router);  // api_jobs.cpp
void RegisterConflictRoutes(ServerContext& ctx, Router& router);
void RegisterMappingRoutes(ServerContext& ctx, Router& router);
void RegisterSandboxRoutes(ServerContext& ctx, Router& router);
void RegisterReconcileRoutes(ServerContext& ctx, Router& router);  // api_reconcile.cpp
void RegisterAdminRoutes(ServerContext& ctx, Router& router);      // api_admin.cpp: settings, users
void RegisterPolicyRoutes(ServerContext& ctx, Router& router);  // api_policies.cpp

}  // namespace es::server
