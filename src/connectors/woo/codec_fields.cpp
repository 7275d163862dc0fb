#include "connectors/woo/codec_fields.h"

#include "common/clock.h"

namespace es::woo::detail {
namespace {

std::string Shown(const std::string& s) {
  if (s.size() <= 40) return s;
  return s.substr(0, 40) + "…";
}

}  // namespace

std::string JsonTypeName(const Json& v) {
  if (IsJsonNumber(v)) return "number";
  return v.type_name();
}

Status FieldReader::error() const {
  if (error_.ok()) return error_;
  std::string prefix = what_;
  if (!id_.empty()) prefix += " " + id_;
  return error_.WithContext(prefix);
}

void FieldReader::Fail(const std::string& path, const std::string& what) {
  if (!error_.ok()) return;
  error_ = Status::Validation(path.empty() ? what : path + ": " + what);
}

std::string FieldReader::Path(const std::string& at, std::string_view key) {
  return at.empty() ? std::string(key) : at + "." + std::string(key);
}

std::string FieldReader::Index(const std::string& at, std::string_view key, size_t i) {
  return Path(at, key) + "[" + std::to_string(i) + "]";
}

const Json* FieldReader::Find(const Json& o, std::string_view key) const {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  return it == o.end() ? nullptr : &*it;
}

std::string FieldReader::Text(const Json& o, std::string_view key, const std::string& at) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return {};
  if (v->is_string() || IsJsonNumber(*v)) return ScalarText(*v);
  Fail(Path(at, key), "expected a string, got " + JsonTypeName(*v));
  return {};
}

std::string FieldReader::Id(const Json& o, std::string_view key, const std::string& at, bool required) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) {
    if (required) Fail(Path(at, key), v ? "expected an integer id, got null" : "missing (required)");
    return {};
  }
  if (v->is_number_unsigned()) return std::to_string(v->get<uint64_t>());
  if (v->is_number_integer()) {
    int64_t n = v->get<int64_t>();
    if (n >= 0) return std::to_string(n);
    Fail(Path(at, key), "negative id " + std::to_string(n));
    return {};
  }
  if (v->is_string() && !IsJsonNumber(*v)) {
    const auto& s = v->get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos) return s;
    Fail(Path(at, key), "expected an integer id, got '" + Shown(s) + "'");
    return {};
  }
  Fail(Path(at, key), "expected an integer id, got " + JsonTypeName(*v));
  return {};
}

int64_t FieldReader::Int(const Json& o, std::string_view key, const std::string& at, int64_t fallback) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return fallback;
  auto r = GetInt(o, key);
  if (!r.ok()) {
    Fail(Path(at, key), "expected an integer, got " +
                            (v->is_string() ? "'" + Shown(ScalarText(*v)) + "'" : JsonTypeName(*v)));
    return fallback;
  }
  return *r;
}

bool FieldReader::Bool(const Json& o, std::string_view key, const std::string& at, bool fallback) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s == "true" || s == "yes" || s == "1") return true;
    if (s == "false" || s == "no" || s == "0" || s.empty()) return false;
  }
  if (v->is_number_integer()) return v->get<int64_t>() != 0;
  Fail(Path(at, key), "expected a boolean, got " + JsonTypeName(*v));
  return fallback;
}

model::Money FieldReader::Amount(const Json& o, std::string_view key, const std::string& at,
                                 const std::string& currency) {
  const Json* v = Find(o, key);
  if (!v) {
    Fail(Path(at, key), "missing (required)");
    return model::Money::Zero(currency);
  }
  if (!v->is_string() && !IsJsonNumber(*v)) {
    Fail(Path(at, key), "expected a money amount, got " + JsonTypeName(*v));
    return model::Money::Zero(currency);
  }
  auto m = model::Money::Parse(ScalarText(*v), currency);
  if (!m.ok()) {
    Fail(Path(at, key), m.status().message());
    return model::Money::Zero(currency);
  }
  return *m;
}

model::Money FieldReader::RoundedAmount(const Json& o, std::string_view key, const std::string& at,
                                        const std::string& currency) {
  const Json* v = Find(o, key);
  if (!v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()))
    return model::Money::Zero(currency);
  if (!v->is_string() && !IsJsonNumber(*v)) {
    Fail(Path(at, key), "expected a money amount, got " + JsonTypeName(*v));
    return model::Money::Zero(currency);
  }
  auto d = Decimal::ParseRounded(ScalarText(*v));
  if (!d.ok()) {
    Fail(Path(at, key), d.status().message());
    return model::Money::Zero(currency);
  }
  return model::Money::FromDecimal(*d, currency);
}

std::optional<model::Money> FieldReader::Price(const Json& o, std::string_view key, const std::string& at,
                                               const std::string& currency) {
  const Json* v = Find(o, key);
  if (!v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()))
    return std::nullopt;
  model::Money m = RoundedAmount(o, key, at, currency);
  if (!ok()) return std::nullopt;
  return m;
}

Decimal FieldReader::Number(const Json& o, std::string_view key, const std::string& at, Decimal fallback) {
  auto d = OptionalNumber(o, key, at);
  return d ? *d : fallback;
}

std::optional<Decimal> FieldReader::OptionalNumber(const Json& o, std::string_view key, const std::string& at) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string() && v->get_ref<const std::string&>().empty()) return std::nullopt;
  if (!v->is_string() && !IsJsonNumber(*v)) {
    Fail(Path(at, key), "expected a number, got " + JsonTypeName(*v));
    return std::nullopt;
  }
  auto d = DecimalFromJson(*v, /*rounded=*/true);
  if (!d.ok()) {
    Fail(Path(at, key), d.status().message());
    return std::nullopt;
  }
  return *d;
}

int64_t FieldReader::Date(const Json& o, std::string_view key, const std::string& at) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return 0;
  if (!v->is_string() || IsJsonNumber(*v)) {
    Fail(Path(at, key), "expected a date string, got " + JsonTypeName(*v));
    return 0;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty()) return 0;
  int64_t ms = ParseIso8601(s);
  if (ms < 0) {
    Fail(Path(at, key), "invalid date '" + Shown(s) + "'");
    return 0;
  }
  return ms;
}

const Json* FieldReader::Array(const Json& o, std::string_view key, const std::string& at) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array()) {
    Fail(Path(at, key), "expected an array, got " + JsonTypeName(*v));
    return nullptr;
  }
  return v;
}

const Json* FieldReader::Object(const Json& o, std::string_view key, const std::string& at) {
  const Json* v = Find(o, key);
  if (!v || v->is_null()) return nullptr;
  // PHP encodes an empty associative array as [].
  if (v->is_array() && v->empty()) return nullptr;
  if (!v->is_object()) {
    Fail(Path(at, key), "expected an object, got " + JsonTypeName(*v));
    return nullptr;
  }
  return v;
}

model::Address FieldReader::Address(const Json& o, std::string_view key, const std::string& at) {
  model::Address a;
  const Json* v = Object(o, key, at);
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

}  // namespace es::woo::detail
