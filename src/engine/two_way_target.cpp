#include "engine/two_way_target.h"

namespace es::engine {

// Forwards everything; records the two-way state of gated records as the
// inner target reports them written or needing no write.
class TwoWayTarget::RecordingContext final : public SyncContext {
 public:
  RecordingContext(SyncContext& inner, TwoWayTarget& owner) : inner_(inner), owner_(owner) {}
  const RunInfo& run() const override { return inner_.run(); }
  Clock& clock() override { return inner_.clock(); }
  Result<std::optional<store::IdMapping>> Mapping(const std::string& entity, const std::string& source_id) override {
    return inner_.Mapping(entity, source_id);
  }
  Status PrefetchMappings(const std::string& entity, const std::vector<std::string>& ids) override {
    return inner_.PrefetchMappings(entity, ids);
  }
  Result<std::optional<store::IdMapping>> MappingByTarget(const std::string& entity,
                                                          const std::string& target_id) override {
    return inner_.MappingByTarget(entity, target_id);
  }
  bool HadIntent(const std::string& entity, const std::string& source_id) override {
    return inner_.HadIntent(entity, source_id);
  }
  Status Intend(const PlanOp& op, const std::string& lookup_key) override { return inner_.Intend(op, lookup_key); }
  Status IntendAll(const std::vector<std::pair<const PlanOp*, std::string>>& ops) override {
    return inner_.IntendAll(ops);
  }
  Status Done(const PlanOp& op, const Written& written) override {
    ES_RETURN_IF_ERROR(inner_.Done(op, written));
    auto it = owner_.pending_.find(op.source_id);
    if (it == owner_.pending_.end() || it->second.entity != op.entity) return Status::Ok();
    Pending& p = it->second;
    p.target.record_id = written.target_id;
    Status s = owner_.ledger_.RecordWrite(p.entity, p.key, p.source, p.target, TwoWayHash(written.two_way_value),
                                          written.version);
    owner_.pending_.erase(it);
    return s;
  }
  void Failed(const PlanOp& op, const Status& status) override { inner_.Failed(op, status); }
  void Skipped(const PlanOp& op) override {
    inner_.Skipped(op);
    auto it = owner_.pending_.find(op.source_id);
    if (it == owner_.pending_.end() || it->second.entity != op.entity) return;
    // The target needed no write: the source's content is taken as synced.
    (void)owner_.ledger_.RecordSeen(it->second.entity, it->second.key, it->second.source);
    owner_.pending_.erase(it);
  }
  bool Crash(const char* point) override { return inner_.Crash(point); }
  bool Stopping() const override { return inner_.Stopping(); }

