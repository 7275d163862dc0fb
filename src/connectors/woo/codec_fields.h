// Internal to the Woo codec: typed field readers that remember the first
// error with the JSON path of the offending field
// ("line_items[2].total: invalid number 'abc': unexpected character").
// Not thread-safe (one FieldReader per decode call).
//
// The readers work on either document form through the same rules: an
// nlohmann tree from ParseJson (`Json`) or the on-demand parse (`TapeNode`,
// codec_tape.h); the overloads of the small accessors below adapt each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/decimal.h"
#include "common/json.h"
#include "common/status.h"
#include "connectors/woo/codec_tape.h"
#include "model/address.h"
#include "model/money.h"

namespace es::woo::detail {

// ---- Accessors, one overload per document form.
std::string JsonTypeName(const Json& v);
inline std::string JsonTypeName(const TapeNode& v) { return v.type_name(); }
inline const Json* Member(const Json& o, std::string_view key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  return it == o.end() ? nullptr : &*it;
}
inline const TapeNode* Member(const TapeNode& o, std::string_view key) { return o.find(key); }
// A string that is not an exact number kept as text.
inline bool IsPlainString(const Json& v) { return v.is_string() && !IsJsonNumber(v); }
inline bool IsPlainString(const TapeNode& v) { return v.is_string(); }
inline std::string_view StringOf(const Json& v) { return v.get_ref<const std::string&>(); }
inline std::string_view StringOf(const TapeNode& v) { return v.text; }
inline bool IsNumber(const Json& v) { return IsJsonNumber(v); }
inline bool IsNumber(const TapeNode& v) { return v.is_number(); }
inline std::string TextOf(const Json& v) { return ScalarText(v); }
inline std::string TextOf(const TapeNode& v) { return v.scalar_text(); }
inline bool IsUnsigned(const Json& v) { return v.is_number_unsigned(); }
inline bool IsUnsigned(const TapeNode& v) { return v.kind == TapeNode::Kind::kUint; }
inline uint64_t UnsignedOf(const Json& v) { return v.get<uint64_t>(); }
inline uint64_t UnsignedOf(const TapeNode& v) { return v.u; }
inline bool IsInteger(const Json& v) { return v.is_number_integer(); }
inline bool IsInteger(const TapeNode& v) { return v.is_integer(); }
inline int64_t IntegerOf(const Json& v) { return v.get<int64_t>(); }
inline int64_t IntegerOf(const TapeNode& v) {
  return v.kind == TapeNode::Kind::kUint ? static_cast<int64_t>(v.u) : v.i;
}
inline bool IsBool(const Json& v) { return v.is_boolean(); }
inline bool IsBool(const TapeNode& v) { return v.kind == TapeNode::Kind::kBool; }
inline bool BoolOf(const Json& v) { return v.get<bool>(); }
inline bool BoolOf(const TapeNode& v) { return v.flag; }
inline Result<Decimal> DecimalOf(const Json& v, bool rounded) { return DecimalFromJson(v, rounded); }
Result<Decimal> DecimalOf(const TapeNode& v, bool rounded);
// Calls fn(element, index) for each element of an array until it returns false.
template <typename F>
void EachElement(const Json& arr, F&& fn) {
  size_t i = 0;
  for (const Json& e : arr)
    if (!fn(e, i++)) return;
}
template <typename F>
void EachElement(const TapeNode& arr, F&& fn) {
  const TapeNode* e = arr.first();
  for (size_t i = 0; i < arr.count; ++i, e = e->next_sibling())
    if (!fn(*e, i)) return;
}

std::string Shown(std::string_view s);

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
  template <typename V>
  std::string Text(const V& o, std::string_view key, const std::string& at) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return {};
    if (v->is_string() || IsNumber(*v)) return TextOf(*v);
    Fail(Path(at, key), "expected a string, got " + JsonTypeName(*v));
    return {};
  }

  // Integer id (number or digit string). Missing/null → "" unless required.
  template <typename V>
  std::string Id(const V& o, std::string_view key, const std::string& at, bool required) {
    return IdOf(Member(o, key), Path(at, key), required);
  }
  // The same for a value (nullptr = missing) at `path`.
  template <typename V>
  std::string IdOf(const V* v, const std::string& path, bool required) {
    if (!v || v->is_null()) {
      if (required) Fail(path, v ? "expected an integer id, got null" : "missing (required)");
      return {};
    }
    if (IsUnsigned(*v)) return std::to_string(UnsignedOf(*v));
    if (IsInteger(*v)) {
      int64_t n = IntegerOf(*v);
      if (n >= 0) return std::to_string(n);
      Fail(path, "negative id " + std::to_string(n));
      return {};
    }
    if (IsPlainString(*v)) {
      std::string_view s = StringOf(*v);
      if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string_view::npos)
        return std::string(s);
      Fail(path, "expected an integer id, got '" + Shown(s) + "'");
      return {};
    }
    Fail(path, "expected an integer id, got " + JsonTypeName(*v));
    return {};
  }

  template <typename V>
  bool Bool(const V& o, std::string_view key, const std::string& at, bool fallback) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return fallback;
    if (IsBool(*v)) return BoolOf(*v);
    if (IsPlainString(*v)) {
      std::string_view s = StringOf(*v);
      if (s == "true" || s == "yes" || s == "1") return true;
      if (s == "false" || s == "no" || s == "0" || s.empty()) return false;
    }
    if (IsInteger(*v)) return IntegerOf(*v) != 0;
    Fail(Path(at, key), "expected a boolean, got " + JsonTypeName(*v));
    return fallback;
  }

  // Money formatted with the currency's decimals, exact (string or number).
  template <typename V>
  model::Money Amount(const V& o, std::string_view key, const std::string& at, const std::string& currency) {
    const V* v = Member(o, key);
    if (!v) {
      Fail(Path(at, key), "missing (required)");
      return model::Money::Zero(currency);
    }
    if (!v->is_string() && !IsNumber(*v)) {
      Fail(Path(at, key), "expected a money amount, got " + JsonTypeName(*v));
      return model::Money::Zero(currency);
    }
    auto m = model::Money::Parse(TextOf(*v), currency);
    if (!m.ok()) {
      Fail(Path(at, key), m.status().message());
      return model::Money::Zero(currency);
    }
    return *m;
  }

  // Unformatted amount (per-line taxes): rounded half away from zero to the
  // currency's minor unit; "" and missing read as zero.
  template <typename V>
  model::Money RoundedAmount(const V& o, std::string_view key, const std::string& at, const std::string& currency) {
    const V* v = Member(o, key);
    if (!v || v->is_null() || (IsPlainString(*v) && StringOf(*v).empty())) return model::Money::Zero(currency);
    if (!v->is_string() && !IsNumber(*v)) {
      Fail(Path(at, key), "expected a money amount, got " + JsonTypeName(*v));
      return model::Money::Zero(currency);
    }
    auto d = Decimal::ParseRounded(TextOf(*v));
    if (!d.ok()) {
      Fail(Path(at, key), d.status().message());
      return model::Money::Zero(currency);
    }
    return model::Money::FromDecimal(*d, currency);
  }

  // Optional price: "" / null / missing → nullopt; rounded to minor units.
  template <typename V>
  std::optional<model::Money> Price(const V& o, std::string_view key, const std::string& at,
                                    const std::string& currency) {
    const V* v = Member(o, key);
    if (!v || v->is_null() || (IsPlainString(*v) && StringOf(*v).empty())) return std::nullopt;
    model::Money m = RoundedAmount(o, key, at, currency);
    if (!ok()) return std::nullopt;
    return m;
  }

  // Decimal, rounding digits beyond 6 places; missing/null → fallback.
  template <typename V>
  Decimal Number(const V& o, std::string_view key, const std::string& at, Decimal fallback) {
    auto d = OptionalNumber(o, key, at);
    return d ? *d : fallback;
  }
  template <typename V>
  std::optional<Decimal> OptionalNumber(const V& o, std::string_view key, const std::string& at) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return std::nullopt;
    if (IsPlainString(*v) && StringOf(*v).empty()) return std::nullopt;
    if (!v->is_string() && !IsNumber(*v)) {
      Fail(Path(at, key), "expected a number, got " + JsonTypeName(*v));
      return std::nullopt;
    }
    auto d = DecimalOf(*v, /*rounded=*/true);
    if (!d.ok()) {
      Fail(Path(at, key), d.status().message());
      return std::nullopt;
    }
    return *d;
  }

  // Woo date (UTC for *_gmt) in Unix ms; missing/null/"" → 0.
  template <typename V>
  int64_t Date(const V& o, std::string_view key, const std::string& at) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return 0;
    if (!IsPlainString(*v)) {
      Fail(Path(at, key), "expected a date string, got " + JsonTypeName(*v));
      return 0;
    }
    std::string_view s = StringOf(*v);
    if (s.empty()) return 0;
    int64_t ms = ParseIso8601(std::string(s));
    if (ms < 0) {
      Fail(Path(at, key), "invalid date '" + Shown(s) + "'");
      return 0;
    }
    return ms;
  }

  // Array or object members; nullptr when missing or null (read as empty).
  template <typename V>
  const V* Array(const V& o, std::string_view key, const std::string& at) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return nullptr;
    if (!v->is_array()) {
      Fail(Path(at, key), "expected an array, got " + JsonTypeName(*v));
      return nullptr;
    }
    return v;
  }
  template <typename V>
  const V* Object(const V& o, std::string_view key, const std::string& at) {
    const V* v = Member(o, key);
    if (!v || v->is_null()) return nullptr;
    // PHP encodes an empty associative array as [].
    if (v->is_array() && v->empty()) return nullptr;
    if (!v->is_object()) {
      Fail(Path(at, key), "expected an object, got " + JsonTypeName(*v));
      return nullptr;
    }
    return v;
  }

  template <typename V>
  model::Address Address(const V& o, std::string_view key, const std::string& at) {
    model::Address a;
    const V* v = Object(o, key, at);
    if (!v) return a;
    std::string p = Path(at, key);
    a.first_name = Text(*v, "first_name", p);
    a.last_name = Text(*v, "last_name", p);
    a.company = Text(*v, "company", p);
    a.line1 = Text(*v, "address_1", p);
    a.line2 = Text(*v, "address_2", p);
    a.city = Text(*v, "city", p);
    a.state = Text(*v, "state", p);
    a.postcode = Text(*v, "postcode", p);
    a.country = Text(*v, "country", p);
    a.email = Text(*v, "email", p);
    a.phone = Text(*v, "phone", p);
    return a;
  }

  static std::string Path(const std::string& at, std::string_view key);
  static std::string Index(const std::string& at, std::string_view key, size_t i);

 private:
  std::string what_;
  std::string id_;
  Status error_;
};

}  // namespace es::woo::detail
