#include <gtest/gtest.h>

#include "connectors/qbo/codec.h"
#include "mapping/qbo_transform.h"

namespace es::mapping {
namespace {

model::Money M(const char* s) { return *model::Money::Parse(s, "USD"); }
Decimal D(const char* s) { return *Decimal::Parse(s); }

// 2 × Widget at 10.00 taxed 6.25 % (TX), shipping 10.00 taxed, fee 2.00.
model::Order SoldOrder() {
  model::Order o;
  o.source_id = "727";
  o.number = "727";
  o.status = model::OrderStatus::kCompleted;
  o.currency = "USD";
  o.created_at_ms = 1711135682000;
  o.modified_at_ms = 1711135682000;
  model::LineItem l;
  l.source_id = "315";
  l.product_id = "93";
  l.name = "Widget";
  l.quantity = Decimal::FromInt(2);
  l.subtotal = M("20.00");
  l.total = M("20.00");
  l.subtotal_tax = M("1.25");
  l.total_tax = M("1.25");
  l.taxes = {{"75", M("1.25")}};
  o.lines.push_back(l);
  o.shipping_lines.push_back({"317", "flat_rate", "Flat rate", M("10.00"), M("0.63"), {{"75", M("0.63")}}});
  o.fees.push_back({"320", "Handling", "", "none", M("2.00"), M("0.00"), {}});
  model::TaxLine t;
  t.source_id = "318";
  t.rate_id = "75";
  t.rate_code = "US-TX-STATE TAX-1";
  t.tax_total = M("1.25");
  t.shipping_tax_total = M("0.63");
  o.tax_lines.push_back(t);
  o.total_tax = M("1.88");
  o.total = M("33.88");
  return o;
}

// The Woo refund of one widget (negative quantities and totals, positive amount).
model::Refund WidgetRefund() {
  model::Refund r;
  r.source_id = "801";
  r.order_source_id = "727";
  r.created_at_ms = 1711199231000;  // 2024-03-23
  r.amount = M("10.63");
  r.reason = "Damaged";
  model::LineItem l;
  l.source_id = "330";
  l.product_id = "93";
  l.name = "Widget";
  l.quantity = Decimal::FromInt(-1);
  l.subtotal = M("-10.00");
  l.total = M("-10.00");
  l.total_tax = M("-0.63");
  l.taxes = {{"75", M("-0.63")}};
  r.lines.push_back(l);
  return r;
}

ResolvedRefs Refs() {
  ResolvedRefs r;
  r.customer_id = "58";
  r.item_ids["93"] = "21";
  r.fee_item_id = "30";
  r.refund_item_id = "31";
  r.refund_account_id = "4";
  return r;
}

TEST(RefundTransform, RefundedLineBecomesAPositiveLineOnTheSaleItem) {
  TransformerConfig config;
  config.doc_number_prefix = "WC-";
  config.tax_rate_codes = {{"75", "", "", "", "", "TX"}};
  auto doc = RefundToDocument(SoldOrder(), WidgetRefund(), qbo::SalesDocKind::kCreditMemo, Refs(), config);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->kind, qbo::SalesDocKind::kCreditMemo);
  EXPECT_EQ(doc->doc_number, "WC-727-R801");
  EXPECT_EQ(doc->txn_date, "2024-03-23");
  EXPECT_EQ(doc->customer.value, "58");
  ASSERT_EQ(doc->lines.size(), 1u);
  EXPECT_EQ(doc->lines[0].item.value, "21");
  EXPECT_EQ(*doc->lines[0].qty, D("1"));
  EXPECT_EQ(doc->lines[0].amount, D("10"));
  EXPECT_EQ(*doc->lines[0].unit_price, D("10"));
  EXPECT_EQ(doc->lines[0].tax_code, "TAX");
  EXPECT_EQ(*doc->tax.total_tax, D("0.63"));
  EXPECT_EQ(doc->tax.txn_tax_code.value, "TX");
  EXPECT_EQ(DocumentTotal(*doc), D("10.63"));
  EXPECT_TRUE(doc->deposit_to_account.value.empty());  // a credit memo takes none
  EXPECT_NE(doc->private_note.find("#727"), std::string::npos);
  EXPECT_NE(doc->private_note.find("refund 801"), std::string::npos);
  EXPECT_NE(doc->private_note.find("Damaged"), std::string::npos);
  Json body = qbo::EncodeSalesDocument(*doc);
  EXPECT_EQ(body["Line"][0]["Amount"], JsonNumberFixed(D("10"), 2));
}

TEST(RefundTransform, RefundReceiptNeedsTheRefundAccount) {
  auto doc = RefundToDocument(SoldOrder(), WidgetRefund(), qbo::SalesDocKind::kRefundReceipt, Refs(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->deposit_to_account.value, "4");
  EXPECT_EQ(doc->customer.value, "58");
  EXPECT_TRUE(qbo::ValidateSalesDocument(*doc).ok());
  ResolvedRefs refs = Refs();
  refs.refund_account_id.clear();
  auto missing = RefundToDocument(SoldOrder(), WidgetRefund(), qbo::SalesDocKind::kRefundReceipt, refs, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("refund account"), std::string::npos);
  auto wrong = RefundToDocument(SoldOrder(), WidgetRefund(), qbo::SalesDocKind::kInvoice, Refs(), {});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("Invoice"), std::string::npos);
}

TEST(RefundTransform, ShippingAndFeesAreRefundedOnTheirItems) {
  model::Refund r = WidgetRefund();
  r.shipping_lines.push_back({"331", "flat_rate", "Flat rate", M("-10.00"), M("-0.63"), {{"75", M("-0.63")}}});
  r.fees.push_back({"332", "Handling", "", "none", M("-2.00"), M("0.00"), {}});
  r.amount = M("23.26");
  auto doc = RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kRefundReceipt, Refs(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->lines.size(), 3u);
  EXPECT_EQ(doc->lines[1].item.value, "SHIPPING_ITEM_ID");
  EXPECT_EQ(doc->lines[1].amount, D("10"));
  EXPECT_EQ(doc->lines[1].tax_code, "TAX");
  EXPECT_EQ(doc->lines[2].item.value, "30");
  EXPECT_EQ(doc->lines[2].amount, D("2"));
  EXPECT_EQ(doc->lines[2].tax_code, "NON");
  EXPECT_EQ(*doc->tax.total_tax, D("1.26"));
  EXPECT_EQ(DocumentTotal(*doc), D("23.26"));
  ResolvedRefs refs = Refs();
  refs.fee_item_id.clear();
  EXPECT_FALSE(RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kRefundReceipt, refs, {}).ok());
}

