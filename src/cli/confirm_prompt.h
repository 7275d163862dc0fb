// The command line's confirmation of big or destructive syncs (SPEC F10;
// docs/confirmations.md). Before a sync against a store that would touch
// more than engine::kConfirmAbove records, or void, delete or overwrite
// anything, `sync` shows the plan (from engine::PlanSync, nothing written)
// and asks "Proceed? [y/N]" on a terminal — a destructive plan asks a second
// time. --yes (or EASYSALE_YES=1, for scripts that cannot change their
// command line) skips the plan and the question. Without a terminal and
// without --yes the sync is refused with one line saying to add --yes.
#pragma once

#include <cstdio>

#include "engine/orchestrator.h"

namespace es::cli {

// EASYSALE_YES is set to 1, "yes" or "true".
bool AssumeYesFromEnv();

// 0 when the sync may go on; otherwise the exit code (the reason printed to
// stderr): 2 refused without a terminal, 1 declined or the plan failed.
// `in`/`out` are the terminal's streams (stdin/stderr); `interactive` says
// whether `in` is a terminal.
int ConfirmSync(engine::Orchestrator& orchestrator, store::StateStore& store, http::Transport& transport,
                const engine::SyncRequest& request, bool interactive, FILE* in, FILE* out);

}  // namespace es::cli
