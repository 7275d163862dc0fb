#include "mapping/transformer_config.h"

#include <gtest/gtest.h>

namespace es::mapping {
namespace {

TEST(TransformerConfig, EmptyObjectGivesDefaults) {
  auto c = TransformerConfig::FromJson(Json::object());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->document_policy, DocumentPolicy::kReceiptWhenPaid);
  EXPECT_EQ(c->shipping_item_id, "SHIPPING_ITEM_ID");
  EXPECT_EQ(c->payment_terms_days, 30);
  EXPECT_TRUE(c->tax_rate_codes.empty());
  EXPECT_EQ(c->refund_item_name, "Refund Adjustment");
  EXPECT_EQ(c->refund_account_id, "");
  EXPECT_EQ(c->cancelled_policy, CancelledPolicy::kVoid);
}

TEST(TransformerConfig, LifecycleAndJurisdictionKeysRoundTrip) {
  auto j = ParseJson(R"({"cancelled_policy":"leave","refund_item_name":"Refunds","refund_account_id":"35",
    "tax_rate_codes":[{"rate_id":75,"tax_code":"TAX","txn_tax_code":"TX"},
                      {"country":"US","state":"CA","txn_tax_code":"CA"},
                      {"label":"Reduced Rate","tax_code":"5"}]})");
  ASSERT_TRUE(j.ok());
  auto c = TransformerConfig::FromJson(*j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->cancelled_policy, CancelledPolicy::kLeave);
  EXPECT_EQ(c->refund_item_name, "Refunds");
  EXPECT_EQ(c->refund_account_id, "35");
  ASSERT_EQ(c->tax_rate_codes.size(), 3u);
  EXPECT_EQ(c->tax_rate_codes[0], (TaxRateCode{"75", "", "", "", "TAX", "TX"}));
  EXPECT_EQ(c->tax_rate_codes[1], (TaxRateCode{"", "US", "CA", "", "", "CA"}));
  auto again = TransformerConfig::FromJson(c->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*c, *again);
  EXPECT_EQ(TransformerConfig::FromJson(*ParseJson(R"({"cancelled_policy":"delete"})"))->cancelled_policy,
            CancelledPolicy::kDelete);
}

TEST(TransformerConfig, RoundTripsThroughJson) {
  auto j = ParseJson(R"({"document_policy":"always_invoice","doc_number_prefix":"WC-","payment_terms_days":14,
    "tax_codes":{"reduced-rate":"5","zero-rate":"NON"},"custom_fields":[{"definition_id":"1","name":"Woo #","source":"number"}],
    "guest_policy":"single_customer","order_statuses":["completed"]})");
  ASSERT_TRUE(j.ok());
  auto c = TransformerConfig::FromJson(*j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto again = TransformerConfig::FromJson(c->ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*c, *again);
  EXPECT_EQ(again->tax_codes.at("reduced-rate"), "5");
}

TEST(TransformerConfig, RejectsBadConfigsNamingTheKey) {
  struct Case {
    const char* json;
    const char* needle;
  } cases[] = {
      {R"({"shiping_item_id":"1"})", "unknown key 'shiping_item_id'"},
      {R"({"document_policy":"sometimes"})", "document_policy"},
      {R"({"payment_terms_days":"30"})", "payment_terms_days"},
      {R"({"payment_terms_days":-1})", "payment_terms_days"},
      {R"({"custom_fields":[{"definition_id":"1","source":"number"},{"definition_id":"2","source":"id"},
           {"definition_id":"3","source":"status"},{"definition_id":"4","source":"currency"}]})", "at most 3"},
      {R"({"custom_fields":[{"definition_id":"1","source":"password"}]})", "unknown order field"},
      {R"({"custom_fields":[{"definition_id":"1","source":"id"},{"definition_id":"1","source":"number"}]})", "duplicate"},
      {R"({"item_type":"Gadget"})", "item_type"},
      {R"({"tax_codes":{"standard":5}})", "tax_codes.standard"},
      {R"([1,2])", "JSON object"},
      {R"({"cancelled_policy":"ignore"})", "cancelled_policy"},
      {R"({"refund_item_name":""})", "refund_item_name"},
      {R"({"tax_rate_codes":{"75":"TX"}})", "tax_rate_codes': expected an array"},
      {R"({"tax_rate_codes":["TX"]})", "tax_rate_codes[0]': expected an object"},
      {R"({"tax_rate_codes":[{"rate_id":"75"}]})", "tax_rate_codes[0] (rate_id 75)': needs a tax_code or txn_tax_code"},
      {R"({"tax_rate_codes":[{"tax_code":"5"}]})", "tax_rate_codes[0]': needs a rate_id, country, state or label"},
      {R"({"tax_rate_codes":[{"rate_id":"7a","tax_code":"5"}]})", "tax_rate_codes[0] (rate_id 7a).rate_id"},
      {R"({"tax_rate_codes":[{"rate_id":75,"tax_code":"5"},{"rate_id":"75","tax_code":"6"}]})",
       "tax_rate_codes[1] (rate_id 75).rate_id': is mapped twice"},
      {R"({"tax_rate_codes":[{"country":"USA","tax_code":"5"}]})", "tax_rate_codes[0] (USA).country"},
      {R"({"tax_rate_codes":[{"country":"US","state":"CA","tax_code":"5"},{"state":"TX","tax_code":"6"}]})",
       "tax_rate_codes[1] (/TX).state': needs a country"},
      {R"({"tax_rate_codes":[{"country":"US","tax_code":5}]})", "tax_rate_codes[0].tax_code': expected a string"},
      {R"({"tax_rate_codes":[{"country":"US","tax_code":"5","zip":"9"}]})", "tax_rate_codes[0]': unknown key 'zip'"},
  };
  for (const auto& tc : cases) {
    auto j = ParseJson(tc.json);
    ASSERT_TRUE(j.ok()) << tc.json;
    auto c = TransformerConfig::FromJson(*j);
    ASSERT_FALSE(c.ok()) << tc.json;
    EXPECT_NE(c.status().message().find(tc.needle), std::string::npos) << c.status().message();
  }
}

}  // namespace
}  // namespace es::mapping
