// WooProductTarget: WooCommerce as the engine's target of items — stock and
// prices from another platform (QuickBooks Online items) written to the
// shop's products and variations (docs/two-way.md).
//
// Matching: a record's product is found by SKU (GET products?sku=a,b,…,
// which also returns variations), preferring the product or variation the
// id map already links the record to (this connection's map, written by
// earlier runs, or the opposite flow's map where the product was the
// source). A record without SKU, or whose SKU matches nothing, is skipped
// with the reason.
//
// Planning compares the record with the product: regular_price (exact) and,
// for records that track stock, stock_quantity of products and variations
// that manage stock (whole units only: a fractional quantity fails the
// record; products that do not manage stock keep it that way). Equal →
// skip "unchanged"; else an update of just those fields.
//
// Applying writes through BatchWriter (≤ 100 per request; products and each
// parent's variations separately) and reports each item: written (id map
// entity "item": source id → Woo id; version = date_modified_gmt; the two-way
// value read from the answer) or failed with the item's own error.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/woo/batch_writer.h"
#include "connectors/woo/client.h"
#include "engine/connector.h"

namespace es::woo {

// A product or variation as the target reads it.
struct ShopItem {
  int64_t id = 0;
  int64_t parent_id = 0;  // variations
  std::string sku;
  std::optional<Decimal> regular_price;
  bool manage_stock = false;
  std::optional<int64_t> stock_quantity;
  int64_t modified_ms = 0;
  std::string version;  // date_modified_gmt
};
// From a product/variation object of the REST API (Validation when it has no id).
Result<ShopItem> ShopItemFromJson(const Json& j, int64_t parent_hint = 0);
// Its two-way value (engine/two_way.h).
Json ShopItemValue(const ShopItem& item);

class WooProductTarget final : public engine::Target {
 public:
  WooProductTarget(std::unique_ptr<Client> client, std::unique_ptr<BatchWriter> writer, store::StateStore& store,
                   std::string tenant);

  Result<engine::Plan> PlanPage(const std::string& entity, const std::vector<engine::SourceRecord>& records,
                                engine::SyncContext& ctx) override;
  Status Apply(engine::Plan& plan, engine::SyncContext& ctx) override;
  Result<std::map<std::string, engine::TargetCurrent>> Current(const std::string& entity,
                                                               const std::vector<engine::SourceRecord>& records,
                                                               engine::SyncContext& ctx) override;
  int64_t requests() const override { return client_->requests_sent() + writer_->requests_sent(); }

 private:
  // The shop item of each record (by source id) that can be matched.
  Result<std::map<std::string, ShopItem>> Match(const std::vector<engine::SourceRecord>& records,
                                                engine::SyncContext& ctx);

  std::unique_ptr<Client> client_;
  std::unique_ptr<BatchWriter> writer_;
  store::StateStore& store_;
  const std::string tenant_;
  std::map<std::string, ShopItem> matched_;  // last Match of this page (Current then PlanPage)
  std::set<std::string> match_ids_;          // the records that Match was for
};

}  // namespace es::woo
