// Decimal: an exact fixed-point number with six fractional digits, stored as a
// scaled int64 ("micro units"). Used for quantities, unit prices, tax rates and
// any amount read from JSON before it is turned into Money. Never converted
// through binary floating point. Range: about ±9.2e12, which covers QBO's
// "15 digits in 10.5 format". Value type, thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace es {

class Decimal {
 public:
  static constexpr int kScale = 6;
  static constexpr int64_t kOne = 1'000'000;

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(int64_t units) { return Decimal(units); }
  static constexpr Decimal FromInt(int64_t v) { return Decimal(v * kOne); }

  // Parses a decimal literal ("12", "-3.50", "1e-2", "7.5E+1"). Fails when the
  // text is not a number, overflows, or has non-zero digits beyond 6 places.
  static Result<Decimal> Parse(std::string_view text);
  // Like Parse, but rounds digits beyond 6 places half away from zero
  // (for values such as PHP floats "3.3333333333333335").
  static Result<Decimal> ParseRounded(std::string_view text);

  constexpr int64_t units() const { return units_; }
  bool IsZero() const { return units_ == 0; }
  bool IsNegative() const { return units_ < 0; }

  // Rounds to `places` (0..6) fractional digits, half away from zero.
  Decimal Rounded(int places) const;
  // Shortest exact rendering: "7.5", "-3", "0.4545".
  std::string ToString() const;
  // Exactly `places` fractional digits after rounding half away from zero: "27.94".
  std::string ToFixed(int places) const;

  Decimal operator-() const { return Decimal(-units_); }
  Decimal operator+(Decimal o) const { return Decimal(units_ + o.units_); }
  Decimal operator-(Decimal o) const { return Decimal(units_ - o.units_); }
  Decimal& operator+=(Decimal o) { units_ += o.units_; return *this; }
  Decimal& operator-=(Decimal o) { units_ -= o.units_; return *this; }
  // Product and quotient rounded half away from zero to 6 places.
  Decimal Mul(Decimal o) const;
  // Division by zero yields zero; callers check the divisor first.
  Decimal Div(Decimal o) const;
  auto operator<=>(const Decimal&) const = default;

 private:
  constexpr explicit Decimal(int64_t units) : units_(units) {}
  int64_t units_ = 0;
};

}  // namespace es
