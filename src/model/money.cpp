#include "model/money.h"

#include <array>

namespace es::model {

int CurrencyExponent(std::string_view c) {
  static constexpr std::array<std::string_view, 16> kZero = {
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
      "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
  static constexpr std::array<std::string_view, 7> kThree = {"BHD", "IQD", "JOD", "KWD",
                                                             "LYD", "OMR", "TND"};
  for (auto z : kZero) if (z == c) return 0;
  for (auto t : kThree) if (t == c) return 3;
  return 2;
}

namespace {
int64_t Pow10(int e) {
  int64_t p = 1;
  while (e-- > 0) p *= 10;
  return p;
}
}  // namespace

Result<Money> Money::Parse(std::string_view text, std::string currency) {
  auto d = Decimal::Parse(text);
  if (!d.ok()) return d.status();
  int e = CurrencyExponent(currency);
  if (d->Rounded(e) != *d) {
    return Status::Validation("amount '" + std::string(text.substr(0, 40)) + "' has more than " +
                              std::to_string(e) + " decimals for " + currency);
  }
  return FromDecimal(*d, std::move(currency));
}

Money Money::FromDecimal(Decimal d, std::string currency) {
  int e = CurrencyExponent(currency);
  Decimal r = d.Rounded(e);
  return Money(r.units() / Pow10(Decimal::kScale - e), std::move(currency));
}

Decimal Money::ToDecimal() const {
  return Decimal::FromUnits(minor_ * Pow10(Decimal::kScale - exponent()));
}

std::string Money::ToString() const { return ToDecimal().ToFixed(exponent()); }

}  // namespace es::model
