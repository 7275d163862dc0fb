#include "model/money.h"

#include <array>

namespace es::model {

int CurrencyExponent(std::string_view c) {
  // Called for every amount: one switch on the three letters, no string compares.
  if (c.size() != 3) return 2;
  constexpr auto code = [](const char* s) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 8 | static_cast<unsigned char>(s[2]);
  };
  switch (code(c.data())) {
    case code("BIF"): case code("CLP"): case code("DJF"): case code("GNF"):
    case code("ISK"): case code("JPY"): case code("KMF"): case code("KRW"):
    case code("PYG"): case code("RWF"): case code("UGX"): case code("UYI"):
    case code("VND"): case code("VUV"): case code("XAF"): case code("XOF"):
      return 0;
    case code("BHD"): case code("IQD"): case code("JOD"): case code("KWD"):
    case code("LYD"): case code("OMR"): case code("TND"):
      return 3;
    default:
      return 2;
  }
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
