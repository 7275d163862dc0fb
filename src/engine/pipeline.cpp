#include "engine/pipeline.h"

#include <algorithm>
#include <future>
#include <random>

namespace es::engine {
namespace {

constexpr int64_t kCursorOverlapMs = 60'000;
// Records planned and written together (several source pages): the target's
// stages and batches span them, so fewer stage ends and partial batches
// leave its budget idle.
constexpr size_t kWindowRecords = 900;

// Where an incremental walk starts: the cursor minus an overlap, pulled back
// to the re-read window. Empty = walk everything.
Result<std::string> StartOf(const PageRun& r, const std::string& entity, Source& source, RunContext& ctx,
                            store::StateStore& store) {
  if (r.mode != "incremental" || !r.ids.empty() || !source.SupportsModifiedAfter(entity)) return std::string();
  const RunInfo& info = ctx.run();
  auto cursor = store.GetCursor(info.tenant_id, info.SourceState(), info.TargetState(), entity);
  if (!cursor.ok()) return cursor.status();
  if (!cursor->has_value() || (*cursor)->empty()) return std::string();
  int64_t since = ParseIso8601(**cursor);
  if (since <= 0) return std::string();
  since -= kCursorOverlapMs;
  if (r.options->recheck_window_ms > 0)
    since = std::min(since, ctx.clock().NowMillis() - r.options->recheck_window_ms);
  return FormatIso8601Utc(std::max<int64_t>(since, 1));
}

Status MoveCursor(RunContext& ctx, store::StateStore& store, const std::string& entity, int64_t max_modified_ms) {
  if (max_modified_ms <= 0) return Status::Ok();
  const RunInfo& info = ctx.run();
  auto cur = store.GetCursor(info.tenant_id, info.SourceState(), info.TargetState(), entity);
  if (!cur.ok()) return cur.status();
  if (cur->has_value() && ParseIso8601(**cur) >= max_modified_ms) return Status::Ok();
  return store.PutCursor(info.tenant_id, info.SourceState(), info.TargetState(), entity,
                         FormatIso8601Utc(max_modified_ms));
}

Result<SourcePage> FetchWithRetry(const PageRun& r, Source& source, RunContext& ctx, const FetchRequest& req) {
  RetryPolicy policy = r.options->retry;
  policy.rate_limit_default_ms = std::min<int64_t>(policy.rate_limit_default_ms, 5'000);
  std::mt19937_64 rng(static_cast<uint64_t>(ctx.clock().NowMillis()));
  return WithRetry<SourcePage>(policy, ctx.clock(), rng, [&] { return source.Fetch(req); });
}

// Why the run must not go on: a platform-level failure, a simulated crash or
// a stop request (ok when none).
Status Interrupted(RunContext& ctx) {
  if (!ctx.platform_failure().ok()) return ctx.platform_failure();
  if (ctx.crashed()) return Status::Internal("simulated crash");
  if (ctx.Stopping()) return Status::Conflict("stop requested");
  return Status::Ok();
}

// One plan's worth of source records: pages fetched one after another
// until kWindowRecords are in hand or the listing ends.
struct Window {
  std::vector<SourceRecord> records;
  std::vector<SourceFailure> failures;
  int64_t total = 0;
  int first_page = 1;
  int pages = 0;
  bool has_more = false;
  Status status;  // non-ok: page first_page + pages could not be read
};

// Reads the window that starts at `first_page`. Touches only the source and
// the clock, so it may run on a thread of its own.
Window FetchWindow(const PageRun& r, Source& source, RunContext& ctx, FetchRequest req, int first_page) {
  Window w;
  w.first_page = first_page;
  while (w.pages == 0 || (w.has_more && w.records.size() + w.failures.size() < kWindowRecords)) {
    req.page = first_page + w.pages;
    auto fetched = FetchWithRetry(r, source, ctx, req);
    if (!fetched.ok()) {
      w.status = fetched.status();
      return w;
    }
    SourcePage& pg = *fetched;
    ++w.pages;
    w.total = pg.total;
    w.has_more = pg.has_more && !(pg.records.empty() && pg.failures.empty());
    for (auto& rec : pg.records) w.records.push_back(std::move(rec));
    for (auto& f : pg.failures) w.failures.push_back(std::move(f));
  }
  return w;
}

}  // namespace

Status RunEntityPages(const PageRun& r, Source& source, Target& target, RunContext& ctx, store::StateStore& store,
                      PageRunTotals* totals) {
  const std::string entity = StoreEntity(r.route_entity);
  const bool dry_run = ctx.run().dry_run;
  const bool whole_listing = r.ids.empty();
  FetchRequest req;
  req.entity = entity;
  req.ids = r.ids;
  ES_ASSIGN_OR_RETURN(req.modified_after, StartOf(r, entity, source, ctx, store));
  const bool by_modification = !req.modified_after.empty();

  // The next window is read on a thread of its own while this one is
  // planned and written: reading the source changes nothing, so the order of
  // the exactly-once steps is untouched. (The future joins on every return.)
  std::future<Window> ahead;
  int64_t done = 0, max_modified = 0;
  int next_page = 1;
  for (;;) {
    ES_RETURN_IF_ERROR(Interrupted(ctx));
    Window w = ahead.valid() ? ahead.get() : FetchWindow(r, source, ctx, req, next_page);
    if (!w.status.ok()) {
      if (ScopeOf(w.status) == FailureScope::kPlatform) {
        ctx.PlatformFailed(ctx.run().source_connection, w.status);
        return ctx.platform_failure();
      }
      return w.status.WithContext("fetching " + r.route_entity + " page " + std::to_string(w.first_page + w.pages) +
                                  " from " + ctx.run().source_connection);
    }
    next_page = w.first_page + w.pages;
    if (w.has_more)
      ahead = std::async(std::launch::async,
                         [&r, &source, &ctx, req, next_page] { return FetchWindow(r, source, ctx, req, next_page); });
    totals->pages += w.pages;
    ctx.BeginPage(entity);
    ctx.Fetched(static_cast<int64_t>(w.records.size() + w.failures.size()));
    for (const auto& f : w.failures) ctx.SourceFailed(f);
    int64_t page_max = 0;
    for (const auto& rec : w.records) page_max = std::max(page_max, rec.modified_at_ms);

    if (!w.records.empty()) {
      std::vector<std::string> ids;
      ids.reserve(w.records.size());
      for (const auto& rec : w.records) ids.push_back(rec.source_id);
      ES_RETURN_IF_ERROR(ctx.PrefetchMappings(entity, ids));
      ES_ASSIGN_OR_RETURN(Plan plan, target.PlanPage(entity, w.records, ctx));
      totals->estimated_requests += plan.estimated_requests;
      for (const PlanOp& op : plan.ops) {
        if (op.kind == OpKind::kSkip) ctx.Skipped(op);
        else if (op.kind == OpKind::kFail) ctx.Failed(op, op.error);
        else if (dry_run) ctx.Planned(op);
      }
      if (!dry_run) {
        Status applied = target.Apply(plan, ctx);
        if (ctx.crashed()) return Status::Internal("simulated crash");
        if (!applied.ok() && ScopeOf(applied) == FailureScope::kPlatform)
          ctx.PlatformFailed(ctx.run().target_connection, applied);
        // A platform failure ends the run before the cursor moves: the
        // records it left unwritten are taken again by the next run.
        if (!ctx.platform_failure().ok()) {
          (void)ctx.Flush();
          return ctx.platform_failure();
        }
        ES_RETURN_IF_ERROR(applied.WithContext("writing to " + ctx.run().target_connection));
      }
    }
    ES_RETURN_IF_ERROR(Interrupted(ctx));
    ES_RETURN_IF_ERROR(ctx.Flush());
    ES_RETURN_IF_ERROR(ctx.RenewLock().WithContext("renewing the run lock"));
    // The cursor moves only after every record of the window is durable.
    max_modified = std::max(max_modified, page_max);
    if (whole_listing && !dry_run && by_modification) ES_RETURN_IF_ERROR(MoveCursor(ctx, store, entity, page_max));

    done += static_cast<int64_t>(w.records.size() + w.failures.size());
    if (r.on_progress) r.on_progress({entity, done, w.total, ctx.counts()});
    if (!w.has_more) break;
  }
  // A full walk goes by id, so only its end says that everything modified
  // before its newest record is in.
  if (whole_listing && !dry_run && !by_modification) ES_RETURN_IF_ERROR(MoveCursor(ctx, store, entity, max_modified));
  return Status::Ok();
}

}  // namespace es::engine
