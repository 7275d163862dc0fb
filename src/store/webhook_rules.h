// Rules of the webhook queue shared by the store implementations (the
// contract is in store.h, webhooks block). Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace es::store {

// Every status a delivery can have, in lifecycle order (CountWebhooks reports each).
inline constexpr const char* kWebhookStatuses[] = {"queued", "processing", "done", "failed", "ignored"};

// now_ms + lease_ms, saturated instead of overflowing.
int64_t WebhookLeaseUntil(int64_t now_ms, int64_t lease_ms);
// Ok for the statuses a claimed delivery may finish with ("done", "failed",
// "ignored"); Validation naming the status otherwise.
Status CheckWebhookFinalStatus(const std::string& status);

}  // namespace es::store
