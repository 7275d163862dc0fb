// The WooCommerce sandbox's data: customers, products, variations, orders,
// refunds, tax rates and coupons, as plain structs with amounts in the store
// currency's minor units (cents) and dates in Unix seconds (UTC).
//
// Store wraps StoreData with a mutex: Read()/Write() run a function under the
// lock (the function must not call back into the Store). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/decimal.h"
#include "model/address.h"

namespace es::woo::sandbox {

struct TaxRate {
  int64_t id = 0;
  std::string country;    // "" = any
  std::string state;      // "" = any
  std::string tax_class;  // "" = standard, "reduced-rate", "zero-rate"
  std::string name;       // label ("State Tax")
  int priority = 1;
  Decimal percent;        // 6.25
  bool shipping = true;   // also applies to shipping
  std::string RateCode() const;  // "US-TX-STATE TAX-1"
};

// One rate's tax on an item, unrounded (as Woo stores it) and rounded.
struct ItemTax {
  int64_t rate_id = 0;
  Decimal total;         // unrounded, after discounts
  Decimal subtotal;      // unrounded, before discounts ("" for shipping)
  int64_t total_minor = 0;
  int64_t subtotal_minor = 0;
};

struct Meta {
  int64_t id = 0;
  std::string key;
  std::string value;
  std::string display_key;
  std::string display_value;
};

struct OrderLine {
  int64_t id = 0;
  std::string name;
  int64_t product_id = 0;
  int64_t variation_id = 0;
  int64_t quantity = 0;  // negative on refunds
  std::string tax_class;
  std::string sku;
  int64_t subtotal = 0, subtotal_tax = 0, total = 0, total_tax = 0;
  std::vector<ItemTax> taxes;
  std::vector<Meta> meta;
  std::string parent_name;  // variations: the parent product's name
  int64_t refunded_item_id = 0;  // refund lines: the order item refunded
};

struct ShippingLine {
  int64_t id = 0;
  std::string method_id, method_title, instance_id;
  int64_t total = 0, total_tax = 0;
  std::vector<ItemTax> taxes;
  std::vector<Meta> meta;        // refund lines made through the API: _refunded_item_id
  int64_t refunded_item_id = 0;  // refund lines: the order item refunded
};

struct FeeLine {
  int64_t id = 0;
  std::string name, tax_class, tax_status;
  int64_t total = 0, total_tax = 0;
  std::vector<ItemTax> taxes;
  std::vector<Meta> meta;        // refund lines made through the API: _refunded_item_id
  int64_t refunded_item_id = 0;  // refund lines: the order item refunded
};

struct Coupon {
  std::string code;           // lower-case
  std::string discount_type;  // "percent" or "fixed_cart"
  Decimal amount;             // percent, or amount in currency units
};

struct CouponLine {
  int64_t id = 0;
  std::string code, discount_type;
  Decimal nominal_amount;
  int64_t discount = 0, discount_tax = 0;
};

struct TaxLine {
  int64_t id = 0;
  int64_t rate_id = 0;
  std::string rate_code, label;
  bool compound = false;
  Decimal rate_percent;
  int64_t tax_total = 0, shipping_tax_total = 0;
};

struct Refund {
  int64_t id = 0;
  int64_t order_id = 0;
  int64_t created = 0;
  int64_t amount = 0;  // positive
  std::string reason;
  int64_t refunded_by = 1;
  bool refunded_payment = false;
  std::vector<OrderLine> lines;  // negative quantities and totals
  std::vector<ShippingLine> shipping;
  std::vector<FeeLine> fees;
  std::vector<Meta> meta;        // meta_data sent at creation (key, value)
};

struct Order {
  int64_t id = 0;
  std::string order_key;
  std::string created_via = "checkout";
  std::string status = "pending";  // "trash" once trashed
  std::string trashed_from;         // the status before trashing ("" = not trashed)
  std::string currency;
  int64_t created = 0, modified = 0, paid = 0, completed = 0;  // 0 = null
  bool prices_include_tax = false;
  int64_t customer_id = 0;
  model::Address billing, shipping;
  bool billing_email_null = false;
  std::string customer_ip, customer_user_agent, customer_note;
  std::string payment_method, payment_method_title, transaction_id, cart_hash;
  std::vector<OrderLine> lines;
  std::vector<TaxLine> tax_lines;
  std::vector<ShippingLine> shipping_lines;
  std::vector<FeeLine> fees;
  std::vector<CouponLine> coupons;
  std::vector<int64_t> refund_ids;  // oldest first
  int64_t discount_total = 0, discount_tax = 0, shipping_total = 0, shipping_tax = 0;
  int64_t cart_tax = 0, total_tax = 0, total = 0;
};

struct Customer {
  int64_t id = 0;
  int64_t created = 0, modified = 0;
  std::string email, first_name, last_name, username, role = "customer";
  model::Address billing, shipping;
  bool is_paying = false;
};

struct Attribute {
  int64_t id = 0;  // 0 = custom (product-local)
  std::string name;
  std::vector<std::string> options;  // products: all options; variations: the one option
  bool variation = false;
};

struct Product {
  int64_t id = 0;
  int64_t parent_id = 0;  // variations
  bool is_variation = false;
  std::string name, slug, type = "simple", status = "publish";
  int64_t created = 0, modified = 0;
  std::string description, short_description, sku;
  std::optional<int64_t> price, regular_price, sale_price;  // minor units; nullopt = ""
  std::string tax_status = "taxable", tax_class;
  bool manage_stock = false;
  std::optional<int64_t> stock_quantity;
  bool is_virtual = false;
  std::string weight;
  std::vector<std::pair<int64_t, std::string>> categories;  // id, name
  std::vector<Attribute> attributes;
  std::vector<int64_t> variation_ids;
  int64_t total_sales = 0;
  int menu_order = 0;
};

// A write that webhooks may announce: resource "order" | "product" |
// "customer", event "created" | "updated" | "deleted" (orders: moved to the
// trash; the payload is then {"id": …}). Writes append; the Server drains.
struct ChangeRecord {
  std::string resource;
  std::string event;
  int64_t id = 0;
};

class GeneratedOrders;  // generated.h

struct StoreData {
  std::string currency = "USD";
  int64_t epoch = 0;            // the fixed "now" of the seeded data (Unix s)
  int64_t utc_offset_s = 0;     // site time zone: local = gmt + offset
  std::vector<TaxRate> tax_rates;
  std::map<std::string, Coupon> coupons;      // by code
  std::map<int64_t, Customer> customers;      // by id
  std::map<int64_t, Product> products;        // products and variations by id
  std::map<int64_t, Order> orders;            // by id
  std::map<int64_t, Refund> refunds;          // by id
  int64_t next_post_id = 100;   // orders, refunds, products share one sequence
  int64_t next_user_id = 2;     // 1 is the admin
  int64_t next_item_id = 1;     // order items, tax lines, meta
  int64_t last_write = 0;       // last mutation time, for monotonic date_modified
  std::vector<ChangeRecord> changes;  // writes not yet announced (oldest first)
  int64_t product_writes = 0;         // products and variations updated (REST, batch items and test hooks)
  // Orders computed from the seed on demand (generated.h); null when every
  // order is in `orders`. An order written since start is copied to `orders`.
  std::shared_ptr<GeneratedOrders> generated;
};

class Store {
 public:
  explicit Store(StoreData data) : data_(std::move(data)) {}
  template <typename F>
  auto Read(F&& f) const {
    std::lock_guard<std::mutex> lock(mu_);
    return f(static_cast<const StoreData&>(data_));
  }
  template <typename F>
  auto Write(F&& f) {
    std::lock_guard<std::mutex> lock(mu_);
    return f(data_);
  }

 private:
  mutable std::mutex mu_;
  StoreData data_;  // guarded by mu_
};

}  // namespace es::woo::sandbox
