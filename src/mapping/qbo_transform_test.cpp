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
  o.shipping_lines.push_back({"317", "flat_rate", "Flat rate", M("10.00"), M("0.00"), {}});
  o.fees.push_back({"320", "Handling", "", "none", M("2.00"), M("0.00"), {}});
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
  EXPECT_EQ(doc.status().code(), "total_mismatch");
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

TEST(QboTransform, FilterReasonNamesTheStatusOfOrdersLeftOut) {
  model::Order o = ReferenceOrder();
  TransformerConfig config;
  EXPECT_EQ(OrderFilterReason(o, config), "");
  o.status = model::OrderStatus::kPending;
  EXPECT_EQ(OrderFilterReason(o, config), "status pending");
  o.status = model::OrderStatus::kCancelled;
  EXPECT_EQ(OrderFilterReason(o, config), "status cancelled");
  config.order_statuses = {"cancelled"};
  EXPECT_EQ(OrderFilterReason(o, config), "");
}

// A store with Texas 8.25 %, a Texas reduced rate and California 7.25 %.
model::Order TaxedOrder(const char* state, const char* rate_id, const char* rate_code, const char* label,
                        const char* tax) {
  model::Order o = ReferenceOrder();
  o.billing.state = state;
  o.coupons.clear();
  o.fees.clear();
  o.lines[0].total = o.lines[0].subtotal;  // 20.00, no discount
  o.lines[0].subtotal_tax = M(tax);
  o.lines[0].total_tax = M(tax);
  o.lines[0].taxes = {{rate_id, M(tax)}};
  model::TaxLine t;
  t.source_id = "900";
  t.rate_id = rate_id;
  t.rate_code = rate_code;
  t.label = label;
  t.tax_total = M(tax);
  o.tax_lines = {t};
  o.total_tax = M(tax);
  o.total = M("30.00") + M(tax);
  return o;
}

TransformerConfig JurisdictionConfig() {
  auto c = TransformerConfig::FromJson(*ParseJson(R"({"tax_rate_codes":[
      {"rate_id": 12, "tax_code": "TAX", "txn_tax_code": "TX-RED"},
      {"country": "US", "state": "TX", "tax_code": "TAX", "txn_tax_code": "TX"},
      {"country": "us", "state": "ca", "tax_code": "TAX", "txn_tax_code": "CA"}],
    "tax_codes": {"reduced-rate": "R"}, "txn_tax_code": "ALL"})"));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

TEST(QboTransform, OrdersGetTheTaxCodeOfTheirJurisdiction) {
  TransformerConfig config = JurisdictionConfig();
  auto ca = OrderToSalesDocument(TaxedOrder("CA", "10", "US-CA-CA STATE TAX-1", "CA Tax", "1.45"), Refs(), config);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_EQ(ca->tax.txn_tax_code.value, "CA");
  EXPECT_EQ(ca->lines[0].tax_code, "TAX");
  auto tx = OrderToSalesDocument(TaxedOrder("TX", "11", "US-TX-TX STATE TAX-1", "TX Tax", "1.65"), Refs(), config);
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  EXPECT_EQ(tx->tax.txn_tax_code.value, "TX");
  EXPECT_EQ(DocumentTotal(*tx), *Decimal::Parse("31.65"));
  // The reduced rate is named by its rate id, which wins over the state match.
  auto reduced = OrderToSalesDocument(TaxedOrder("TX", "12", "US-TX-REDUCED-2", "Reduced", "0.20"), Refs(), config);
  ASSERT_TRUE(reduced.ok());
  EXPECT_EQ(reduced->tax.txn_tax_code.value, "TX-RED");
  // No rate matches: the config-wide code.
  auto other = OrderToSalesDocument(TaxedOrder("NY", "13", "US-NY-NY TAX-1", "NY", "1.00"), Refs(), config);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->tax.txn_tax_code.value, "ALL");
}

TEST(QboTransform, LineTaxCodesByRateThenClassThenDefault) {
  TransformerConfig config;
  config.tax_rate_codes = {{"12", "", "", "", "5", ""}, {"", "CA", "ON", "", "13", ""}};
  config.tax_codes["reduced-rate"] = "7";
  config.default_tax_code = "3";
  model::Order o = TaxedOrder("ON", "40", "CA-ON-HST-1", "HST", "2.60");
  o.lines[0].tax_class = "reduced-rate";
  auto doc = OrderToSalesDocument(o, Refs(), config);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->lines[0].tax_code, "13");  // rate (by country/state) before class
  o.lines[0].taxes.clear();                 // no per-line rates: the order's item rates
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->lines[0].tax_code, "13");
  o.tax_lines[0].rate_code = "CA-BC-GST-1";
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->lines[0].tax_code, "7");  // then the class
  o.lines[0].tax_class = "";
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->lines[0].tax_code, "3");  // then the default
  o.lines[0].taxes = {{"12", M("2.60")}};
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->lines[0].tax_code, "5");  // by rate id
  // Shipping taxed at a rate uses that rate's code; untaxed lines the non-taxable code.
  o.shipping_lines[0].total_tax = M("1.30");
  o.shipping_lines[0].taxes = {{"12", M("1.30")}};
  o.total_tax = M("3.90");
  o.total = M("33.90");
  auto shipped = OrderToSalesDocument(o, Refs(), config);
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  EXPECT_EQ(shipped->lines[1].tax_code, "5");
  o.shipping_lines[0].total_tax = M("0.00");
  o.total_tax = M("2.60");
  o.total = M("32.60");
  EXPECT_EQ(OrderToSalesDocument(o, Refs(), config)->lines[1].tax_code, "NON");
}

TEST(QboTransform, DocumentOfAGivenKind) {
  model::Order o = ReferenceOrder();  // paid: a SalesReceipt by default
  auto inv = OrderToSalesDocumentAs(o, qbo::SalesDocKind::kInvoice, Refs(), TransformerConfig{});
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(inv->kind, qbo::SalesDocKind::kInvoice);
  EXPECT_FALSE(inv->due_date.empty());
  EXPECT_TRUE(inv->payment_ref_num.empty());
  auto memo = OrderToSalesDocumentAs(o, qbo::SalesDocKind::kCreditMemo, Refs(), TransformerConfig{});
  ASSERT_FALSE(memo.ok());
  EXPECT_NE(memo.status().message().find("CreditMemo"), std::string::npos);
  EXPECT_TRUE(OrderIsPaid(o));
  o.status = model::OrderStatus::kOnHold;
  EXPECT_FALSE(OrderIsPaid(o));
}

}  // namespace
}  // namespace es::mapping
