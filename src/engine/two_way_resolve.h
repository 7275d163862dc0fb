// Resolving a conflict from the review queue (engine/two_way.h): shared by
// `easysale-sync conflicts resolve` and POST /api/v1/conflicts/{id}/resolve.
#pragma once

#include <string>

#include "common/clock.h"
#include "engine/orchestrator.h"
#include "store/store.h"

namespace es::engine {

struct Resolution {
  store::ConflictRecord conflict;  // as now stored (status "resolved_manual")
  SyncRequest sync;                // the run that writes the chosen value to the other side
};

// Closes open conflict `id` of `tenant` with the value of side `take` (a
// connector kind, "woo" or "qbo"), audited as `user` ("conflict.resolve").
// The two-way ledger is set so that the chosen side counts as changed and
// the other as unchanged, and the id map's fingerprint of the chosen
// record on the other side is cleared (so the target's unchanged-content
// skip cannot drop the write when the chosen side itself did not change);
// the returned request (triggered_by "conflict", limited to the chosen
// record) then writes the chosen value across, once: the write records a
// new fingerprint and two-way state, so later runs are quiet.
// Validation for a bad `take`, NotFound / Conflict (not open) from the store.
Result<Resolution> ResolveConflict(store::StateStore& store, const Registry& registry, Clock& clock,
                                   const std::string& tenant, int64_t id, const std::string& take,
                                   const std::string& user);

// A conflict as the CLI and the API show it.
Json ConflictJson(const store::ConflictRecord& c);

}  // namespace es::engine
