#include "connectors/supabase/copy_binary.h"

#include <gtest/gtest.h>

namespace es::supabase {
namespace {

// Big-endian bytes of a binary field, as a list of numbers for readable failures.
std::vector<int> Bytes(const std::string& s) {
  std::vector<int> out;
  for (unsigned char c : s) out.push_back(c);
  return out;
}

std::vector<int> Numeric(const std::string& text) {
  std::string out;
  EXPECT_TRUE(AppendBinaryNumeric(&out, text)) << text;
  return Bytes(out);
}

TEST(CopyBinary, NumericIsBase10000DigitsWithWeightSignAndScale) {
  // length 12: ndigits 2, weight 0, sign +, dscale 2, digits 12 and 3400.
  EXPECT_EQ(Numeric("12.34"), (std::vector<int>{0, 0, 0, 12, 0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x0d, 0x48}));
  // -0.05: one digit 500 at weight -1, negative.
  EXPECT_EQ(Numeric("-0.05"), (std::vector<int>{0, 0, 0, 10, 0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x01, 0xf4}));
  // 10000: one digit 1 at weight 1 (trailing zero groups dropped), scale 0.
  EXPECT_EQ(Numeric("10000"), (std::vector<int>{0, 0, 0, 10, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1}));
  // Zero (also "-0.00"): no digits, positive, the scale kept.
  EXPECT_EQ(Numeric("-0.00"), (std::vector<int>{0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(Numeric("007"), Numeric("7"));
  std::string out;
  for (const char* bad : {"", "-", "1.", ".5", "1e5", "1,5", " 1", "NaN", "+1", "1.2.3"})
    EXPECT_FALSE(AppendBinaryNumeric(&out, bad)) << bad;
  EXPECT_TRUE(out.empty());
}

TEST(CopyBinary, TimestampIsMicrosecondsSince2000Utc) {
  auto micros = [](const std::string& text) {
    std::string out;
    EXPECT_TRUE(AppendBinaryTimestamp(&out, text)) << text;
    int64_t v = 0;
    for (size_t i = 4; i < out.size(); ++i) v = (v << 8) | static_cast<unsigned char>(out[i]);
    return v;
  };
  EXPECT_EQ(micros("2000-01-01T00:00:00Z"), 0);
  EXPECT_EQ(micros("2000-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(micros("1999-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(micros("2024-02-29T12:00:00.123Z"), (8825LL * 86400 + 12 * 3600) * 1'000'000 + 123'000);
  std::string out;
  for (const char* bad : {"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00+01:00",
                          "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.1234567Z", "2024-1-01T00:00:00Z"})
    EXPECT_FALSE(AppendBinaryTimestamp(&out, bad)) << bad;
  EXPECT_TRUE(out.empty());
}

TEST(CopyBinary, RowsCarryEveryKindAndRefuseWhatTheyCannotEncode) {
  const std::vector<ColumnSpec> cols = {{"t", ColumnKind::kText, "text"},      {"b", ColumnKind::kBool, "boolean"},
                                        {"i", ColumnKind::kInt, "integer"},    {"n", ColumnKind::kNumber, "numeric(15,2)"},
                                        {"j", ColumnKind::kJson, "jsonb"},     {"x", ColumnKind::kText, "text"}};
  const std::string_view hash[1] = {"h"};
  std::string out = "keep";
  ASSERT_TRUE(AppendBinaryRow(&out, cols, {"ab", "true", "-2", "1.5", "{}", std::nullopt}, hash));
  EXPECT_EQ(Bytes(out.substr(4)),
            (std::vector<int>{0, 7,                                        // 7 fields
                              0, 0, 0, 2, 'a', 'b',                        // text
                              0, 0, 0, 1, 1,                               // bool
                              0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe,          // int4
                              0, 0, 0, 12, 0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88,  // numeric 1.5
                              0, 0, 0, 3, 1, '{', '}',                     // jsonb v1
                              0xff, 0xff, 0xff, 0xff,                      // NULL
                              0, 0, 0, 1, 'h'}));                          // hash
  for (const auto& bad : std::vector<std::vector<std::optional<std::string>>>{
           {"a", "yes", "1", "1", "{}", "x"}, {"a", "true", "99999999999", "1", "{}", "x"},
           {"a", "true", "1", "1e3", "{}", "x"}, {"a", "true", "1", "1"}}) {
    EXPECT_FALSE(AppendBinaryRow(&out, cols, bad, hash));
  }
  EXPECT_EQ(out.size(), 4u + 2 + 6 + 5 + 8 + 16 + 7 + 4 + 5);  // nothing added by the refusals
  std::string frame;
  AppendBinaryCopyHeader(&frame);
  AppendBinaryCopyTrailer(&frame);
  EXPECT_EQ(frame.size(), 11u + 4 + 4 + 2);
  EXPECT_EQ(frame.substr(0, 11), std::string("PGCOPY\n\377\r\n\0", 11));
}

}  // namespace
}  // namespace es::supabase
