// TwoWayTarget: the engine's two-way gate around any Target
// (engine/two_way.h). OpenEndpoints wraps every target in one; it changes
// nothing for a route whose opposite route does not exist.
//
// For a route with an opposite (woo → qbo products and qbo → woo products):
//   - direction: the tenant's sync policy of the entity decides which way
//     records may move; without a policy only the route registered first
//     runs (today's one-way flow) and the way back skips every record;
//   - per record with a two-way key, before planning: the source's content
//     is compared with what was last synced (echo or unchanged → skipped);
//     the target's current content (Target::Current) decides whether this
//     is a conflict, resolved by the policy's strategy and logged;
//   - after each write (SyncContext::Done) the content written, as the
//     target reports it (Written::two_way_value), and its version token are
//     recorded, so its echo is recognised when it comes back.
// Dry runs plan the same but record nothing.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/connector.h"
#include "engine/two_way.h"

namespace es::engine {

class TwoWayTarget final : public Target {
 public:
  TwoWayTarget(std::unique_ptr<Target> inner, store::StateStore& store, const Registry& registry, Clock& clock,
               const std::string& tenant);

  Status Prepare(SyncContext& ctx) override { return inner_->Prepare(ctx); }
  Result<Plan> PlanPage(const std::string& entity, const std::vector<SourceRecord>& records,
                        SyncContext& ctx) override;
  Status Apply(Plan& plan, SyncContext& ctx) override;
  Result<std::vector<Check>> Verify(const std::string& entity, const std::vector<SourceRecord>& records,
                                    SyncContext& ctx) override {
    return inner_->Verify(entity, records, ctx);
  }
  Result<std::map<std::string, TargetCurrent>> Current(const std::string& entity,
                                                       const std::vector<SourceRecord>& records,
                                                       SyncContext& ctx) override {
    return inner_->Current(entity, records, ctx);
  }
  void Finish(SyncContext& ctx, const Status& outcome) override { inner_->Finish(ctx, outcome); }
  int64_t requests() const override { return inner_->requests(); }
  int64_t rate_limited() const override { return inner_->rate_limited(); }

  Target& inner() { return *inner_; }

 private:
  // How the route of `entity` runs in this run.
  struct Mode {
    bool gate = false;          // two-way checks apply
    std::string refuse;         // non-empty: every record is skipped with this reason
    std::optional<SyncPolicy> policy;
  };
  // A record that passed the gate, to record once written.
  struct Pending {
    std::string entity;
    std::string key;
    SideView source;
    SideView target;
  };
  class RecordingContext;

  Result<Mode> ModeFor(const std::string& entity, const RunInfo& run);

  std::unique_ptr<Target> inner_;
  const Registry& registry_;
  TwoWayLedger ledger_;
  std::map<std::string, Mode> modes_;       // by entity
  std::map<std::string, Pending> pending_;  // by source id, for the plan in hand
};

}  // namespace es::engine
