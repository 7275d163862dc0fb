#include "connectors/qbo/codec.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace es::qbo {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json Fixture(const std::string& name) {
  auto j = ParseJson(ReadFixture(name));
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

Decimal D(const char* s) { return *Decimal::Parse(s); }

TEST(QboCodec, DecodesCustomerCreateResponse) {
  Json env = Fixture("customer_create_response.json");
  auto c = DecodeCustomer(env["Customer"]);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->id, "70");
  EXPECT_EQ(c->sync_token, "0");
  EXPECT_EQ(c->display_name, "Ada Lovelace (#1042)");
  EXPECT_EQ(c->given_name, "Ada");
  EXPECT_EQ(c->family_name, "Lovelace");
  EXPECT_EQ(c->email, "ada@example.com");
  EXPECT_EQ(c->phone, "+44 20 7946 0958");
  EXPECT_EQ(c->bill_addr.line1, "12 Analytical St");
  EXPECT_EQ(c->bill_addr.postal_code, "N1 9GU");
  EXPECT_EQ(c->bill_addr.country, "GBR");
  EXPECT_TRUE(c->ship_addr.Empty());
  EXPECT_TRUE(c->active);
}

TEST(QboCodec, CustomerRoundTripOmitsEmptyFields) {
  Customer c;
  c.display_name = "Ada Lovelace (#1042)";
  c.given_name = "Ada";
  c.email = "ada@example.com";
  c.bill_addr.city = "London";
  Json j = EncodeCustomer(c);
  EXPECT_FALSE(j.contains("Id"));
  EXPECT_FALSE(j.contains("SyncToken"));
  EXPECT_FALSE(j.contains("FamilyName"));
  EXPECT_FALSE(j.contains("ShipAddr"));
  EXPECT_FALSE(j.contains("PrimaryPhone"));
  EXPECT_EQ(DumpJson(j["BillAddr"]), R"({"City":"London"})");
  EXPECT_EQ(j["PrimaryEmailAddr"]["Address"], "ada@example.com");
  auto back = DecodeCustomer(*ParseJson(DumpJson(j)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
}

TEST(QboCodec, ItemNumbersMinimalAndExact) {
  Item i;
  i.name = "Hoodie - Blue - M";
  i.sku = "HD-BL-M";
  i.type = "Inventory";
  i.unit_price = D("49.00");
  i.qty_on_hand = D("25");
  i.track_qty_on_hand = true;
  i.inv_start_date = "2026-01-01";
  i.income_account = {"79", ""};
  i.expense_account = {"80", ""};
  i.asset_account = {"81", ""};
  std::string text = DumpJson(EncodeItem(i));
  EXPECT_NE(text.find(R"("UnitPrice":49})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("QtyOnHand":25,)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("IncomeAccountRef":{"value":"79"})"), std::string::npos) << text;
  auto back = DecodeItem(*ParseJson(text));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, i);
  // Never sends TrackQtyOnHand:false (it cannot be turned off).
  Item service;
  service.name = "Gift wrap";
  service.type = "Service";
  EXPECT_FALSE(EncodeItem(service).contains("TrackQtyOnHand"));
}

TEST(QboCodec, DecodesInvoiceWithSubTotalLine) {
  Json env = Fixture("invoice_response.json");
  auto inv = DecodeSalesDocument(env["Invoice"], SalesDocKind::kInvoice);
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->id, "145");
  EXPECT_EQ(inv->sync_token, "2");
  EXPECT_EQ(inv->doc_number, "WC-1042");
  EXPECT_EQ(inv->customer.value, "58");
  EXPECT_EQ(inv->customer.name, "Ada Lovelace (#1042)");
  ASSERT_EQ(inv->lines.size(), 6u);
  EXPECT_EQ(inv->lines[0].kind, LineKind::kSalesItem);
  EXPECT_EQ(inv->lines[0].amount, D("98.00"));
  EXPECT_EQ(inv->lines[0].qty, D("2"));
  EXPECT_EQ(inv->lines[0].unit_price, D("49"));
  EXPECT_EQ(inv->lines[0].tax_code, "TAX");
  EXPECT_EQ(inv->lines[1].unit_price, D("4.5"));
  EXPECT_EQ(inv->lines[2].kind, LineKind::kSubTotal);
  EXPECT_EQ(inv->lines[2].amount, D("111.50"));
  EXPECT_EQ(inv->lines[2].id, "");
  EXPECT_EQ(inv->lines[3].kind, LineKind::kDiscount);
  EXPECT_TRUE(inv->lines[3].percent_based);
  EXPECT_EQ(inv->lines[3].discount_percent, D("10"));
  EXPECT_EQ(inv->lines[3].discount_account.value, "86");
  EXPECT_EQ(inv->lines[4].item.value, "SHIPPING_ITEM_ID");
  EXPECT_FALSE(inv->lines[4].qty.has_value());
  EXPECT_EQ(inv->lines[5].kind, LineKind::kDescription);
  EXPECT_TRUE(inv->lines[5].amount.IsZero());
  EXPECT_EQ(inv->tax.txn_tax_code.value, "2");
  EXPECT_EQ(inv->tax.total_tax, D("7.84"));
  ASSERT_EQ(inv->custom_fields.size(), 1u);
  EXPECT_EQ(inv->custom_fields[0].string_value, "woo:1042");
  EXPECT_EQ(inv->customer_memo, "Thank you for your order");
  EXPECT_EQ(inv->bill_email, "ada@example.com");
  EXPECT_EQ(inv->ship_addr.country_sub_division_code, "SOM");
  EXPECT_EQ(inv->due_date, "2026-04-01");
  EXPECT_EQ(inv->total_amt, D("113.19"));
  EXPECT_EQ(inv->balance, D("113.19"));
  // 98 + 13.50 − 11.15 + 5: the SubTotal line is not counted twice.
  EXPECT_EQ(LinesNetAmount(inv->lines), D("105.35"));
  EXPECT_EQ(LinesNetAmount(inv->lines) + *inv->tax.total_tax, *inv->total_amt);
  EXPECT_TRUE(ValidateSalesDocument(*inv).ok());
}

