// QuickBooks Online items as a source of the engine (engine/connector.h):
// the QBO → WooCommerce flow of stock and prices (docs/two-way.md).
//
// QboItemSource delivers the "item" entity as canonical products
// (ItemProduct): sku, name, price = regular price = UnitPrice, stock =
// QtyOnHand for items that track it (Inventory), modified = MetaData.
// LastUpdatedTime. Listing:
//   ids (webhook runs, --ids)        SELECT * FROM Item WHERE Id IN (…)
//   incremental, cursor ≤ 30 days    GET /cdc?entities=Item&changedSince=…
//                                    (one request; deleted items left out;
//                                    a full answer of 1000 falls back to the query)
//   otherwise                        SELECT * FROM Item [WHERE MetaData.
//                                    LastUpdatedTime >= …] ORDERBY
//                                    MetaData.LastUpdatedTime, 100 a page
// Inactive items are left out. Requests go through the QBO gateway (rate
// limits, retries).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/qbo/client.h"
#include "connectors/qbo/sync/gateway.h"
#include "engine/connector.h"

namespace es::qbo {

// An Item object as a canonical product (source_id = Id; currency left empty).
model::Product ItemProduct(const Json& item);

class QboItemSource final : public engine::Source {
 public:
  // `session`: the connection opened for the run (OpenQboSession in
  // qbo_platform.h; its gateway draws from the realm's budget, shared with
  // the realm's writers).
  QboItemSource(QboSession session, Clock& clock);
  Result<engine::SourcePage> Fetch(const engine::FetchRequest& request) override;
  bool SupportsModifiedAfter(const std::string& entity) const override { return entity == "item"; }
  int64_t requests() const override { return gateway_.calls(); }

  static constexpr int kPageSize = 100;
  static constexpr int64_t kCdcWindowMs = 30LL * 24 * 3600 * 1000;
  static constexpr size_t kCdcMaxObjects = 1000;  // QBO's cap per CDC answer

 private:
  engine::SourcePage FromRows(const std::vector<Json>& rows) const;

  QboSession session_;
  Clock& clock_;
  QboGateway& gateway_;  // *session_.gateway
};

// Current() of the QBO target for items: what QBO holds for each mapped
// record (one query per page). Used by QboTarget.
Result<std::map<std::string, engine::TargetCurrent>> CurrentItems(QboGateway& gateway,
                                                                  const std::vector<engine::SourceRecord>& records,
                                                                  engine::SyncContext& ctx);

}  // namespace es::qbo
