// Two-way sync, the engine's part (SPEC F9), platform-free.
//
// Policy: per tenant and entity, the direction records may move in ("both"
// or "<kind>-><kind>"), the source of truth (a connector kind) and the
// strategy for conflicts. Stored in the TwoWayStore (sync_policies).
//
// Content, not timing: the two-way fields of a record (products: price and
// stock quantity) form a canonical JSON value; its hash is compared with the
// hash last synced on each side (TwoWayState). So a change that comes back
// (webhook, CDC, poll) whose content equals what the engine last wrote there
// is recognised as its own echo and not synced back.
//
// A change of the source side S toward the target side T is decided by
// Decide():
//   S unchanged since the last sync              → nothing (kUnchanged, or
//                                                   kEcho when we wrote it)
//   T already holds the same content             → record both, no write (kInSync)
//     (SameTwoWayContent: a stock only one side counts is not compared)
//   T unchanged since the last sync              → write (kWrite)
//   both changed (or neither side was ever synced, so the first sync of a
//   pair that differs): a conflict, by the strategy —
//     source_wins   the source of truth's value stands
//     target_wins   the other side's value stands
//     newest_wins   the value with the later modification time stands
//                   (a tie goes to the source of truth)
//     manual        nothing moves; the conflict waits in the review queue
//   the run writes when S's value stands (kWrite, conflict), else it leaves
//   the record (kSourceLoses) for the run of the other direction, which
//   reaches the same verdict from the other side and writes.
// Every conflict is logged with both values (ConflictRecord), once per pair
// of values.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/sync_types.h"
#include "model/product.h"
#include "store/store.h"

namespace es::engine {

enum class Strategy { kSourceWins, kTargetWins, kNewestWins, kManual };
const char* StrategyName(Strategy s);
Result<Strategy> ParseStrategy(const std::string& name);

struct SyncPolicy {
  std::string entity;           // store entity: "item"
  std::string direction;        // "both" | "<kind>-><kind>"
  std::string source_of_truth;  // connector kind
  Strategy strategy = Strategy::kSourceWins;

  // Whether records of the entity may move from `from` to `to` (kinds).
  bool Allows(const std::string& from, const std::string& to) const;
  bool TwoWay() const { return direction == "both"; }
};
// Checks a stored or requested policy; Validation naming the bad field.
Result<SyncPolicy> PolicyFromRecord(const store::SyncPolicyRecord& r);
store::SyncPolicyRecord PolicyRecord(const std::string& tenant, const SyncPolicy& p, int64_t now_ms);

// The two-way fields of a record as canonical JSON; null for records that
// have none (only products have them today):
//   {"price": "<decimal>"|null, "stock": "<decimal>"|null}
// price is the regular price (else the current one); stock only when the
// record's stock is managed.
Json TwoWayValue(const model::Product& p);
Json TwoWayValue(const SourceRecord& r);
// Whether two sides hold the same two-way content: equal prices, and equal
// stocks where both sides count stock. A side that does not count stock (a
// shop product with manage_stock off: WooCommerce keeps no quantity for it;
// an item QuickBooks does not track) has nothing to compare, so its null
// stock never differs from the other side's quantity. Each side's own hash
// (TwoWayHash) still covers its full value, so a later change of either is
// seen.
bool SameTwoWayContent(const Json& a, const Json& b);
// Hex SHA-256 of the canonical value; "" for null.
std::string TwoWayHash(const Json& value);
// The record's identity on both sides: "sku:<SKU>"; "" when it has none.
std::string TwoWayKey(const SourceRecord& r);

// One side of a record as a decision sees it.
struct SideView {
  std::string kind;           // connector kind
  std::string connection;     // connection id
  std::string record_id;
  Json value;                 // TwoWayValue now (null = unknown)
  std::string hash;           // TwoWayHash(value)
  int64_t modified_ms = 0;
  std::string version;
  std::optional<store::TwoWayState> synced;  // what was last synced there
};

enum class Verdict { kWrite, kUnchanged, kEcho, kInSync, kSourceLoses, kReview };
const char* VerdictName(Verdict v);

struct Decision {
  Verdict verdict = Verdict::kWrite;
  bool conflict = false;
  std::string winner;  // kind whose value stands (conflicts; "" under manual)
  std::string reason;  // for the run's record results
};

// `target` is nullopt when the target's current content is unknown (a
// target that cannot read it back): then only the source side is checked.
Decision Decide(const SyncPolicy& policy, const SideView& source, const std::optional<SideView>& target);

// The ledger of two-way state of one tenant over a store.
class TwoWayLedger {
 public:
  TwoWayLedger(store::StateStore& store, std::string tenant, Clock& clock)
      : store_(store), tenant_(std::move(tenant)), clock_(clock) {}

  // The policy of `entity` (nullopt when the tenant set none).
  Result<std::optional<SyncPolicy>> Policy(const std::string& entity);
  // Fills side.synced from the store.
  Status Load(const std::string& entity, const std::string& key, SideView& side);
  // After a write of source's content to target: source synced as read,
  // target synced as written (`written_hash`: the target's content after the
  // write; the source's hash when the target did not say).
  Status RecordWrite(const std::string& entity, const std::string& key, const SideView& source,
                     const SideView& target, const std::string& written_hash, const std::string& target_version);
  // Both sides hold `source`'s content (or the source's change needed no
  // write): both synced as they are now, nothing written.
  Status RecordSeen(const std::string& entity, const std::string& key, const SideView& side);
  // Logs a conflict with both values; returns its id.
  Result<int64_t> LogConflict(const std::string& entity, const std::string& key, const SyncPolicy& policy,
                              const SideView& source, const SideView& target, const Decision& d);

 private:
  Status Put(const std::string& entity, const std::string& key, const SideView& side, const std::string& hash,
             const std::string& version, bool written);
  store::StateStore& store_;
  const std::string tenant_;
  Clock& clock_;
};

}  // namespace es::engine
