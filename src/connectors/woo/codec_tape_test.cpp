// The one-pass decode (codec_tape.h, DecodeXText/DecodeXList) against the
// tree decode (ParseJson + the Json overloads): same records, same errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "connectors/woo/codec.h"

namespace es::woo {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(ES_TESTDATA_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename T>
void ExpectSame(const Result<T>& tree, const Result<T>& text, const std::string& what) {
  ASSERT_EQ(tree.ok(), text.ok()) << what << ": " << (tree.ok() ? text.status() : tree.status()).ToString();
  if (tree.ok()) EXPECT_TRUE(*tree == *text) << what;
  else EXPECT_EQ(tree.status().ToString(), text.status().ToString()) << what;
}

Result<model::Order> TreeOrder(const std::string& text) {
  ES_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  return DecodeOrder(j);
}

TEST(WooTapeDecode, EveryTestdataRecordDecodesAsFromTheTree) {
  for (const char* name : {"order_full.json", "order_guest.json", "order_bad_money.json", "order_missing_id.json",
                           "order_wrong_types.json", "customer.json", "product_simple.json", "product_variable.json",
                           "variation.json", "refund.json", "refund_shipping.json"}) {
    const std::string text = ReadFile(name);
    auto j = ParseJson(text);
    ASSERT_TRUE(j.ok()) << name;
    ExpectSame(DecodeOrder(*j), DecodeOrderText(text), std::string(name) + " as order");
    ExpectSame(DecodeCustomer(*j), DecodeCustomerText(text), std::string(name) + " as customer");
    ExpectSame(DecodeProduct(*j, "EUR"), DecodeProductText(text, "EUR"), std::string(name) + " as product");
  }
  auto full = DecodeOrderText(ReadFile("order_full.json"));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->source_id, "727");
  EXPECT_FALSE(full->lines.empty());
}

TEST(WooTapeDecode, ListKeepsEachRecordsExactTextAndItsFailures) {
  const std::string full = ReadFile("order_full.json"), guest = ReadFile("order_guest.json");
  const std::string bad = R"({"id": 900, "currency": "USD", "total": "12.3.4"})";
  const std::string body = "[" + full + ",\n " + bad + ",\n" + guest + "]";
  auto list = DecodeOrderList(body);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->count, 3u);
  ASSERT_EQ(list->items.size(), 2u);
  ASSERT_EQ(list->raw.size(), 2u);
  std::string trimmed_full = full;
  while (!trimmed_full.empty() && isspace(static_cast<unsigned char>(trimmed_full.back()))) trimmed_full.pop_back();
  EXPECT_EQ(list->raw[0], trimmed_full);  // the bytes as sent, not a re-serialisation
  EXPECT_TRUE(list->items[1] == *TreeOrder(guest));
  ASSERT_EQ(list->failures.size(), 1u);
  EXPECT_EQ(list->failures[0].source_id, "900");
  EXPECT_EQ(list->failures[0].reason, TreeOrder(bad).status().message());
  EXPECT_THAT(list->failures[0].reason, HasSubstr("order 900: "));

  auto not_array = DecodeOrderList(full);
  ASSERT_FALSE(not_array.ok());
  EXPECT_EQ(not_array.status().code(), "not_array");
  EXPECT_THAT(not_array.status().message(), HasSubstr("expected a JSON array, got object"));
  auto not_json = DecodeOrderList("<html>busy</html>");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().code(), "invalid_json");
}

