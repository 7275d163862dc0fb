// Records of two-way sync (migration 0009_twoway): the per-record content
// last synced on each side, the per-tenant sync policy of an entity, and the
// conflicts found between two sides (with the manual review queue).
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"

namespace es::store {

// What the engine last synced on one side of a record: read there and sent
// on, or written there. One row per (tenant, entity, record_key, side).
struct TwoWayState {
  std::string tenant_id;
  std::string entity;       // store entity: "item"
  std::string record_key;   // the record's identity on both sides ("sku:TEE-BLK")
  std::string side;         // the connection id of that side
  std::string record_id;    // the record's id on that side
  std::string content_hash; // hash of the two-way fields as last synced there
  std::string version;      // that side's version token then (QBO SyncToken, Woo date_modified)
  bool written = false;     // the engine wrote content_hash there (its echo is not a change)
  int64_t updated_at_ms = 0;
};

// How an entity moves between two platforms for a tenant.
struct SyncPolicyRecord {
  std::string tenant_id;
  std::string entity;           // store entity: "item"
  std::string direction;        // "both", or "<kind>-><kind>" ("woo->qbo", "qbo->woo")
  std::string source_of_truth;  // connector kind ("qbo")
  std::string strategy;         // "source_wins" | "target_wins" | "newest_wins" | "manual"
  int64_t updated_at_ms = 0;
};

// Both sides changed since the last sync. Logged for every strategy; the
// "manual" strategy leaves it "open" until someone resolves it.
struct ConflictRecord {
  int64_t id = 0;  // assigned by the store
  std::string tenant_id;
  std::string entity;
  std::string record_key;
  std::string fingerprint;  // identifies the pair of values (a repeat of the same conflict is not logged again)
  std::string side_a;       // connection ids and kinds of both sides, with each side's record id,
  std::string kind_a;       // value (the two-way fields), content hash and modification time
  std::string record_a;
  Json value_a;
  std::string hash_a;
  int64_t modified_a_ms = 0;
  std::string side_b;
  std::string kind_b;
  std::string record_b;
  Json value_b;
  std::string hash_b;
  int64_t modified_b_ms = 0;
  std::string strategy;
  std::string status;  // "resolved" (by the strategy) | "open" (manual) | "resolved_manual"
  std::string winner;  // kind of the side whose value stands ("" while open)
  std::string resolved_by;
  int64_t created_at_ms = 0;
  int64_t resolved_at_ms = 0;
};

struct ConflictFilter {
  std::string tenant_id;
  std::string status;  // "" = all
  int limit = 100;
};

}  // namespace es::store
