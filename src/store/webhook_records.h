// Records of the webhook receiver (migration 0004_webhooks): the durable
// queue of accepted deliveries and the per-tenant switch. Plain values; the
// StateStore methods that read and write them are declared in store.h in the
// "webhooks" block. Every record is scoped by tenant.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"

namespace es::store {

// One accepted webhook event, waiting for (or done by) the worker that turns
// it into an incremental sync of the affected record. A WooCommerce delivery
// is one row; a QuickBooks delivery becomes one row per entity change.
// Unique on (tenant_id, connection_id, delivery_id): a replayed delivery is
// refused by EnqueueWebhook, which is how duplicates are dropped.
struct WebhookDelivery {
  int64_t seq = 0;              // assigned by the store (insertion order); ignored on write
  std::string tenant_id;
  std::string connection_id;    // the connection the delivery came for
  std::string source;           // connector kind: "woo" | "qbo"
  std::string delivery_id;      // Woo X-WC-Webhook-Delivery-ID; QBO event id
  std::string topic;            // "order.created", "Invoice.Update", …
  std::string entity;           // store entity the change affects: "order", "customer", "item", …
  std::string record_id;        // id of the changed record in the source system
  Json detail = Json::object(); // small facts for the worker and the API; never secrets or bodies
  std::string status;           // "queued" | "processing" | "done" | "failed" | "ignored"
  int64_t attempts = 0;         // claims so far
  int64_t received_at_ms = 0;
  int64_t next_attempt_at_ms = 0;  // a queued row is claimable from this time on
  int64_t lease_until_ms = 0;      // a processing row whose lease passed is claimable again
  std::string run_id;           // the sync run that handled it
  std::string error;            // why it failed / was ignored (no secrets)
  int64_t finished_at_ms = 0;
};

struct WebhookFilter {
  std::string tenant_id;  // required
  std::string status;     // empty = any
  std::string connection_id;  // empty = any
  int limit = 100;        // <= 0: no limit
};

}  // namespace es::store
