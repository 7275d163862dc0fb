// Reconcile (SPEC F16): compares every WooCommerce order the config syncs
// with the QBO document mapped to it. An order counts as a mismatch when it
// has no document, when its document is gone, or when the totals differ by
// any amount. Reads QBO with `Id IN (…)` queries, 100 ids at a time.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::engine {

struct ReconcileReport {
  int64_t orders = 0;      // WooCommerce orders in synced statuses
  int64_t matched = 0;
  int64_t mismatches = 0;  // missing or differing
  int64_t missing = 0;     // no mapping or no QBO document
  std::vector<Json> details;  // up to 100 mismatches: {order, woo_total, qbo_total, qbo_id, reason}
};

Result<ReconcileReport> ReconcileOrders(store::StateStore& store, http::Transport& transport, Clock& clock,
                                        const std::string& tenant, const std::string& source_connection,
                                        const std::string& target_connection, const EngineOptions& options = {});

}  // namespace es::engine
