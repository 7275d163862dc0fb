#include "engine/two_way.h"

#include <algorithm>

#include "common/crypto.h"

namespace es::engine {
namespace {

// "woo->qbo" → {"woo", "qbo"}; empty strings when malformed.
std::pair<std::string, std::string> SplitDirection(const std::string& d) {
  const size_t arrow = d.find("->");
  if (arrow == std::string::npos || arrow == 0 || arrow + 2 >= d.size()) return {};
  return {d.substr(0, arrow), d.substr(arrow + 2)};
}

std::string Other(const SideView& a, const SideView& b, const std::string& kind) {
  return a.kind == kind ? b.kind : a.kind;
}

}  // namespace

const char* StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kSourceWins: return "source_wins";
    case Strategy::kTargetWins: return "target_wins";
    case Strategy::kNewestWins: return "newest_wins";
    case Strategy::kManual: return "manual";
  }
  return "source_wins";
}

Result<Strategy> ParseStrategy(const std::string& name) {
  for (Strategy s : {Strategy::kSourceWins, Strategy::kTargetWins, Strategy::kNewestWins, Strategy::kManual})
    if (name == StrategyName(s)) return s;
  return Status::Validation("strategy '" + name + "' is not one of source_wins, target_wins, newest_wins, manual");
}

bool SyncPolicy::Allows(const std::string& from, const std::string& to) const {
  if (direction == "both") return true;
  auto [a, b] = SplitDirection(direction);
  return a == from && b == to;
}

Result<SyncPolicy> PolicyFromRecord(const store::SyncPolicyRecord& r) {
  SyncPolicy p;
  p.entity = r.entity;
  if (p.entity.empty()) return Status::Validation("policy: entity is empty");
  p.direction = r.direction;
  if (p.direction != "both" && SplitDirection(p.direction).first.empty())
    return Status::Validation("policy: direction '" + r.direction + "' is not 'both' or '<kind>-><kind>'");
  p.source_of_truth = r.source_of_truth;
  if (p.source_of_truth.empty()) return Status::Validation("policy: source_of_truth is empty");
  auto [a, b] = SplitDirection(p.direction);
  if (!a.empty() && p.source_of_truth != a && p.source_of_truth != b)
    return Status::Validation("policy: source_of_truth '" + p.source_of_truth + "' is neither side of '" +
                              p.direction + "'");
  auto s = ParseStrategy(r.strategy);
  if (!s.ok()) return Status::Validation("policy: " + s.status().message());
  p.strategy = *s;
  return p;
}

store::SyncPolicyRecord PolicyRecord(const std::string& tenant, const SyncPolicy& p, int64_t now_ms) {
  return {tenant, p.entity, p.direction, p.source_of_truth, StrategyName(p.strategy), now_ms};
}

Json TwoWayValue(const model::Product& p) {
  Json v = Json::object();
  const auto& price = p.regular_price ? p.regular_price : p.price;
  v["price"] = price ? Json(price->ToDecimal().ToString()) : Json(nullptr);
  v["stock"] = p.manage_stock && p.stock_quantity ? Json(p.stock_quantity->ToString()) : Json(nullptr);
  return v;
}

Json TwoWayValue(const SourceRecord& r) {
  if (const model::Product* p = r.product()) return TwoWayValue(*p);
  return Json();
}

std::string TwoWayHash(const Json& value) {
  if (value.is_null()) return "";
  return crypto::Hex(crypto::Sha256(DumpJson(value)));
}

std::string TwoWayKey(const SourceRecord& r) {
  if (const model::Product* p = r.product(); p && !p->sku.empty()) return "sku:" + p->sku;
  return "";
}

bool SameTwoWayContent(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object()) return false;
  if (a.value("price", Json()) != b.value("price", Json())) return false;
  const Json sa = a.value("stock", Json()), sb = b.value("stock", Json());
  // A stock one side does not count cannot differ from the other's.
  return sa.is_null() || sb.is_null() || sa == sb;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kWrite: return "write";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kEcho: return "echo";
    case Verdict::kInSync: return "in_sync";
    case Verdict::kSourceLoses: return "source_loses";
    case Verdict::kReview: return "review";
  }
  return "write";
}

