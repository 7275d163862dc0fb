// The page pipeline with a scripted source and a recording target: cursor
// rules, dry runs, failures, and the orchestrator's route checks.
#include "engine/pipeline.h"

#include <gtest/gtest.h>

#include "engine/orchestrator.h"
#include "store/factory/open_store.h"

namespace es::engine {
namespace {

// Records: "<id>@<modified ms>"; pages of `page_size`.
class ScriptedSource final : public Source {
 public:
  std::vector<std::pair<std::string, int64_t>> records;
  size_t page_size = 2;
  std::vector<FetchRequest> requests_seen;
  Status refuse;  // non-ok: every fetch fails with it

  Result<SourcePage> Fetch(const FetchRequest& r) override {
    requests_seen.push_back(r);
    if (!refuse.ok()) return refuse;
    std::vector<std::pair<std::string, int64_t>> pool;
    for (const auto& rec : records) {
      if (!r.ids.empty() && std::find(r.ids.begin(), r.ids.end(), rec.first) == r.ids.end()) continue;
      if (!r.modified_after.empty() && rec.second <= ParseIso8601(r.modified_after)) continue;
      pool.push_back(rec);
    }
    SourcePage page;
    page.total = static_cast<int64_t>(pool.size());
    size_t start = static_cast<size_t>(r.page - 1) * page_size;
    for (size_t i = start; i < std::min(pool.size(), start + page_size); ++i) {
      SourceRecord s;
      s.source_id = pool[i].first;
      s.modified_at_ms = pool[i].second;
      model::Customer c;
      c.source_id = pool[i].first;
      s.value = c;
      page.records.push_back(std::move(s));
    }
    page.has_more = start + page_size < pool.size();
    return page;
  }
  bool SupportsModifiedAfter(const std::string&) const override { return true; }
  int64_t requests() const override { return static_cast<int64_t>(requests_seen.size()); }
};

// Creates every record it has not seen; fails the ids in `fail`, and from
// the id `broken_from` on fails every write with `broken` (as a platform
// that went away would). Stops when the context says so, like real targets.
class RecordingTarget final : public Target {
 public:
  std::set<std::string> fail;
  std::string broken_from;
  Status broken;
  std::vector<std::string> written;
  int attempts = 0;
  std::vector<size_t> plan_sizes;  // records per PlanPage call

  Result<Plan> PlanPage(const std::string& entity, const std::vector<SourceRecord>& records,
                        SyncContext& ctx) override {
    plan_sizes.push_back(records.size());
    Plan plan;
    for (const auto& r : records) {
      PlanOp op;
      op.entity = entity;
      op.source_id = op.record_id = r.source_id;
      op.target_type = "Thing";
      ES_ASSIGN_OR_RETURN(auto m, ctx.Mapping(entity, r.source_id));
      op.kind = m ? OpKind::kSkip : OpKind::kCreate;
      op.reason = m ? "unchanged" : "new";
      plan.ops.push_back(op);
    }
    plan.estimated_requests = static_cast<int64_t>(plan.ops.size());
    return plan;
  }
  Status Apply(Plan& plan, SyncContext& ctx) override {
    for (const auto& op : plan.ops) {
      if (op.kind == OpKind::kSkip) continue;
      if (ctx.Stopping()) break;
      ++attempts;
      if (!broken.ok() && op.source_id >= broken_from) {
        ctx.Failed(op, broken);
        continue;
      }
      if (fail.count(op.source_id)) {
        ctx.Failed(op, Status::Validation("refused"));
        continue;
      }
      ES_RETURN_IF_ERROR(ctx.Intend(op, op.source_id));
      written.push_back(op.source_id);
      Written w;
      w.target_id = "T" + op.source_id;
      w.target_type = "Thing";
      (void)ctx.Done(op, w);
    }
    return Status::Ok();
  }
  int64_t requests() const override { return static_cast<int64_t>(written.size()); }
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(":memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    options_.recheck_window_ms = 0;
    ASSERT_TRUE(store_->PutTenant({"t", "t", 0}).ok());
    store::SyncRun run;
    run.id = "r1";
    run.tenant_id = "t";
    run.status = store::RunStatus::kRunning;
    ASSERT_TRUE(store_->CreateRun(run).ok());
  }
  RunContext Context(bool dry_run = false) {
    RunInfo info;
    info.tenant_id = "t";
    info.source_connection = "src";
    info.target_connection = "dst";
    info.run_id = "r1";
    info.dry_run = dry_run;
    return RunContext(info, *store_, clock_, nullptr, {});
  }
  Status Run(RunContext& ctx, const std::string& mode, std::vector<std::string> ids = {}) {
    PageRun r;
    r.route_entity = "customers";
    r.mode = mode;
    r.ids = std::move(ids);
    r.options = &options_;
    PageRunTotals totals;
    Status s = RunEntityPages(r, source_, target_, ctx, *store_, &totals);
    if (!s.ok()) ADD_FAILURE() << s.ToString();
    return s;
  }
  std::string Cursor() {
    auto c = store_->GetCursor("t", "src", "dst", "customer");
    return c.ok() && c->has_value() ? **c : "";
  }