TEST(QboCodec, SalesDocumentEncodesMoneyAndOmitsReadOnly) {
  SalesDocument d;
  d.kind = SalesDocKind::kSalesReceipt;
  d.customer = {"58", ""};
  d.doc_number = "WC-1042";
  d.txn_date = "2026-03-02";
  Line item;
  item.amount = D("98");
  item.item = {"21", ""};
  item.qty = D("2");
  item.unit_price = D("49.000");
  item.tax_code = "TAX";
  item.description = "Hoodie";
  Line disc;
  disc.kind = LineKind::kDiscount;
  disc.amount = D("9.8");
  disc.percent_based = true;
  disc.discount_percent = D("10");
  d.lines = {item, disc};
  d.tax.txn_tax_code = {"2", ""};
  d.tax.total_tax = D("0");
  d.custom_fields = {{"1", "", "woo:1042"}};
  d.deposit_to_account = {"4", ""};
  d.payment_method = {"3", ""};
  d.payment_ref_num = "ch_3Pq";
  d.total_amt = D("100");  // read-only: never sent
  d.balance = D("0");
  ASSERT_TRUE(ValidateSalesDocument(d).ok());
  std::string text = DumpJson(EncodeSalesDocument(d));
  EXPECT_EQ(text,
            R"({"CustomField":[{"DefinitionId":"1","StringValue":"woo:1042","Type":"StringType"}],)"
            R"("CustomerRef":{"value":"58"},"DepositToAccountRef":{"value":"4"},"DocNumber":"WC-1042",)"
            R"("Line":[{"Amount":98.00,"Description":"Hoodie","DetailType":"SalesItemLineDetail",)"
            R"("SalesItemLineDetail":{"ItemRef":{"value":"21"},"Qty":2,"TaxCodeRef":{"value":"TAX"},"UnitPrice":49}},)"
            R"({"Amount":9.80,"DetailType":"DiscountLineDetail","DiscountLineDetail":{"DiscountPercent":10,"PercentBased":true}}],)"
            R"("PaymentMethodRef":{"value":"3"},"PaymentRefNum":"ch_3Pq","TxnDate":"2026-03-02",)"
            R"("TxnTaxDetail":{"TotalTax":0.00,"TxnTaxCodeRef":{"value":"2"}}})");
  auto back = DecodeSalesDocument(*ParseJson(text), SalesDocKind::kSalesReceipt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  SalesDocument expect = d;
  expect.total_amt.reset();
  expect.balance.reset();
  expect.custom_fields[0].name = "";
  EXPECT_EQ(*back, expect);
}

TEST(QboCodec, InvoiceRoundTripFromFixture) {
  Json env = Fixture("invoice_response.json");
  auto inv = DecodeSalesDocument(env["Invoice"], SalesDocKind::kInvoice);
  ASSERT_TRUE(inv.ok());
  Json enc = EncodeSalesDocument(*inv);
  EXPECT_FALSE(enc.contains("TotalAmt"));
  EXPECT_FALSE(enc.contains("Balance"));
  auto again = DecodeSalesDocument(*ParseJson(DumpJson(enc)), SalesDocKind::kInvoice);
  ASSERT_TRUE(again.ok());
  SalesDocument expect = *inv;
  expect.total_amt.reset();
  expect.balance.reset();
  EXPECT_EQ(*again, expect);
}

TEST(QboCodec, DecoderRejectsBadMoneyAndUnknownLineType) {
  auto bad = ParseJson(R"({"Id":"1","Line":[{"Amount":"abc","DetailType":"SalesItemLineDetail"}]})");
  auto r = DecodeSalesDocument(*bad, SalesDocKind::kInvoice);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsValidation());
  EXPECT_NE(r.status().message().find("Line[0]"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("Amount"), std::string::npos) << r.status().message();

  auto group = ParseJson(R"({"Id":"1","Line":[{"Amount":1,"DetailType":"GroupLineDetail"}]})");
  r = DecodeSalesDocument(*group, SalesDocKind::kInvoice);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("GroupLineDetail"), std::string::npos);

  EXPECT_FALSE(DecodeCustomer(Json::array()).ok());
  EXPECT_FALSE(DecodePayment(Json("x")).ok());
}