TEST(RefundTransform, AmountOnlyRefundGoesOnTheAdjustmentItem) {
  model::Refund r;
  r.source_id = "805";
  r.amount = M("5.00");
  r.reason = "Goodwill";
  auto doc = RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kRefundReceipt, Refs(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->lines.size(), 1u);
  EXPECT_EQ(doc->lines[0].item.value, "31");
  EXPECT_EQ(doc->lines[0].amount, D("5"));
  EXPECT_EQ(doc->lines[0].tax_code, "NON");
  EXPECT_EQ(doc->lines[0].description, "Goodwill");
  EXPECT_EQ(*doc->tax.total_tax, D("0"));
  EXPECT_EQ(DocumentTotal(*doc), D("5"));
  // A line refunded with quantity only (restock, no money) counts as amount-only.
  model::LineItem restock = WidgetRefund().lines[0];
  restock.total = M("0.00");
  restock.subtotal = M("0.00");
  restock.total_tax = M("0.00");
  restock.taxes.clear();
  r.lines = {restock};
  auto mixed = RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kCreditMemo, Refs(), {});
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->lines[0].item.value, "31");
  ResolvedRefs refs = Refs();
  refs.refund_item_id.clear();
  auto missing = RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kCreditMemo, refs, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("adjustment item"), std::string::npos);
  r.amount = M("0.00");
  EXPECT_EQ(RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kCreditMemo, Refs(), {}).status().code(),
            "empty_refund");
}