Decision Decide(const SyncPolicy& policy, const SideView& source, const std::optional<SideView>& target) {
  Decision d;
  if (source.synced && source.synced->content_hash == source.hash) {
    d.verdict = source.synced->written ? Verdict::kEcho : Verdict::kUnchanged;
    d.reason = source.synced->written ? "echo of a value this engine wrote (" + source.kind + ")"
                                      : "two-way fields unchanged since the last sync";
    return d;
  }
  if (!target) {
    d.reason = "changed in " + source.kind;
    return d;
  }
  if (SameTwoWayContent(source.value, target->value)) {
    d.verdict = Verdict::kInSync;
    d.reason = "both sides already hold this value";
    return d;
  }
  // Never synced on either side while both hold a value: as good as both
  // changed (the first sync of an existing pair follows the strategy).
  const bool never = !source.synced && !target->synced;
  const bool target_changed = never || (target->synced && target->synced->content_hash != target->hash);
  if (!target_changed) {
    d.reason = "changed in " + source.kind;
    return d;
  }
  d.conflict = true;
  const std::string& truth = policy.source_of_truth;
  switch (policy.strategy) {
    case Strategy::kSourceWins: d.winner = truth; break;
    case Strategy::kTargetWins: d.winner = Other(source, *target, truth); break;
    case Strategy::kNewestWins:
      if (source.modified_ms == target->modified_ms) d.winner = truth;
      else d.winner = source.modified_ms > target->modified_ms ? source.kind : target->kind;
      break;
    case Strategy::kManual:
      d.verdict = Verdict::kReview;
      d.reason = "conflict: both sides changed; waiting for review";
      return d;
  }
  const std::string why = std::string("conflict (") + StrategyName(policy.strategy) + "): " + d.winner + " wins";
  d.verdict = d.winner == source.kind ? Verdict::kWrite : Verdict::kSourceLoses;
  d.reason = why;
  return d;
}

Result<std::optional<SyncPolicy>> TwoWayLedger::Policy(const std::string& entity) {
  ES_ASSIGN_OR_RETURN(auto rec, store_.GetSyncPolicy(tenant_, entity));
  if (!rec) return std::optional<SyncPolicy>();
  ES_ASSIGN_OR_RETURN(SyncPolicy p, PolicyFromRecord(*rec));
  return std::optional<SyncPolicy>(std::move(p));
}

Status TwoWayLedger::Load(const std::string& entity, const std::string& key, SideView& side) {
  ES_ASSIGN_OR_RETURN(auto states, store_.GetTwoWayStates(tenant_, entity, key));
  side.synced.reset();
  for (auto& s : states)
    if (s.side == side.connection) side.synced = std::move(s);
  return Status::Ok();
}

Status TwoWayLedger::Put(const std::string& entity, const std::string& key, const SideView& side,
                         const std::string& hash, const std::string& version, bool written) {
  store::TwoWayState s;
  s.tenant_id = tenant_;
  s.entity = entity;
  s.record_key = key;
  s.side = side.connection;
  s.record_id = side.record_id;
  s.content_hash = hash;
  s.version = version;
  s.written = written;
  s.updated_at_ms = clock_.NowMillis();
  return store_.PutTwoWayState(s);
}

Status TwoWayLedger::RecordWrite(const std::string& entity, const std::string& key, const SideView& source,
                                 const SideView& target, const std::string& written_hash,
                                 const std::string& target_version) {
  ES_RETURN_IF_ERROR(Put(entity, key, source, source.hash, source.version, false));
  return Put(entity, key, target, written_hash.empty() ? source.hash : written_hash, target_version, true);
}

Status TwoWayLedger::RecordSeen(const std::string& entity, const std::string& key, const SideView& side) {
  return Put(entity, key, side, side.hash, side.version, false);
}

Result<int64_t> TwoWayLedger::LogConflict(const std::string& entity, const std::string& key,
                                          const SyncPolicy& policy, const SideView& source, const SideView& target,
                                          const Decision& d) {
  // Side a / b in a fixed order (by connection), so both directions log the same row.
  const bool source_first = source.connection < target.connection;
  const SideView& a = source_first ? source : target;
  const SideView& b = source_first ? target : source;
  store::ConflictRecord c;
  c.tenant_id = tenant_;
  c.entity = entity;
  c.record_key = key;
  c.fingerprint = crypto::Hex(crypto::Sha256(a.connection + "=" + a.hash + ";" + b.connection + "=" + b.hash));
  c.side_a = a.connection;
  c.kind_a = a.kind;
  c.record_a = a.record_id;
  c.value_a = a.value;
  c.hash_a = a.hash;
  c.modified_a_ms = a.modified_ms;
  c.side_b = b.connection;
  c.kind_b = b.kind;
  c.record_b = b.record_id;
  c.value_b = b.value;
  c.hash_b = b.hash;
  c.modified_b_ms = b.modified_ms;
  c.strategy = StrategyName(policy.strategy);
  c.status = d.verdict == Verdict::kReview ? "open" : "resolved";
  c.winner = d.winner;
  c.resolved_by = d.verdict == Verdict::kReview ? "" : "strategy";
  c.created_at_ms = clock_.NowMillis();
  c.resolved_at_ms = d.verdict == Verdict::kReview ? 0 : c.created_at_ms;
  return store_.AddConflict(c);
}

}  // namespace es::engine