TEST(WooTapeDecode, RefusesWhatParseJsonRefuses) {
  std::string deep(65, '[');
  deep += std::string(65, ']');
  for (const std::string& text :
       {std::string(R"({"id": 1, "x": tru})"), std::string(R"({"id": 1} x)"), std::string(R"({"id": 1,})"),
        std::string(R"({"id": "\ud800"})"), std::string("{\"id\": \"\\u001f#num:1.5\"}"), std::string(R"({"id": 01})"),
        std::string(R"({"id": 1, "n": nul})"), std::string(R"({"id": 1, "n": -})"), std::string(""),
        std::string(R"({"id": 1, "n": 7E777})"), std::string(R"({"id": 1, "n": -1e400})"),
        std::string("{\"id\": 5, \"currency\": \"US\0D\"}", 29), deep}) {
    EXPECT_FALSE(ParseJson(text).ok()) << text;
    auto r = DecodeOrderText(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_THAT(r.status().message(), StartsWith("invalid JSON")) << text;
  }
  std::string ok_deep(64, '[');
  ok_deep += std::string(64, ']');
  EXPECT_TRUE(ParseJson(ok_deep).ok());
  ExpectSame(TreeOrder(ok_deep), DecodeOrderText(ok_deep), "64 levels");
}

TEST(WooTapeDecode, NumbersDuplicatesAndByteOrderMarkReadAsInTheTree) {
  for (const std::string& text : {
           std::string(R"({"id": -0, "currency": "USD", "total": "1.00"})"),
           std::string(R"({"id": 18446744073709551615, "currency": "USD"})"),
           std::string(R"({"id": 18446744073709551616, "currency": "USD"})"),
           std::string(R"({"id": -9223372036854775808, "currency": "USD"})"),
           std::string(R"({"id": 5, "id": 6, "currency": "EUR", "currency": "USD", "total": 1e2})"),
           std::string(R"({"id": 5, "currency": "USD", "total": 12345678901234567890123.5})"),
           std::string(R"({"id": 5, "currency": "USD", "total": 1e-400, "number": 123456789012345678901234567890})"),
           std::string(R"({"id": 5, "currency": "USD", "line_items": [{"id": 1, "quantity": 2.50, "total": "3"}]})"),
           std::string(R"({"id": 5, "currency": "USD", "line_items": [{"id": 1, "quantity": true}]})"),
           std::string(R"({"id": 5, "currency": "USD", "billing": [], "prices_include_tax": "yes"})"),
           std::string(R"({"id": 5, "currency": "JPY", "total": 1.5, "number": 12.50, "customer_id": 3})"),
           std::string(R"({"id": "5", "currency": "USD", "date_created_gmt": 3})"),
           std::string("\xEF\xBB\xBF{\"id\": 5, \"currency\": \"USD\", \"customer_note\": \"caf\\u00e9 \\\"x\\\"\"}"),
           std::string("{\"id\": 5, \"currency\": \"USD\"}\0 ] garbage", 39),
       }) {
    ExpectSame(TreeOrder(text), DecodeOrderText(text), text);
  }
  auto dup = DecodeOrderText(R"({"id": 5, "id": 6, "currency": "EUR", "currency": "USD", "total": 1e2,
      "discount_total": "0", "discount_tax": "0", "shipping_total": "0", "shipping_tax": "0", "cart_tax": "0",
      "total_tax": 0})");
  ASSERT_TRUE(dup.ok()) << dup.status().ToString();
  EXPECT_EQ(dup->source_id, "6");
  EXPECT_EQ(dup->currency, "USD");
  EXPECT_EQ(dup->total, model::Money(10000, "USD"));
}

}  // namespace
}  // namespace es::woo

namespace es::woo::detail {
namespace {

// find() reads each object's key index: the last duplicate wins even with
// nested objects between the duplicates; keys sharing their first 8 bytes
// are told apart by length and by the rest; a reused tape forgets the last
// document's keys.
TEST(WooTape, FindUsesEachObjectsOwnKeysLastDuplicateFirst) {
  Tape tape;
  ASSERT_TRUE(tape.Parse(R"({"billing":{"email":"a"},"x":{"y":{"billing":1}},"date_created":"d1",
                             "date_createX":"d2","date_created_gmt":"d3","billing":{"email":"b","email":"c"},
                             "e":{}})")
                  .ok());
  const TapeNode& root = tape.root();
  const TapeNode* billing = root.find("billing");
  ASSERT_NE(billing, nullptr);
  ASSERT_NE(billing->find("email"), nullptr);
  EXPECT_EQ(billing->find("email")->text, "c");
  EXPECT_EQ(root.find("date_created")->text, "d1");
  EXPECT_EQ(root.find("date_createX")->text, "d2");
  EXPECT_EQ(root.find("date_created_gmt")->text, "d3");
  EXPECT_EQ(root.find("date_create"), nullptr);
  EXPECT_EQ(root.find("y"), nullptr);  // a nested key is not the root's
  ASSERT_NE(root.find("x"), nullptr);
  EXPECT_EQ(root.find("x")->find("y")->find("billing")->u, 1u);
  EXPECT_EQ(root.find("e")->find("anything"), nullptr);
  EXPECT_EQ(billing->find("email")->find("email"), nullptr);  // not an object

  ASSERT_TRUE(tape.Parse(R"([{"id":1},{"id":2,"id":3}])").ok());
  const TapeNode* second = tape.root().first()->next_sibling();
  EXPECT_EQ(tape.root().first()->find("id")->u, 1u);
  EXPECT_EQ(second->find("id")->u, 3u);
  EXPECT_EQ(tape.root().find("id"), nullptr);  // an array
}

}  // namespace
}  // namespace es::woo::detail
