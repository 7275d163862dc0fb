// WebhookService: signed webhook deliveries in, incremental syncs out
// (SPEC F3 webhooks, F8 webhook trigger, F13).
//
// Receiving (public routes, they authenticate themselves):
//   POST /webhooks/woo/{tenant}/{connection}   X-WC-Webhook-Signature, secret = the
//        connection's credential "webhook_secret"; the creation ping is answered 200.
//   POST /webhooks/qbo/{tenant}/{connection}   intuit-signature, verifier token = the
//        connection's credential "webhook_verifier_token"; legacy eventNotifications
//        and CloudEvents, detected by shape; events of another realm are dropped.
// Order of checks: WooCommerce creation ping (unsigned; 200 "ping" on every
// path) → the connection (exists, right kind, credentials readable) and the
// signature over the raw body, in constant time; every failure here gets the
// same 401 answer (unknown tenant or connection, no secret, credentials that
// do not decrypt, bad signature), so an anonymous caller cannot probe which
// names exist; the reason goes to the log and the metric → tenant switch
// (200, "disabled") → parse (400) → durable insert, deduplicated by (tenant,
// connection, key) → 200 with "queued" or "duplicate". The key is the QBO
// event id, and for WooCommerce the delivery id plus a hash of the body
// (Woo repeats one delivery id for every delivery of a webhook within the
// same second). Every answer is counted in
// easysale_webhook_deliveries_total{source, outcome} (tenant label only once
// the connection is known, so forged paths cannot create series).
//
// Admin routes (JWT, tenant from the token):
//   GET /api/v1/webhooks            user: the switch, queue counts, endpoints, recent deliveries
//   PUT /api/v1/webhooks/settings   admin: {"enabled": bool}, audited
//
// Working: one background thread claims queued deliveries (leases, so a
// crash re-delivers them), groups them per tenant, connection and entity and
// queues one incremental sync job per group restricted to the changed ids
// (kind "webhook-incremental", real-time lane, triggered_by "webhook";
// docs/jobs.md): WooCommerce changes sync to every enabled connection the
// routing table serves from woo for that entity; QuickBooks changes to
// documents the engine wrote re-sync the mapped source record. The job's
// dedupe key is "webhook:<source>><target>:<entity>", so a group arriving
// while the pair's job still waits in the queue joins it (its ids widened):
// a burst of deliveries becomes one or two runs. A delivery is "done" once
// its job is queued, with the job's run id; the workers of the RunExecutor
// (or of any process on the store) run it. Failing to queue is retried with
// backoff up to max_attempts, then the deliveries are marked failed.
//
// Lifecycle: construct, Attach(server) before server.Start() (registers the
// routes, starts the worker with the server, stops it in the server's Stop()).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/http_server.h"

namespace es::server {

struct WebhookOptions {
  int64_t poll_ms = 1000;        // the worker also wakes on every accepted delivery
  int64_t lease_ms = 10 * 60 * 1000;
  int batch = 500;               // deliveries claimed at once
  int max_attempts = 8;
  int64_t retry_base_ms = 2000;  // doubled per attempt, capped at 5 minutes
  bool run_worker = true;        // false: receive and queue only (benchmarks, a receive-only replica)
};

class WebhookService {
 public:
  explicit WebhookService(WebhookOptions options = {});
  ~WebhookService();
  WebhookService(const WebhookService&) = delete;
  WebhookService& operator=(const WebhookService&) = delete;

  void Attach(HttpServer& server);
  // Wakes the worker (called after each accepted delivery).
  void Notify();
  // Stops the worker after the group in hand; idempotent.
  void Stop();
  // True once no delivery is queued or processing and every job the worker
  // queued has finished (tests, benchmarks); false after `timeout_ms`.
  bool WaitIdle(int64_t timeout_ms);

  // Route handlers and the worker share this state (webhook_routes.cpp,
  // webhook_worker.cpp).
  struct State;

 private:
  void Start(ServerContext& ctx);
  void Loop();
  // Whether every job the worker queued has finished (forgets those that have).
  bool JobsFinished(ServerContext& ctx);

  const WebhookOptions options_;
  std::unique_ptr<State> state_;
  std::thread worker_;
};

// The route group (webhook_routes.cpp).
void RegisterWebhookRoutes(ServerContext& ctx, Router& router, WebhookService& service);

}  // namespace es::server