TEST(QboCodec, DeletedStubDecodes) {
  auto stub = ParseJson(R"({"domain":"QBO","status":"Deleted","Id":"266"})");
  auto r = DecodeSalesDocument(*stub, SalesDocKind::kInvoice);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, "266");
  EXPECT_TRUE(r->lines.empty());
}

TEST(QboCodec, ValidateSalesDocumentRules) {
  SalesDocument d;
  d.customer = {"58", ""};
  Line l;
  l.item = {"21", ""};
  l.amount = D("1");
  d.lines = {l};
  ASSERT_TRUE(ValidateSalesDocument(d).ok());

  auto fails_with = [](SalesDocument doc, const std::string& needle) {
    Status s = ValidateSalesDocument(doc);
    EXPECT_TRUE(s.IsValidation()) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
  };
  SalesDocument x = d;
  x.customer = {};
  fails_with(x, "CustomerRef");
  x = d;
  x.doc_number = std::string(22, '9');
  fails_with(x, "DocNumber");
  x.doc_number = std::string(21, '9');
  EXPECT_TRUE(ValidateSalesDocument(x).ok());
  x.doc_number = "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ";  // 21 characters, 42 bytes
  EXPECT_TRUE(ValidateSalesDocument(x).ok());
  x = d;
  x.custom_fields = {{"1", "", "a"}, {"2", "", "b"}, {"3", "", "c"}, {"4", "", "d"}};
  fails_with(x, "CustomField");
  x.custom_fields = {{"", "", "a"}};
  fails_with(x, "DefinitionId");
  x = d;
  x.lines.clear();
  fails_with(x, "Line");
  Line sub;
  sub.kind = LineKind::kSubTotal;
  x.lines = {sub};
  fails_with(x, "Line");
  x = d;
  x.lines[0].item = {};
  fails_with(x, "ItemRef");
  x = d;
  x.deposit_to_account = {"4", ""};
  fails_with(x, "DepositToAccountRef");
  x.kind = SalesDocKind::kSalesReceipt;
  EXPECT_TRUE(ValidateSalesDocument(x).ok());
  x.due_date = "2026-04-01";
  fails_with(x, "DueDate");
  x = d;
  x.kind = SalesDocKind::kRefundReceipt;
  fails_with(x, "DepositToAccountRef");
  x = d;
  x.txn_date = "03/02/2026";
  fails_with(x, "TxnDate");
}

TEST(QboCodec, PaymentRoundTrip) {
  Payment p;
  p.customer = {"58", ""};
  p.total_amt = D("93.2");
  p.payment_ref_num = "ch_3Pq";
  p.payment_method = {"3", ""};
  p.deposit_to_account = {"4", ""};
  p.lines = {PaymentLine{D("93.2"), {LinkedTxn{"266", "Invoice"}}}};
  std::string text = DumpJson(EncodePayment(p));
  EXPECT_EQ(text,
            R"({"CustomerRef":{"value":"58"},"DepositToAccountRef":{"value":"4"},)"
            R"("Line":[{"Amount":93.20,"LinkedTxn":[{"TxnId":"266","TxnType":"Invoice"}]}],)"
            R"("PaymentMethodRef":{"value":"3"},"PaymentRefNum":"ch_3Pq","TotalAmt":93.20})");
  auto back = DecodePayment(*ParseJson(text));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
  // A string amount as once seen in a real response is read exactly.
  auto odd = DecodePayment(*ParseJson(R"({"Id":"9","TotalAmt":"387.00","Line":[]})"));
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->total_amt, D("387"));
}

