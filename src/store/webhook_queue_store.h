// WebhookQueueStore: the webhook receiver's durable delivery queue and the
// per-tenant switch (src/server/webhooks; migration 0004_webhooks; types in
// webhook_records.h). Part of StateStore.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/webhook_records.h"

namespace es::store {

class WebhookQueueStore {
 public:
  virtual ~WebhookQueueStore() = default;

  // Durably queues an accepted delivery as status "queued" (seq assigned by
  // the store). Returns true when inserted, false when a delivery with the
  // same (tenant, connection, delivery_id) is already stored (a replay:
  // nothing changes).
  virtual Result<bool> EnqueueWebhook(const WebhookDelivery& delivery) = 0;
  // Atomically claims up to `limit` deliveries, oldest first, across all
  // tenants: rows "queued" with next_attempt_at_ms <= now, and rows
  // "processing" whose lease_until_ms <= now (a worker died). Claimed rows
  // become "processing" with lease_until_ms = now + lease_ms and attempts+1;
  // returned as updated. Two concurrent claimers never get the same row.
  virtual Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now_ms, int64_t lease_ms, int limit) = 0;
  // Final state of a claimed delivery: status "done", "failed" or "ignored",
  // with the run that handled it and/or the reason. NotFound for an unknown seq.
  virtual Status FinishWebhook(int64_t seq, const std::string& status, const std::string& run_id,
                               const std::string& error, int64_t now_ms) = 0;
  // Puts a claimed delivery back to "queued", claimable from next_attempt_at_ms.
  virtual Status RequeueWebhook(int64_t seq, int64_t next_attempt_at_ms, const std::string& error) = 0;
  // Newest first (seq desc).
  virtual Result<std::vector<WebhookDelivery>> ListWebhooks(const WebhookFilter& filter) = 0;
  // Number of deliveries per status ("queued", "processing", …); tenant ""
  // counts every tenant.
  virtual Result<std::map<std::string, int64_t>> CountWebhooks(const std::string& tenant) = 0;
  // Per-tenant switch; tenants never set are enabled.
  virtual Status SetWebhooksEnabled(const std::string& tenant, bool enabled, int64_t now_ms) = 0;
  virtual Result<bool> WebhooksEnabled(const std::string& tenant) = 0;
};

}  // namespace es::store
