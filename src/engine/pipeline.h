// The one paged driver every route runs on (SPEC F7):
//
//   fetch a window of pages (Source) → plan it (Target::PlanPage) → apply
//   the plan (Target::Apply; in a dry run the plan is recorded instead) →
//   record → move the cursor
//
// A window is as many source pages as it takes to hold 900 records (or the
// rest of the listing), planned and written as one page, so a target's
// stages and batches span several source pages. The next window is read
// from the source on a thread of its own while one is planned and written;
// nothing else overlaps, so every step below keeps its order.
//
// Cursor rules (the exactly-once design): the cursor of (tenant, source,
// target, entity) moves only after every record before it is durable in the
// target and the id map (after each window), and only in runs that saw the whole listing — runs
// limited to ids (webhooks, --ids, retries) never move it, so a record whose
// webhook was lost is still polled. Incremental runs walk by modification
// time from the cursor (minus an overlap) and move it per window; full runs
// walk by id and set it once, at the end of the walk. Incremental runs also
// re-read the EngineOptions::recheck_window_ms most recent records, which
// the target compares by content (edits that do not move a source's
// modification time are caught there).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/run_context.h"

namespace es::engine {

struct PageRun {
  std::string route_entity;          // "orders"
  std::string mode = "full";         // "full" | "incremental"
  std::vector<std::string> ids;      // only these records; empty = all
  const EngineOptions* options = nullptr;
  std::function<void(const Progress&)> on_progress;
};

struct PageRunTotals {
  int64_t estimated_requests = 0;  // target requests the plans would cost
  int64_t pages = 0;
};

// Runs one entity to the end of its listing. Non-ok when the run cannot go
// on (source unreadable after retries, target unusable, store failure, stop).
// A platform-level failure (ScopeOf, retry.h) of the source or the target
// ends the walk at once and is returned as ctx.platform_failure().
Status RunEntityPages(const PageRun& request, Source& source, Target& target, RunContext& ctx,
                      store::StateStore& store, PageRunTotals* totals);

}  // namespace es::engine
