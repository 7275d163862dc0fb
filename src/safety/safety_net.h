// SafetyNet: what catches the changes webhooks miss (SPEC F3/F8, issue
// "safety nets"; docs/safety-nets.md). `serve` and `worker` run one.
//
// Every pass (SafetyOptions::interval_ms; the first one interval after Start()):
//  - Poll: for every tenant and every enabled WooCommerce → QuickBooks
//    connection pair, an incremental sync of every route is queued as a
//    durable job on the backfill lane, deduplicated per tenant × pair (key
//    "safety-poll:<source>:<target>"), triggered_by "safety_poll". The
//    engine's incremental run lists by modified_after (dates_are_gmt) from
//    the cursor and re-reads the orders of its recheck window
//    (EngineOptions::recheck_window_ms), comparing each by its content
//    fingerprint with what was last written: an edit that did not move
//    date_modified is written, an unchanged order costs no QuickBooks request.
//  - Webhook check: for every enabled WooCommerce connection that has a
//    webhook_secret (webhooks were meant to be used), the shop's webhooks
//    are listed through the REST API; one pointing at our receiver
//    (…/webhooks/woo/<tenant>/<connection>) that is not "active" is set
//    "active" again (PUT status) and a "webhook_disabled" notification goes
//    out; expected topics (order.created, order.updated) with no webhook
//    pointing at us raise one "webhook_missing" notification.
//  - QuickBooks documents (qbo_watch.h): for every enabled QuickBooks
//    connection with orders in its id map, one change-data-capture request
//    (on the realm's shared budget, as runs' requests: SafetyOptions::requests)
//    finds documents the engine wrote that someone edited or deleted there.
//  - Retention: webhook deliveries finished more than retention_ms ago are
//    purged (never a queued or processing one).
// Several processes may run passes on one store: the poll jobs coalesce,
// re-enabling is idempotent and notifications are rate-limited per tenant
// and kind by the notifier.
//
// Thread-safe; Stop() (also the destructor) ends the loop and waits for a
// pass in progress.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "jobs/job_request.h"
#include "notify/event.h"
#include "safety/qbo_watch.h"
#include "store/store.h"

namespace es::safety {

struct SafetyOptions {
  int64_t interval_ms = 15 * 60 * 1000;  // between passes; <= 0: no polls and no webhook checks
  bool check_webhooks = true;
  bool check_qbo_documents = true;
  QboWatchOptions documents;
  // How the document check's QuickBooks requests are made: the options the
  // runs are opened with (the realm budgets they share; retry policy).
  engine::EngineOptions requests;
  int64_t retention_ms = 30LL * 24 * 3600 * 1000;  // finished webhook deliveries; <= 0: kept forever
  int purge_batch = 1000;                          // rows per purge statement
};

// Queues a sync job; returns true when a queued job with the same dedupe
// key absorbed it.
using EnqueueFn = std::function<Result<bool>(const engine::SyncRequest&, const jobs::EnqueueOptions&)>;

struct WebhookCheckResult {
  std::string tenant_id;
  std::string connection_id;
  int webhooks_seen = 0;                 // pointing at our receiver
  std::vector<int64_t> reenabled;        // ids set active again
  std::vector<std::string> missing_topics;
  std::string error;                     // the shop could not be asked (no secrets)
};

struct PassReport {
  int polls_queued = 0;
  int polls_coalesced = 0;
  std::vector<WebhookCheckResult> webhooks;
  std::vector<CdcCheckResult> documents;
  int64_t purged = 0;
  std::vector<std::string> errors;  // per tenant / connection, no secrets
  Json ToJson() const;
};

// True when `delivery_url`'s path is our WooCommerce receiver for the
// tenant and connection (any host: the shop may reach us through a proxy).
bool PointsAtReceiver(const std::string& delivery_url, const std::string& tenant, const std::string& connection);

// The topics every WooCommerce connection with webhooks should have.
const std::vector<std::string>& ExpectedWebhookTopics();

class SafetyNet {
 public:
  // `events` may be null (no notifications). The store must give decrypted
  // credentials (the server's encrypting store; the CLI's store).
  SafetyNet(store::StateStore& store, http::Transport& transport, Clock& clock, notify::EventSink* events,
            EnqueueFn enqueue, SafetyOptions options);
  ~SafetyNet();
  SafetyNet(const SafetyNet&) = delete;
  SafetyNet& operator=(const SafetyNet&) = delete;

  // One pass now, on the calling thread. A failure of one tenant or
  // connection is recorded in the report and the pass goes on; an error
  // means the tenants could not be listed.
  Result<PassReport> RunPass();
  // The webhook check of one connection (see above).
  WebhookCheckResult CheckWebhooks(const store::Connection& woo);

  // Background loop: a pass every interval_ms, the first one interval after
  // the start (the purge runs every pass even with polls off; hourly then).
  // No-op when running.
  void Start();
  void Stop();
  // Called after every background pass (logs, tests).
  void OnPass(std::function<void(const PassReport&)> f) { on_pass_ = std::move(f); }

 private:
  void Loop();

  store::StateStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  notify::EventSink* events_;
  EnqueueFn enqueue_;
  const SafetyOptions options_;
  std::function<void(const PassReport&)> on_pass_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
  std::mutex pass_mu_;  // one pass at a time
};

}  // namespace es::safety
