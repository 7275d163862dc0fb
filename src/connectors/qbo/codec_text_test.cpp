// The text encoders (Encode…Text) against the tree encoders: the same bytes as
// DumpJson(Encode…(x)) and the same parsed value, for the fixtures' entities
// and for thousands of random ones (seeded, so a failure repeats).
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "connectors/qbo/codec.h"
#include "support/qbo_random_docs.h"

namespace es::qbo {
namespace {

struct SeededDraw {
  std::mt19937 rng;
  uint32_t Int(uint32_t max) { return std::uniform_int_distribution<uint32_t>(0, max)(rng); }
};

Json Fixture(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = ParseJson(ss.str());
  EXPECT_TRUE(j.ok()) << name << ": " << j.status().ToString();
  return j.ok() ? *j : Json();
}

void ExpectSame(const Json& tree, const std::string& text) {
  EXPECT_EQ(DumpJson(tree), text);
  auto parsed = ParseJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  EXPECT_EQ(*parsed, *ParseJson(DumpJson(tree)));
}

TEST(QboCodecText, FixtureEntitiesEncodeAsTheTree) {
  auto invoice = DecodeSalesDocument(Fixture("invoice_response.json")["Invoice"], SalesDocKind::kInvoice);
  ASSERT_TRUE(invoice.ok()) << invoice.status().ToString();
  ExpectSame(EncodeSalesDocument(*invoice), EncodeSalesDocumentText(*invoice));
  auto customer = DecodeCustomer(Fixture("customer_create_response.json")["Customer"]);
  ASSERT_TRUE(customer.ok());
  ExpectSame(EncodeCustomer(*customer), EncodeCustomerText(*customer));
}

TEST(QboCodecText, WritesSortedMembersExactMoneyAndEscapes) {
  SalesDocument d;
  d.kind = SalesDocKind::kSalesReceipt;
  d.doc_number = "WC-1042";
  d.customer = {"58", ""};
  Line l;
  l.amount = *Decimal::Parse("337.5");
  l.description = "Tea \"Earl Grey\"\n";
  l.item = {"21", "Tea"};
  l.qty = Decimal::FromInt(3);
  l.unit_price = *Decimal::Parse("112.5");
  d.lines.push_back(l);
  d.tax.total_tax = *Decimal::Parse("0.1");
  EXPECT_EQ(EncodeSalesDocumentText(d),
            R"({"CustomerRef":{"value":"58"},"DocNumber":"WC-1042","Line":[{"Amount":337.50,)"
            R"("Description":"Tea \"Earl Grey\"\n","DetailType":"SalesItemLineDetail","SalesItemLineDetail":)"
            R"({"ItemRef":{"name":"Tea","value":"21"},"Qty":3,"UnitPrice":112.5}}],"TxnTaxDetail":{"TotalTax":0.10}})");
  ExpectSame(EncodeSalesDocument(d), EncodeSalesDocumentText(d));
}

TEST(QboCodecText, RandomEntitiesEncodeAsTheTree) {
  SeededDraw draw{std::mt19937(20261206)};
  testing::RandomDocs<SeededDraw> gen(draw);
  for (int i = 0; i < 1500; ++i) {
    SalesDocument d = gen.Document();
    ASSERT_EQ(DumpJson(EncodeSalesDocument(d)), EncodeSalesDocumentText(d)) << "document " << i;
    Customer c = gen.CustomerOf();
    ASSERT_EQ(DumpJson(EncodeCustomer(c)), EncodeCustomerText(c)) << "customer " << i;
    Item it = gen.ItemOf();
    ASSERT_EQ(DumpJson(EncodeItem(it)), EncodeItemText(it)) << "item " << i;
    Payment p = gen.PaymentOf();
    ASSERT_EQ(DumpJson(EncodePayment(p)), EncodePaymentText(p)) << "payment " << i;
  }
}

TEST(QboCodecText, WriterEmbedsDocumentsInABody) {
  Payment p;
  p.customer = {"58", ""};
  p.total_amt = Decimal::FromInt(5);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("Payment");
  WritePayment(w, p);
  w.Key("bId");
  w.String("1");
  w.EndObject();
  EXPECT_EQ(out, R"({"Payment":{"CustomerRef":{"value":"58"},"TotalAmt":5.00},"bId":"1"})");
}

}  // namespace
}  // namespace es::qbo
