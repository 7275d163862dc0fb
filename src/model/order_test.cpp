#include "model/order.h"

#include <gtest/gtest.h>

namespace es::model {
namespace {

Money Usd(int64_t cents) { return Money(cents, "USD"); }

TEST(Order, TrashIsAStatusOfItsOwn) {
  EXPECT_EQ(ParseOrderStatus("trash"), OrderStatus::kTrash);
  EXPECT_STREQ(OrderStatusName(OrderStatus::kTrash), "trash");
  EXPECT_EQ(ParseOrderStatus("bogus"), OrderStatus::kOther);
}

TEST(Order, RefundedTaxComesFromThePartsElseFromTheTaxLines) {
  Refund r;
  r.amount = Usd(1263);
  LineItem l;
  l.total_tax = Usd(-50);
  r.lines.push_back(l);
  ShippingLine s;
  s.total_tax = Usd(-63);
  r.shipping_lines.push_back(s);
  EXPECT_EQ(r.RefundedTax(), Usd(113));
  Refund bare;
  bare.amount = Usd(500);
  EXPECT_TRUE(bare.RefundedTax().IsZero());
  TaxLine t;
  t.tax_total = Usd(-40);
  t.shipping_tax_total = Usd(-10);
  bare.tax_lines.push_back(t);
  EXPECT_EQ(bare.RefundedTax(), Usd(50));
}

}  // namespace
}  // namespace es::model
