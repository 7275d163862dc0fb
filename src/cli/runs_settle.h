// Runs the store still calls running or queued whose process is gone (see
// engine/run_liveness.h): found and marked abandoned, their lock released,
// so that what a command shows is what is true now. Used by `runs list`
// and `runs stop` (`status` marks them through engine::AbandonDeadRuns).
#pragma once

#include <string>

#include "store/store.h"

namespace es::cli {

// Marks `run` abandoned when the store lists it as running or queued but its
// process is gone, with a one-line notice on stderr unless `quiet`; returns
// the run as it now stands (unchanged when alive, finished or unreadable).
store::SyncRun SettleRun(store::StateStore& store, const store::SyncRun& run, bool quiet);

}  // namespace es::cli
