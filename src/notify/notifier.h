// Notifier: the EventSink that sends (SPEC F12).
//
// For each event: loads the tenant's NotifyConfig (none, disabled, or the
// kind not selected → nothing), drops a failed_queue_growing event whose
// detail.failedQueue is below the configured threshold, asks the store for
// the rate-limit slot of (tenant, kind) (one per rateLimitMinutes; the
// `test` kind is never limited), and when the slot is granted:
//   - POSTs the JSON payload to webhook.url, signed (notify/signature.h),
//     with X-EasySale-Event and X-EasySale-Delivery (a fresh UUID);
//   - sends one e-mail through email.smtpUrl (notify/smtp.h);
//   - appends the outcome to the store's sent log.
// The payload: {"id","kind","tenant","subject","message","detail",
// "occurredAt" (ISO-8601 UTC),"suppressed" (events of this kind folded into
// this one since the previous notification)}.
//
// A granted slot is spent even when both deliveries fail (the log says
// why): a broken relay must not turn every later event into a retry storm.
// SMTP hosts are checked against `policy` (internal addresses refused
// unless allowed); webhook POSTs go through `transport`, which the server
// guards the same way. Secrets never reach a log line or a Status.
//
// Thread-safe; `store`, `transport`, `clock` and `mail` must outlive it.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "http/target_guard.h"
#include "http/transport.h"
#include "notify/config.h"
#include "notify/event.h"
#include "notify/smtp.h"
#include "store/notification_store.h"

namespace es::notify {

struct NotifierOptions {
  http::TargetPolicy policy;  // for SMTP relays
  bool insecure_skip_tls_verify = false;  // SMTP over TLS to local test relays only
  std::chrono::milliseconds timeout{10'000};  // per delivery
  // Where Notify() reports a failure ("dispatch", "webhook" or "email");
  // unset: one line on stderr.
  std::function<void(const NotificationEvent&, const char* channel, const Status&)> on_failure;
};

struct DispatchResult {
  bool sent = false;       // the slot was granted and at least one delivery was tried
  std::string skipped;     // when not sent: "not_configured", "disabled", "not_selected",
                           // "below_threshold" or "rate_limited"
  int64_t suppressed = 0;  // see NotificationSlot
  bool webhook_tried = false;
  Status webhook;          // the POST's outcome (Ok when not tried)
  bool email_tried = false;
  Status email;
};

class Notifier final : public EventSink {
 public:
  Notifier(store::NotificationStore& store, http::Transport& transport, Clock& clock, MailSender& mail,
           NotifierOptions options = {});

  // Dispatch, with failures written to the server log (never thrown).
  void Notify(const NotificationEvent& event) override;
  // Errors: Validation for an event without tenant or with an unknown kind;
  // store failures. Delivery failures are in the result, not the status.
  Result<DispatchResult> Dispatch(const NotificationEvent& event);

 private:
  void Report(const NotificationEvent& event, const char* channel, const Status& why) const;
  Status PostWebhook(const WebhookTarget& target, const std::string& kind, const std::string& body);
  Status SendEmail(const EmailTarget& target, const NotificationEvent& event, int64_t suppressed, int64_t now_ms);

  store::NotificationStore& store_;
  http::Transport& transport_;
  Clock& clock_;
  MailSender& mail_;
  const NotifierOptions options_;
};

// The JSON body POSTed for `event` (exposed for tests and docs).
Json WebhookPayload(const NotificationEvent& event, const std::string& delivery_id, int64_t suppressed);

}  // namespace es::notify
