// Two-way sync (engine/two_way.h): random interleavings of changes on both
// sides, syncs in either direction, webhook echoes and review-queue
// resolutions, for every strategy. The real gate (TwoWayTarget over a real
// SQLite store, with the platform registry's routes) runs against two
// in-memory sides; a value-level model of the rules predicts every step:
//   - each sync writes exactly when the model says (so: one write per real
//     change, none for an echo) and leaves the values the strategy defines;
//   - the echo of every write, synced back at once, writes nothing;
//   - after settling, both sides agree, except under `manual` while a
//     conflict waits in the review queue.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <memory>
#include <optional>

#include "engine/two_way.h"
#include "engine/two_way_resolve.h"
#include "engine/two_way_target.h"
#include "platforms/platforms.h"
#include "store/factory/open_store.h"

namespace es::testing {
namespace {

constexpr const char* kTenant = "t1";
constexpr const char* kSku = "TEE";

struct Side {
  std::string kind;    // "woo" | "qbo"
  std::string id;      // the record's id on this side
  int price = 0;       // whole units keep the model readable
  int64_t modified = 0;
  int writes = 0;
};

model::Product ProductOf(const Side& s) {
  model::Product p;
  p.source_id = s.id;
  p.sku = kSku;
  p.regular_price = model::Money::FromDecimal(Decimal::FromInt(s.price), "USD");
  p.modified_at_ms = s.modified;
  return p;
}

class NullContext final : public engine::SyncContext {
 public:
  explicit NullContext(engine::RunInfo info, Clock& clock) : info_(std::move(info)), clock_(clock) {}
  const engine::RunInfo& run() const override { return info_; }
  Clock& clock() override { return clock_; }
  Result<std::optional<store::IdMapping>> Mapping(const std::string&, const std::string&) override {
    return std::optional<store::IdMapping>();
  }
  Result<std::optional<store::IdMapping>> MappingByTarget(const std::string&, const std::string&) override {
    return std::optional<store::IdMapping>();
  }
  bool HadIntent(const std::string&, const std::string&) override { return false; }
  Status Intend(const engine::PlanOp&, const std::string&) override { return Status::Ok(); }
  Status Done(const engine::PlanOp&, const engine::Written&) override { return Status::Ok(); }
  void Failed(const engine::PlanOp&, const Status& s) override { failures.push_back(s.ToString()); }
  void Skipped(const engine::PlanOp&) override {}
  bool Crash(const char*) override { return false; }
  bool Stopping() const override { return false; }
  std::vector<std::string> failures;

 private:
  engine::RunInfo info_;
  Clock& clock_;
};

// The side a run writes to, as a target.
class SideTarget final : public engine::Target {
 public:
  SideTarget(Side& side, FakeClock& clock) : side_(side), clock_(clock) {}
  Result<std::map<std::string, engine::TargetCurrent>> Current(const std::string&,
                                                               const std::vector<engine::SourceRecord>& recs,
                                                               engine::SyncContext&) override {
    std::map<std::string, engine::TargetCurrent> out;
    for (const auto& r : recs)
      out[r.source_id] = {side_.id, engine::TwoWayValue(ProductOf(side_)), side_.modified, ""};
    return out;
  }
  Result<engine::Plan> PlanPage(const std::string& entity, const std::vector<engine::SourceRecord>& recs,
                                engine::SyncContext&) override {
    engine::Plan plan;
    for (const auto& r : recs) {
      engine::PlanOp op;
      op.entity = entity;
      op.source_id = r.source_id;
      op.record_id = r.source_id;
      op.target_id = side_.id;
      const int want = static_cast<int>(r.product()->regular_price->ToDecimal().units() / Decimal::kOne);
      op.kind = want == side_.price ? engine::OpKind::kSkip : engine::OpKind::kUpdate;
      op.payload = want;
      op.reason = "test";
      plan.ops.push_back(op);
    }
    return plan;
  }
  Status Apply(engine::Plan& plan, engine::SyncContext& ctx) override {
    for (auto& op : plan.ops) {
      if (op.kind != engine::OpKind::kUpdate) continue;
      side_.price = op.payload.get<int>();
      clock_.Advance(1000);
      side_.modified = clock_.NowMillis();
      ++side_.writes;
      engine::Written w;
      w.target_id = side_.id;
      w.two_way_value = engine::TwoWayValue(ProductOf(side_));
      RC_ASSERT(ctx.Done(op, w).ok());
    }
    return Status::Ok();
  }
  int64_t requests() const override { return 0; }

 private:
  Side& side_;
  FakeClock& clock_;
};

struct Model {
  int base = 0;
  engine::Strategy strategy = engine::Strategy::kSourceWins;
  std::string truth;
  int writes = 0;
  bool pending_review = false;

  // Whether a sync from `x` to `y` writes, and the values after it.
  bool Sync(Side& x, Side& y) {
    const bool cx = x.price != base, cy = y.price != base;
    if (!cx) return false;
    if (x.price == y.price) {
      base = x.price;
      pending_review = false;
      return false;
    }
    std::string winner = x.kind;
    if (cy) {
      switch (strategy) {
        case engine::Strategy::kSourceWins: winner = truth; break;
        case engine::Strategy::kTargetWins: winner = truth == "woo" ? "qbo" : "woo"; break;
        case engine::Strategy::kNewestWins:
          winner = x.modified == y.modified ? truth : (x.modified > y.modified ? x.kind : y.kind);
          break;
        case engine::Strategy::kManual: pending_review = true; return false;
      }
    }
    if (winner != x.kind) return false;
    base = x.price;
    pending_review = false;
    ++writes;
    return true;
  }
};

struct World {
  FakeClock clock;
  std::unique_ptr<store::StateStore> store;
  Side woo{"woo", "31"}, qbo{"qbo", "7"};
  Model model;
  engine::SyncPolicy policy;

