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
