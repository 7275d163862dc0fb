// NotificationStore: per-tenant notification settings, the rate-limit state
// per tenant × kind, and the log of notifications sent (SPEC F12; migration
// 0008_notifications; used by src/notify). Part of StateStore.
//
// Secrets (the webhook signing secret, the SMTP password) travel in
// NotificationSettings::secrets as JSON text; EncryptedStore seals them at
// rest like connection credentials, the SQL stores keep the text as given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace es::store {

struct NotificationSettings {
  std::string tenant_id;
  Json config = Json::object();  // notify::NotifyConfig as JSON, never secrets
  std::string secrets;           // JSON object text ({"webhook_secret","smtp_password"}) or ""
  int64_t updated_at_ms = 0;
};

// The rate-limit decision for one event (ReserveNotification).
struct NotificationSlot {
  bool send = false;        // true: this event is the one to send
  int64_t suppressed = 0;   // send: events suppressed since the previous send;
                            // otherwise: suppressed so far in this window (this one included)
  int64_t last_sent_at_ms = 0;
};

struct NotificationLogEntry {
  int64_t seq = 0;          // assigned by the store
  std::string tenant_id;
  std::string kind;         // "run_failed", "auth_failed", "webhook_disabled", "failed_queue_growing", "test", …
  std::string subject;
  int64_t suppressed = 0;   // events folded into this one
  std::string webhook;      // "sent", "failed: <why>", "" when not configured
  std::string email;        // same
  int64_t sent_at_ms = 0;
};

class NotificationStore {
 public:
  virtual ~NotificationStore() = default;

  // Replaces the tenant's settings (tenant_id required).
  virtual Status PutNotificationSettings(const NotificationSettings& settings) = 0;
  // nullopt when the tenant never saved any.
  virtual Result<std::optional<NotificationSettings>> GetNotificationSettings(const std::string& tenant) = 0;

  // Atomically decides whether an event of (tenant, kind) at now_ms is sent:
  // yes when nothing of that kind was sent in the window (last send at or
  // before now_ms - window_ms, or never); then now_ms becomes the last send
  // and the suppressed count restarts at 0, and the slot carries the count
  // folded into this send. Otherwise the event is counted as suppressed.
  // Racing callers (threads, processes) get exactly one send per window.
  // window_ms >= 0 (Validation otherwise).
  virtual Result<NotificationSlot> ReserveNotification(const std::string& tenant, const std::string& kind,
                                                       int64_t now_ms, int64_t window_ms) = 0;

  // Appends to the sent log (seq assigned).
  virtual Status AddNotificationLog(const NotificationLogEntry& entry) = 0;
  // Newest first; limit <= 0 means no limit.
  virtual Result<std::vector<NotificationLogEntry>> ListNotificationLog(const std::string& tenant, int limit) = 0;
};

}  // namespace es::store
