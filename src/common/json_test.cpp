#include "common/json.h"

#include <gtest/gtest.h>

#include <string>

namespace es {
namespace {

TEST(Json, KeepsNumberTextExactlyThroughParseAndDump) {
  auto j = ParseJson(R"({"TotalAmt":337.50,"price":3.3333333333333335,"qty":2,"big":5000000000000503624})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(DumpJson(*j), R"({"TotalAmt":337.50,"big":5000000000000503624,"price":3.3333333333333335,"qty":2})");
  EXPECT_EQ(GetDecimal(*j, "TotalAmt")->ToString(), "337.5");
  EXPECT_FALSE(GetDecimal(*j, "price").ok());
  EXPECT_EQ(GetDecimalRounded(*j, "price")->ToString(), "3.333333");
  EXPECT_EQ(*GetInt(*j, "qty"), 2);
  EXPECT_TRUE(IsJsonNumber((*j)["TotalAmt"]));
}

TEST(Json, BuildsExactNumbersForOutput) {
  Json j = {{"Amount", JsonNumberFixed(*Decimal::Parse("98"), 2)}, {"UnitPrice", JsonNumber(*Decimal::Parse("3.333333"))}};
  EXPECT_EQ(DumpJson(j), R"({"Amount":98.00,"UnitPrice":3.333333})");
}

TEST(Json, RejectsMalformedInputWithAPosition) {
  auto r = ParseJson(R"({"a": [1, 2,)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("byte"), std::string::npos) << r.status().message();
  auto typo = ParseJson("{\n  \"base_url\": \"https://x\",\n  base-url: 1\n}");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("invalid JSON at line 3, column 3 (byte "), std::string::npos)
      << typo.status().message();
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("{\"a\":\"\xff\xfe\"}").ok());  // invalid UTF-8
}

TEST(Json, LimitsNestingAndSize) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  auto r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested"), std::string::npos);
  JsonParseOptions small;
  small.max_bytes = 10;
  EXPECT_FALSE(ParseJson(R"({"aaaaaaaaaaaaaaaa":1})", small).ok());
}

TEST(Json, TagCannotBeUsedToInjectRawText) {
  // A string that looks like a tagged number but is not a number stays a string.
  Json j = {{"x", std::string("\x1f#num:1,\"evil\":true")}};
  std::string out = DumpJson(j);
  Json back = Json::parse(out);  // still one string member: nothing was injected
  EXPECT_EQ(back.size(), 1u);
  EXPECT_TRUE(back["x"].is_string());
}

TEST(Json, FieldErrorsNameTheField) {
  auto j = ParseJson(R"({"billing":{"email":null,"city":"Austin"},"total":"abc","n":"12"})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(*GetString(*j, "billing.city"), "Austin");
  EXPECT_EQ(GetStringOr(*j, "billing.email", "none"), "none");
  auto bad = GetDecimal(*j, "total");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'total'"), std::string::npos);
  auto missing = GetString(*j, "billing.zip");
  EXPECT_NE(missing.status().message().find("billing.zip"), std::string::npos);
  EXPECT_EQ(*GetInt(*j, "n"), 12);
}

TEST(Json, RefusesInputUsingTheInternalNumberTag) {
  for (const char* text : {R"({"name":"\u001f#num:5"})", R"({"\u001f#num:1":2})", R"(["\u001f#num:1E999"])"}) {
    auto r = ParseJson(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("reserved"), std::string::npos) << r.status().message();
  }
  // Keys built in code are never rewritten.
  Json j = Json::object();
  j[std::string("\x1f#num:1")] = 2;
  auto back = ParseJson(DumpJson(j));
  EXPECT_FALSE(back.ok());  // still a string key, refused on the way back in, never `{1:2}`
  EXPECT_EQ(DumpJson(j).find("{1:"), std::string::npos);
}

}  // namespace
}  // namespace es
