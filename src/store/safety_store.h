// SafetyStore: what the safety nets keep in the state store (migration
// 0013_safety_nets; docs/safety-nets.md). Part of StateStore.
//
// The webhook delivery queue (webhook_queue_store.h) keeps per-tenant,
// per-status counters in the same transaction as every enqueue, claim,
// finish, requeue and purge, so CountWebhooks reads a handful of counter
// rows instead of counting every delivery ever stored. It also keeps what
// the QuickBooks document watch saw of the documents the engine wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace es::store {

// What the QuickBooks document watch (safety/qbo_watch.h) last saw of a
// document the engine wrote: its SyncToken and the hash of its content
// without the fields QuickBooks moves by itself (balances, links).
struct DocumentHash {
  std::string tenant_id;
  std::string connection_id;  // the QBO connection
  std::string doc_type;       // "Invoice", "SalesReceipt", "CreditMemo", "RefundReceipt", "Payment"
  std::string doc_id;
  std::string sync_token;
  std::string content_hash;
  int64_t seen_at_ms = 0;
};

class SafetyStore {
 public:
  virtual ~SafetyStore() = default;

  // Deletes up to `limit` (> 0) finished deliveries ("done", "failed",
  // "ignored") whose finished_at_ms is before `finished_before_ms`, oldest
  // first, across all tenants; a queued or processing delivery is never
  // deleted. Returns how many were deleted (call again while it returns
  // `limit`). The counters move with the deleted rows.
  virtual Result<int64_t> PurgeWebhooks(int64_t finished_before_ms, int limit) = 0;

  // Upsert by (tenant, connection, doc_type, doc_id); all keys required.
  virtual Status PutDocumentHash(const DocumentHash& h) = 0;
  virtual Result<std::optional<DocumentHash>> GetDocumentHash(const std::string& tenant, const std::string& connection,
                                                             const std::string& doc_type,
                                                             const std::string& doc_id) = 0;
};

}  // namespace es::store