TEST(QboCodec, CreditMemoAndRefundReceiptEncodeTheirOwnFields) {
  SalesDocument d;
  d.kind = SalesDocKind::kCreditMemo;
  d.customer = {"58", ""};
  d.doc_number = "WC-727-R801";
  d.txn_date = "2024-03-23";
  Line item;
  item.amount = D("9");
  item.item = {"21", ""};
  item.qty = D("1");
  item.unit_price = D("9");
  item.tax_code = "TAX";
  d.lines = {item};
  d.tax.total_tax = D("0.56");
  d.private_note = "WooCommerce order #727 refund 801";
  EXPECT_STREQ(SalesDocEntity(d.kind), "CreditMemo");
  ASSERT_TRUE(ValidateSalesDocument(d).ok());
  EXPECT_EQ(DumpJson(EncodeSalesDocument(d)),
            R"({"CustomerRef":{"value":"58"},"DocNumber":"WC-727-R801",)"
            R"("Line":[{"Amount":9.00,"DetailType":"SalesItemLineDetail",)"
            R"("SalesItemLineDetail":{"ItemRef":{"value":"21"},"Qty":1,"TaxCodeRef":{"value":"TAX"},"UnitPrice":9}}],)"
            R"("PrivateNote":"WooCommerce order #727 refund 801","TxnDate":"2024-03-23",)"
            R"("TxnTaxDetail":{"TotalTax":0.56}})");
  // A credit memo takes no deposit account; a refund receipt needs one.
  SalesDocument bad = d;
  bad.deposit_to_account = {"4", ""};
  EXPECT_NE(ValidateSalesDocument(bad).message().find("DepositToAccountRef"), std::string::npos);
  SalesDocument rr = d;
  rr.kind = SalesDocKind::kRefundReceipt;
  EXPECT_NE(ValidateSalesDocument(rr).message().find("required on a RefundReceipt"), std::string::npos);
  rr.deposit_to_account = {"4", ""};
  ASSERT_TRUE(ValidateSalesDocument(rr).ok());
  Json body = EncodeSalesDocument(rr);
  EXPECT_EQ(body["DepositToAccountRef"]["value"], "4");
  EXPECT_STREQ(SalesDocEntity(rr.kind), "RefundReceipt");
  auto back = DecodeSalesDocument(body, SalesDocKind::kRefundReceipt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, rr);
  // RemainingCredit is read back from a credit memo response.
  Json resp = EncodeSalesDocument(d);
  resp["Id"] = "140";
  resp["TotalAmt"] = JsonNumber(D("9.56"));
  resp["RemainingCredit"] = JsonNumber(D("9.56"));
  auto memo = DecodeSalesDocument(resp, SalesDocKind::kCreditMemo);
  ASSERT_TRUE(memo.ok());
  EXPECT_EQ(*memo->remaining_credit, D("9.56"));
}

TEST(QboCodec, CreditApplicationPaymentHasTwoLinkedLines) {
  Payment p;
  p.customer = {"58", ""};
  p.total_amt = D("0");
  p.payment_ref_num = "woo-c801";
  p.private_note = "credit 140 applied to invoice 266";
  p.lines = {PaymentLine{D("9.56"), {LinkedTxn{"266", "Invoice"}}},
             PaymentLine{D("9.56"), {LinkedTxn{"140", "CreditMemo"}}}};
  std::string text = DumpJson(EncodePayment(p));
  EXPECT_EQ(text,
            R"({"CustomerRef":{"value":"58"},)"
            R"("Line":[{"Amount":9.56,"LinkedTxn":[{"TxnId":"266","TxnType":"Invoice"}]},)"
            R"({"Amount":9.56,"LinkedTxn":[{"TxnId":"140","TxnType":"CreditMemo"}]}],)"
            R"("PaymentRefNum":"woo-c801","PrivateNote":"credit 140 applied to invoice 266","TotalAmt":0.00})");
  auto back = DecodePayment(*ParseJson(text));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
}

TEST(QboCodec, MoneyIsExactBeyondDoublePrecision) {
  auto j = ParseJson(R"({"Id":"1","TotalAmt":1234567890.12,"Line":[]})");
  auto r = DecodeSalesDocument(*j, SalesDocKind::kInvoice);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_amt->units(), 1234567890120000);
}

}  // namespace
}  // namespace es::qbo
