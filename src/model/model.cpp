#include "model/order.h"
#include "model/product.h"

namespace es::model {

const char* ProductKindName(ProductKind k) {
  switch (k) {
    case ProductKind::kSimple: return "simple";
    case ProductKind::kVariable: return "variable";
    case ProductKind::kVariation: return "variation";
    case ProductKind::kGrouped: return "grouped";
    case ProductKind::kExternal: return "external";
  }
  return "simple";
}

const char* OrderStatusName(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPending: return "pending";
    case OrderStatus::kProcessing: return "processing";
    case OrderStatus::kOnHold: return "on-hold";
    case OrderStatus::kCompleted: return "completed";
    case OrderStatus::kCancelled: return "cancelled";
    case OrderStatus::kRefunded: return "refunded";
    case OrderStatus::kFailed: return "failed";
    case OrderStatus::kDraft: return "checkout-draft";
    case OrderStatus::kTrash: return "trash";
    case OrderStatus::kOther: return "other";
  }
  return "other";
}

OrderStatus ParseOrderStatus(const std::string& s) {
  if (s == "pending") return OrderStatus::kPending;
  if (s == "processing") return OrderStatus::kProcessing;
  if (s == "on-hold") return OrderStatus::kOnHold;
  if (s == "completed") return OrderStatus::kCompleted;
  if (s == "cancelled") return OrderStatus::kCancelled;
  if (s == "refunded") return OrderStatus::kRefunded;
  if (s == "failed") return OrderStatus::kFailed;
  if (s == "checkout-draft" || s == "auto-draft") return OrderStatus::kDraft;
  if (s == "trash") return OrderStatus::kTrash;
  return OrderStatus::kOther;
}

Decimal LineItem::UnitPrice() const {
  if (quantity.IsZero()) return Decimal();
  return subtotal.ToDecimal().Div(quantity);
}

Money Order::RefundedTotal() const {
  Money sum = Money::Zero(currency);
  for (const auto& r : refunds) sum += r.amount;
  return sum;
}

namespace {
Money Abs(const Money& m) { return m.IsNegative() ? -m : m; }
}  // namespace

Money Refund::RefundedTax() const {
  Money sum = Money::Zero(amount.currency());
  for (const auto& l : lines) sum += Abs(l.total_tax);
  for (const auto& s : shipping_lines) sum += Abs(s.total_tax);
  for (const auto& f : fees) sum += Abs(f.total_tax);
  if (!sum.IsZero()) return sum;
  for (const auto& t : tax_lines) sum += Abs(t.tax_total) + Abs(t.shipping_tax_total);
  return sum;
}

}  // namespace es::model
