// Notification events and the one interface the rest of the system uses to
// raise them (SPEC F12). The engine, the run executor, the CLI and the
// safety checks only know EventSink; what happens next (rate limiting, a
// signed webhook POST, an email through SMTP) lives in notify::Notifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"

namespace es::notify {

// Kinds of events (the rate limit is per tenant × kind).
inline constexpr std::string_view kRunFailed = "run_failed";            // a sync run ended failed
inline constexpr std::string_view kAuthFailed = "auth_failed";          // credentials refused (e.g. QBO revoked)
inline constexpr std::string_view kWebhookDisabled = "webhook_disabled";  // a shop webhook was found disabled
inline constexpr std::string_view kWebhookMissing = "webhook_missing";    // no shop webhook delivers an expected topic
inline constexpr std::string_view kQboDocumentChanged = "qbo_document_changed";  // a document we wrote was edited/deleted in QBO
inline constexpr std::string_view kFailedQueueGrowing = "failed_queue_growing";
inline constexpr std::string_view kTest = "test";                       // `notify test`: never rate limited

// True for the kinds above.
bool KnownKind(std::string_view kind);

struct NotificationEvent {
  std::string tenant_id;
  std::string kind;     // one of the kinds above
  std::string subject;  // one line, no secrets
  std::string message;  // plain text, no secrets
  Json detail = Json::object();  // machine-readable facts (run id, connection, counts)
  int64_t at_ms = 0;    // when it happened; 0 = the notifier's clock
};

// Receives events. Implementations must be thread-safe, must not throw and
// should return quickly relative to a sync run (a failed delivery is logged,
// never returned: the event's cause already happened).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Notify(const NotificationEvent& event) = 0;
};

}  // namespace es::notify
