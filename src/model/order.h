// Canonical order with everything a bookkeeping document needs.
//
// Amount conventions (all exact Money in the order currency):
// - LineItem.subtotal is the line before discounts, .total after discounts;
//   both exclude tax. Discounts are inside line totals (subtotal - total).
// - Order.total = Σ line totals + Σ shipping totals + Σ fee totals + total_tax.
//   (This identity is checked by the mapping layer, not assumed.)
// - Refund amounts are positive; refund lines carry negative quantities as
//   the source gives them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "model/address.h"
#include "model/money.h"

namespace es::model {

// kTrash: an order moved to the bin (Woo status "trash"; restoring it
// brings back its earlier status).
enum class OrderStatus {
  kPending, kProcessing, kOnHold, kCompleted, kCancelled, kRefunded, kFailed, kDraft, kTrash, kOther
};
const char* OrderStatusName(OrderStatus s);
OrderStatus ParseOrderStatus(const std::string& s);

struct TaxAmount {
  std::string rate_id;  // the source's tax rate id
  Money total;          // rounded to the currency's minor unit
  bool operator==(const TaxAmount&) const = default;
};

struct LineItem {
  std::string source_id;
  std::string product_id;
  std::string variation_id;  // empty when not a variation
  std::string name;
  std::string sku;
  Decimal quantity;
  Money subtotal;      // before discounts, excl. tax
  Money subtotal_tax;
  Money total;         // after discounts, excl. tax
  Money total_tax;
  std::string tax_class;
  std::vector<TaxAmount> taxes;
  // Unit price before discounts (subtotal / quantity), 6 decimals.
  Decimal UnitPrice() const;
  bool operator==(const LineItem&) const = default;
};

struct TaxLine {
  std::string source_id;
  std::string rate_id;
  std::string rate_code;   // "US-TX-STATE TAX"
  std::string label;
  bool compound = false;
  Decimal rate_percent;
  Money tax_total;
  Money shipping_tax_total;
  bool operator==(const TaxLine&) const = default;
};

struct ShippingLine {
  std::string source_id;
  std::string method_id;
  std::string method_title;
  Money total;
  Money total_tax;
  std::vector<TaxAmount> taxes;  // per rate, rounded
  bool operator==(const ShippingLine&) const = default;
};

struct FeeLine {
  std::string source_id;
  std::string name;
  std::string tax_class;
  std::string tax_status;
  Money total;
  Money total_tax;
  std::vector<TaxAmount> taxes;  // per rate, rounded
  bool operator==(const FeeLine&) const = default;
};

struct CouponLine {
  std::string source_id;
  std::string code;
  Money discount;
  Money discount_tax;
  bool operator==(const CouponLine&) const = default;
};

struct RefundSummary {
  std::string source_id;
  std::string reason;
  Money amount;  // positive
  bool operator==(const RefundSummary&) const = default;
};

// A Woo refund object. Its parts carry negative quantities and totals as
// the source gives them; `amount` is positive. A refund may have no parts at
// all (an amount-only refund such as a goodwill 5.00), and parts with zero
// totals only record restocked quantities.
struct Refund {
  std::string source_id;
  std::string order_source_id;
  int64_t created_at_ms = 0;
  Money amount;  // positive
  std::string reason;
  std::vector<LineItem> lines;
  std::vector<ShippingLine> shipping_lines;
  std::vector<FeeLine> fees;
  std::vector<TaxLine> tax_lines;  // usually empty in Woo refunds
  // Tax refunded, positive: Σ |total_tax| of lines, shipping and fees, or,
  // when those carry none, Σ |tax_total| + |shipping_tax_total| of tax_lines.
  Money RefundedTax() const;
  bool operator==(const Refund&) const = default;
};

struct PaymentState {
  std::string method;        // "bacs", "stripe"
  std::string method_title;
  std::string transaction_id;
  int64_t paid_at_ms = 0;    // 0 = not paid
  bool IsPaid() const { return paid_at_ms != 0; }
  bool operator==(const PaymentState&) const = default;
};

struct Order {
  std::string source_id;
  std::string number;        // display number ("727"); may differ from the id
  OrderStatus status = OrderStatus::kPending;
  std::string currency;
  bool prices_include_tax = false;
  int64_t created_at_ms = 0;   // UTC
  int64_t modified_at_ms = 0;  // UTC
  std::string customer_id;     // empty for guests
  Address billing;
  Address shipping;
  std::string customer_note;
  std::vector<LineItem> lines;
  std::vector<TaxLine> tax_lines;
  std::vector<ShippingLine> shipping_lines;
  std::vector<FeeLine> fees;
  std::vector<CouponLine> coupons;
  std::vector<RefundSummary> refunds;
  Money discount_total;
  Money discount_tax;
  Money shipping_total;
  Money shipping_tax;
  Money cart_tax;
  Money total_tax;
  Money total;
  PaymentState payment;
  // Σ refunds (positive).
  Money RefundedTotal() const;
  bool operator==(const Order&) const = default;
};

// A payment received against an order (canonical form of a QBO Payment).
struct Payment {
  std::string source_id;
  std::string order_source_id;
  Money amount;
  std::string method;
  std::string reference;
  int64_t paid_at_ms = 0;
  bool operator==(const Payment&) const = default;
};

}  // namespace es::model
