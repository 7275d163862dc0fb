// Money: an exact amount in a currency's minor units (cents for USD, yen for
// JPY), with its ISO 4217 code. Arithmetic between different currencies is
// a programming error (asserts). Parsing and rounding to minor units happen
// only here. Value type, thread-compatible.
#pragma once

#include <cassert>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/decimal.h"
#include "common/status.h"

namespace es::model {

// Number of minor-unit digits: 0 for JPY/KRW/…, 3 for BHD/KWD/…, else 2.
int CurrencyExponent(std::string_view currency);

class Money {
 public:
  Money() = default;
  Money(int64_t minor, std::string currency) : minor_(minor), currency_(std::move(currency)) {}
  static Money Zero(std::string currency) { return Money(0, std::move(currency)); }
  // Exact: "27.94" in USD; fails on text with more decimals than the
  // currency has (unless the extra digits are zeros).
  static Result<Money> Parse(std::string_view text, std::string currency);
  // Rounds half away from zero to the currency's minor unit.
  static Money FromDecimal(Decimal d, std::string currency);

  int64_t minor() const { return minor_; }
  const std::string& currency() const { return currency_; }
  int exponent() const { return CurrencyExponent(currency_); }
  bool IsZero() const { return minor_ == 0; }
  bool IsNegative() const { return minor_ < 0; }
  Decimal ToDecimal() const;
  // "27.94", "-3.00", "1200" (JPY).
  std::string ToString() const;

  Money operator-() const { return Money(-minor_, currency_); }
  Money operator+(const Money& o) const { Check(o); return Money(minor_ + o.minor_, Pick(o)); }
  Money operator-(const Money& o) const { Check(o); return Money(minor_ - o.minor_, Pick(o)); }
  Money& operator+=(const Money& o) { Check(o); minor_ += o.minor_; if (currency_.empty()) currency_ = o.currency_; return *this; }
  Money& operator-=(const Money& o) { Check(o); minor_ -= o.minor_; if (currency_.empty()) currency_ = o.currency_; return *this; }
  bool operator==(const Money& o) const { return minor_ == o.minor_ && (currency_ == o.currency_ || minor_ == 0); }
  std::strong_ordering operator<=>(const Money& o) const { Check(o); return minor_ <=> o.minor_; }

 private:
  // An empty currency (default-constructed zero) combines with any currency.
  void Check(const Money& o) const {
    assert(currency_.empty() || o.currency_.empty() || currency_ == o.currency_);
    (void)o;
  }
  const std::string& Pick(const Money& o) const { return currency_.empty() ? o.currency_ : currency_; }

  int64_t minor_ = 0;
  std::string currency_;
};

}  // namespace es::model
