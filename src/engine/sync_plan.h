// What an operation would write, summarised for a confirmation (SPEC F10):
// counts per entity and operation from a dry-run plan, how many records the
// operation touches and how many of its writes destroy data.
//
// PlanSync computes the summary of a sync without running it: the same
// fetch, transform and planning as a dry run (engine/pipeline.h), but no
// run is recorded, no lock is taken and nothing is written anywhere. Two
// calls over unchanged data give the same summary, so PlanHash of a plan
// shown to a user can be checked again when the user confirms it.
//
// Pure data and functions apart from PlanSync; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/json.h"
#include "common/status.h"
#include "engine/orchestrator.h"
#include "engine/run_context.h"

namespace es::engine {

// Operations that touch more records than this need a confirmation.
inline constexpr int64_t kConfirmAbove = 10;

// "void", "delete" and "overwrite" (a write over a newer value) destroy data.
bool IsDestructiveOp(const std::string& op);

struct PlanSummary {
  // entity → operation → records. Operations: "create", "update", "void",
  // "delete", "overwrite" (writes) and "skip", "fail" (no write).
  std::map<std::string, std::map<std::string, int64_t>> ops;
  int64_t touched = 0;      // writes: every operation but skip and fail
  int64_t destructive = 0;  // writes that are IsDestructiveOp

  // Adds `n` records of `op` for `entity` (n <= 0 is ignored).
  void Add(const std::string& entity, const std::string& op, int64_t n);
  // More than `above` records touched, or anything destroyed.
  bool NeedsConfirmation(int64_t above = kConfirmAbove) const { return touched > above || destructive > 0; }
  // {"touched":N,"destructive":N,"entities":{"order":{"create":N,…},…}}
  Json ToJson() const;
};

// The summary of a dry run's counts (RunReport::counts).
PlanSummary SummarizeCounts(const std::map<std::string, EntityCounts>& counts);

// The plan of `request` as a dry run would make it (request.dry_run is
// ignored). Fails like Orchestrator::Run for an invalid request or an
// unreachable platform.
Result<PlanSummary> PlanSync(const Registry& registry, store::StateStore& store, http::Transport& transport,
                             Clock& clock, const EngineOptions& options, const SyncRequest& request);

// Hex SHA-256 over the operation name, the normalised request and the
// summary (canonical JSON: keys sorted).
std::string PlanHash(const std::string& operation, const Json& request, const PlanSummary& plan);

}  // namespace es::engine