 private:
  SyncContext& inner_;
  TwoWayTarget& owner_;
};

TwoWayTarget::TwoWayTarget(std::unique_ptr<Target> inner, store::StateStore& store, const Registry& registry,
                           Clock& clock, const std::string& tenant)
    : inner_(std::move(inner)), registry_(registry), ledger_(store, tenant, clock) {}

Result<TwoWayTarget::Mode> TwoWayTarget::ModeFor(const std::string& entity, const RunInfo& run) {
  if (auto it = modes_.find(entity); it != modes_.end()) return it->second;
  Mode m;
  const RouteKey key{run.source_kind, run.target_kind, RouteEntity(entity)};
  if (registry_.HasReverse(key)) {
    ES_ASSIGN_OR_RETURN(m.policy, ledger_.Policy(entity));
    const std::string way = run.source_kind + "->" + run.target_kind;
    if (!m.policy) {
      if (registry_.IsReverse(key))
        m.refuse = "direction " + way + " is off for " + RouteEntity(entity) +
                   " (no sync policy; set one with `easysale-sync conflicts policy`)";
    } else if (!m.policy->Allows(run.source_kind, run.target_kind)) {
      m.refuse = "direction " + way + " is off for " + RouteEntity(entity) + " (policy: " + m.policy->direction + ")";
    } else {
      m.gate = true;
    }
  }
  modes_[entity] = m;
  return m;
}

Result<Plan> TwoWayTarget::PlanPage(const std::string& entity, const std::vector<SourceRecord>& records,
                                    SyncContext& ctx) {
  const RunInfo& run = ctx.run();
  ES_ASSIGN_OR_RETURN(Mode mode, ModeFor(entity, run));
  if (!mode.gate && mode.refuse.empty()) return inner_->PlanPage(entity, records, ctx);

  std::vector<PlanOp> skips;
  auto skip = [&](const SourceRecord& r, const std::string& reason) {
    PlanOp op;
    op.kind = OpKind::kSkip;
    op.entity = entity;
    op.source_id = r.source_id;
    op.record_id = r.source_id;
    op.reason = reason;
    skips.push_back(std::move(op));
  };
  if (!mode.refuse.empty()) {
    Plan plan;
    for (const auto& r : records) skip(r, mode.refuse);
    plan.ops = std::move(skips);
    return plan;
  }

  const SyncPolicy& policy = *mode.policy;
  const bool record = !run.dry_run;
  std::vector<SourceRecord> candidates, passed;
  std::map<std::string, SideView> sources;
  std::map<std::string, std::string> keys;
  for (const auto& r : records) {
    const std::string key = TwoWayKey(r);
    if (key.empty()) {
      passed.push_back(r);
      continue;
    }
    SideView s;
    s.kind = run.source_kind;
    s.connection = run.SourceState();
    s.record_id = r.source_id;
    s.value = TwoWayValue(r);
    s.hash = TwoWayHash(s.value);
    s.modified_ms = r.modified_at_ms;
    s.version = r.modified_at_ms > 0 ? FormatIso8601Utc(r.modified_at_ms) : "";
    ES_RETURN_IF_ERROR(ledger_.Load(entity, key, s));
    Decision first = Decide(policy, s, std::nullopt);
    if (first.verdict == Verdict::kEcho || first.verdict == Verdict::kUnchanged) {
      skip(r, first.reason);
      continue;
    }
    keys[r.source_id] = key;
    sources[r.source_id] = std::move(s);
    candidates.push_back(r);
  }

  std::map<std::string, TargetCurrent> current;
  if (!candidates.empty()) {
    ES_ASSIGN_OR_RETURN(current, inner_->Current(entity, candidates, ctx));
  }
  pending_.clear();
  for (const auto& r : candidates) {
    const std::string& key = keys[r.source_id];
    SideView& s = sources[r.source_id];
    SideView t;
    t.kind = run.target_kind;
    t.connection = run.TargetState();
    std::optional<SideView> target;
    if (auto it = current.find(r.source_id); it != current.end() && !it->second.value.is_null()) {
      t.record_id = it->second.target_id;
      t.value = it->second.value;
      t.hash = TwoWayHash(t.value);
      t.modified_ms = it->second.modified_ms;
      t.version = it->second.version;
      ES_RETURN_IF_ERROR(ledger_.Load(entity, key, t));
      target = t;
    }
    Decision d = Decide(policy, s, target);
    if (d.conflict && record) {
      ES_ASSIGN_OR_RETURN(int64_t id, ledger_.LogConflict(entity, key, policy, s, *target, d));
      d.reason += " (conflict " + std::to_string(id) + ")";
    }
    switch (d.verdict) {
      case Verdict::kWrite:
        pending_[r.source_id] = Pending{entity, key, s, t};
        passed.push_back(r);
        break;
      case Verdict::kInSync:
        if (record) {
          ES_RETURN_IF_ERROR(ledger_.RecordSeen(entity, key, s));
          ES_RETURN_IF_ERROR(ledger_.RecordSeen(entity, key, *target));
        }
        skip(r, d.reason);
        break;
      default:
        skip(r, d.reason);
        break;
    }
  }
  Plan plan;
  if (!passed.empty()) {
    ES_ASSIGN_OR_RETURN(plan, inner_->PlanPage(entity, passed, ctx));
  }
  plan.ops.insert(plan.ops.begin(), skips.begin(), skips.end());
  // Records the inner target skipped at planning needed no write.
  if (record) {
    for (const PlanOp& op : plan.ops) {
      if (op.kind != OpKind::kSkip || op.entity != entity) continue;
      auto it = pending_.find(op.source_id);
      if (it == pending_.end()) continue;
      ES_RETURN_IF_ERROR(ledger_.RecordSeen(it->second.entity, it->second.key, it->second.source));
      pending_.erase(it);
    }
  } else {
    pending_.clear();
  }
  return plan;
}

Status TwoWayTarget::Apply(Plan& plan, SyncContext& ctx) {
  // A plan of only skips (a refused direction, echoes) never reached the inner target.
  bool writes = false;
  for (const PlanOp& op : plan.ops) writes = writes || (op.kind != OpKind::kSkip && op.kind != OpKind::kFail);
  if (!writes) return Status::Ok();
  if (pending_.empty()) return inner_->Apply(plan, ctx);
  RecordingContext rc(ctx, *this);
  Status s = inner_->Apply(plan, rc);
  pending_.clear();
  return s;
}

}  // namespace es::engine
