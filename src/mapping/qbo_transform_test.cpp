#include "mapping/qbo_transform.h"

#include <gtest/gtest.h>

namespace es::mapping {
namespace {

model::Money M(const char* s) { return *model::Money::Parse(s, "USD"); }

// The order of the WooCommerce reference: 2 × Widget (20.00, 5.00 coupon),
// shipping 10.00, fee 2.00, tax 0.94, total 27.94.
model::Order ReferenceOrder() {
  model::Order o;
  o.source_id = "727";
  o.number = "727";
  o.status = model::OrderStatus::kProcessing;
  o.currency = "USD";
  o.created_at_ms = 1711135682000;
  o.customer_id = "0";
  o.billing.first_name = "Ann";
  o.billing.last_name = "Lee";
  o.billing.email = "Ann@Example.com";
  model::LineItem l;
  l.source_id = "315";
  l.product_id = "93";
  l.variation_id = "0";
  l.name = "Widget";
  l.sku = "W-1";
  l.quantity = Decimal::FromInt(2);
  l.subtotal = M("20.00");
  l.subtotal_tax = M("1.25");
  l.total = M("15.00");
  l.total_tax = M("0.94");
  o.lines.push_back(l);
  o.shipping_lines.push_back({"317", "flat_rate", "Flat rate", M("10.00"), M("0.00")});
  o.fees.push_back({"320", "Handling", "", "none", M("2.00"), M("0.00")});
  o.coupons.push_back({"321", "save5", M("5.00"), M("0.31")});
  o.total_tax = M("0.94");
  o.total = M("27.94");
  o.payment.method = "bacs";
  o.payment.transaction_id = "tx-1";
  o.payment.paid_at_ms = 1711135688000;
  return o;
}

ResolvedRefs Refs() {
  ResolvedRefs r;
  r.customer_id = "58";
  r.item_ids["93"] = "21";
  r.fee_item_id = "30";
  return r;
}

TEST(QboTransform, ReferenceOrderBecomesASalesReceiptThatAddsUp) {
  TransformerConfig config;
  config.doc_number_prefix = "WC-";
  config.custom_fields = {{"1", "Woo order", "number"}};
  auto doc = OrderToSalesDocument(ReferenceOrder(), Refs(), config);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->kind, qbo::SalesDocKind::kSalesReceipt);
  EXPECT_EQ(doc->doc_number, "WC-727");
  EXPECT_EQ(doc->txn_date, "2024-03-22");
  EXPECT_EQ(doc->customer.value, "58");
  ASSERT_EQ(doc->lines.size(), 4u);  // item, shipping, fee, discount
  EXPECT_EQ(doc->lines[0].amount, *Decimal::Parse("20"));
  EXPECT_EQ(*doc->lines[0].unit_price, *Decimal::Parse("10"));
  EXPECT_EQ(*doc->lines[0].qty, Decimal::FromInt(2));
  EXPECT_EQ(doc->lines[0].tax_code, "TAX");
  EXPECT_EQ(doc->lines[1].item.value, "SHIPPING_ITEM_ID");
  EXPECT_EQ(doc->lines[1].tax_code, "NON");
  EXPECT_EQ(doc->lines[2].item.value, "30");
  EXPECT_EQ(doc->lines[3].kind, qbo::LineKind::kDiscount);
  EXPECT_EQ(doc->lines[3].amount, *Decimal::Parse("5"));
  EXPECT_EQ(*doc->tax.total_tax, *Decimal::Parse("0.94"));
  EXPECT_EQ(DocumentTotal(*doc), *Decimal::Parse("27.94"));
  ASSERT_EQ(doc->custom_fields.size(), 1u);
  EXPECT_EQ(doc->custom_fields[0].string_value, "727");
}

TEST(QboTransform, UnpaidOrderBecomesAnInvoiceDueAfterTheTerms) {
  model::Order o = ReferenceOrder();
  o.status = model::OrderStatus::kOnHold;
  o.payment.paid_at_ms = 0;
  TransformerConfig config;
  config.payment_terms_days = 14;
  auto doc = OrderToSalesDocument(o, Refs(), config);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->kind, qbo::SalesDocKind::kInvoice);
  EXPECT_EQ(doc->due_date, "2024-04-05");
  config.document_policy = DocumentPolicy::kAlwaysReceipt;
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->kind, qbo::SalesDocKind::kSalesReceipt);
}

