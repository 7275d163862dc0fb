// NotifyConfig: where a tenant's notifications go and how often (SPEC F12).
//
// JSON as the API and the CLI take it (every field optional on update):
//
//   {"enabled": true,                      // master switch (default true)
//    "rateLimitMinutes": 15,                // one notification per kind per window; 0 = no limit
//    "failedQueueThreshold": 25,            // failed queue size that counts as growing
//    "kinds": ["run_failed", …],            // kinds to send; [] = all
//    "webhook": {"url": "https://…", "secret": "…"},
//    "email": {"smtpUrl": "smtps://relay:465", "from": "sync@shop.example",
//              "to": ["ops@shop.example"], "username": "…", "password": "…",
//              "starttls": false}}
//
// Secrets (webhook.secret, email.password) are write-only: Masked() shows
// only whether they are set. In the store, the secrets travel apart from
// the rest (store::NotificationSettings::secrets, sealed by EncryptedStore).
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/notification_store.h"

namespace es::notify {

struct WebhookTarget {
  std::string url;     // http:// or https://
  std::string secret;  // HMAC key, required
};

struct EmailTarget {
  std::string smtp_url;  // smtp://host[:port] or smtps://host[:port]
  std::string from;
  std::vector<std::string> to;
  std::string username;  // optional: SMTP AUTH when set
  std::string password;
  bool starttls = false;  // smtp:// only: require STARTTLS before sending
};

struct NotifyConfig {
  bool enabled = true;
  int rate_limit_minutes = 15;
  int64_t failed_queue_threshold = 25;
  std::vector<std::string> kinds;  // empty = every kind
  std::optional<WebhookTarget> webhook;
  std::optional<EmailTarget> email;

  static constexpr int kMaxRateLimitMinutes = 24 * 60;

  // Whether events of `kind` are sent at all (enabled, kind selected, and a
  // target configured).
  bool Wants(const std::string& kind) const;
  int64_t window_ms() const { return int64_t{rate_limit_minutes} * 60'000; }

  // Validation naming the offending field ("email.to[1]", "webhook.url").
  Status Validate() const;

  // The stored form; config never holds a secret.
  store::NotificationSettings ToSettings(const std::string& tenant, int64_t now_ms) const;
  // Internal when the stored JSON no longer validates.
  static Result<NotifyConfig> FromSettings(const store::NotificationSettings& settings);

  // `update` applied on top of this config (see the header comment): fields
  // present replace, "webhook": null / "email": null remove a target, an
  // absent secret keeps the current one, a null secret clears it. The
  // result is validated; unknown fields are Validation errors.
  Result<NotifyConfig> Updated(const Json& update) const;

  // The API view: secrets replaced by "secretSet" / "passwordSet" booleans.
  Json Masked() const;
};

}  // namespace es::notify