  FakeClock clock_;
  EngineOptions options_;
  std::unique_ptr<store::StateStore> store_;
  ScriptedSource source_;
  RecordingTarget target_;
};

TEST_F(PipelineTest, FullWalkSetsTheCursorOnceAtTheNewestRecord) {
  source_.records = {{"1", 5'000}, {"2", 9'000}, {"3", 7'000}};
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "full").ok());
  EXPECT_EQ(target_.written, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(Cursor(), FormatIso8601Utc(9'000));
}

TEST_F(PipelineTest, RunLimitedToIdsNeverMovesTheCursor) {
  source_.records = {{"1", 5'000}, {"2", 9'000}};
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "incremental", {"2"}).ok());
  EXPECT_EQ(target_.written, (std::vector<std::string>{"2"}));
  // An order whose webhook was handled must not hide older unsynced ones
  // from the next incremental poll.
  EXPECT_EQ(Cursor(), "");
  auto ctx2 = Context();
  ASSERT_TRUE(Run(ctx2, "incremental").ok());
  EXPECT_EQ(target_.written, (std::vector<std::string>{"2", "1"}));
}

TEST_F(PipelineTest, IncrementalStartsBeforeTheCursorAndSkipsWhatIsMapped) {
  source_.records = {{"1", 5'000}, {"2", 9'000}};
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "full").ok());
  source_.records.push_back({"3", 200'000});
  auto ctx2 = Context();
  ASSERT_TRUE(Run(ctx2, "incremental").ok());
  EXPECT_EQ(target_.written, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_FALSE(source_.requests_seen.back().modified_after.empty());
  EXPECT_EQ(Cursor(), FormatIso8601Utc(200'000));
}

TEST_F(PipelineTest, DryRunRecordsThePlanOncePerRecordAndWritesNothing) {
  source_.records = {{"1", 5'000}, {"2", 9'000}, {"3", 7'000}};
  auto ctx = Context(/*dry_run=*/true);
  ASSERT_TRUE(Run(ctx, "full").ok());
  EXPECT_TRUE(target_.written.empty());
  auto previews = ctx.TakePreviews();
  ASSERT_EQ(previews.size(), 3u);
  EXPECT_EQ(GetStringOr(previews[0], "operation"), "create");
  EXPECT_EQ(ctx.counts().at("customer").created, 3);
  EXPECT_EQ(Cursor(), "");
  auto m = store_->GetMapping("t", "dst", "customer", "1");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_value());
}

TEST_F(PipelineTest, FailedRecordsAreQueuedUnderTheirRecordAndClearedWhenWritten) {
  source_.records = {{"1", 5'000}, {"2", 9'000}};
  target_.fail = {"2"};
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "full").ok());
  ASSERT_TRUE(ctx.Flush().ok());
  auto failed = store_->ListFailed("t", 10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].source_id, "2");
  EXPECT_EQ((*failed)[0].entity, "customer");
  target_.fail.clear();
  auto ctx2 = Context();
  ASSERT_TRUE(Run(ctx2, "full", {"2"}).ok());
  failed = store_->ListFailed("t", 10);
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->empty());
}

TEST_F(PipelineTest, ALaterOpOfAFailedRecordDoesNotTakeItOffTheQueue) {
  // An order whose document failed, then its refund written in the same run:
  // the order stays queued for the next run.
  auto ctx = Context();
  ctx.BeginPage("order");
  PlanOp doc;
  doc.entity = "order";
  doc.source_id = doc.record_id = "7";
  ctx.Failed(doc, Status::Validation("refused"));
  PlanOp refund;
  refund.entity = "refund";
  refund.source_id = "70";
  refund.record_id = "7";
  refund.counted = true;
  ASSERT_TRUE(ctx.Intend(refund, "70").ok());
  Written w;
  w.target_id = "R70";
  w.target_type = "RefundReceipt";
  ASSERT_TRUE(ctx.Done(refund, w).ok());
  ASSERT_TRUE(ctx.Flush().ok());
  auto failed = store_->ListFailed("t", 10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].source_id, "7");
  EXPECT_EQ((*failed)[0].entity, "order");
}

TEST_F(PipelineTest, RecordResultsCarryTheirDuration) {
  source_.records = {{"1", 5'000}};
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "full").ok());
  ASSERT_TRUE(ctx.Flush().ok());
  auto results = store_->ListRecordResults("t", "r1", 10);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 1u);
  EXPECT_GE((*results)[0].duration_us, 0);
  EXPECT_EQ((*results)[0].action, "created");
}

// A platform-level failure of the target ends the walk at its first op:
// no failed record per entity, no cursor move, the error names the connection.
TEST_F(PipelineTest, TargetPlatformFailureEndsTheRunAtOnceWithOneError) {
  for (const Status& cause : {Status::Authentication("token refresh refused (invalid_grant)", "invalid_grant"),
                              Status::Network("unreachable at http://127.0.0.1:9 (connection refused)", "transport")}) {
    SetUp();  // a fresh store
    source_ = ScriptedSource();
    target_ = RecordingTarget();
    source_.records = {{"1", 5'000}, {"2", 6'000}, {"3", 7'000}, {"4", 8'000}, {"5", 9'000}};
    target_.broken_from = "3";
    target_.broken = cause;
    auto ctx = Context();
    PageRun r;
    r.route_entity = "customers";
    r.options = &options_;
    PageRunTotals totals;
    Status s = RunEntityPages(r, source_, target_, ctx, *store_, &totals);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.category(), cause.category());
    EXPECT_EQ(s.code(), cause.code());
    EXPECT_EQ(s.message(), "connection 'dst': " + cause.message());
    EXPECT_EQ(ctx.platform_failure().message(), s.message());
    EXPECT_TRUE(ctx.Stopping());
    // The three pages were planned as one window; writing stopped at record 3's op (4 and 5 were not tried).
    EXPECT_EQ(target_.written, (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(target_.attempts, 3);
    EXPECT_EQ(source_.requests_seen.size(), 3u);
    EXPECT_EQ(ctx.counts().at("customer").failed, 0);
    ASSERT_TRUE(ctx.Flush().ok());
    auto failed = store_->ListFailed("t", 10);
    ASSERT_TRUE(failed.ok());
    EXPECT_TRUE(failed->empty());
    EXPECT_EQ(Cursor(), "");  // the walk did not end
  }
}

TEST_F(PipelineTest, SeveralPagesArePlannedAndWrittenTogetherUpTo900Records) {
  source_.page_size = 400;
  for (int i = 0; i < 2000; ++i) source_.records.push_back({std::to_string(10000 + i), 5'000 + i});
  auto ctx = Context();
  PageRun r;
  r.route_entity = "customers";
  r.mode = "incremental";
  r.options = &options_;
  PageRunTotals totals;
  ASSERT_TRUE(RunEntityPages(r, source_, target_, ctx, *store_, &totals).ok());
  // Pages of 400: three make the first window (1,200 records), the last two the second.
  EXPECT_EQ(target_.plan_sizes, (std::vector<size_t>{1200, 800}));
  EXPECT_EQ(totals.pages, 5);
  EXPECT_EQ(source_.requests_seen.size(), 5u);  // the page after the last is never asked for
  EXPECT_EQ(target_.written.size(), 2000u);
  EXPECT_EQ(Cursor(), FormatIso8601Utc(6'999));
}

TEST_F(PipelineTest, RecordLevelFailuresLetTheRunGoOn) {
  source_.records = {{"1", 5'000}, {"2", 6'000}, {"3", 7'000}};
  target_.broken_from = "2";
  target_.broken = Status::Validation("Amount is not equal to UnitPrice * Qty", "6070");
  auto ctx = Context();
  ASSERT_TRUE(Run(ctx, "full").ok());
  EXPECT_TRUE(ctx.platform_failure().ok());
  EXPECT_EQ(target_.attempts, 3);
  EXPECT_EQ(ctx.counts().at("customer").failed, 2);
}

TEST_F(PipelineTest, SourcePlatformFailureNamesTheSourceConnection) {
  source_.records = {{"1", 5'000}};
  source_.refuse = Status::Authentication("HTTP 401 woocommerce_rest_cannot_view", "woocommerce_rest_cannot_view");
  auto ctx = Context();
  PageRun r;
  r.route_entity = "customers";
  r.options = &options_;
  PageRunTotals totals;
  Status s = RunEntityPages(r, source_, target_, ctx, *store_, &totals);
  EXPECT_TRUE(s.IsAuthentication());
  EXPECT_EQ(s.message().rfind("connection 'src': ", 0), 0u) << s.message();
  EXPECT_EQ(source_.requests_seen.size(), 1u);  // authentication is not retried
  EXPECT_EQ(target_.attempts, 0);
}

TEST(RegistryTest, RoutesNeedBothPlatformsAndTheirRoles) {
  Registry r;
  Platform a;
  a.kind = "a";
  a.reads = {"order"};
  Platform b;
  b.kind = "b";
  b.writes = {"order"};
  ASSERT_TRUE(r.Register(a).ok());
  EXPECT_FALSE(r.Register(a).ok());
  ASSERT_TRUE(r.Register(b).ok());
  EXPECT_TRUE(r.AddRoute({"a", "b", "orders"}, 1).ok());
  EXPECT_FALSE(r.AddRoute({"b", "a", "orders"}, 1).ok());  // b reads nothing
  EXPECT_FALSE(r.AddRoute({"a", "b", "customers"}, 1).ok());
  EXPECT_EQ(r.RouteFor("a", "b", "order"), "orders");
  EXPECT_EQ(r.RouteFor("a", "b", "orders"), "orders");
  EXPECT_EQ(r.RouteFor("a", "b", "refund"), "");
  Status s = r.CheckRoute({"a", "b", "refunds"});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("supported: orders"), std::string::npos);
}

}  // namespace
}  // namespace es::engine
