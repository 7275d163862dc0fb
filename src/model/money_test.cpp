#include "model/money.h"

#include <gtest/gtest.h>

namespace es::model {
namespace {

TEST(Money, ParsesExactlyPerCurrency) {
  auto m = Money::Parse("27.94", "USD");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->minor(), 2794);
  EXPECT_EQ(m->ToString(), "27.94");
  EXPECT_EQ(Money::Parse("1200", "JPY")->minor(), 1200);
  EXPECT_EQ(Money::Parse("1.500", "KWD")->ToString(), "1.500");
  EXPECT_EQ(Money::Parse("-10.00", "USD")->minor(), -1000);
  auto bad = Money::Parse("3.299", "USD");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("more than 2 decimals"), std::string::npos);
  EXPECT_FALSE(Money::Parse("12.5", "JPY").ok());
  EXPECT_TRUE(Money::Parse("12.00", "JPY").ok());
}

TEST(Money, RoundsFromDecimalHalfAwayFromZero) {
  EXPECT_EQ(Money::FromDecimal(*Decimal::Parse("0.9375"), "USD").ToString(), "0.94");
  EXPECT_EQ(Money::FromDecimal(*Decimal::Parse("3.29835"), "USD").ToString(), "3.30");
  EXPECT_EQ(Money::FromDecimal(*Decimal::Parse("-0.005"), "USD").ToString(), "-0.01");
}

TEST(Money, SumsExactly) {
  Money total = Money::Zero("USD");
  for (int i = 0; i < 1000; ++i) total += *Money::Parse("0.10", "USD");
  EXPECT_EQ(total.ToString(), "100.00");
  EXPECT_EQ((*Money::Parse("15.00", "USD") + *Money::Parse("10.00", "USD") + *Money::Parse("2.00", "USD") +
             *Money::Parse("0.94", "USD")).ToString(),
            "27.94");
}

}  // namespace
}  // namespace es::model
