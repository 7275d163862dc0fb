// Canonical product. A variable product's variations are Products of their
// own (kind kVariation, parent_source_id set), each keyed by its own SKU;
// that is what becomes a QBO Item.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "model/money.h"

namespace es::model {

enum class ProductKind { kSimple, kVariable, kVariation, kGrouped, kExternal };

struct ProductAttribute {
  std::string name;    // "Color"
  std::string option;  // "Black" (variations) — products list options joined by ", "
  bool operator==(const ProductAttribute&) const = default;
};

struct Product {
  std::string source_id;
  std::string parent_source_id;  // variations only
  ProductKind kind = ProductKind::kSimple;
  std::string name;
  std::string sku;
  std::string status;             // "publish", "draft", …
  std::optional<Money> price;     // current price; absent when the store has none
  std::optional<Money> regular_price;
  std::string tax_status;         // "taxable", "shipping", "none"
  std::string tax_class;          // "" = standard
  bool manage_stock = false;
  std::optional<Decimal> stock_quantity;
  bool is_virtual = false;
  std::vector<ProductAttribute> attributes;
  std::vector<std::string> variation_ids;  // variable products
  std::string description;
  int64_t created_at_ms = 0;
  int64_t modified_at_ms = 0;
  bool operator==(const Product&) const = default;
};

const char* ProductKindName(ProductKind k);

}  // namespace es::model
