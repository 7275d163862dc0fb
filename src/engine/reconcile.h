// Reconcile (SPEC F5, F16): walks every record of a route's source and asks
// the target what it holds for each (Target::Verify). For orders booked in
// QBO that means net amounts — order total minus its refunds against the
// document total minus its credit and refund documents — and the states
// missing, voided, stale (content changed since it was written), extra (a
// live document for an order that was cancelled) and differs. Read-only
// but for one write: a record the id map does not know whose target document
// exists (an interrupted run wrote it; found by DocNumber) is linked — its
// mapping stored — and reported as "linked", not missing. `repair_ids` lists
// the records a sync of just those ids would repair (`reconcile --fix` plans
// and applies exactly that). `rows` holds every record compared, matched ones
// included, with the order's date and currency (the API pages and filters
// them).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "engine/orchestrator.h"
#include "http/transport.h"
#include "store/store.h"

namespace es::engine {

// One compared record: the target's verdict plus what the source says about it.
struct ReconcileRow {
  Check check;                // source_id, state, expected, actual, target_id ("Invoice 12"), detail
  std::string number;         // the order's display number ("" when unreadable)
  std::string currency;       // the order's currency ("" when unreadable)
  int64_t created_at_ms = 0;  // the order's creation time (0 when unreadable)
  bool repair = false;        // listed in repair_ids
};

struct ReconcileReport {
  int64_t orders = 0;      // records compared (not counting those the target does not sync)
  int64_t matched = 0;
  int64_t mismatches = 0;  // every state but matched
  int64_t missing = 0;
  int64_t linked = 0;      // found in the target without a mapping and linked (not mismatches)
  std::map<std::string, int64_t> by_state;  // "matched", "missing", "differs", "voided", "stale", "extra", …
  std::vector<Json> details;                // up to 100 mismatches: {order, state, expected, actual, target_id, detail}
  std::vector<std::string> repair_ids;      // records a sync by id would repair
  std::vector<ReconcileRow> rows;           // every record compared, in source order
};

Result<ReconcileReport> Reconcile(const Registry& registry, store::StateStore& store, http::Transport& transport,
                                  Clock& clock, const std::string& tenant, const std::string& source_connection,
                                  const std::string& target_connection, const EngineOptions& options = {},
                                  const std::string& route_entity = "orders");

}  // namespace es::engine
