// What a sync run changed, as the demo and `sync` report it.
#pragma once

#include <cstdint>

#include "common/json.h"
#include "engine/orchestrator.h"

namespace es::cli {

// Changes to documents booked earlier: {"updated", "voided" (voided or
// deleted), "refunds", "payments" (created or found and linked),
// "customers_updated", "items_updated"}.
Json LifecycleJson(const engine::RunReport& r);

// Writes of any kind (created, linked, updated, voided, deleted); a quiet run has none.
int64_t Writes(const engine::RunReport& r);

// The dry-run plan as a table on stdout: one line per would-be write.
void PrintPlan(const engine::RunReport& r);

// One line on what changed in documents already booked (nothing when none did).
void PrintLifecycle(const engine::RunReport& r);

}  // namespace es::cli
