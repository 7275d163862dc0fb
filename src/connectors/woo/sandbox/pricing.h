// Order arithmetic for the sandbox, in integer minor units.
//
// PriceOrder fills every amount of an order the way a WooCommerce store
// configured to "round tax at line level" would: discounts are inside line
// totals, each item's tax is computed per rate (unrounded value kept for
// taxes[]) and rounded half up to the minor unit, and every total is a sum
// of rounded parts. The result always satisfies
//   total     == Σ line.total + Σ shipping.total + Σ fee.total + total_tax
//   total_tax == Σ line.total_tax + Σ shipping.total_tax + Σ fee.total_tax
//             == Σ tax_line.tax_total + Σ tax_line.shipping_tax_total.
// Pure functions; item ids come from *next_item_id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connectors/woo/sandbox/store.h"

namespace es::woo::sandbox {

struct LineInput {
  int64_t product_id = 0, variation_id = 0;
  std::string name, sku, tax_class, parent_name;
  bool taxable = true;       // the product's tax_status is "taxable"
  int64_t quantity = 1;
  int64_t unit_price = 0;    // minor units; includes tax when prices include tax
  // When set, the line amount before discounts instead of quantity × unit_price
  // (a price edited by hand); same tax treatment as unit_price.
  std::optional<int64_t> base;
  std::vector<Meta> meta;    // variation attributes (ids are assigned)
};

struct ShippingInput {
  std::string method_id, method_title, instance_id;
  int64_t cost = 0;          // excluding tax
  bool taxable = true;
};

struct FeeInput {
  std::string name;
  int64_t amount = 0;        // excluding tax
  std::string tax_status = "none";  // "taxable" or "none"
  std::string tax_class;
};

struct PricingInput {
  std::string currency = "USD";
  bool prices_include_tax = false;
  std::string country, state;  // tax location
  std::vector<LineInput> lines;
  std::vector<ShippingInput> shipping;
  std::vector<FeeInput> fees;
  std::optional<Coupon> coupon;
};

// The rates that apply to a location and tax class (one per priority).
std::vector<const TaxRate*> MatchRates(const std::vector<TaxRate>& rates, const std::string& country,
                                       const std::string& state, const std::string& tax_class);

// Replaces the items and totals of `order` with those computed from `in`.
void PriceOrder(const PricingInput& in, const std::vector<TaxRate>& rates, int64_t* next_item_id,
                Order* order);

// A refund of `quantity` units of order.lines[line_index] (amount = the
// proportional line total and taxes, rounded half up).
Refund PartialRefund(const Order& order, size_t line_index, int64_t quantity, int64_t* next_item_id);
// A refund of everything (all lines, shipping and fees): amount == total.
Refund FullRefund(const Order& order, int64_t* next_item_id);

// Σ refund amounts of the order.
int64_t RefundedAmount(const Order& order, const StoreData& data);

}  // namespace es::woo::sandbox