TEST(RefundTransform, TotalThatDiffersFromTheRefundAmountNamesTheDifference) {
  model::Refund r = WidgetRefund();
  r.amount = M("12.00");  // 1.37 more than the refunded line and tax
  auto doc = RefundToDocument(SoldOrder(), r, qbo::SalesDocKind::kCreditMemo, Refs(), {});
  ASSERT_FALSE(doc.ok());
  EXPECT_TRUE(doc.status().IsValidation());
  EXPECT_EQ(doc.status().code(), "total_mismatch");
  EXPECT_NE(doc.status().message().find("10.63"), std::string::npos) << doc.status().message();
  EXPECT_NE(doc.status().message().find("12.00"), std::string::npos);
  EXPECT_NE(doc.status().message().find("-1.37"), std::string::npos);
  ResolvedRefs refs = Refs();
  refs.item_ids.clear();
  EXPECT_FALSE(RefundToDocument(SoldOrder(), WidgetRefund(), qbo::SalesDocKind::kCreditMemo, refs, {}).ok());
}

TEST(RefundTransform, RefundDocNumbersAreShortDeterministicAndDistinct) {
  TransformerConfig config;
  config.doc_number_prefix = "WOOSHOP-";
  model::Order o = SoldOrder();
  o.number = "2026-11-25-000000123456";
  model::Refund r = WidgetRefund();
  r.source_id = "98765432";
  std::string dn = RefundDocNumber(o, r, config);
  EXPECT_LE(dn.size(), 21u);
  EXPECT_EQ(dn, RefundDocNumber(o, r, config));
  EXPECT_EQ(dn.substr(dn.size() - 10), "-R98765432");
  EXPECT_NE(dn, DocNumberFor(o, config));
  model::Refund other = r;
  other.source_id = "98765433";
  EXPECT_NE(RefundDocNumber(o, other, config), dn);
  EXPECT_EQ(RefundDocNumber(SoldOrder(), WidgetRefund(), TransformerConfig{}), "727-R801");
}

TEST(RefundTransform, PaymentsCarryAStableLookupKey) {
  model::Order o = SoldOrder();
  o.payment.method_title = "Direct bank transfer";
  o.payment.transaction_id = "tx-9";
  o.payment.paid_at_ms = 1711199231000;
  EXPECT_EQ(PaymentRefFor(o), "woo-727");
  qbo::Payment p = PaymentForInvoice(o, "58", "266");
  EXPECT_EQ(p.payment_ref_num, "woo-727");
  EXPECT_EQ(p.total_amt, D("33.88"));
  EXPECT_EQ(p.txn_date, "2024-03-23");
  EXPECT_NE(p.private_note.find("#727"), std::string::npos);
  EXPECT_NE(p.private_note.find("tx-9"), std::string::npos);
  ASSERT_EQ(p.lines.size(), 1u);
  EXPECT_EQ(p.lines[0].linked[0].txn_id, "266");
  EXPECT_EQ(p.lines[0].linked[0].txn_type, "Invoice");
  o.source_id = "123456789012345678901234";
  EXPECT_LE(PaymentRefFor(o).size(), 21u);
  EXPECT_EQ(PaymentRefFor(o).substr(0, 4), "woo-");
}

TEST(RefundTransform, CreditMemoIsAppliedToItsInvoiceByAZeroPayment) {
  std::string key = CreditApplicationRef(WidgetRefund());
  EXPECT_EQ(key, "woo-c801");
  qbo::Payment p = ApplyCreditToInvoice("58", "266", "140", D("10.63"), key);
  EXPECT_EQ(p.total_amt, D("0"));
  EXPECT_EQ(p.customer.value, "58");
  EXPECT_EQ(p.payment_ref_num, "woo-c801");
  ASSERT_EQ(p.lines.size(), 2u);
  EXPECT_EQ(p.lines[0].amount, D("10.63"));
  EXPECT_EQ(p.lines[0].linked, (std::vector<qbo::LinkedTxn>{{"266", "Invoice"}}));
  EXPECT_EQ(p.lines[1].amount, D("10.63"));
  EXPECT_EQ(p.lines[1].linked, (std::vector<qbo::LinkedTxn>{{"140", "CreditMemo"}}));
  Json body = qbo::EncodePayment(p);
  EXPECT_EQ(DumpJson(body["TotalAmt"]), "0.00");
}

}  // namespace
}  // namespace es::mapping
