// The engine's connector-neutral vocabulary: what a source hands over (pages
// of canonical records with their raw JSON) and what a target plans (one
// operation per thing it would write, each with its reason and payload).
//
// Entities are named by their id-map names ("customer", "item", "order",
// "refund", "payment"); routes use the plural names users type ("customers",
// "products", "orders", "refunds"). EntityInfo is the one table between them.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "model/customer.h"
#include "model/order.h"
#include "model/product.h"

namespace es::engine {

// ---- Entities -------------------------------------------------------------

struct EntityInfo {
  const char* route;  // "orders": what routes, the CLI and the API call it
  const char* store;  // "order": the id-map / record-result / cursor name
};
// Every entity a route can move, in dependency order.
const std::vector<EntityInfo>& Entities();
// Route name → store name ("products" → "item"); unknown names map to themselves.
std::string StoreEntity(const std::string& route_entity);
// Store name → route name ("item" → "products"); unknown names map to themselves.
std::string RouteEntity(const std::string& store_entity);

// ---- Source side ----------------------------------------------------------

// One record as a source delivers it: the canonical value and the raw JSON
// the source sent (kept for warehouses and change detection).
struct SourceRecord {
  std::string source_id;
  int64_t modified_at_ms = 0;  // 0 when the source has no modification time
  std::variant<std::monostate, model::Customer, model::Product, model::Order, model::Refund> value;
  // Orders: the full refunds of the order, oldest first (sources fetch them
  // when the order lists refunds).
  std::vector<model::Refund> refunds;
  // The record as the source sent it: its exact JSON text (`raw_text`, what
  // sources that decode from text keep) or a tree (`raw`).
  Json raw;
  std::string raw_text;

  // `raw`, else `raw_text` parsed (null when neither holds JSON).
  Json RawTree() const {
    if (!raw.is_null() || raw_text.empty()) return raw;
    auto parsed = ParseJson(raw_text);
    return parsed.ok() ? std::move(*parsed) : Json();
  }

  const model::Order* order() const { return std::get_if<model::Order>(&value); }
  const model::Customer* customer() const { return std::get_if<model::Customer>(&value); }
  const model::Product* product() const { return std::get_if<model::Product>(&value); }
  const model::Refund* refund() const { return std::get_if<model::Refund>(&value); }
};

// A record the source returned but could not decode.
struct SourceFailure {
  std::string source_id;  // "" when even the id was unreadable
  std::string reason;
};

struct SourcePage {
  std::vector<SourceRecord> records;
  std::vector<SourceFailure> failures;
  int64_t total = 0;      // records in the whole listing (0 = unknown)
  bool has_more = false;  // another page follows
};

struct FetchRequest {
  std::string entity;            // store name: "customer", "item", "order", "refund"
  int page = 1;                  // 1-based
  std::string modified_after;    // ISO-8601 UTC; empty = from the beginning
  std::vector<std::string> ids;  // only these records (empty = all)
};

// ---- Target side ----------------------------------------------------------

enum class OpKind { kCreate, kUpdate, kVoid, kDelete, kRefund, kPayment, kSkip, kFail };
const char* OpKindName(OpKind k);

// One planned change of the target, or the reason none is needed.
struct PlanOp {
  OpKind kind = OpKind::kSkip;
  std::string entity;       // id-map entity of what is written ("customer", "order", "refund", "payment"…)
  std::string source_id;    // its source id (refund id for refunds, order id for payments)
  std::string record_id;    // the fetched record this op serves (an order id for its refunds)
  std::string target_type;  // "Invoice", "orders" (a warehouse table), …
  std::string target_id;    // the existing target record (update, void, delete); "" for creates
  std::string reason;       // why: "new", "lines changed", "status cancelled", "unchanged"…
  Json payload;             // what would be sent (placeholders for records created earlier in the plan)
  std::string fingerprint;  // content hash stored with the mapping after the write
  Status error;             // kFail: why the record cannot be written
  bool counted = true;      // false for helper writes that are not records of their own
  std::string filter;       // kSkip left out by a filter of the target's settings: which ("status pending")
};

// The plan of one page: every op in the order the target will apply them.
// `state` is the target's own working data between Plan and Apply.
struct Plan {
  std::vector<PlanOp> ops;
  int64_t estimated_requests = 0;  // target API requests Apply would send
  std::any state;
};

// What a target reports after writing (or finding) a record.
struct Written {
  std::string target_id;
  std::string target_type;
  std::string version;      // optimistic-lock token (QBO SyncToken)
  std::string fingerprint;  // content hash of what was written
  bool linked = false;      // an existing record was found and linked, not created
  // Two-way sync: the record's two-way fields as the target now holds them
  // (engine/two_way.h TwoWayValue); null when the target cannot say.
  Json two_way_value;
};

}  // namespace es::engine