  Side& other(const Side& s) { return &s == &woo ? qbo : woo; }

  // One run from `from` to its other side through the real gate; returns the writes it made.
  int Run(Side& from) {
    Side& to = other(from);
    engine::RunInfo info{kTenant, from.kind, to.kind, from.kind, to.kind, "run", false};
    NullContext ctx(info, clock);
    engine::TwoWayTarget gate(std::make_unique<SideTarget>(to, clock), *store, platforms::Registry(), clock, kTenant);
    engine::SourceRecord rec;
    rec.source_id = from.id;
    rec.modified_at_ms = from.modified;
    rec.value = ProductOf(from);
    const int before = to.writes;
    auto plan = gate.PlanPage("item", {rec}, ctx);
    RC_ASSERT(plan.ok());
    RC_ASSERT(gate.Apply(*plan, ctx).ok());
    RC_ASSERT(ctx.failures.empty());
    return to.writes - before;
  }

  // A sync checked against the model, then the echo of its write (the
  // target's webhook) synced back: it must write nothing.
  void Sync(Side& from) {
    Side& to = other(from);
    Side x = from, y = to;
    const bool expect = model.Sync(x, y);
    const int wrote = Run(from);
    RC_ASSERT(wrote == (expect ? 1 : 0));
    if (expect) RC_ASSERT(to.price == from.price);
    if (wrote > 0) RC_ASSERT(Run(to) == 0);
  }

  void Change(Side& s, int price, int64_t advance) {
    clock.Advance(advance);
    s.price = price;
    s.modified = clock.NowMillis();
  }
};

RC_GTEST_PROP(TwoWay, InterleavedChangesFollowTheStrategyAndNeverEcho, ()) {
  World w;
  auto opened = store::OpenStore(":memory:");
  RC_ASSERT(opened.ok());
  w.store = std::move(*opened);
  const auto strategy = *rc::gen::element(engine::Strategy::kSourceWins, engine::Strategy::kTargetWins,
                                          engine::Strategy::kNewestWins, engine::Strategy::kManual);
  w.policy = {"item", "both", *rc::gen::element<std::string>("woo", "qbo"), strategy};
  RC_ASSERT(w.store->PutSyncPolicy(engine::PolicyRecord(kTenant, w.policy, 1)).ok());
  w.model.strategy = strategy;
  w.model.truth = w.policy.source_of_truth;

  // Both sides start equal and known.
  w.woo.price = w.qbo.price = w.model.base = 10;
  w.woo.modified = w.qbo.modified = w.clock.NowMillis();
  RC_ASSERT(w.Run(w.woo) == 0);

  int changes = 0;
  const int steps = *rc::gen::inRange(1, 25);
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 5);
    if (op == 0 || op == 1) {
      Side& s = op == 0 ? w.woo : w.qbo;
      w.Change(s, *rc::gen::inRange(1, 6), *rc::gen::element<int64_t>(0, 1000, 5000));
      ++changes;
    } else if (op == 2 || op == 3) {
      w.Sync(op == 2 ? w.woo : w.qbo);
    } else {
      // Resolve the newest open conflict while it still describes both sides.
      auto open = w.store->ListConflicts({kTenant, "open", 1});
      RC_ASSERT(open.ok());
      if (open->empty()) continue;
      const store::ConflictRecord& c = open->front();
      auto hash = [&](const Side& s) { return engine::TwoWayHash(engine::TwoWayValue(ProductOf(s))); };
      const Side& a = c.kind_a == "woo" ? w.woo : w.qbo;
      const Side& b = c.kind_b == "woo" ? w.woo : w.qbo;
      if (c.hash_a != hash(a) || c.hash_b != hash(b)) continue;
      const std::string take = *rc::gen::element<std::string>("woo", "qbo");
      auto res = engine::ResolveConflict(*w.store, platforms::Registry(), w.clock, kTenant, c.id, take, "tester");
      RC_ASSERT(res.ok());
      Side& winner = take == "woo" ? w.woo : w.qbo;
      w.model.base = w.other(winner).price;  // the loser's value counts as synced
      w.model.pending_review = false;
      w.Sync(winner);
      RC_ASSERT(w.woo.price == w.qbo.price);
    }
  }
  // Settle: webhooks of both sides (each run's echo is checked inside Sync).
  for (int round = 0; round < 2; ++round) {
    w.Sync(w.woo);
    w.Sync(w.qbo);
  }
  const int writes = w.woo.writes + w.qbo.writes;
  RC_ASSERT(writes == w.model.writes);
  RC_ASSERT(writes <= changes + 1);
  const bool pending = w.woo.price != w.model.base && w.qbo.price != w.model.base && w.woo.price != w.qbo.price;
  if (strategy != engine::Strategy::kManual) RC_ASSERT(!pending);
  if (!pending) {
    RC_ASSERT(w.woo.price == w.qbo.price);
  } else {
    auto open = w.store->ListConflicts({kTenant, "open", 10});
    RC_ASSERT(open.ok() && !open->empty());
  }
  // A quiet system stays quiet.
  w.Sync(w.woo);
  w.Sync(w.qbo);
  RC_ASSERT(w.woo.writes + w.qbo.writes == writes);
}

}  // namespace
}  // namespace es::testing
