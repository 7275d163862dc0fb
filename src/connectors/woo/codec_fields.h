// Internal to the Woo codec: typed field readers that remember the first
// error with the JSON path of the offending field
// ("line_items[2].total: invalid number 'abc': unexpected character").
// Not thread-safe (one FieldReader per decode call).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/decimal.h"
#include "common/json.h"
#include "common/status.h"
#include "model/address.h"
#include "model/money.h"

namespace es::woo::detail {

class FieldReader {
 public:
  // `what` names the record in messages ("order", "product").
  explicit FieldReader(std::string what) : what_(std::move(what)) {}

  bool ok() const { return error_.ok(); }
  // The first error, prefixed with the record name and id when known.
  Status error() const;
  void set_id(const std::string& id) { id_ = id; }
  void Fail(const std::string& path, const std::string& what);

  // Each reader takes the object, the key and the object's path prefix
  // ("" at top level, "line_items[2]" inside an array).
  // Text: missing/null → "", strings as-is, numbers as their exact text.
  std::string Text(const Json& o, std::string_view key, const std::string& at);
  // Integer id (number or digit string). Missing/null → "" unless required.
  std::string Id(const Json& o, std::string_view key, const std::string& at, bool required);
  int64_t Int(const Json& o, std::string_view key, const std::string& at, int64_t fallback);
  bool Bool(const Json& o, std::string_view key, const std::string& at, bool fallback);
  // Money formatted with the currency's decimals, exact (string or number).
  model::Money Amount(const Json& o, std::string_view key, const std::string& at,
                      const std::string& currency);
  // Unformatted amount (per-line taxes): rounded half away from zero to the
  // currency's minor unit; "" and missing read as zero.
  model::Money RoundedAmount(const Json& o, std::string_view key, const std::string& at,
                             const std::string& currency);
  // Optional price: "" / null / missing → nullopt; rounded to minor units.
  std::optional<model::Money> Price(const Json& o, std::string_view key, const std::string& at,
                                    const std::string& currency);
  // Decimal, rounding digits beyond 6 places; missing/null → fallback.
  Decimal Number(const Json& o, std::string_view key, const std::string& at, Decimal fallback);
  std::optional<Decimal> OptionalNumber(const Json& o, std::string_view key, const std::string& at);
  // Woo date (UTC for *_gmt) in Unix ms; missing/null/"" → 0.
  int64_t Date(const Json& o, std::string_view key, const std::string& at);
  // Array or object members; nullptr when missing or null (read as empty).
  const Json* Array(const Json& o, std::string_view key, const std::string& at);
  const Json* Object(const Json& o, std::string_view key, const std::string& at);
  model::Address Address(const Json& o, std::string_view key, const std::string& at);

  static std::string Path(const std::string& at, std::string_view key);
  static std::string Index(const std::string& at, std::string_view key, size_t i);

 private:
  const Json* Find(const Json& o, std::string_view key) const;

  std::string what_;
  std::string id_;
  Status error_;
};

std::string JsonTypeName(const Json& v);

}  // namespace es::woo::detail
