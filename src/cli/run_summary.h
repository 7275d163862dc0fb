// What a sync run changed, as the demo and `sync` report it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "cli/text_table.h"
#include "engine/orchestrator.h"

namespace es::cli {

// Changes to documents booked earlier: {"updated", "voided" (voided or
// deleted), "refunds", "payments" (created or found and linked),
// "customers_updated", "items_updated"}.
Json LifecycleJson(const engine::RunReport& r);

// Writes of any kind (created, linked, updated, voided, deleted); a quiet run has none.
int64_t Writes(const engine::RunReport& r);

// The dry-run plan as a table: OP, ENTITY, SOURCE ID, TARGET (document type
// and id), REASON; one row per would-be write, columns as wide as their
// widest cell.
TextTable PlanTable(const engine::RunReport& r);

// PlanTable on stdout, then how many writes were left out of the previews
// and the plan's size: "plan: 422 writes, about 20 requests to the target;
// nothing was written".
void PrintPlan(const engine::RunReport& r);

// "1 customer", "6 customers"; `plural` defaults to singular + "s".
std::string Counted(int64_t n, const std::string& singular, const std::string& plural = "");

// One line on what changed in documents already booked: "documents: 3
// updated, 2 voided, 1 refund, 0 payments; 18 found in the target and linked
// (not created again)"; empty when nothing did.
std::string LifecycleLine(const engine::RunReport& r);

// LifecycleLine on stdout (nothing when it is empty).
void PrintLifecycle(const engine::RunReport& r);

// A run's per-entity counts (SyncRun::counts) as a table: read, created,
// linked, updated, voided, unchanged, not synced (left out by a filter),
// failed. A dry run's columns say what would be written.
TextTable EntityCountsTable(const Json& counts, bool dry_run);

// One line on a run's outcome: "succeeded in 4.2 s — 351 written (…), 20
// unchanged, 82 not synced, 0 failed", or for a dry run "dry run: 9 writes
// planned, nothing written; …".
std::string RunOutcome(const store::SyncRun& run);

// A time as "2026-12-07 01:09:23" in the local zone ("-" for none).
std::string LocalTime(int64_t ms);

// A duration as "4.2 s", "3 min 07 s" or "2 h 05 min".
std::string Duration(int64_t ms);

// Runs as a table: RUN ID, STARTED (local), DURATION ("… so far" while a run
// is open), MODE (", dry run" marked), STATUS, OUTCOME (RunOutcome, then the
// run's error). `now_ms` measures open runs.
TextTable RunsTable(const std::vector<store::SyncRun>& runs, int64_t now_ms);

// What `sync` prints after a run: the outcome line, the per-entity table,
// what a filter left out, and the lifecycle line.
void PrintRunSummary(const engine::RunReport& r);

}  // namespace es::cli
