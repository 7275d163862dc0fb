// The command line's confirmation of big or destructive syncs (SPEC F10;
// docs/confirmations.md). Before a sync against a store that would touch
// more than engine::kConfirmAbove records, or void, delete or overwrite
// anything, `sync` shows the plan (from engine::PlanSync, nothing written)
// and asks "Proceed? [y/N]" on a terminal — a destructive plan asks a second
// time. --yes (or EASYSALE_YES=1, for scripts that cannot change their
// command line) skips the plan and the question. Without a terminal and
// without --yes the sync is refused with one line saying to add --yes.
// `mapping import` and `mapping rollback` ask the same way when the mapping
// applies to more than engine::kConfirmAbove records already synced, and
// `reconcile --fix` asks before it applies its repairs.
#pragma once

#include <cstdio>
#include <string>

#include "engine/orchestrator.h"
#include "engine/sync_plan.h"
#include "mapping/field_map.h"

namespace es::cli {

// EASYSALE_YES is set to 1, "yes" or "true".
bool AssumeYesFromEnv();

// 0 when the sync may go on; otherwise the exit code (the reason printed to
// stderr): 2 refused without a terminal, 1 declined or the plan failed.
// `in`/`out` are the terminal's streams (stdin/stderr); `interactive` says
// whether `in` is a terminal.
int ConfirmSync(engine::Orchestrator& orchestrator, store::StateStore& store, http::Transport& transport,
                const engine::SyncRequest& request, bool interactive, FILE* in, FILE* out);

// Shows `plan` (records per entity and operation) and asks "Proceed? [y/N]",
// and for a destructive plan a second question. 0 = go on, 1 = declined
// (after "Nothing written.").
int AskToProceed(const engine::PlanSummary& plan, FILE* in, FILE* out);

// Before `mapping import`/`mapping rollback` makes `map` the mapping `name`:
// the records it applies to (server::MappingChangePlan: the tenant's records
// of the mapping's entity already synced, written with the new mapping on
// their next sync). 0 = go on (at most engine::kConfirmAbove records, or
// confirmed); 2 = refused without a terminal; 1 = declined or counting failed.
int ConfirmMappingChange(store::StateStore& store, const std::string& tenant, const std::string& name,
                         const mapping::FieldMap& map, bool interactive, FILE* in, FILE* out);

}  // namespace es::cli
