// REST v3 JSON for the sandbox's records, in WooCommerce's exact shapes
// (reference woocommerce.md §3): totals as strings with `dp` decimals,
// per-item taxes unformatted, line `price` as a float, refunds negative in
// the order summary, dates without offset, `_links`. Pure functions; the
// caller holds the store lock while rendering.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

struct RenderContext {
  std::string home_url;  // "http://127.0.0.1:PORT"
  int dp = 2;            // decimals for totals (the `dp` query parameter)
};

// "2024-03-22T19:28:02" (no offset); null for 0.
Json WooDate(int64_t unix_s);
std::string FormatWooDate(int64_t unix_s);
// A money string with `dp` decimals: "27.94".
std::string FormatMoney(int64_t minor, const std::string& currency, int dp);

Json RenderOrder(const Order& order, const StoreData& data, const RenderContext& ctx);
Json RenderRefund(const Refund& refund, const StoreData& data, const RenderContext& ctx);
Json RenderCustomer(const Customer& customer, const StoreData& data, const RenderContext& ctx);
// Products; a variation rendered here gets the variation shape plus
// `type: "variation"`, `name` and `parent_id` (what /products?sku= returns).
Json RenderProduct(const Product& product, const StoreData& data, const RenderContext& ctx);
Json RenderVariation(const Product& variation, const StoreData& data, const RenderContext& ctx);

}  // namespace es::woo::sandbox