TEST(QboTransform, TotalThatDoesNotAddUpFailsWithTheDifference) {
  model::Order o = ReferenceOrder();
  o.total = M("27.95");
  auto doc = OrderToSalesDocument(o, Refs(), TransformerConfig{});
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("27.94"), std::string::npos);
  EXPECT_NE(doc.status().message().find("27.95"), std::string::npos);
  EXPECT_NE(doc.status().message().find("-0.01"), std::string::npos) << doc.status().message();
}

TEST(QboTransform, MissingDependenciesAreValidationErrors) {
  ResolvedRefs r = Refs();
  r.item_ids.clear();
  EXPECT_FALSE(OrderToSalesDocument(ReferenceOrder(), r, TransformerConfig{}).ok());
  r = Refs();
  r.customer_id.clear();
  EXPECT_FALSE(OrderToSalesDocument(ReferenceOrder(), r, TransformerConfig{}).ok());
}

TEST(QboTransform, TaxClassesMapToTaxCodes) {
  model::Order o = ReferenceOrder();
  o.lines[0].tax_class = "reduced-rate";
  TransformerConfig config;
  config.tax_codes["reduced-rate"] = "7";
  auto doc = OrderToSalesDocument(o, Refs(), config);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->lines[0].tax_code, "7");
}

TEST(QboTransform, GuestsAndCustomersGetDistinctLegalDisplayNames) {
  TransformerConfig config;
  model::Order o = ReferenceOrder();
  model::Customer guest = OrderCustomer(o, config);
  EXPECT_TRUE(guest.is_guest);
  EXPECT_EQ(guest.source_id, "guest:ann@example.com");
  EXPECT_EQ(CustomerDisplayName(guest, config), "Ann Lee (Ann@Example.com)");
  o.customer_id = "25";
  o.billing.first_name = "Ann:\tMarie";
  model::Customer reg = OrderCustomer(o, config);
  EXPECT_EQ(reg.source_id, "25");
  std::string name = CustomerDisplayName(reg, config);
  EXPECT_EQ(name.find(':'), std::string::npos);
  EXPECT_EQ(name.find('\t'), std::string::npos);
  EXPECT_NE(name.find("(#25)"), std::string::npos);
  config.guest_policy = GuestPolicy::kSingleCustomer;
  o.customer_id = "0";
  EXPECT_EQ(CustomerDisplayName(OrderCustomer(o, config), config), "Web Store Guest");
  reg.first_name = std::string(600, 'x');
  EXPECT_LE(CustomerDisplayName(reg, config).size(), 500u);
  EXPECT_NE(CustomerDisplayName(reg, config).find("(#25)"), std::string::npos);
}

TEST(QboTransform, VariationsBecomeTheirOwnItems) {
  model::Product v;
  v.source_id = "732";
  v.parent_source_id = "794";
  v.kind = model::ProductKind::kVariation;
  v.name = "Premium Tee";
  v.sku = "TEE-BLK";
  v.attributes = {{"Color", "Black"}};
  v.price = M("9.00");
  TransformerConfig config;
  auto item = ProductToItem(v, config, {"79", "80", "81"});
  EXPECT_EQ(item.name, "Premium Tee - Black");
  v.attributes = {{"Color", "Red"}, {"Size", "L"}};
  EXPECT_EQ(ItemName(v), "Premium Tee - Red, L");
  EXPECT_EQ(item.sku, "TEE-BLK");
  EXPECT_EQ(item.type, "NonInventory");
  EXPECT_EQ(item.income_account.value, "79");
  EXPECT_EQ(*item.unit_price, *Decimal::Parse("9"));
  model::LineItem line;
  line.product_id = "794";
  line.variation_id = "732";
  EXPECT_EQ(LineItemKey(line), "732");
  line.variation_id = "0";
  EXPECT_EQ(LineItemKey(line), "794");
}

TEST(QboTransform, LongOrderNumbersKeepTheirDistinguishingTail) {
  model::Order o = ReferenceOrder();
  o.number = "2026-11-25-000000123456";
  TransformerConfig config;
  config.doc_number_prefix = "WC-";
  std::string dn = DocNumberFor(o, config);
  EXPECT_LE(dn.size(), 21u);
  EXPECT_EQ(dn.substr(dn.size() - 6), "123456");
}

}  // namespace
}  // namespace es::mapping
