#include "common/json_writer.h"

#include <random>

#include <gtest/gtest.h>

#include "common/json.h"

namespace es {
namespace {

TEST(JsonWriter, WritesCommasAndNesting) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Number(*Decimal::Parse("7.5"));
  w.NumberFixed(*Decimal::Parse("337.5"), 2);
  w.Bool(false);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.Raw(R"({"x":1})");
  w.EndArray();
  w.Member("b", "c");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[7.5,337.50,false,null,{},{"x":1}],"b":"c"})");
}

TEST(JsonWriter, EscapesAsDumpJson) {
  std::string out;
  AppendJsonString(out, std::string("q\"b\\n\n\x01\x1f\x7f\xC3\xA9", 11));
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\u0001\\u001f\x7f\xC3\xA9\"");
  out.clear();
  AppendJsonString(out, "\xE2\x82");  // cut short at the end: one replacement
  EXPECT_EQ(out, "\"\xEF\xBF\xBD\"");
  out.clear();
  AppendJsonString(out, "\xE2x\x80");  // the breaking byte is read again
  EXPECT_EQ(out, "\"\xEF\xBF\xBDx\xEF\xBF\xBD\"");
}

// Any bytes: the same text as nlohmann's serializer with its replacement rule.
TEST(JsonWriter, RandomBytesEscapeAsDumpJson) {
  std::mt19937 rng(7);
  const unsigned char interesting[] = {0x00, 0x08, 0x1f, 0x22, 0x5c, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                       0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1,
                                       0xf3, 0xf4, 0xf5, 0xff};
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 9, '\0');
    for (char& c : s) {
      c = static_cast<char>(rng() % 2 ? interesting[rng() % sizeof(interesting)] : rng() % 256);
    }
    if (!s.empty() && s[0] == '\x1f') continue;  // DumpJson's number tag
    std::string out;
    AppendJsonString(out, s);
    ASSERT_EQ(out, DumpJson(Json(s))) << "case " << i;
  }
}

}  // namespace
}  // namespace es
