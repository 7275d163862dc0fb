#include "connectors/supabase/copy_binary.h"

#include <cstring>
#include <limits>

namespace es::supabase {
namespace {

void Put16(std::string* out, int16_t v) {
  const auto u = static_cast<uint16_t>(v);
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u & 0xff));
}

void Put32(std::string* out, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((u >> shift) & 0xff));
}

void Put64(std::string* out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((u >> shift) & 0xff));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits of text[pos, pos+n) as a number, or -1.
int64_t Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(text[i])) return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool AppendInt(std::string* out, std::string_view text, bool four_bytes) {
  size_t i = 0;
  const bool neg = !text.empty() && text[0] == '-';
  if (neg) i = 1;
  if (i == text.size() || text.size() - i > 18) return false;
  int64_t v = 0;
  for (; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  if (neg) v = -v;
  if (four_bytes) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return false;
    Put32(out, 4);
    Put32(out, static_cast<int32_t>(v));
  } else {
    Put32(out, 8);
    Put64(out, v);
  }
  return true;
}

}  // namespace

void AppendBinaryCopyHeader(std::string* out) {
  static const char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the NUL below
  out->append(kSignature, 10);
  out->push_back('\0');
  Put32(out, 0);  // flags
  Put32(out, 0);  // header extension length
}

void AppendBinaryCopyTrailer(std::string* out) { Put16(out, -1); }

bool AppendBinaryNumeric(std::string* out, std::string_view text) {
  // "-123.45": sign, integer digits, optional fraction.
  size_t i = 0;
  const bool neg = !text.empty() && text[0] == '-';
  if (neg) i = 1;
  const size_t int_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  std::string_view int_part = text.substr(int_start, i - int_start);
  std::string_view frac_part;
  if (i < text.size() && text[i] == '.') {
    const size_t f = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    frac_part = text.substr(f, i - f);
    if (frac_part.empty()) return false;
  }
  if (i != text.size() || int_part.empty() || int_part.size() > 1000 || frac_part.size() > 1000) return false;
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  if (int_part == "0") int_part = {};
  // Base-10000 digits: the integer part grouped from the decimal point
  // leftwards, the fraction from it rightwards (padded with zeros).
  int16_t digits[600];
  int ndigits = 0;
  const size_t lead = int_part.size() % 4;
  const int int_groups = static_cast<int>((int_part.size() + 3) / 4);
  size_t pos = 0;
  for (int g = 0; g < int_groups; ++g) {
    const size_t len = (g == 0 && lead != 0) ? lead : 4;
    int v = 0;
    for (size_t k = 0; k < len; ++k) v = v * 10 + (int_part[pos + k] - '0');
    pos += len;
    digits[ndigits++] = static_cast<int16_t>(v);
  }
  for (size_t f = 0; f < frac_part.size(); f += 4) {
    int v = 0;
    for (size_t k = 0; k < 4; ++k) v = v * 10 + (f + k < frac_part.size() ? frac_part[f + k] - '0' : 0);
    digits[ndigits++] = static_cast<int16_t>(v);
  }
  int16_t weight = static_cast<int16_t>(int_groups - 1);
  // Leading zero groups move the weight; trailing ones are dropped (as numeric_send does).
  int first = 0;
  while (first < ndigits && digits[first] == 0) {
    ++first;
    --weight;
  }
  int last = ndigits;
  while (last > first && digits[last - 1] == 0) --last;
  const int n = last - first;
  const bool zero = n == 0;
  Put32(out, 8 + 2 * n);
  Put16(out, static_cast<int16_t>(n));
  Put16(out, zero ? 0 : weight);
  Put16(out, static_cast<int16_t>(neg && !zero ? 0x4000 : 0x0000));
  Put16(out, static_cast<int16_t>(frac_part.size()));
  for (int k = first; k < last; ++k) Put16(out, digits[k]);
  return true;
}

bool AppendBinaryTimestamp(std::string* out, std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return false;
  const int64_t y = Digits(t, 0, 4), mo = Digits(t, 5, 2), d = Digits(t, 8, 2), h = Digits(t, 11, 2),
                mi = Digits(t, 14, 2), s = Digits(t, 17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
    return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
  size_t i = 19;
  int64_t micros = 0;
  if (t[i] == '.') {
    size_t f = ++i;
    while (i < t.size() && IsDigit(t[i])) ++i;
    const size_t n = i - f;
    if (n == 0 || n > 6) return false;
    micros = Digits(t, f, n);
    for (size_t k = n; k < 6; ++k) micros *= 10;
  }
  if (i + 1 != t.size() || t[i] != 'Z') return false;
  constexpr int64_t kPgEpochDays = 10957;  // 2000-01-01 − 1970-01-01
  const int64_t secs = (DaysFromCivil(y, mo, d) - kPgEpochDays) * 86400 + h * 3600 + mi * 60 + s;
  Put32(out, 8);
  Put64(out, secs * 1'000'000 + micros);
  return true;
}

bool AppendBinaryRow(std::string* out, const std::vector<ColumnSpec>& columns,
                     const std::vector<std::optional<std::string>>& values,
                     std::span<const std::string_view> extra_text) {
  if (values.size() != columns.size()) return false;
  const size_t mark = out->size();
  Put16(out, static_cast<int16_t>(values.size() + extra_text.size()));
  for (size_t c = 0; c < values.size(); ++c) {
    const std::optional<std::string>& v = values[c];
    if (!v) {
      Put32(out, -1);
      continue;
    }
    bool ok = true;
    switch (columns[c].kind) {
      case ColumnKind::kText:
        Put32(out, static_cast<int32_t>(v->size()));
        out->append(*v);
        break;
      case ColumnKind::kBool:
        ok = *v == "true" || *v == "false";
        if (ok) {
          Put32(out, 1);
          out->push_back(*v == "true" ? 1 : 0);
        }
        break;
      case ColumnKind::kInt: ok = AppendInt(out, *v, columns[c].sql_type == "integer"); break;
      case ColumnKind::kNumber: ok = AppendBinaryNumeric(out, *v); break;
      case ColumnKind::kTime: ok = AppendBinaryTimestamp(out, *v); break;
      case ColumnKind::kJson:
        Put32(out, static_cast<int32_t>(v->size() + 1));
        out->push_back(1);  // jsonb binary format version
        out->append(*v);
        break;
    }
    if (!ok || v->size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() - 1)) {
      out->resize(mark);
      return false;
    }
  }
  for (std::string_view e : extra_text) {
    Put32(out, static_cast<int32_t>(e.size()));
    out->append(e.data(), e.size());
  }
  return true;
}

}  // namespace es::supabase
