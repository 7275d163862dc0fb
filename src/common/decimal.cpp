#include "common/decimal.h"

#include <charconv>
#include <cstdlib>
#include <limits>

namespace es {
namespace {

// Divides a by b (b > 0) rounding half away from zero.
__int128 DivRound(__int128 a, __int128 b) {
  __int128 q = a / b;
  __int128 r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= b) q += (a < 0) ? -1 : 1;
  return q;
}

Result<Decimal> ParseImpl(std::string_view text, bool allow_rounding) {
  const std::string shown(text.substr(0, 40));
  auto fail = [&](const char* why) {
    return Status::Validation("invalid number '" + shown + "': " + why);
  };
  if (text.empty()) return fail("empty");
  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  std::string digits;  // all significant digits, integer then fraction
  int frac_digits = 0;
  bool seen_digit = false, seen_dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (digits.empty() && c == '0' && !seen_dot) continue;  // leading zeros
      digits.push_back(c);
      if (seen_dot) ++frac_digits;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return fail("no digits");
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_neg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_neg = text[i] == '-';
      ++i;
    }
    if (i >= text.size()) return fail("bad exponent");
    long e = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      e = e * 10 + (text[i] - '0');
      if (e > 400) return fail("exponent out of range");
    }
    exponent = exp_neg ? -e : e;
  }
  if (i != text.size()) return fail("unexpected character");
  // value = digits * 10^(exponent - frac_digits); we want units = value * 10^6.
  long shift = exponent - frac_digits + Decimal::kScale;
  // Strip a zero-valued number quickly.
  bool all_zero = digits.find_first_not_of('0') == std::string::npos;
  if (all_zero) return Decimal::FromUnits(0);
  if (static_cast<long>(digits.size()) + shift > 19) return fail("out of range");
  __int128 acc = 0;
  if (shift >= 0) {
    for (char c : digits) acc = acc * 10 + (c - '0');
    for (long k = 0; k < shift; ++k) acc *= 10;
  } else {
    long keep = static_cast<long>(digits.size()) + shift;  // digits kept before the cut
    for (long k = 0; k < keep && k < static_cast<long>(digits.size()); ++k)
      acc = acc * 10 + (digits[k] - '0');
    std::string_view rest = keep > 0 ? std::string_view(digits).substr(keep)
                                     : std::string_view(digits);
    long leading_zeros = keep < 0 ? -keep : 0;
    bool rest_nonzero = rest.find_first_not_of('0') != std::string_view::npos;
    if (rest_nonzero && !allow_rounding) return fail("more than 6 decimal places");
    if (rest_nonzero && leading_zeros == 0 && rest[0] >= '5') acc += 1;
  }
  if (acc > std::numeric_limits<int64_t>::max()) return fail("out of range");
  int64_t units = static_cast<int64_t>(acc);
  return Decimal::FromUnits(negative ? -units : units);
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) { return ParseImpl(text, false); }
Result<Decimal> Decimal::ParseRounded(std::string_view text) { return ParseImpl(text, true); }

Decimal Decimal::Rounded(int places) const {
  if (places >= kScale) return *this;
  if (places < 0) places = 0;
  int64_t step = 1;
  for (int k = places; k < kScale; ++k) step *= 10;
  return Decimal(static_cast<int64_t>(DivRound(units_, step) * step));
}

std::string Decimal::ToFixed(int places) const {
  if (places > kScale) places = kScale;
  if (places < 0) places = 0;
  const int64_t u = Rounded(places).units_;
  const bool neg = u < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(u + 1)) + 1 : static_cast<uint64_t>(u);
  uint64_t fp = a % kOne;
  // Written into one buffer: "-", up to 20 integer digits, "." and kScale
  // fraction digits. (Concatenating temporaries here made GCC 12 report a
  // false -Wrestrict at -O3.)
  char buf[1 + 20 + 1 + kScale];
  char* p = buf;
  if (neg) *p++ = '-';
  p = std::to_chars(p, buf + sizeof(buf), a / kOne).ptr;
  if (places > 0) {
    *p++ = '.';
    char frac[kScale];
    for (int i = kScale - 1; i >= 0; --i, fp /= 10) frac[i] = static_cast<char>('0' + fp % 10);
    for (int i = 0; i < places; ++i) *p++ = frac[i];
  }
  return std::string(buf, p);
}

std::string Decimal::ToString() const {
  std::string s = ToFixed(kScale);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

Decimal Decimal::Mul(Decimal o) const {
  return Decimal(static_cast<int64_t>(DivRound(static_cast<__int128>(units_) * o.units_, kOne)));
}

Decimal Decimal::Div(Decimal o) const {
  if (o.units_ == 0) return Decimal(0);
  __int128 num = static_cast<__int128>(units_) * kOne;
  __int128 den = o.units_;
  if (den < 0) { num = -num; den = -den; }
  return Decimal(static_cast<int64_t>(DivRound(num, den)));
}

}  // namespace es
