#include "common/decimal.h"

#include <gtest/gtest.h>

#include <limits>

namespace es {
namespace {

Decimal D(const char* s) { return *Decimal::Parse(s); }

TEST(Decimal, ParsesPlainAndExponentForms) {
  EXPECT_EQ(D("12").units(), 12'000'000);
  EXPECT_EQ(D("-3.50").units(), -3'500'000);
  EXPECT_EQ(D("0.05").units(), 50'000);
  EXPECT_EQ(D("1e-2").units(), 10'000);
  EXPECT_EQ(D("7.5E+1").units(), 75'000'000);
  EXPECT_EQ(D("0.4545").ToString(), "0.4545");
  EXPECT_EQ(D("000123.4000").ToString(), "123.4");
}

TEST(Decimal, RejectsGarbageWithTheReason) {
  for (const char* bad : {"", "abc", "1.2.3", "--1", "1e", "12a", ".", "1e999"}) {
    auto r = Decimal::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsValidation());
    EXPECT_NE(r.status().message().find("invalid number"), std::string::npos);
  }
  EXPECT_FALSE(Decimal::Parse("99999999999999999999").ok());
}

TEST(Decimal, ExactParseRefusesHiddenPrecisionButRoundedParseRounds) {
  EXPECT_FALSE(Decimal::Parse("3.3333333333333335").ok());
  EXPECT_EQ(Decimal::ParseRounded("3.3333333333333335")->ToString(), "3.333333");
  EXPECT_EQ(Decimal::ParseRounded("89.99000000000001")->ToString(), "89.99");
  EXPECT_EQ(Decimal::ParseRounded("0.0000005")->ToString(), "0.000001");
  EXPECT_EQ(Decimal::ParseRounded("-0.0000005")->ToString(), "-0.000001");
  EXPECT_EQ(Decimal::ParseRounded("0.00000049")->ToString(), "0");
  EXPECT_TRUE(Decimal::Parse("1.500000000").ok());  // trailing zeros are exact
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(D("2.345").ToFixed(2), "2.35");
  EXPECT_EQ(D("-2.345").ToFixed(2), "-2.35");
  EXPECT_EQ(D("2.344").ToFixed(2), "2.34");
  EXPECT_EQ(D("0.005").Rounded(2), D("0.01"));
  EXPECT_EQ(D("27.94").ToFixed(2), "27.94");
  EXPECT_EQ(D("5").ToFixed(0), "5");
}

TEST(Decimal, ToFixedPadsAndClampsPlaces) {
  EXPECT_EQ(D("0.05").ToFixed(2), "0.05");
  EXPECT_EQ(D("-0.05").ToFixed(2), "-0.05");
  EXPECT_EQ(D("1.000001").ToFixed(6), "1.000001");
  EXPECT_EQ(D("-0.000001").ToFixed(6), "-0.000001");
  EXPECT_EQ(D("-0.004").ToFixed(2), "0.00");  // rounds to zero: no "-0.00"
  EXPECT_EQ(D("7").ToFixed(3), "7.000");
  EXPECT_EQ(D("1.25").ToFixed(9), "1.250000");  // at most kScale places
  EXPECT_EQ(D("1.5").ToFixed(-1), "2");
  EXPECT_EQ(Decimal::FromUnits(std::numeric_limits<int64_t>::max()).ToFixed(6), "9223372036854.775807");
  EXPECT_EQ(Decimal::FromUnits(std::numeric_limits<int64_t>::min()).ToFixed(6), "-9223372036854.775808");
}

TEST(Decimal, ArithmeticIsExact) {
  Decimal sum;
  for (int i = 0; i < 10; ++i) sum += D("0.1");
  EXPECT_EQ(sum, D("1"));
  EXPECT_EQ(D("3.33").Mul(D("3")), D("9.99"));
  EXPECT_EQ(D("10").Div(D("3")).ToString(), "3.333333");
  EXPECT_EQ(D("-10").Div(D("3")).ToString(), "-3.333333");
  EXPECT_EQ(D("20").Div(D("3")).ToString(), "6.666667");
  EXPECT_EQ(D("1").Div(D("0")), Decimal());
  EXPECT_LT(D("-1"), D("0.5"));
}

}  // namespace
}  // namespace es
