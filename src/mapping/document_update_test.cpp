#include "mapping/document_update.h"

#include <gtest/gtest.h>

namespace es::mapping {
namespace {

Json J(const char* text) {
  auto j = ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

TEST(DocumentUpdate, SparseBodyReplacesLinesAndDropsReadOnlyFields) {
  Json create = J(R"({"CustomerRef":{"value":"58"},"CurrencyRef":{"value":"USD"},"DocNumber":"727",
      "Line":[{"Id":"1","Amount":20.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"21"}}},
              {"Amount":20.00,"DetailType":"SubTotalLineDetail","SubTotalLineDetail":{}}],
      "TotalAmt":20.00,"Balance":0,"MetaData":{"CreateTime":"x"},"domain":"QBO","TxnTaxDetail":{"TotalTax":0.00}})");
  Json body = SparseUpdateBody(create, "266", "3");
  EXPECT_EQ(body["sparse"], true);
  EXPECT_EQ(body["Id"], "266");
  EXPECT_EQ(body["SyncToken"], "3");
  EXPECT_EQ(body["DocNumber"], "727");
  EXPECT_EQ(body["CustomerRef"]["value"], "58");
  EXPECT_TRUE(body.contains("TxnTaxDetail"));
  for (const char* gone : {"TotalAmt", "Balance", "MetaData", "domain", "CurrencyRef"})
    EXPECT_FALSE(body.contains(gone)) << gone;
  ASSERT_EQ(body["Line"].size(), 1u);  // the subtotal line is QBO's own
  EXPECT_FALSE(body["Line"][0].contains("Id"));
  EXPECT_EQ(DumpJson(body["Line"][0]["Amount"]), "20.00");
  // Never trusts the body's own control fields.
  Json spoofed = create;
  spoofed["Id"] = "1";
  spoofed["SyncToken"] = "0";
  spoofed["sparse"] = false;
  Json again = SparseUpdateBody(spoofed, "266", "3");
  EXPECT_EQ(again["Id"], "266");
  EXPECT_EQ(again["sparse"], true);
  EXPECT_EQ(SparseUpdateBody(Json::array(), "9", "1"), J(R"({"sparse":true,"Id":"9","SyncToken":"1"})"));
}

TEST(DocumentUpdate, FingerprintIgnoresKeyOrderAndNumberSpelling) {
  Json a = J(R"({"DocNumber":"727","Line":[{"Amount":9.00,"DetailType":"SalesItemLineDetail"}],"CustomerRef":{"value":"58"}})");
  Json b = J(R"({"CustomerRef":{"value":"58"},"Line":[{"DetailType":"SalesItemLineDetail","Amount":9}],"DocNumber":"727"})");
  std::string fa = DocumentFingerprint(a);
  EXPECT_EQ(fa.size(), 32u);
  EXPECT_EQ(fa, DocumentFingerprint(b));
  EXPECT_EQ(fa, DocumentFingerprint(a));
  // The sparse update of a body hashes like the body itself (control fields ignored) ...
  Json c = a;
  c["Id"] = "266";
  c["SyncToken"] = "4";
  c["Line"][0]["Id"] = "1";
  EXPECT_EQ(fa, DocumentFingerprint(c));
  // ... while any content change shows.
  Json d = a;
  d["Line"][0]["Amount"] = JsonNumber(*Decimal::Parse("9.01"));
  EXPECT_NE(fa, DocumentFingerprint(d));
  Json e = a;
  e["Line"].push_back(e["Line"][0]);
  EXPECT_NE(fa, DocumentFingerprint(e));
  Json f = a;
  f["DocNumber"] = "728";
  EXPECT_NE(fa, DocumentFingerprint(f));
  // Line order matters (it is what QBO shows).
  Json g = J(R"({"Line":[{"Amount":1},{"Amount":2}]})");
  Json h = J(R"({"Line":[{"Amount":2},{"Amount":1}]})");
  EXPECT_NE(DocumentFingerprint(g), DocumentFingerprint(h));
}

}  // namespace
}  // namespace es::mapping
